# standard targets: -j ACCEPT|DROP|RETURN (upper case only), -j CHAIN / -g CHAIN to a user chain
# declared in the same table (":CHAIN - [0:0]"). --jump/--goto are the long forms; save prints -j/-g.
# The target is always printed last, after all matches. "! -j" and two -j/-g are rejected.
# Jump/goto to an undeclared chain fails ("Chain 'X' does not exist"); lower-case accept/drop are
# treated as (missing) chain names; -g needs a user chain (not ACCEPT/DROP/RETURN); jumping to a
# built-in chain is rejected by the kernel.
# legacy: -j QUEUE is accepted by legacy; on this nft setup it fails (RULE_APPEND ... No such file).
-N TGT
:INPUT,FORWARD,OUTPUT
-j ACCEPT;=;OK
-j DROP;=;OK
-j RETURN;=;OK
--jump ACCEPT;-j ACCEPT;OK
-j TGT;=;OK
-g TGT;=;OK
--goto TGT;-g TGT;OK
-j DROP -p tcp;-p tcp -j DROP;OK
-j TGT ! -s 1.2.3.4;! -s 1.2.3.4/32 -j TGT;OK
-p udp -g TGT;=;OK
-j NOSUCH;;FAIL
-g NOSUCH;;FAIL
-j accept;;FAIL
-j Drop;;FAIL
-g ACCEPT;;FAIL
-g RETURN;;FAIL
! -j ACCEPT;;FAIL
-j ACCEPT -j DROP;;FAIL
-j TGT -g TGT;;FAIL
-j;;FAIL
-j ACCEPT --foo;;FAIL
-j INPUT;;FAIL
-g OUTPUT;;FAIL
:TGT
-j TGT;=;OK
-j RETURN;=;OK
# nat: iptables refuses DROP ("The "nat" table is not intended for filtering ...")
*nat
-N NT
:PREROUTING,OUTPUT,POSTROUTING,NT
-j ACCEPT;=;OK
-j NT;=;OK
-j DROP;;FAIL
@ipv6
*mangle
-N M6
:PREROUTING,POSTROUTING
-g M6;=;OK
-j DROP;=;OK
