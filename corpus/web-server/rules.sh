#!/bin/bash
# Firewall for www1.example.com, a public web server (nginx + php-fpm).
# Management network: 10.20.0.0/24 (bastion hosts), monitoring at 10.20.0.50,
# database at 10.20.1.15, resolvers 10.20.0.2 and 10.20.0.3.
# Run once at boot by /etc/network/if-pre-up.d/firewall.

# --- default policies: drop everything not allowed below -------------------
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -P OUTPUT DROP

# --- INPUT -------------------------------------------------------------------
# loopback, and nothing pretending to be loopback on the wire
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT ! -i lo -s 127.0.0.0/8 -j DROP

# return traffic of connections we made or accepted
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -m conntrack --ctstate INVALID -j DROP

# no fragments: nothing legitimate sends them to this box
iptables -A INPUT -f -j DROP

# ssh only from the bastion hosts
sudo iptables -A INPUT -s 10.20.0.0/24 -p tcp --dport ssh -m conntrack --ctstate NEW \
    -m comment --comment "ssh from bastion hosts" -j ACCEPT

# the web site itself
iptables -A INPUT -p tcp -m multiport --dports http,https -m conntrack --ctstate NEW -m comment --comment 'public web' -j ACCEPT
iptables -A INPUT -p udp --dport 443 -m comment --comment "HTTP/3 (QUIC)" -j ACCEPT

# node_exporter and nginx status for the monitoring server
iptables -A INPUT -s 10.20.0.50 -p tcp -m multiport --dports 9100,9113 -j ACCEPT

# ping, rate limited; the ICMP errors PMTU discovery needs
iptables -A INPUT -p icmp --icmp-type echo-request -m limit --limit 5/second --limit-burst 10 -j ACCEPT
iptables -A INPUT -p icmp --icmp-type echo-request -j DROP
iptables -A INPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT
iptables -A INPUT -p icmp --icmp-type time-exceeded -j ACCEPT

# silently drop the broadcast noise of the hosting LAN before logging
iptables -A INPUT -p udp --dport 137:138 -j DROP
iptables -A INPUT -d 255.255.255.255 -j DROP

# log what is left (not too much) and drop it
iptables -A INPUT -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[fw INPUT drop] " --log-level warning
iptables -A INPUT -j DROP

# --- OUTPUT ------------------------------------------------------------------
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT

# name resolution and time
iptables -A OUTPUT -d 10.20.0.2 -p udp --dport domain -j ACCEPT
iptables -A OUTPUT -d 10.20.0.3 -p udp --dport domain -j ACCEPT
iptables -A OUTPUT -d 10.20.0.2 -p tcp --dport domain -j ACCEPT
iptables -A OUTPUT -p udp --dport ntp -m owner --uid-owner root -j ACCEPT

# php-fpm runs as www-data: it may reach the database and nothing else
iptables -A OUTPUT -d 10.20.1.15 -p tcp --dport 5432 -m owner --uid-owner www-data -m comment --comment "php -> postgres" -j ACCEPT
sudo iptables -A OUTPUT -m owner --uid-owner www-data -j LOG --log-prefix "[fw www-data egress] "
iptables -A OUTPUT -m owner --uid-owner www-data -j DROP

# package updates and certificate renewal (root only)
iptables -A OUTPUT -p tcp -m multiport --dports http,https -m owner --uid-owner root -j ACCEPT
# mail to the relay
iptables -A OUTPUT -d 10.20.0.25 -p tcp --dport smtp -j ACCEPT
iptables -A OUTPUT -p icmp --icmp-type echo-request -j ACCEPT

iptables -A OUTPUT -m limit --limit 3/min -j LOG --log-prefix "[fw OUTPUT drop] " --log-uid
iptables -A OUTPUT -j DROP
