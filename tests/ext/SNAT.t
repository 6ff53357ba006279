# SNAT target (revision 2): --to-source [IP[-IP]][:PORT[-PORT]] (alias --to; only once, not
# negatable), --random, --random-fully, --persistent. Save order: --to-source, --random,
# --random-fully, --persistent. Address/port rules as for DNAT (port needs -p tcp|udp|sctp|dccp|icmp).
# Quirk: a "/BASEPORT" suffix is accepted but saved as "/0" (which cannot be restored again).
# Kernel: table nat only, hooks POSTROUTING and INPUT (and user chains).
*nat
:POSTROUTING,INPUT,USR
-j SNAT --to-source 1.2.3.4;=;OK
-j SNAT --to 1.2.3.4;-j SNAT --to-source 1.2.3.4;OK
-j SNAT --to-source 1.2.3.4-1.2.3.9;=;OK
-p tcp -j SNAT --to-source 1.2.3.4:1024-65535;=;OK
-p udp -j SNAT --to-source 1.2.3.4-1.2.3.4:53-53;-p udp -j SNAT --to-source 1.2.3.4:53;OK
-p tcp -j SNAT --to-source 1.2.3.4:0;=;OK
-p dccp -j SNAT --to-source :1000;=;OK
-p tcp -j SNAT --to-source 1.2.3.4:domain;-p tcp -j SNAT --to-source 1.2.3.4:53;OK
-j SNAT --to-source 1.2.3.4 --random;=;OK
-j SNAT --to-source 1.2.3.4 --random-fully;=;OK
-j SNAT --to-source 1.2.3.4 --persistent;=;OK
-j SNAT --persistent --random-fully --random --to-source 1.2.3.4;-j SNAT --to-source 1.2.3.4 --random --random-fully --persistent;OK
-p tcp -j SNAT --to-source 1.2.3.4:80-90/100;-p tcp -j SNAT --to-source 1.2.3.4:80-90/0;OK
-j SNAT;;FAIL
-j SNAT --to-source 1.2.3.4:1000;;FAIL
-j SNAT --to-source 1.2.3.4 --to-source 1.2.3.5;;FAIL
-j SNAT ! --to-source 1.2.3.4;;FAIL
-j SNAT --to-source 1.2.3.4.5;;FAIL
-p tcp -j SNAT --to-source 1.2.3.4:2000-1000;;FAIL
-p tcp -j SNAT --to-source 1.2.3.4:1000:2000;;FAIL
:PREROUTING,OUTPUT
-j SNAT --to-source 1.2.3.4;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j SNAT --to-source 1.2.3.4;;FAIL
*mangle
:POSTROUTING
-j SNAT --to-source 1.2.3.4;;FAIL
@ipv6
*nat
:POSTROUTING,INPUT
-j SNAT --to-source 2001:db8::1;=;OK
-j SNAT --to-source [2001:db8::1];-j SNAT --to-source 2001:db8::1;OK
-p tcp -j SNAT --to-source [2001:db8::1]:1024-2048 --random-fully;=;OK
-j SNAT --to-source 1.2.3.4;;FAIL
:PREROUTING
-j SNAT --to-source ::1;;FAIL
