#!/bin/bash
# app1: the firewall as provisioned, then edited in place during change
# CHG-2291 (move the app behind the load balancers, open metrics, clean up).
# Replaying the whole file from a fresh boot gives today's rule set.

# --- start from a clean slate (harmless on a fresh boot) ---------------------
iptables -F
iptables -X
iptables -t nat -F
iptables -t nat -X

# --- as provisioned -----------------------------------------------------------
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -p tcp --dport ssh -j ACCEPT
iptables -A INPUT -p tcp --dport 8080 -j ACCEPT
iptables -A INPUT -p icmp --icmp-type echo-request -j ACCEPT
iptables -A INPUT -p udp --dport 161 -j ACCEPT
iptables -N app
iptables -N legacy
iptables -N scratch
iptables -A INPUT -s 10.0.0.0/8 -j app
iptables -A app -p tcp --dport 8443 -j ACCEPT
iptables -A app -p tcp --dport 9000:9010 -j ACCEPT
iptables -A legacy -p tcp --dport 8009 -j ACCEPT
iptables -A legacy -p tcp --dport 1099 -j ACCEPT
iptables -A INPUT -j legacy
iptables -A INPUT -j LOG --log-prefix "app1 drop: "

# redirect 80 -> 8080 for clients that forget the port
iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080
iptables -t nat -A OUTPUT -o lo -p tcp --dport 80 -j REDIRECT --to-ports 8080
iptables -t nat -A PREROUTING -p tcp --dport 443 -j REDIRECT --to-ports 8443

# --- CHG-2291 -----------------------------------------------------------------
# 1. a scanner hammering us: block it before anything else (-I, no position)
iptables -I INPUT -s 203.0.113.66 -j DROP
# 2. ssh only from the jump hosts: delete the open rule (added above as
#    "--dport ssh": -D compares rules, not spellings), then insert at 3
iptables -D INPUT -p tcp -m tcp --dport 22 -j ACCEPT
sudo iptables -I INPUT 3 -s 10.0.5.10,10.0.5.11 -p tcp --dport 22 \
    -m comment --comment "jump hosts" -j ACCEPT
# 3. 8080 only from the load balancers (rule 6 after the inserts above)
iptables -R INPUT 6 -s 10.0.7.0/255.255.255.0 -p tcp --dport http-alt -j ACCEPT
# 4. SNMP is gone, monitoring scrapes metrics instead (delete by number)
iptables -D INPUT 8
iptables -I INPUT 8 -s 10.0.9.20 -p tcp --dport 9100 -m comment --comment 'prometheus' -j ACCEPT
# 5. the app chain gets a clearer name (INPUT keeps jumping to it)
iptables -E app app_in
iptables -A app_in -p tcp --dport 9443 -j ACCEPT
# 6. nothing uses the AJP / RMI ports any more: empty the chain, keep it
#    around (still jumped to) until the next maintenance window
iptables -F legacy
# 7. remove the unused scratch chain
iptables -X scratch
# 8. nat: the 443 redirect is now done by the load balancers
iptables -t nat -D PREROUTING -p tcp --dport https -j REDIRECT --to-ports 8443
iptables -t nat -I PREROUTING -s 10.0.7.0/24 -p tcp --dport 80 -j ACCEPT
# 9. log less
iptables -R INPUT 11 -m limit --limit 10/min -j LOG --log-prefix "app1 drop: "
iptables -A INPUT -p tcp -j REJECT --reject-with tcp-reset
# 10. outbound: the app may not talk to the old database any more
iptables -P OUTPUT ACCEPT
iptables -A OUTPUT -d 10.0.3.30 -p tcp --dport 3306 -j REJECT
iptables -I OUTPUT 1 -o lo -j ACCEPT
# start counting from zero for the verification after the change
iptables -Z
iptables -t nat -Z
