# udp match. Implicitly loaded by "-p udp" + --sport/--dport; save prints "-m udp", then [!] --sport, [!] --dport.
# Ports printed numerically; a:a -> a; 0:65535 dropped; open ranges filled in (":n" -> "0:n", "n:" -> "n:65535").
# SURPRISE: unlike tcp, udp uses the generic xtables option parser: port numbers are decimal only
# (leading zeros ignored, no hex), silently taken MODULO 65536, and reversed ranges are NOT rejected.
# Service names are looked up with /etc/services regardless of protocol (udp "ssh"/"http" work).
:INPUT,FORWARD,OUTPUT,fwck_user
-p udp --dport domain;-p udp -m udp --dport 53;OK
-p udp --sport ntp;-p udp -m udp --sport 123;OK
-p udp --dport ssh;-p udp -m udp --dport 22;OK
-p udp --dport bootps:bootpc;-p udp -m udp --dport 67:68;OK
-p udp --dport domain:;-p udp -m udp --dport 53:65535;OK
-p udp --dport :domain;-p udp -m udp --dport 0:53;OK
-p udp --sport :1023;-p udp -m udp --sport 0:1023;OK
-p udp --sport 1024:;-p udp -m udp --sport 1024:65535;OK
-p udp --dport 1:1;-p udp -m udp --dport 1;OK
-p udp --dport ssh:22;-p udp -m udp --dport 22;OK
-p udp --dport 0:65535;-p udp -m udp;OK
-p udp --dport :;-p udp -m udp;OK
# legacy: "-p udp ! --sport 0:65535" prints "-p udp -m udp"
-p udp ! --sport 0:65535;-p udp;OK
-p udp -m udp --dport 0;=;OK
-p udp ! --dport 53;-p udp -m udp ! --dport 53;OK
-p udp ! --sport 1:2 ! --dport 3:4;-p udp -m udp ! --sport 1:2 ! --dport 3:4;OK
-p 17 --dport 53 --sport 1;-p udp -m udp --sport 1 --dport 53;OK
-p UDP --dp 53;-p udp -m udp --dport 53;OK
-p udp --destination-port=53 --source-port 1;-p udp -m udp --sport 1 --dport 53;OK
# legacy: prints "-p udp -m udp --dport 53 -m udp --sport 1"
-p udp -m udp --dport 53 -m udp --sport 1;-p udp -m udp --sport 1 --dport 53;OK
-p udp --dport 053;-p udp -m udp --dport 53;OK
-p udp --dport +53;-p udp -m udp --dport 53;OK
-p udp --dport 65536;-p udp -m udp --dport 0;OK
-p udp --dport 70000;-p udp -m udp --dport 4464;OK
-p udp --dport 1:70000;-p udp -m udp --dport 1:4464;OK
-p udp --dport 5:4;-p udp -m udp --dport 5:4;OK
-p udp ! --dport 65535:0;-p udp -m udp ! --dport 65535:0;OK
# legacy: the kernel rejects "! -p udp" with a udp match (line N failed)
! -p udp --dport 53;! -p udp -m udp --dport 53;OK
-p udp --dport nosuch;;FAIL
-p udp --dport 0x35;;FAIL
-p udp --dport -1;;FAIL
-p udp --dport 4294967295;;FAIL
-p udp --dport 53,54;;FAIL
-p udp --dport 1:2:3;;FAIL
-p udp --dport 53 --dport 54;;FAIL
-p udp --syn;;FAIL
--dport 53 -p udp;;FAIL
-m udp --dport 53;;FAIL
-p tcp -m udp --dport 53;;FAIL
-p udplite --dport 53;;FAIL
