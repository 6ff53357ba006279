# tcp match. "-p tcp" followed by a tcp option loads the tcp match implicitly; save always prints "-m tcp".
# Print order inside -m tcp: [!] --sport, [!] --dport, [!] --tcp-option, [!] --tcp-flags (--syn is printed as
# --tcp-flags FIN,SYN,RST,ACK SYN). Flags are printed in the order FIN,SYN,RST,PSH,ACK,URG; ALL is expanded,
# an empty comparison set is NONE. Ports are printed numerically; a:a -> a; 0:65535 (any) is dropped.
# Long options may be abbreviated (getopt_long): --dp, --sy, --tcp-f, --source-p; "--opt=value" works too.
:INPUT,FORWARD,OUTPUT,fwck_user
-p tcp --dport ssh;-p tcp -m tcp --dport 22;OK
-p tcp -m tcp --sport 1:1023;=;OK
-p tcp --sport :1024;-p tcp -m tcp --sport 0:1024;OK
-p tcp --sport 1024:;-p tcp -m tcp --sport 1024:65535;OK
-p tcp --dport http:https;-p tcp -m tcp --dport 80:443;OK
-p tcp --dport 22:22;-p tcp -m tcp --dport 22;OK
-p tcp --sport 0:65535;-p tcp -m tcp;OK
# legacy: "-p tcp ! --sport 0:65535" prints "-p tcp -m tcp"
-p tcp ! --sport 0:65535;-p tcp;OK
-p tcp --dport 0x16;-p tcp -m tcp --dport 22;OK
-p tcp --dport 022;-p tcp -m tcp --dport 18;OK
-p TCP --destination-port=domain --source-port 0;-p tcp -m tcp --sport 0 --dport 53;OK
-p tcp ! --sport 1:2 ! --dport 3:4;-p tcp -m tcp ! --sport 1:2 ! --dport 3:4;OK
-p tcp --dp 22 -s 1.2.3.4;-s 1.2.3.4/32 -p tcp -m tcp --dport 22;OK
# legacy: prints "-p tcp -m tcp --dport 22 -m tcp --sport 80" (two matches kept)
-p tcp -m tcp --dport 22 -m tcp --sport 80;-p tcp -m tcp --sport 80 --dport 22;OK
# legacy: prints "-p tcp -m tcp --dport 22 -m tcp --dport 23"; nft merges and the LAST value wins
-p tcp -m tcp --dport 22 -m tcp --dport 23;-p tcp -m tcp --dport 23;OK
# implicit -m tcp is inserted where the first tcp option appears (after the already given -m comment)
-m comment --comment x -p tcp --dport 22;-p tcp -m comment --comment x -m tcp --dport 22;OK
-p tcp --syn -m comment --comment x --dport 22;-p tcp -m tcp --dport 22 --tcp-flags FIN,SYN,RST,ACK SYN -m comment --comment x;OK
# legacy: the kernel rejects "! -p tcp" with a tcp match (iptables-restore: line 3 failed)
! -p tcp --dport 22;! -p tcp -m tcp --dport 22;OK
-p tcp --syn;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN;OK
-p tcp ! --sy;-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN;OK
-p tcp --tcp-flags ALL NONE;-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE;OK
-p tcp --tcp-flags URG,PSH,FIN ALL;-p tcp -m tcp --tcp-flags FIN,PSH,URG FIN,SYN,RST,PSH,ACK,URG;OK
-p tcp --tcp-flags syn,ack,syn syn;-p tcp -m tcp --tcp-flags SYN,ACK SYN;OK
-p tcp ! --tcp-flags SYN ACK;-p tcp -m tcp ! --tcp-flags SYN ACK;OK
-p tcp --tcp-flags NONE NONE;-p tcp -m tcp;OK
-p tcp --tcp-option 2 ! --syn --dport 1 --sport 2;-p tcp -m tcp --sport 2 --dport 1 --tcp-option 2 ! --tcp-flags FIN,SYN,RST,ACK SYN;OK
-p tcp ! --tcp-option 255;-p tcp -m tcp ! --tcp-option 255;OK
-p tcp --sport 65536;;FAIL
-p tcp --sport 3:1;;FAIL
-p tcp --dport SSH;;FAIL
-p tcp --dport 22,23;;FAIL
-p tcp --dport ! 22;;FAIL
-p tcp --dport 22 --dport 23;;FAIL
--dport 22 -p tcp;;FAIL
-m tcp --dport 22;;FAIL
-p udp -m tcp --dport 22;;FAIL
-p tcp --tcp-flags ECE,CWR CWR;;FAIL
-p tcp --tcp-flags SYN;;FAIL
-p tcp --syn --tcp-flags SYN SYN;;FAIL
-p tcp --tcp-option 0;;FAIL
