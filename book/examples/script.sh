#!/bin/bash
# A command script as people write them.
sudo iptables -P INPUT DROP
sudo iptables -A INPUT -i lo -j ACCEPT
sudo ip netns exec fw iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
$ iptables -A INPUT -p tcp --dport ssh \
      -s 10.0.0.0/255.255.255.0 \
      -m comment --comment 'ssh from the admin LAN' -j ACCEPT
iptables -A INPUT -p tcp -m multiport --dports http,https -j ACCEPT   # web
ip6tables -A INPUT -p ipv6-icmp --icmpv6-type echo-request -j ACCEPT
