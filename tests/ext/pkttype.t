# pkttype match: [!] --pkt-type unicast|broadcast|multicast|otherhost (case-insensitive).
# Aliases: host = unicast, bcast = broadcast, mcast = multicast. No abbreviations, no numbers.
# Save prints the canonical lower-case name.
:INPUT,FORWARD,OUTPUT
-m pkttype --pkt-type unicast;=;OK
-m pkttype ! --pkt-type unicast;=;OK
-m pkttype --pkt-type broadcast;=;OK
-m pkttype ! --pkt-type broadcast;=;OK
-m pkttype --pkt-type multicast;=;OK
-m pkttype --pkt-type otherhost;=;OK
-m pkttype --pkt-type host;-m pkttype --pkt-type unicast;OK
-m pkttype --pkt-type bcast;-m pkttype --pkt-type broadcast;OK
-m pkttype ! --pkt-type mcast;-m pkttype ! --pkt-type multicast;OK
-m pkttype --pkt-type BROADCAST;-m pkttype --pkt-type broadcast;OK
-m pkttype --pkt-type Multicast;-m pkttype --pkt-type multicast;OK
-m pkttype;;FAIL
-m pkttype --pkt-type foo;;FAIL
-m pkttype --pkt-type uni;;FAIL
-m pkttype --pkt-type outgoing;;FAIL
-m pkttype --pkt-type loopback;;FAIL
-m pkttype --pkt-type 1;;FAIL
-m pkttype --pkt-type unicast --pkt-type broadcast;;FAIL
! -m pkttype --pkt-type unicast;;FAIL
*mangle
:PREROUTING,POSTROUTING
-m pkttype --pkt-type multicast;=;OK
@ipv6
*filter
:INPUT,OUTPUT
-m pkttype ! --pkt-type multicast;=;OK
-m pkttype --pkt-type host;-m pkttype --pkt-type unicast;OK
