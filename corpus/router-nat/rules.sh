#!/bin/bash
# Office gateway gw1.
#   wan0  uplink, static 203.0.113.2/29 (203.0.113.10 is the mail address)
#   eth0  staff LAN   192.168.10.0/24   (router is .1)
#   eth1  guest LAN   192.168.20.0/24
#   dmz0  DMZ         172.16.0.0/24     (web .10, ssh jump .20, vpn .30, mail .25)
# The router runs unbound for both LANs, and an IPsec tunnel to the branch office.

# ---------------------------------------------------------------- raw
# unbound answers thousands of queries a minute: keep them out of conntrack
iptables -t raw -A PREROUTING -i eth+ -d 192.168.0.0/16 -p udp --dport 53 -j CT --notrack
iptables -t raw -A OUTPUT -o eth+ -p udp --sport 53 -j CT --notrack
iptables -t raw -A PREROUTING -i eth+ -d 192.168.0.0/16 -p tcp --dport 53 -j NOTRACK
iptables -t raw -A OUTPUT -o eth+ -p tcp --sport 53 -j NOTRACK

# ---------------------------------------------------------------- mangle
# the uplink is PPPoE underneath: clamp MSS of forwarded SYNs
iptables -t mangle -A FORWARD -o wan0 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
iptables -t mangle -A FORWARD -i wan0 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu

# ---------------------------------------------------------------- nat
# port forwards to the DMZ
iptables -t nat -A PREROUTING -i wan0 -p tcp -m multiport --dports http,https -j DNAT --to-destination 172.16.0.10
iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 2222 -j DNAT --to-destination 172.16.0.20:22
iptables -t nat -A PREROUTING -i wan0 -p udp --dport 51820 -j DNAT --to-destination 172.16.0.30:51820
iptables -t nat -A PREROUTING -d 203.0.113.10 -p tcp -m multiport --dports smtp,submission,imaps \
    -j DNAT --to-destination 172.16.0.25
# guests: transparent web proxy (squid on 3128) and our own NTP
iptables -t nat -A PREROUTING -i eth1 -p tcp --dport http -j REDIRECT --to-ports 3128
iptables -t nat -A PREROUTING -i eth1 -p udp --dport ntp -j REDIRECT --to-ports 123

# traffic to the IPsec peer's networks is not NATed
iptables -t nat -A POSTROUTING -o wan0 -s 192.168.10.0/24 -d 10.50.0.0/16 -j RETURN
# the mail server always leaves from its own address
iptables -t nat -A POSTROUTING -o wan0 -s 172.16.0.25 -j SNAT --to-source 203.0.113.10
# hairpin: staff reaching the web server by its public name
iptables -t nat -A POSTROUTING -o dmz0 -s 192.168.10.0/24 -d 172.16.0.10 -p tcp -m multiport --dports 80,443 -j SNAT --to-source 172.16.0.1
sudo iptables -t nat -A POSTROUTING -o wan0 -j MASQUERADE

# ---------------------------------------------------------------- filter
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -P OUTPUT ACCEPT

# INPUT: the router itself
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -m state --state INVALID -j DROP
iptables -A INPUT -i eth+ -p udp --dport 53 -j ACCEPT
iptables -A INPUT -i eth+ -p tcp --dport 53 -j ACCEPT
iptables -A INPUT -i eth+ -p udp --sport 68 --dport 67 -j ACCEPT
iptables -A INPUT -i eth1 -p tcp --dport 3128 -m state --state NEW -j ACCEPT
iptables -A INPUT -i eth1 -p udp --dport 123 -j ACCEPT
sudo iptables -A INPUT -i eth0 -p tcp --dport ssh -m state --state NEW -j ACCEPT
# IPsec to the branch office (IKE, NAT-T, ESP)
iptables -A INPUT -i wan0 -s 198.51.100.7 -p udp -m multiport --dports 500,4500 -j ACCEPT
iptables -A INPUT -i wan0 -s 198.51.100.7 -p 50 -j ACCEPT
iptables -A INPUT -p icmp --icmp-type echo-request -m limit --limit 2/s -j ACCEPT
iptables -A INPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT
iptables -A INPUT -i wan0 -j DROP
iptables -A INPUT -j REJECT

# FORWARD
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP
# staff: anywhere
iptables -A FORWARD -i eth0 -o wan0 -j ACCEPT
iptables -A FORWARD -i eth0 -o dmz0 -j ACCEPT
iptables -A FORWARD -i eth0 -o eth1 -j REJECT --reject-with icmp-host-prohibited
# guests: the printers (192.168.10.200-220) and the internet, nothing else
iptables -A FORWARD -i eth1 -o eth0 -m iprange --dst-range 192.168.10.200-192.168.10.220 -p tcp -m multiport --dports ipp,9100 -j ACCEPT
iptables -A FORWARD -i eth1 ! -o wan0 -j REJECT --reject-with icmp-net-prohibited
iptables -A FORWARD -i eth1 -o wan0 -p tcp -m multiport --dports smtp,submission -j REJECT --reject-with tcp-reset
iptables -A FORWARD -i eth1 -o wan0 -j ACCEPT
# the DHCP pool for laptops may use the branch office's file servers
iptables -A FORWARD -m iprange --src-range 192.168.10.100-192.168.10.149 -d 10.50.1.0/24 -p tcp --dport 445 -j ACCEPT
# published services (the DNAT rules above)
iptables -A FORWARD -i wan0 -o dmz0 -m conntrack --ctstate DNAT -j ACCEPT
# DMZ: may go out, may not start anything towards the LANs
iptables -A FORWARD -i dmz0 -o wan0 -j ACCEPT
iptables -A FORWARD -i dmz0 ! -o wan0 -j LOG --log-prefix "DMZ->LAN: "
iptables -A FORWARD -i dmz0 ! -o wan0 -j DROP
# GRE for the old PPTP appliance in the DMZ
iptables -A FORWARD -i wan0 -o dmz0 -d 172.16.0.30 -p 47 -j ACCEPT
# nothing from outside that claims to be one of ours
iptables -A FORWARD -i wan0 -s 192.168.0.0/16 -j DROP
iptables -A FORWARD ! -i eth+ -o eth+ -j DROP
