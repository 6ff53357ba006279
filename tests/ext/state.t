# state match. With iptables-nft 1.8.9 "-m state" is kept as "-m state" (NOT rewritten to conntrack).
# Save prints states in the fixed order INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED, deduplicated, upper case.
# Input names are case-insensitive. SNAT/DNAT are NOT valid for --state (only for --ctstate).
# legacy: identical output and the same error messages for every case here.
:INPUT,FORWARD,OUTPUT,fwck_user
-m state --state NEW;=;OK
-m state --state ESTABLISHED,RELATED;-m state --state RELATED,ESTABLISHED;OK
-m state --state RELATED,ESTABLISHED -j ACCEPT;=;OK
-m state --state UNTRACKED,ESTABLISHED,RELATED,NEW,INVALID;-m state --state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED;OK
-m state --state RELATED,ESTABLISHED,INVALID;-m state --state INVALID,RELATED,ESTABLISHED;OK
-m state --state INVALID,UNTRACKED;=;OK
-m state --state UNTRACKED;=;OK
-m state --state new;-m state --state NEW;OK
-m state --state New,established;-m state --state NEW,ESTABLISHED;OK
-m state --state NEW,NEW;-m state --state NEW;OK
-m state ! --state NEW;=;OK
-m state ! --state INVALID,UNTRACKED;=;OK
-m state --st NEW;-m state --state NEW;OK
-m state --state=NEW;-m state --state NEW;OK
-m state --state NEW -m state --state INVALID;=;OK
-m state --state NEW -m comment --comment x;=;OK
-p tcp -m state --state NEW --dport 22;-p tcp -m state --state NEW -m tcp --dport 22;OK
-m state --state SNAT;;FAIL
-m state --state DNAT;;FAIL
-m state --state UNTRACKED,SNAT,NEW;;FAIL
-m state --state ! NEW;;FAIL
-m state --state NEW,;;FAIL
-m state --state ,NEW;;FAIL
-m state --state FOO;;FAIL
-m state --state "";;FAIL
-m state --state "NEW, ESTABLISHED";;FAIL
-m state;;FAIL
-m state --state NEW --state INVALID;;FAIL
--state NEW;;FAIL
*nat
:PREROUTING,OUTPUT,POSTROUTING
-m state --state NEW;=;OK
*raw
:PREROUTING,OUTPUT
-m state --state UNTRACKED;=;OK
@ipv6
*filter
:INPUT,OUTPUT
-m state --state ESTABLISHED,NEW;-m state --state NEW,ESTABLISHED;OK
-m state --state SNAT;;FAIL
