# addrtype match (revision 1): --src-type / --dst-type TYPE[,TYPE...] (each negatable with "!"),
# --limit-iface-in | --limit-iface-out (mutually exclusive, not negatable).
# Type names are case-insensitive and may be abbreviated (first match in kernel order wins:
# "U" = UNSPEC). Save prints upper-case names in bit order UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,
# MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE (duplicates collapse), --src-type first.
:INPUT,FORWARD,OUTPUT
-m addrtype --src-type LOCAL;=;OK
-m addrtype ! --src-type LOCAL;=;OK
-m addrtype --dst-type local;-m addrtype --dst-type LOCAL;OK
-m addrtype ! --dst-type BROADCAST,MULTICAST;=;OK
-m addrtype --src-type UNICAST,LOCAL,BROADCAST;=;OK
-m addrtype --src-type XRESOLVE,NAT,THROW,PROHIBIT,UNREACHABLE,BLACKHOLE,MULTICAST,ANYCAST,UNSPEC;-m addrtype --src-type UNSPEC,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE;OK
-m addrtype --dst-type LOCAL --src-type UNICAST;-m addrtype --src-type UNICAST --dst-type LOCAL;OK
-m addrtype --src-type LOCAL ! --dst-type BROADCAST;=;OK
-m addrtype --src-type UNICAST,UNICAST;-m addrtype --src-type UNICAST;OK
-m addrtype --src-type loc,U,B,M;-m addrtype --src-type UNSPEC,LOCAL,BROADCAST,MULTICAST;OK
-m addrtype;;FAIL
-m addrtype --limit-iface-in;;FAIL
-m addrtype --src-type FOO;;FAIL
-m addrtype --src-type LOCAL,,UNICAST;;FAIL
-m addrtype --src-type LOCAL --limit-iface-in --limit-iface-out;;FAIL
-m addrtype ! --limit-iface-in --src-type LOCAL;;FAIL
# --limit-iface-in: not in OUTPUT/POSTROUTING hooks; --limit-iface-out: not in PREROUTING/INPUT
:INPUT,FORWARD
-m addrtype --dst-type LOCAL --limit-iface-in;=;OK
:OUTPUT,FORWARD
-m addrtype --dst-type LOCAL --limit-iface-out;=;OK
:OUTPUT
-m addrtype --dst-type LOCAL --limit-iface-in;;FAIL
:INPUT
-m addrtype --dst-type LOCAL --limit-iface-out;;FAIL
*nat
:PREROUTING
-m addrtype --dst-type LOCAL --limit-iface-in;=;OK
-m addrtype --dst-type LOCAL --limit-iface-out;;FAIL
:POSTROUTING
-m addrtype --src-type LOCAL --limit-iface-out;=;OK
-m addrtype --src-type LOCAL --limit-iface-in;;FAIL
@ipv6
*filter
:INPUT,OUTPUT
-m addrtype --src-type LOCAL;=;OK
-m addrtype ! --dst-type UNSPEC,UNICAST,ANYCAST,MULTICAST,UNREACHABLE;=;OK
# IPv6 kernel rejects BROADCAST, BLACKHOLE and PROHIBIT/THROW/NAT/XRESOLVE
-m addrtype --src-type BROADCAST;;FAIL
-m addrtype --src-type BLACKHOLE;;FAIL
-m addrtype --dst-type NAT;;FAIL
