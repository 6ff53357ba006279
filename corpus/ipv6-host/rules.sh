#!/bin/bash
# ns2.example.net: authoritative DNS and NTP server on an IPv6-only network.
#   public prefix   2001:db8:53::/64 (ns2 is 2001:db8:53::2)
#   operations      2001:db8:10::/48 (ssh), monitoring 2001:db8:10:5::10
# Address autoconfiguration and neighbour discovery must keep working,
# so the ICMPv6 rules come first.

ip6tables -P INPUT DROP
ip6tables -P FORWARD DROP
ip6tables -P OUTPUT ACCEPT

ip6tables -A INPUT -i lo -j ACCEPT
ip6tables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
ip6tables -A INPUT -m conntrack --ctstate INVALID -j DROP

# --- ICMPv6 (RFC 4890) ---------------------------------------------------------
# neighbour discovery is only valid with hop limit 255 (never routed)
ip6tables -A INPUT -p ipv6-icmp --icmpv6-type router-advertisement -s fe80::/10 -m hl --hl-eq 255 -j ACCEPT
ip6tables -A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -m hl --hl-eq 255 -j ACCEPT
ip6tables -A INPUT -p ipv6-icmp --icmpv6-type neighbour-advertisement -m hl --hl-eq 255 -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type redirect -j DROP
# multicast listener discovery, link-local only
ip6tables -A INPUT -s fe80::/10 -p icmpv6 --icmpv6-type 130 -m hl --hl-eq 1 -j ACCEPT
ip6tables -A INPUT -s fe80::/10 -p icmpv6 --icmpv6-type 143 -m hl --hl-eq 1 -j ACCEPT
# errors that path MTU discovery and traceroute need
ip6tables -A INPUT -p icmpv6 --icmpv6-type destination-unreachable -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type packet-too-big -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type time-exceeded -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type parameter-problem -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type echo-request -m limit --limit 20/second --limit-burst 50 -j ACCEPT

# --- DHCPv6 client (for the DNS options from the router) -------------------
ip6tables -A INPUT -s fe80::/10 -d fe80::/10 -p udp --sport dhcpv6-server --dport dhcpv6-client -j ACCEPT

# --- services ---------------------------------------------------------------------
ip6tables -A INPUT -p udp --dport domain -m comment --comment "authoritative DNS" -j ACCEPT
ip6tables -A INPUT -p tcp --dport domain -m conntrack --ctstate NEW -m comment --comment "DNS over TCP, zone transfers" -j ACCEPT
ip6tables -A INPUT -d 2001:db8:53::2/128 -p udp --dport ntp -j ACCEPT
sudo ip6tables -A INPUT -s 2001:db8:10::/48 -p tcp --dport ssh -m conntrack --ctstate NEW -j ACCEPT
ip6tables -A INPUT -s 2001:db8:10:5::10 -p tcp -m multiport --dports 9100,9119 \
    -m comment --comment 'node and bind exporters' -j ACCEPT
# answer, don't stay silent: the operations network gets quick errors
ip6tables -A INPUT -p tcp -j REJECT --reject-with tcp-reset
ip6tables -A INPUT -p udp -j REJECT --reject-with icmp6-port-unreachable
ip6tables -A INPUT -j REJECT --reject-with icmp6-adm-prohibited

# --- OUTPUT ---------------------------------------------------------------------
# this host is not a router: never send router advertisements or redirects
ip6tables -A OUTPUT -p icmpv6 --icmpv6-type router-advertisement -j DROP
ip6tables -A OUTPUT -p icmpv6 --icmpv6-type redirect -j DROP
# nothing on this box sends mail: catch a compromised daemon early
ip6tables -A OUTPUT -p tcp -m multiport --dports smtp,submission -j REJECT --reject-with tcp-reset
