# length match: [!] --length MIN[:MAX] (0-65535, strtoul base 0). ":MAX" means 0:MAX, "MIN:" means
# MIN:65535, ":" means 0:65535. Save prints MIN when MIN==MAX, else MIN:MAX (decimal). A reversed
# range (MIN>MAX) is accepted and printed as given.
:INPUT,FORWARD,OUTPUT
-m length --length 10;=;OK
-m length ! --length 10;=;OK
-m length --length 10:20;=;OK
-m length ! --length 10:20;=;OK
-m length --length :20;-m length --length 0:20;OK
-m length --length 10:;-m length --length 10:65535;OK
-m length --length :;-m length --length 0:65535;OK
-m length --length 0:65535;=;OK
-m length --length 65535;=;OK
-m length --length 10:10;-m length --length 10;OK
-m length --length 0:0;-m length --length 0;OK
-m length --length 20:10;=;OK
-m length --length 0x10;-m length --length 16;OK
-m length --length 010:0x20;-m length --length 8:32;OK
-m length;;FAIL
-m length --length 65536;;FAIL
-m length --length -1;;FAIL
-m length --length 5-10;;FAIL
-m length --length abc;;FAIL
-m length --length 1 --length 2;;FAIL
! -m length --length 1;;FAIL
*mangle
:PREROUTING,POSTROUTING
-m length --length 1280:;-m length --length 1280:65535;OK
@ipv6
*filter
:INPUT
-m length ! --length 40:1500;=;OK
