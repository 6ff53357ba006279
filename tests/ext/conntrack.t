# conntrack match (revision 3). Print order, whatever the input order:
#   --ctstate --ctproto --ctorigsrc --ctorigdst --ctreplsrc --ctrepldst --ctorigsrcport --ctorigdstport
#   --ctreplsrcport --ctrepldstport --ctstatus --ctexpire --ctdir   (each optionally preceded by "! ")
# --ctstate order: INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT (dedup, upper case).
# --ctstatus order: EXPECTED,SEEN_REPLY,ASSURED,CONFIRMED; NONE alone prints NONE, NONE,X prints X.
# --ctproto is printed as a NUMBER. Addresses: NOT masked (host bits kept), /32 omitted, contiguous mask as /N,
# a NON-contiguous mask is silently dropped from the output (only the address is printed).
# Address parsing differs from -s: "10" is 0.0.0.10 (inet_aton), a comma list is rejected.
# Ports use the generic parser like udp: decimal, modulo 65536, reversed ranges kept, ":n" -> 0:n, "n:" -> n:65535,
# and --ctorigsrcport does not need --ctproto. --ctexpire: u32, base 0, "n:" -> n:4294967295, a:a -> a.
# --ctdir ORIGINAL|REPLY (case-insensitive) cannot be negated.
# legacy: identical output and the same error messages for every case here.
:INPUT,FORWARD,OUTPUT,fwck_user
-m conntrack --ctstate NEW;=;OK
-m conntrack --ctstate ESTABLISHED,RELATED;-m conntrack --ctstate RELATED,ESTABLISHED;OK
-m conntrack --ctstate UNTRACKED,SNAT,DNAT,ESTABLISHED,RELATED,NEW,INVALID;-m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT;OK
-m conntrack --ctstate dnat,snat,dnat;-m conntrack --ctstate SNAT,DNAT;OK
-m conntrack ! --ctstate NEW;=;OK
-m conntrack --ctproto tcp;-m conntrack --ctproto 6;OK
-m conntrack ! --ctproto ipv6-icmp;-m conntrack ! --ctproto 58;OK
-m conntrack --ctproto all;-m conntrack --ctproto 0;OK
-m conntrack --ctorigsrc 1.2.3.4/32;-m conntrack --ctorigsrc 1.2.3.4;OK
-m conntrack --ctorigsrc 1.2.3.4/255.255.255.0;-m conntrack --ctorigsrc 1.2.3.4/24;OK
-m conntrack --ctorigsrc 10.0.0.0/255.0.255.0;-m conntrack --ctorigsrc 10.0.0.0;OK
-m conntrack --ctorigsrc 0.0.0.0/0;=;OK
-m conntrack --ctorigsrc 1.2.3.4/33;-m conntrack --ctorigsrc 1.2.3.4;OK
-m conntrack --ctorigdst 10;-m conntrack --ctorigdst 0.0.0.10;OK
-m conntrack ! --ctreplsrc 3.3.3.0/24 --ctrepldst 4.4.4.4;=;OK
-m conntrack --ctproto tcp --ctorigsrcport ssh;-m conntrack --ctproto 6 --ctorigsrcport 22;OK
-m conntrack --ctorigdstport 1024:;-m conntrack --ctorigdstport 1024:65535;OK
-m conntrack --ctreplsrcport :1024;-m conntrack --ctreplsrcport 0:1024;OK
-m conntrack --ctrepldstport 3:1;=;OK
-m conntrack --ctorigsrcport 70000;-m conntrack --ctorigsrcport 4464;OK
-m conntrack --ctstatus EXPECTED,SEEN_REPLY,ASSURED,CONFIRMED;=;OK
-m conntrack --ctstatus confirmed,expected;-m conntrack --ctstatus EXPECTED,CONFIRMED;OK
-m conntrack --ctstatus NONE;=;OK
-m conntrack ! --ctstatus NONE,ASSURED;-m conntrack ! --ctstatus ASSURED;OK
-m conntrack --ctexpire 10:10;-m conntrack --ctexpire 10;OK
-m conntrack --ctexpire 10:;-m conntrack --ctexpire 10:4294967295;OK
-m conntrack ! --ctexpire 0x10:20;-m conntrack ! --ctexpire 16:20;OK
-m conntrack --ctdir original;-m conntrack --ctdir ORIGINAL;OK
-m conntrack --ctdir REPLY --ctexpire 5 --ctstatus ASSURED --ctrepldstport 4 --ctreplsrcport 3 --ctorigdstport 2 --ctorigsrcport 1 --ctrepldst 4.4.4.4 --ctreplsrc 3.3.3.3 --ctorigdst 2.2.2.2 --ctorigsrc 1.1.1.1 --ctproto tcp --ctstate NEW;-m conntrack --ctstate NEW --ctproto 6 --ctorigsrc 1.1.1.1 --ctorigdst 2.2.2.2 --ctreplsrc 3.3.3.3 --ctrepldst 4.4.4.4 --ctorigsrcport 1 --ctorigdstport 2 --ctreplsrcport 3 --ctrepldstport 4 --ctstatus ASSURED --ctexpire 5 --ctdir REPLY;OK
-m conntrack --ctstate NEW -m conntrack --ctstate INVALID;=;OK
-m conntrack --ctstate ! NEW;;FAIL
-m conntrack --ctstate NEW,;;FAIL
-m conntrack --ctproto 256;;FAIL
-m conntrack --ctorigsrc 1.1.1.1,2.2.2.2;;FAIL
-m conntrack --ctstatus FOO;;FAIL
-m conntrack --ctexpire 4294967296;;FAIL
-m conntrack ! --ctdir REPLY;;FAIL
-m conntrack;;FAIL
@ipv6
:INPUT
-m conntrack --ctorigsrc 2001:db8::1/64;=;OK
-m conntrack --ctorigsrc 2001:db8::/ffff:0:ffff::;-m conntrack --ctorigsrc 2001:db8::;OK
