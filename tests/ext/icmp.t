# icmp match (IPv4). Implicitly loaded by "-p icmp --icmp-type ..."; save prints "-m icmp [!] --icmp-type X".
# X is always numeric: "T" when the code range is 0:255, else "T/CODEMIN" (the code MAX is never printed);
# type 255 is printed as "any" (whatever code is given). Names are matched case-insensitively and may be
# abbreviated to any unambiguous prefix. Numbers use strtoul base 0 (0x.. hex, 0.. octal).
# --icmp-type is mandatory with -m icmp. This match is NOT converted to native nft: two -m icmp stay two.
# legacy: identical output; only the error text differs where the kernel rejects
# (legacy "iptables-restore: line 3 failed" vs nft "RULE_APPEND failed (Invalid argument)").
@ipv4
:INPUT,FORWARD,OUTPUT,fwck_user
-p icmp --icmp-type echo-request;-p icmp -m icmp --icmp-type 8;OK
-p icmp --icmp-type ping;-p icmp -m icmp --icmp-type 8;OK
-p icmp --icmp-type pong;-p icmp -m icmp --icmp-type 0;OK
-p icmp --icmp-type Echo-Req;-p icmp -m icmp --icmp-type 8;OK
-p icmp --icmp-type 8;-p icmp -m icmp --icmp-type 8;OK
-p icmp -m icmp --icmp-type 8/0;=;OK
-p icmp --icmp-type 3/3;-p icmp -m icmp --icmp-type 3/3;OK
-p icmp --icmp-type port-unreachable;-p icmp -m icmp --icmp-type 3/3;OK
-p icmp --icmp-type destination-unreachable;-p icmp -m icmp --icmp-type 3;OK
-p icmp --icmp-type TOS-host-unreachable;-p icmp -m icmp --icmp-type 3/12;OK
-p icmp --icmp-type ttl-exceeded;-p icmp -m icmp --icmp-type 11;OK
-p icmp --icmp-type ttl-zero-during-transit;-p icmp -m icmp --icmp-type 11/0;OK
-p icmp --icmp-type network-redirect;-p icmp -m icmp --icmp-type 5/0;OK
-p icmp --icmp-type address-mask-request;-p icmp -m icmp --icmp-type 17;OK
-p icmp --icmp-type any;-p icmp -m icmp --icmp-type any;OK
-p icmp ! --icmp-type any;-p icmp -m icmp ! --icmp-type any;OK
-p icmp --icmp-type 255;-p icmp -m icmp --icmp-type any;OK
-p icmp --icmp-type 255/3;-p icmp -m icmp --icmp-type any;OK
-p icmp --icmp-type 42;-p icmp -m icmp --icmp-type 42;OK
-p icmp --icmp-type 3/255;-p icmp -m icmp --icmp-type 3/255;OK
# code ranges are accepted; only the lower bound survives in the output
-p icmp --icmp-type 3/1:2;-p icmp -m icmp --icmp-type 3/1;OK
-p icmp --icmp-type 3/2:1;-p icmp -m icmp --icmp-type 3/2;OK
-p icmp --icmp-type 3/0:255;-p icmp -m icmp --icmp-type 3;OK
-p icmp --icmp-type 0x0a/0x1;-p icmp -m icmp --icmp-type 10/1;OK
-p icmp --icmp-type 010;-p icmp -m icmp --icmp-type 8;OK
-p 1 ! --icmp 8;-p icmp -m icmp ! --icmp-type 8;OK
-p icmp -m icmp --icmp-type 8 -m icmp --icmp-type 0;=;OK
-p icmp --icmp-type 8 -m comment --comment x;-p icmp -m icmp --icmp-type 8 -m comment --comment x;OK
-p icmp;=;OK
-p icmp --icmp-type echo;;FAIL
-p icmp --icmp-type foo;;FAIL
-p icmp --icmp-type 256;;FAIL
-p icmp --icmp-type 3/256;;FAIL
-p icmp --icmp-type 08;;FAIL
-p icmp --icmp-type any/0;;FAIL
-p icmp --icmp-type ! 8;;FAIL
-p icmp --icmp-type 8 --icmp-type 0;;FAIL
-p icmp -m icmp;;FAIL
-m icmp --icmp-type 8;;FAIL
! -p icmp --icmp-type 8;;FAIL
