# icmp6 match (ip6tables). "-p ipv6-icmp|icmpv6|58" + --icmpv6-type loads it implicitly; "-m icmpv6" is an alias.
# Save prints "-p ipv6-icmp -m icmp6 [!] --icmpv6-type X", X numeric: "T" when codes are 0:255, else "T/CODEMIN".
# Unlike IPv4 icmp there is NO "any" keyword and 255 is printed as 255. Names case-insensitive, unique
# prefixes accepted, both neighbour-/neighbor- spellings. Not converted to native nft (two -m icmp6 stay two).
# legacy: identical output; only the error text differs where the kernel rejects ("line 3 failed").
@ipv6
:INPUT,FORWARD,OUTPUT,fwck_user
-p ipv6-icmp --icmpv6-type echo-request;-p ipv6-icmp -m icmp6 --icmpv6-type 128;OK
-p icmpv6 --icmpv6-type ping;-p ipv6-icmp -m icmp6 --icmpv6-type 128;OK
-p 58 --icmpv6-type pong;-p ipv6-icmp -m icmp6 --icmpv6-type 129;OK
-p ipv6-icmp -m icmp6 --icmpv6-type 128;=;OK
-p ipv6-icmp -m icmpv6 --icmpv6-type Echo-Req;-p ipv6-icmp -m icmp6 --icmpv6-type 128;OK
-p ipv6-icmp -m icmp6 --icmpv6-type 1/4;=;OK
-p ipv6-icmp --icmpv6-type port-unreachable;-p ipv6-icmp -m icmp6 --icmpv6-type 1/4;OK
-p ipv6-icmp --icmpv6-type destination-unreachable;-p ipv6-icmp -m icmp6 --icmpv6-type 1;OK
-p ipv6-icmp --icmpv6-type no-route;-p ipv6-icmp -m icmp6 --icmpv6-type 1/0;OK
-p ipv6-icmp --icmpv6-type reject-route;-p ipv6-icmp -m icmp6 --icmpv6-type 1/6;OK
-p ipv6-icmp --icmpv6-type packet-too-big;-p ipv6-icmp -m icmp6 --icmpv6-type 2;OK
-p ipv6-icmp --icmpv6-type ttl-exceeded;-p ipv6-icmp -m icmp6 --icmpv6-type 3;OK
-p ipv6-icmp --icmpv6-type ttl-zero-during-reassembly;-p ipv6-icmp -m icmp6 --icmpv6-type 3/1;OK
-p ipv6-icmp --icmpv6-type parameter-problem;-p ipv6-icmp -m icmp6 --icmpv6-type 4;OK
-p ipv6-icmp --icmpv6-type unknown-option;-p ipv6-icmp -m icmp6 --icmpv6-type 4/2;OK
-p ipv6-icmp --icmpv6-type router-solicitation;-p ipv6-icmp -m icmp6 --icmpv6-type 133;OK
-p ipv6-icmp --icmpv6-type router-advertisement;-p ipv6-icmp -m icmp6 --icmpv6-type 134;OK
-p ipv6-icmp --icmpv6-type neighbour-solicitation;-p ipv6-icmp -m icmp6 --icmpv6-type 135;OK
-p ipv6-icmp --icmpv6-type neighbor-advertisement;-p ipv6-icmp -m icmp6 --icmpv6-type 136;OK
-p ipv6-icmp --icmpv6-type redirect;-p ipv6-icmp -m icmp6 --icmpv6-type 137;OK
-p ipv6-icmp --icmpv6-type 255;-p ipv6-icmp -m icmp6 --icmpv6-type 255;OK
-p ipv6-icmp --icmpv6-type 143;-p ipv6-icmp -m icmp6 --icmpv6-type 143;OK
-p ipv6-icmp --icmpv6-type 0x80;-p ipv6-icmp -m icmp6 --icmpv6-type 128;OK
-p ipv6-icmp --icmpv6-type 0200;-p ipv6-icmp -m icmp6 --icmpv6-type 128;OK
-p ipv6-icmp --icmpv6-type 1/0:255;-p ipv6-icmp -m icmp6 --icmpv6-type 1;OK
-p ipv6-icmp --icmpv6-type 1/2:3;-p ipv6-icmp -m icmp6 --icmpv6-type 1/2;OK
-p ipv6-icmp ! --icmpv6 128;-p ipv6-icmp -m icmp6 ! --icmpv6-type 128;OK
-p ipv6-icmp -m icmp6 --icmpv6-type 128 -m icmp6 --icmpv6-type 129;=;OK
-p ipv6-icmp;=;OK
-p ipv6-icmp --icmpv6-type any;;FAIL
-p ipv6-icmp --icmpv6-type 256;;FAIL
-p ipv6-icmp --icmpv6-type 1/256;;FAIL
-p ipv6-icmp --icmpv6-type echo;;FAIL
-p ipv6-icmp --icmpv6-type ! 128;;FAIL
-p ipv6-icmp --icmpv6-type 128 --icmpv6-type 129;;FAIL
-p ipv6-icmp -m icmp6;;FAIL
-p ipv6-icmp --icmp-type 128;;FAIL
-p icmp -m icmp6 --icmpv6-type 128;;FAIL
! -p ipv6-icmp -m icmp6 --icmpv6-type 128;;FAIL
-p ipv6-icmp -m icmp --icmp-type 8;;FAIL
