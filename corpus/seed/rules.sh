# The COUNT chain from the network-namespaces tutorial (shared/seed), typed at
# a root shell inside namespace test-1 while `watch -d iptables -vnL` runs.
# The "$ " is the shell prompt, kept as the tutorial prints it.
$ iptables -N COUNT
$ iptables -A INPUT -j COUNT
$ iptables -A COUNT -d 192.168.2.1 -j RETURN
