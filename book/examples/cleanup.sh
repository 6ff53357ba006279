# The tutorial's clean-up
iptables -F
iptables -X COUNT
