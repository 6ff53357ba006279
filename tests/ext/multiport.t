# multiport match. Exactly one of [!] --sports|--source-ports, --dports|--destination-ports, --ports.
# Save prints the short names --sports/--dports/--ports, ports numerically, list order and duplicates kept.
# At most 15 "slots": a range a:b takes 2 slots. Inside multiport a range needs a < b (1:1 and 3:1 rejected),
# open ranges (":n", "n:") are rejected. Needs -p tcp|udp|udplite|sctp|dccp, not negated.
# NB: "--dport"/"--port" after "-m multiport" are getopt abbreviations of --dports/--ports (tcp not loaded yet).
# legacy: identical output and the same error messages for every case here.
:INPUT,FORWARD,OUTPUT,fwck_user
-p tcp -m multiport --dports 22,80,443;=;OK
-p tcp -m multiport --dports ssh,http,https;-p tcp -m multiport --dports 22,80,443;OK
-p tcp -m multiport --sports 1:1023;=;OK
-p tcp -m multiport --ports 22;=;OK
-p tcp -m multiport --destination-ports 22;-p tcp -m multiport --dports 22;OK
-p tcp -m multiport --source-ports 22;-p tcp -m multiport --sports 22;OK
-p tcp -m multiport --dport 22;-p tcp -m multiport --dports 22;OK
-p tcp -m multiport --port 22;-p tcp -m multiport --ports 22;OK
-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15;=;OK
-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15;=;OK
-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15;=;OK
-p tcp -m multiport ! --dports 22,80;=;OK
-p tcp -m multiport ! --sports 1:1023,2000;=;OK
-p tcp -m multiport --dports 80,22,22;=;OK
-p tcp -m multiport --dports 0:65535;=;OK
-p tcp -m multiport --dports http:https;-p tcp -m multiport --dports 80:443;OK
-p tcp -m multiport --dports 0x16,022;-p tcp -m multiport --dports 22,18;OK
-p udp -m multiport --dports 53,123;=;OK
-p udplite -m multiport --dports 53;=;OK
-p sctp -m multiport --ports 53;=;OK
-p dccp -m multiport --sports 53;=;OK
-p tcp --dport 22 -m multiport --dports 80;-p tcp -m tcp --dport 22 -m multiport --dports 80;OK
-p tcp -m multiport --dports 80 -m multiport --sports 1;=;OK
-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16;;FAIL
-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16;;FAIL
-p tcp -m multiport --dports ! 22,80;;FAIL
-p tcp -m multiport --dports 3:1;;FAIL
-p tcp -m multiport --dports 1:1;;FAIL
-p tcp -m multiport --dports :1024;;FAIL
-p tcp -m multiport --dports 1024:;;FAIL
-p tcp -m multiport --dports 65536;;FAIL
-p tcp -m multiport --dports 22,;;FAIL
-p tcp -m multiport --dports foo;;FAIL
-p tcp -m multiport --sports 1 --dports 2;;FAIL
-p tcp -m multiport --ports 1 --dports 2;;FAIL
-p tcp -m multiport --dports 1,2 --dports 3;;FAIL
-p tcp -m multiport;;FAIL
-m multiport --dports 22;;FAIL
-p icmp -m multiport --dports 22;;FAIL
! -p tcp -m multiport --dports 53;;FAIL
