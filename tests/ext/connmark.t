# connmark match: [!] --mark VALUE[/MASK]; same number rules and output format as the mark match
# (0x hex, mask omitted when 0xffffffff). No table or hook restriction.
:INPUT,FORWARD,OUTPUT
-m connmark --mark 1;-m connmark --mark 0x1;OK
-m connmark --mark 0x1;=;OK
-m connmark ! --mark 0x1;=;OK
-m connmark ! --mark 0x1/0xf;=;OK
-m connmark --mark 10/255;-m connmark --mark 0xa/0xff;OK
-m connmark --mark 0xffffffff/0xffffffff;-m connmark --mark 0xffffffff;OK
-m connmark --mark 1/0xffffffff;-m connmark --mark 0x1;OK
-m connmark --mark 0/0;-m connmark --mark 0x0/0x0;OK
-m connmark --mark 0x0;=;OK
-m connmark --mark 017/0XFF;-m connmark --mark 0xf/0xff;OK
-m connmark;;FAIL
-m connmark --mark 0x100000000;;FAIL
-m connmark --mark 1/0x100000000;;FAIL
-m connmark --mark x;;FAIL
-m connmark --mark 1 --mark 2;;FAIL
! -m connmark --mark 1;;FAIL
*raw
:PREROUTING,OUTPUT
-m connmark --mark 0x1;=;OK
*nat
:PREROUTING,POSTROUTING
-m connmark ! --mark 0x10/0x10;=;OK
@ipv6
*mangle
:PREROUTING,FORWARD
-m connmark --mark 0x2/0x3;=;OK
*filter
:INPUT
-m connmark --mark 2;-m connmark --mark 0x2;OK
