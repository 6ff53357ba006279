# Built-in (non -m) matches: -s -d -i -o -p -f, as printed by iptables-save 1.8.9 (nf_tables).
# Print order is always: [!] -s, [!] -d, [!] -i, [!] -o, [!] -p, [!] -f, then matches, then -j/-g,
# whatever order they were given in.
# A rule whose matches all vanish (e.g. "-s 0.0.0.0/0", "-p all", "-i +") is saved as a bare "-A CHAIN";
# the cases below add "-j ACCEPT" so that there is something after "-A CHAIN ".
# Multiple addresses: "-s 1.1.1.1,2.2.2.2" is expanded by restore into TWO rules:
#   -A FORWARD -s 1.1.1.1/32 ...   and   -A FORWARD -s 2.2.2.2/32 ...
# "-d 1.1.1.1,2.2.2.2 -s 3.3.3.3,4.4.4.4" gives 4 rules, source outer loop, destination inner loop:
#   -s 3.3.3.3/32 -d 1.1.1.1/32 | -s 3.3.3.3/32 -d 2.2.2.2/32 | -s 4.4.4.4/32 -d 1.1.1.1/32 | -s 4.4.4.4/32 -d 2.2.2.2/32
# Duplicates are not removed: "-s 1.1.1.1,1.1.1.1" gives two identical rules.
# "-s 1.2.3.4,5.6.7.8/24" -> "-s 1.2.3.4/32" and "-s 5.6.7.0/24" (mask per element).
# The old "-s ! 1.2.3.4" / "-i ! eth0" / "-p ! tcp" forms are NOT accepted by 1.8.9 (Bad argument / unknown protocol "!").
# Long aliases: --source/--src, --destination/--dst, --in-interface, --out-interface, --protocol/--proto, --fragment.
:FORWARD,fwck_user
-p tcp -o eth1 -i eth0 -d 2.2.2.2 -s 1.1.1.1 -f;-s 1.1.1.1/32 -d 2.2.2.2/32 -i eth0 -o eth1 -p tcp -f;OK
--src 1.2.3.4 --protocol tcp ! --in-interface eth0 --dst 5.6.7.0/24 --out-interface eth1;-s 1.2.3.4/32 -d 5.6.7.0/24 ! -i eth0 -o eth1 -p tcp;OK
# host gets /32, host bits are cleared, contiguous masks are printed as a prefix length
-s 10.1.2.3/8;-s 10.0.0.0/8;OK
-s 1.2.3.4/255.255.255.128;-s 1.2.3.0/25;OK
# non-contiguous masks are printed dotted, address ANDed with the mask
-s 10.0.0.0/255.0.255.0;=;OK
-s 1.2.3.4/0.0.0.255;-s 0.0.0.4/0.0.0.255;OK
# a /0 match is dropped entirely
-s 1.2.3.4/0 -d 0/0 -j ACCEPT;-j ACCEPT;OK
# surprising: short forms are zero-padded on the right, octal/hex octets, octal prefix length
-s 10;-s 10.0.0.0/32;OK
-s 010.0.0.1;-s 8.0.0.1/32;OK
-s 0x0a.0.0.1/024;-s 10.0.0.0/20;OK
! -s 1.2.3.4/24;! -s 1.2.3.0/24;OK
# legacy: "! -s 0.0.0.0/0" is accepted and printed as "! -s 0.0.0.0/0"
! -s 0.0.0.0/0;;FAIL
-s ! 1.2.3.4;;FAIL
-s 10.0.0.0/33;;FAIL
-s 1.1.1.1,;;FAIL
-s 1.2.3.4 -s 5.6.7.8;;FAIL
# interfaces: + wildcard, a lone + is "any" and dropped; names are not validated beyond length (<=15)
! -i eth+ -o eth0.100;=;OK
-i + -j ACCEPT;-j ACCEPT;OK
-i !eth0;=;OK
# an interface name with a space is printed back UNQUOTED (the output cannot be re-read as one word)
-i "eth 0";-i eth 0;OK
-i abcdefghijklmnop;;FAIL
-i ! eth0;;FAIL
# protocols: printed by /etc/protocols name (getprotobynumber), lower case; unknown numbers stay numeric
-p 6;-p tcp;OK
-p 0x11;-p udp;OK
-p 1;-p icmp;OK
-p mh;-p mobility-header;OK
-p 255;=;OK
# -p all / -p 0 means "any protocol" and is not printed
-p ALL -j ACCEPT;-j ACCEPT;OK
! -p tcp;=;OK
! -p 0;;FAIL
-p ! tcp;;FAIL
-p 256;;FAIL
-p foo;;FAIL
! -f -p tcp;-p tcp ! -f;OK
# -i is not allowed in OUTPUT/POSTROUTING, -o not in INPUT/PREROUTING (userspace check)
:OUTPUT
-i eth0;;FAIL
:INPUT
-o eth0;;FAIL
@ipv6
:FORWARD
-s 2001:DB8::1/64;-s 2001:db8::/64;OK
-s 2001:db8::/ffff:0:ffff::;-s 2001::/ffff:0:ffff::;OK
-p icmpv6;-p ipv6-icmp;OK
-p tcp -f;;FAIL
