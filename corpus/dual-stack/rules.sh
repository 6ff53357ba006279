#!/bin/bash
# mx1.example.org: dual-stack mail server (Postfix + Dovecot + webmail).
#   IPv4 203.0.113.25        IPv6 2001:db8:25::25
#   admins 198.51.100.0/24   admins 2001:db8:ad::/48
# Both families get the same policy; the rules are written side by side so a
# change to one is not forgotten in the other.

iptables -P INPUT DROP
ip6tables -P INPUT DROP
iptables -P FORWARD DROP
ip6tables -P FORWARD DROP

# inbound SMTP is rate limited per server, the other mail ports are not
iptables -N MAIL
ip6tables -N MAIL

# --- basics ---------------------------------------------------------------
iptables -A INPUT -i lo -j ACCEPT
ip6tables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
ip6tables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -m state --state INVALID -j DROP
ip6tables -A INPUT -m state --state INVALID -j DROP

# --- ICMP / ICMPv6 --------------------------------------------------------
iptables -A INPUT -p icmp --icmp-type echo-request -m limit --limit 1/s --limit-burst 5 -j ACCEPT
iptables -A INPUT -p icmp --icmp-type destination-unreachable -j ACCEPT
iptables -A INPUT -p icmp --icmp-type time-exceeded -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type echo-request -m limit --limit 1/s --limit-burst 5 -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type destination-unreachable -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type packet-too-big -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type time-exceeded -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type neighbor-solicitation -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type neighbor-advertisement -j ACCEPT
ip6tables -A INPUT -p icmpv6 --icmpv6-type router-advertisement -j ACCEPT

# --- mail -------------------------------------------------------------------
iptables  -A INPUT -d 203.0.113.25 -p tcp -m multiport --dports smtp,submission,imaps,pop3s -m state --state NEW -j MAIL
ip6tables -A INPUT -d 2001:db8:25::25 -p tcp -m multiport --dports smtp,submission,imaps,pop3s -m state --state NEW -j MAIL
iptables -A MAIL -p tcp --dport smtp -m limit --limit 30/min --limit-burst 60 -j ACCEPT
iptables -A MAIL -p tcp --dport smtp -m limit --limit 1/min \
    -j LOG --log-prefix "smtp flood: " --log-level info --log-tcp-options
iptables -A MAIL -p tcp --dport smtp -j REJECT --reject-with tcp-reset
iptables -A MAIL -j ACCEPT
ip6tables -A MAIL -p tcp --dport smtp -m limit --limit 30/min --limit-burst 60 -j ACCEPT
ip6tables -A MAIL -p tcp --dport smtp -m limit --limit 1/min -j LOG --log-prefix "smtp6 flood: " --log-level info --log-tcp-options
ip6tables -A MAIL -p tcp --dport smtp -j REJECT --reject-with tcp-reset
ip6tables -A MAIL -j ACCEPT

# webmail, and ACME http-01 challenges for the certificates
iptables -A INPUT -p tcp -m multiport --dports http,https -m comment --comment "webmail + ACME" -j ACCEPT
ip6tables -A INPUT -p tcp -m multiport --dports http,https -m comment --comment "webmail + ACME" -j ACCEPT

# --- administration -----------------------------------------------------------
sudo iptables -A INPUT -s 198.51.100.0/24 -p tcp --dport ssh -j ACCEPT
sudo ip6tables -A INPUT -s 2001:db8:ad::/48 -p tcp --dport ssh -j ACCEPT
# Dovecot's doveadm HTTP API, for the admin tooling only
iptables -A INPUT -s 198.51.100.0/24 -p tcp --dport 8080 -j ACCEPT
ip6tables -A INPUT -s 2001:db8:ad::/48 -p tcp --dport 8080 -j ACCEPT

# --- everything else -------------------------------------------------------
iptables -A INPUT -p tcp -j REJECT --reject-with tcp-reset
iptables -A INPUT -j REJECT --reject-with icmp-host-prohibited
ip6tables -A INPUT -p tcp -j REJECT --reject-with tcp-reset
ip6tables -A INPUT -j REJECT --reject-with icmp6-adm-prohibited
