#!/bin/sh
# run inside the namespace: ip netns exec fwck-real-b1 sh bans.sh
C="fail2ban-client -c /tmp/fwck/f2b/etc"
$C start
sleep 2
for j in sshd sshd-new sshd-ipset nginx-http-auth mysqld-auth apache-auth dropbear recidive; do $C set $j banip 192.0.2.7; done
$C set sshd banip 198.51.100.23 203.0.113.99
for j in sshd sshd-new sshd-ipset nginx-http-auth mysqld-auth apache-auth dropbear recidive; do $C set $j banip 2001:db8::7; done
sleep 3
