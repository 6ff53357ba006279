# NOTRACK target: no options; printed as "-j NOTRACK" (not converted to CT --notrack).
# Kernel: table raw only (PREROUTING, OUTPUT, user chains).
*raw
:PREROUTING,OUTPUT,USR
-j NOTRACK;=;OK
-p udp -m udp --dport 53 -j NOTRACK;=;OK
-p icmp -m icmp --icmp-type 8 -j NOTRACK;=;OK
! -s 10.0.0.0/8 -j NOTRACK;=;OK
-j NOTRACK --foo;;FAIL
-j NOTRACK --notrack;;FAIL
-j notrack;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j NOTRACK;;FAIL
*mangle
:PREROUTING,OUTPUT
-j NOTRACK;;FAIL
*nat
:PREROUTING,OUTPUT
-j NOTRACK;;FAIL
*security
:OUTPUT
-j NOTRACK;;FAIL
@ipv6
*raw
:PREROUTING,OUTPUT
-j NOTRACK;=;OK
-p tcp -j NOTRACK;=;OK
*filter
:INPUT
-j NOTRACK;;FAIL
