# The tutorial's lab: two namespaces, rules in each.
ip netns add test-1
ip netns add test-2
ip netns exec test-1 iptables -A OUTPUT -p icmp -j ACCEPT
ip netns exec test-2 iptables -N COUNT
ip netns exec test-2 iptables -A INPUT -j COUNT
ip netns exec test-2 iptables -A COUNT -d 192.168.2.1 -j RETURN
