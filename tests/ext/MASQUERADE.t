# MASQUERADE target: --to-ports PORT[-PORT] (alias --to-port; needs -p tcp|udp|sctp|dccp|icmp;
# "-" only, ":" gives "Invalid port:port syntax - use dash"), --random, --random-fully
# (no --persistent). Save order: --to-ports, --random, --random-fully; PORT-PORT prints PORT.
# Kernel: table nat, hook POSTROUTING only (and user chains).
*nat
:POSTROUTING,USR
-j MASQUERADE;=;OK
-p tcp -j MASQUERADE --to-ports 1000;=;OK
-p tcp -j MASQUERADE --to-ports 1000-2000;=;OK
-p udp -j MASQUERADE --to-ports 1000-1000;-p udp -j MASQUERADE --to-ports 1000;OK
-p tcp -j MASQUERADE --to-port 99;-p tcp -j MASQUERADE --to-ports 99;OK
-p tcp -j MASQUERADE --to-ports http;-p tcp -j MASQUERADE --to-ports 80;OK
-p tcp -j MASQUERADE --to-ports 0;=;OK
-p sctp -j MASQUERADE --to-ports 1000;=;OK
-p icmp -j MASQUERADE --to-ports 1000;=;OK
! -p tcp -j MASQUERADE --to-ports 1000;=;OK
-j MASQUERADE --random;=;OK
-j MASQUERADE --random-fully;=;OK
-j MASQUERADE --random-fully --random;-j MASQUERADE --random --random-fully;OK
-p tcp -j MASQUERADE --random-fully --to-ports 1000 --random;-p tcp -j MASQUERADE --to-ports 1000 --random --random-fully;OK
-j MASQUERADE --to-ports 1000;;FAIL
-p udplite -j MASQUERADE --to-ports 1000;;FAIL
-p tcp -j MASQUERADE --to-ports 2000-1000;;FAIL
-p tcp -j MASQUERADE --to-ports 1000:2000;;FAIL
-p tcp -j MASQUERADE --to-ports 65536;;FAIL
-j MASQUERADE --persistent;;FAIL
-p tcp -j MASQUERADE --to-ports 1 --to-ports 2;;FAIL
:PREROUTING,INPUT,OUTPUT
-j MASQUERADE;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j MASQUERADE;;FAIL
*mangle
:POSTROUTING
-j MASQUERADE;;FAIL
@ipv6
*nat
:POSTROUTING
-j MASQUERADE;=;OK
-p tcp -j MASQUERADE --to-ports 5-6 --random;=;OK
:OUTPUT
-j MASQUERADE;;FAIL
