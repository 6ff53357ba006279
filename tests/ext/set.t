# set match (revision 4): [!] --match-set NAME FLAG[,FLAG...] (FLAG = src|dst, lower-case, at most 6),
# --return-nomatch, ! --update-counters, ! --update-subcounters (the non-negated forms are the
# default and are not printed), [!] --packets-eq N | --packets-lt N | --packets-gt N,
# [!] --bytes-eq N | --bytes-lt N | --bytes-gt N (only -eq negatable).
# Save order: --match-set, --return-nomatch, ! --update-counters, ! --update-subcounters,
# --packets-*, --bytes-*. The set must exist and match the family; --set is a deprecated alias.
%ipset create fwck-bl hash:ip
%ipset create fwck-bl6 hash:ip family inet6
%ipset create fwck-pr hash:ip,port
%ipset create fwck-tri hash:ip,port,ip
%ipset create fwck-ls list:set
:INPUT,FORWARD,OUTPUT
-m set --match-set fwck-bl src;=;OK
-m set ! --match-set fwck-bl src;=;OK
-m set --match-set fwck-bl dst;=;OK
-m set --match-set fwck-pr src,dst;=;OK
-m set --match-set fwck-tri dst,dst,src;=;OK
-m set --match-set fwck-ls src;=;OK
-m set --set fwck-bl src;-m set --match-set fwck-bl src;OK
-m set --match-set fwck-bl src --return-nomatch;=;OK
-m set --match-set fwck-bl src ! --update-counters;=;OK
-m set --match-set fwck-bl src ! --update-subcounters;=;OK
-m set --match-set fwck-bl src --update-counters --update-subcounters;-m set --match-set fwck-bl src;OK
-m set --match-set fwck-bl src ! --packets-eq 5 --bytes-lt 100;=;OK
-m set --match-set fwck-bl src --packets-gt 5 ! --bytes-eq 18446744073709551615;=;OK
-m set --match-set fwck-bl src --bytes-gt 5 --packets-lt 9 ! --update-subcounters ! --update-counters --return-nomatch;-m set --match-set fwck-bl src --return-nomatch ! --update-counters ! --update-subcounters --packets-lt 9 --bytes-gt 5;OK
-m set --match-set fwck-bl src -m set ! --match-set fwck-pr dst,src;=;OK
-m set --match-set fwck-nosuch src;;FAIL
-m set --match-set fwck-bl;;FAIL
-m set;;FAIL
-m set --match-set fwck-bl SRC;;FAIL
-m set --match-set fwck-bl src,;;FAIL
-m set --match-set fwck-bl src,dst,src,dst,src,dst,src;;FAIL
-m set --match-set fwck-bl src --match-set fwck-pr dst;;FAIL
-m set --match-set fwck-bl src ! --packets-lt 5;;FAIL
-m set --match-set fwck-bl src --packets-lt 5 --packets-gt 3;;FAIL
-m set --match-set fwck-bl6 src;;FAIL
@ipv6
-m set --match-set fwck-bl6 dst;=;OK
-m set ! --match-set fwck-bl6 src --return-nomatch;=;OK
-m set --match-set fwck-bl src;;FAIL
