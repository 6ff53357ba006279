# REJECT target: --reject-with TYPE (not negatable, once). Kernel: table "filter" only, hooks
# INPUT/FORWARD/OUTPUT (user chains of filter too). Default printed by save:
# icmp-port-unreachable (IPv4) / icmp6-port-unreachable (IPv6).
# TYPE matching is case-insensitive PREFIX matching against name or alias, first table entry wins
# (IPv4 order: icmp-net-unreachable/net-unreach, icmp-host-unreachable/host-unreach,
# icmp-port-unreachable/port-unreach, icmp-proto-unreachable/proto-unreach,
# icmp-net-prohibited/net-prohib, icmp-host-prohibited/host-prohib, tcp-reset/tcp-rst,
# icmp-admin-prohibited/admin-prohib), so "icmp" or "" = icmp-net-unreachable, "t" = tcp-reset.
# tcp-reset requires "-p tcp" (not negated) — rejected by the kernel otherwise.
:INPUT,FORWARD,OUTPUT,USR
-j REJECT;-j REJECT --reject-with icmp-port-unreachable;OK
-j REJECT --reject-with icmp-net-unreachable;=;OK
-j REJECT --reject-with net-unreach;-j REJECT --reject-with icmp-net-unreachable;OK
-j REJECT --reject-with host-unreach;-j REJECT --reject-with icmp-host-unreachable;OK
-j REJECT --reject-with proto-unreach;-j REJECT --reject-with icmp-proto-unreachable;OK
-j REJECT --reject-with net-prohib;-j REJECT --reject-with icmp-net-prohibited;OK
-j REJECT --reject-with admin-prohib;-j REJECT --reject-with icmp-admin-prohibited;OK
-j REJECT --reject-with ICMP-HOST;-j REJECT --reject-with icmp-host-unreachable;OK
-j REJECT --reject-with "";-j REJECT --reject-with icmp-net-unreachable;OK
-p tcp -j REJECT --reject-with tcp-reset;=;OK
-p tcp -j REJECT --reject-with tcp-rst;-p tcp -j REJECT --reject-with tcp-reset;OK
-p 6 -j REJECT --reject tcp;-p tcp -j REJECT --reject-with tcp-reset;OK
-j REJECT --reject-with tcp-reset;;FAIL
! -p tcp -j REJECT --reject-with tcp-reset;;FAIL
-j REJECT --reject-with foo;;FAIL
-j REJECT --reject-with icmp6-no-route;;FAIL
-j REJECT ! --reject-with tcp-reset;;FAIL
# not allowed outside the filter table
*mangle
:PREROUTING,INPUT,FORWARD,OUTPUT,POSTROUTING
-j REJECT;;FAIL
*raw
:PREROUTING,OUTPUT
-j REJECT;;FAIL
*nat
:PREROUTING,OUTPUT
-j REJECT;;FAIL
*security
:INPUT,OUTPUT
-j REJECT;;FAIL
@ipv6
# IPv6 types: icmp6-no-route/no-route, icmp6-adm-prohibited/adm-prohibited,
# icmp6-addr-unreachable/addr-unreach, icmp6-port-unreachable/port-unreach,
# icmp6-policy-fail/policy-fail, icmp6-reject-route/reject-route, tcp-reset (no tcp-rst alias).
*filter
:INPUT,FORWARD,OUTPUT
-j REJECT;-j REJECT --reject-with icmp6-port-unreachable;OK
-j REJECT --reject-with no-route;-j REJECT --reject-with icmp6-no-route;OK
-j REJECT --reject-with adm-prohibited;-j REJECT --reject-with icmp6-adm-prohibited;OK
-j REJECT --reject-with addr-unreach;-j REJECT --reject-with icmp6-addr-unreachable;OK
-j REJECT --reject-with icmp6-policy-fail;=;OK
-j REJECT --reject-with reject-route;-j REJECT --reject-with icmp6-reject-route;OK
-p tcp -j REJECT --reject-with tcp-reset;=;OK
-p tcp -j REJECT --reject-with tcp-rst;;FAIL
-j REJECT --reject-with icmp-port-unreachable;;FAIL
