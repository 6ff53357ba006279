# mark match: [!] --mark VALUE[/MASK]. Numbers are strtoul base 0 (decimal, 0x hex, leading-0 octal),
# 32 bit. Save always prints lower-case hex with 0x; the mask is omitted when it is 0xffffffff.
:INPUT,FORWARD,OUTPUT
-m mark --mark 1;-m mark --mark 0x1;OK
-m mark --mark 0x1;=;OK
-m mark ! --mark 0x1;=;OK
-m mark --mark 10/0xff;-m mark --mark 0xa/0xff;OK
-m mark --mark 0x10/255;-m mark --mark 0x10/0xff;OK
-m mark ! --mark 0x5/0x3;=;OK
-m mark --mark 0xffffffff;=;OK
-m mark --mark 0xffffffff/0xffffffff;-m mark --mark 0xffffffff;OK
-m mark --mark 1/0xffffffff;-m mark --mark 0x1;OK
-m mark --mark 0;-m mark --mark 0x0;OK
-m mark --mark 0/0;-m mark --mark 0x0/0x0;OK
-m mark --mark 0x1/0x0;=;OK
-m mark --mark 010;-m mark --mark 0x8;OK
-m mark --mark 0xF0/0XF0;-m mark --mark 0xf0/0xf0;OK
-m mark --mark 0x0001;-m mark --mark 0x1;OK
-m mark --mar 3;-m mark --mark 0x3;OK
-m mark;;FAIL
-m mark --mark 0x100000000;;FAIL
-m mark --mark -1;;FAIL
-m mark --mark 1/;;FAIL
-m mark --mark /1;;FAIL
-m mark --mark abc;;FAIL
-m mark --mark 1 --mark 2;;FAIL
! -m mark --mark 1;;FAIL
# no table or hook restriction
*raw
:PREROUTING,OUTPUT
-m mark --mark 0x1/0x1;=;OK
*nat
:PREROUTING,INPUT,OUTPUT,POSTROUTING
-m mark ! --mark 0x2;=;OK
@ipv6
*mangle
:PREROUTING,POSTROUTING
-m mark --mark 7/0xf;-m mark --mark 0x7/0xf;OK
