# The tutorial's rules, and a rule that counts what leaves test-2.
$ iptables -N COUNT
$ iptables -A INPUT -j COUNT
$ iptables -A COUNT -d 192.168.2.1 -j RETURN
$ iptables -A OUTPUT -p icmp
