# DNAT target (revision 2): --to-destination [IP[-IP]][:PORT[-PORT[/BASEPORT]]] (alias --to; only
# once), --random, --persistent (no --random-fully). Save order: --to-destination, --random,
# --persistent. IPs must be strict dotted quads (no "1.2.3", no leading zeros, no names, no /mask).
# A port needs "-p tcp|udp|sctp|dccp|icmp" (checked on the protocol number only, so "! -p tcp" passes;
# udplite is refused: "Need TCP, UDP, SCTP or DCCP with port specification"). Service names are
# resolved (http -> 80). IP-IP and PORT-PORT with equal ends print a single value; PORT ranges must
# not be reversed ("Port range `80' funky"); an IP range may be reversed.
# IPv6: an address with a port must be in brackets "[ADDR]:PORT" and is printed that way; without a
# port the brackets are dropped; "A-B" ranges go inside the brackets.
# Kernel: table nat only, hooks PREROUTING and OUTPUT (and user chains).
*nat
:PREROUTING,OUTPUT,USR
-j DNAT --to-destination 1.2.3.4;=;OK
-j DNAT --to 1.2.3.4;-j DNAT --to-destination 1.2.3.4;OK
-j DNAT --to-destination 1.2.3.4-1.2.3.10;=;OK
-j DNAT --to-destination 1.2.3.4-1.2.3.4;-j DNAT --to-destination 1.2.3.4;OK
-j DNAT --to-destination 1.2.3.5-1.2.3.4;=;OK
-p tcp -j DNAT --to-destination 1.2.3.4:80;=;OK
-p tcp -j DNAT --to-destination 1.2.3.4:http;-p tcp -j DNAT --to-destination 1.2.3.4:80;OK
-p udp -j DNAT --to-destination 1.2.3.4-1.2.3.5:80-90;=;OK
-p tcp -j DNAT --to-destination 1.2.3.4:80-80;-p tcp -j DNAT --to-destination 1.2.3.4:80;OK
-p tcp -j DNAT --to-destination 1.2.3.4:80-90/100;=;OK
-p sctp -j DNAT --to-destination :80;=;OK
-p icmp -j DNAT --to-destination 1.2.3.4:80;=;OK
! -p tcp -j DNAT --to-destination 1.2.3.4:80;=;OK
-p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8080 --persistent --random;-p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8080 --random --persistent;OK
-j DNAT;;FAIL
-j DNAT --to-destination 1.2.3.4:80;;FAIL
-p udplite -j DNAT --to-destination 1.2.3.4:80;;FAIL
-j DNAT --to-destination 1.2.3.4 --to-destination 5.6.7.8;;FAIL
-j DNAT --to-destination 1.2.3.4/24;;FAIL
-j DNAT --to-destination 1.2.3;;FAIL
-p tcp -j DNAT --to-destination 1.2.3.4:90-80;;FAIL
-p tcp -j DNAT --to-destination 1.2.3.4:65536;;FAIL
-p tcp -j DNAT --to-destination 1.2.3.4:80/100;;FAIL
-p tcp -j DNAT --to-destination 1.2.3.4 --random-fully;;FAIL
:INPUT,POSTROUTING
-j DNAT --to-destination 1.2.3.4;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j DNAT --to-destination 1.2.3.4;;FAIL
*mangle
:PREROUTING,OUTPUT
-j DNAT --to-destination 1.2.3.4;;FAIL
@ipv6
*nat
:PREROUTING,OUTPUT
-j DNAT --to-destination [2001:DB8:0::1];-j DNAT --to-destination 2001:db8::1;OK
-p tcp -j DNAT --to-destination [2001:db8::1-2001:db8::10]:80-90/100 --random;=;OK
-j DNAT --to-destination 1.2.3.4;;FAIL
