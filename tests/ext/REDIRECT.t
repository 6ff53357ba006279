# REDIRECT target: --to-ports PORT[-PORT] (alias --to-port; needs -p tcp|udp|sctp|dccp|icmp),
# --random (no --random-fully / --persistent). Save order: --to-ports, --random; PORT-PORT prints PORT.
# Kernel: table nat, hooks PREROUTING and OUTPUT only (and user chains).
*nat
:PREROUTING,OUTPUT,USR
-j REDIRECT;=;OK
-p tcp -j REDIRECT --to-ports 8080;=;OK
-p tcp -j REDIRECT --to-ports 8080-8090;=;OK
-p udp -j REDIRECT --to-ports 53-53;-p udp -j REDIRECT --to-ports 53;OK
-p tcp -j REDIRECT --to-port 81;-p tcp -j REDIRECT --to-ports 81;OK
-p tcp -j REDIRECT --to-ports http;-p tcp -j REDIRECT --to-ports 80;OK
-p dccp -j REDIRECT --to-ports 1-65535;=;OK
-p icmp -j REDIRECT --to-ports 8080;=;OK
-j REDIRECT --random;=;OK
-p tcp -j REDIRECT --random --to-ports 8080;-p tcp -j REDIRECT --to-ports 8080 --random;OK
-p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128;=;OK
-j REDIRECT --to-ports 8080;;FAIL
-p udplite -j REDIRECT --to-ports 8080;;FAIL
-p tcp -j REDIRECT --to-ports 9-8;;FAIL
-p tcp -j REDIRECT --to-ports 8:9;;FAIL
-p tcp -j REDIRECT --to-ports 8080 --to-ports 8081;;FAIL
-j REDIRECT --random-fully;;FAIL
-j REDIRECT --persistent;;FAIL
-p tcp -j REDIRECT ! --to-ports 80;;FAIL
:INPUT,POSTROUTING
-j REDIRECT;;FAIL
*filter
:INPUT,OUTPUT
-j REDIRECT;;FAIL
*mangle
:PREROUTING
-j REDIRECT;;FAIL
@ipv6
*nat
:PREROUTING,OUTPUT
-j REDIRECT;=;OK
-p tcp -j REDIRECT --to-ports 80-81 --random;=;OK
:POSTROUTING
-j REDIRECT;;FAIL
