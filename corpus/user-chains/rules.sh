#!/bin/bash
# kvm3: KVM hypervisor at site 1, filtering its own traffic and the bridged
# traffic of its VMs (br_netfilter is on, so bridged frames traverse FORWARD).
#   eth0  management   10.1.0.13/24 (every site's management net is 10.S.0.0/24)
#   eth1  storage      192.168.100.13/24 (NFS, backups)
#   br0   VM bridge    10.10.0.1/24, VMs attached as vnet0, vnet1, ...
# The ipsets "blocklist" (hash:net, fed by a cron job) and "admins" (hash:ip)
# are created by ipset-persistent before this script runs.

# ------------------------------------------------------------------ chains
iptables -N LOGDROP
iptables -N LOGREJECT
iptables -N SANITY
iptables -N BLOCKLIST
iptables -N SERVICES
iptables -N MGMT
iptables -N SSH_GUARD
iptables -N VM_TO_HOST
iptables -N VM_OUT
iptables -N VM_IN

# log (rate limited, to ulogd via nflog group 1) and drop / reject
iptables -A LOGDROP -m limit --limit 5/min --limit-burst 10 -j NFLOG --nflog-group 1 --nflog-prefix 'fw drop'
iptables -A LOGDROP -j DROP
iptables -A LOGREJECT -m limit --limit 5/min --limit-burst 10 -j NFLOG --nflog-group 1 --nflog-prefix 'fw reject'
iptables -A LOGREJECT -p tcp -j REJECT --reject-with tcp-reset
iptables -A LOGREJECT -p udp -j REJECT --reject-with icmp-port-unreachable
iptables -A LOGREJECT -j REJECT --reject-with icmp-proto-unreachable

# packets nobody should send (used for the host and for the VMs)
iptables -A SANITY -p tcp --tcp-flags ALL NONE -j LOGDROP
iptables -A SANITY -p tcp --tcp-flags SYN,FIN SYN,FIN -j LOGDROP
iptables -A SANITY -p tcp --tcp-flags SYN,RST SYN,RST -j LOGDROP
iptables -A SANITY -p tcp --tcp-flags ALL FIN,PSH,URG -j LOGDROP
iptables -A SANITY -p tcp ! --syn -m conntrack --ctstate NEW -j DROP
# a SYN without an MSS option comes from a scanner, not from a TCP stack
iptables -A SANITY -p tcp --syn ! --tcp-option 2 -j DROP
iptables -A SANITY -p icmp -m length --length 1100:65535 -j DROP
iptables -A SANITY -p icmp --icmp-type timestamp-request -j DROP
iptables -A SANITY -p icmp --icmp-type address-mask-request -j DROP
iptables -A SANITY -m conntrack --ctstate INVALID -j DROP

# known bad sources, and sources that touched a trap port within the hour
iptables -A BLOCKLIST -m set --match-set blocklist src -j LOGDROP
iptables -A BLOCKLIST -m recent --name portscan --rcheck --seconds 3600 -j DROP
iptables -A BLOCKLIST ! -i lo -m addrtype --src-type LOCAL -j DROP

# services of the host itself
iptables -A SERVICES -p tcp --dport ssh -j MGMT
iptables -A SERVICES -p tcp --dport 16514 -m comment --comment "libvirtd TLS" -j MGMT
iptables -A SERVICES -p tcp --dport 5900:5999 -m comment --comment "VM consoles (VNC)" -j MGMT
iptables -A SERVICES -i eth1 -s 192.168.100.0/255.255.255.0 -p tcp --dport nfs -j ACCEPT
iptables -A SERVICES -p icmp --icmp-type echo-request -m limit --limit 10/s --limit-burst 20 -j ACCEPT
iptables -A SERVICES -p icmp --icmp-type destination-unreachable -j ACCEPT
iptables -A SERVICES -p icmp --icmp-type time-exceeded -j ACCEPT
iptables -A SERVICES -p icmp --icmp-type parameter-problem -j ACCEPT
# trap ports: nothing listens there, whoever knocks is blocked for an hour
iptables -A SERVICES -p tcp -m multiport --dports telnet,135,microsoft-ds,ms-sql-s,3389 \
    -m recent --name portscan --set -j LOGDROP

# management: admins from anywhere, otherwise only the management nets of
# all sites (10.S.0.x, hence the non-contiguous mask)
iptables -A MGMT -m set --match-set admins src -j ACCEPT
iptables -A MGMT ! -s 10.0.0.0/255.0.255.0 -j LOGREJECT
iptables -A MGMT -p tcp --dport 22 -j SSH_GUARD
iptables -A MGMT -i eth0 -j ACCEPT
iptables -A MGMT -j LOGREJECT

# ssh brute force guard; the console laptop in the rack is exempt
iptables -A SSH_GUARD -m mac --mac-source 3C:EC:EF:10:20:30 -j ACCEPT
iptables -A SSH_GUARD -m recent --name ssh --set --rsource
iptables -A SSH_GUARD -m recent --name ssh --update --seconds 60 --hitcount 4 --rsource -j LOGDROP
iptables -A SSH_GUARD -j ACCEPT

# VMs talking to the hypervisor (reached only by goto from INPUT)
iptables -A VM_TO_HOST -p udp --sport bootpc --dport bootps -j ACCEPT
iptables -A VM_TO_HOST -d 10.10.0.1 -p udp -m multiport --dports domain,ntp -j ACCEPT
iptables -A VM_TO_HOST -d 10.10.0.1 -p tcp --dport domain -j ACCEPT
iptables -A VM_TO_HOST -p icmp --icmp-type echo-request -j ACCEPT
iptables -A VM_TO_HOST -j LOGREJECT

# traffic from the VMs: pin each tap to its VM's MAC, no spoofed addresses,
# no rogue DHCP servers, no direct mail
sudo iptables -A VM_OUT -m physdev --physdev-in vnet0 -m mac ! --mac-source 52:54:00:a1:00:01 -j LOGDROP
sudo iptables -A VM_OUT -m physdev --physdev-in vnet1 -m mac ! --mac-source 52:54:00:a1:00:02 -j LOGDROP
iptables -A VM_OUT ! -s 10.10.0.0/24 -j LOGDROP
iptables -A VM_OUT -p udp --sport bootps -j DROP
iptables -A VM_OUT -m set --match-set blocklist dst -j LOGREJECT
iptables -A VM_OUT -d 10.1.0.53 -p udp ! --dport domain -j LOGREJECT
iptables -A VM_OUT -p tcp --dport smtp -j REJECT --reject-with icmp-admin-prohibited
iptables -A VM_OUT -j ACCEPT

# traffic to the VMs
iptables -A VM_IN -j BLOCKLIST
iptables -A VM_IN -d 10.10.0.20 -p tcp -m multiport --dports http,https -j ACCEPT
iptables -A VM_IN -s 10.10.0.20 -d 10.10.0.21 -p tcp --dport postgresql -j ACCEPT
iptables -A VM_IN -s 10.0.0.0/255.0.255.0 -p tcp --dport ssh -j ACCEPT
iptables -A VM_IN -j RETURN

# ------------------------------------------------------------------ filter
iptables -P INPUT DROP
iptables -P FORWARD DROP

iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -j SANITY
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -j BLOCKLIST
# keepalived (VRRP must arrive with TTL 255) for the floating management address
iptables -A INPUT -i eth0 -d 224.0.0.18 -p 112 -m ttl --ttl-eq 255 -m pkttype --pkt-type multicast -j ACCEPT
iptables -A INPUT -i br0 -g VM_TO_HOST
iptables -A INPUT -j SERVICES
iptables -A INPUT -m pkttype --pkt-type broadcast -j DROP
iptables -A INPUT -j LOGREJECT

iptables -A FORWARD -j SANITY
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -m physdev --physdev-in vnet+ -g VM_OUT
iptables -A FORWARD -o br0 -j VM_IN
iptables -A FORWARD -j LOGDROP

# the host sends mail only through the site relay
iptables -A OUTPUT -p tcp --dport smtp ! -d 10.1.0.25 -j LOGREJECT

# ------------------------------------------------------------------ mangle
# replies to connections that came in over the storage network leave through
# it (ip rule fwmark 0x2 lookup storage); VM backups get their own class
iptables -t mangle -N mark_new
iptables -t mangle -A PREROUTING -j CONNMARK --restore-mark
iptables -t mangle -A PREROUTING -m mark ! --mark 0 -j ACCEPT
iptables -t mangle -A PREROUTING -j mark_new
iptables -t mangle -A mark_new -i eth1 -j MARK --set-mark 0x2
iptables -t mangle -A mark_new -m physdev --physdev-in vnet+ -d 192.168.100.0/24 -p tcp --dport rsync -j MARK --set-mark 0x3
iptables -t mangle -A mark_new -m mark --mark 0 -j MARK --set-mark 0x1
iptables -t mangle -A mark_new -j CONNMARK --save-mark
iptables -t mangle -A OUTPUT -m connmark --mark 0x2 -j CONNMARK --restore-mark
iptables -t mangle -A OUTPUT -m connmark --mark 0x3/0xff -j MARK --set-mark 0x3
