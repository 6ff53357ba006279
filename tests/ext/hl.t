# hl match (IPv6 hop limit, ip6tables only): --hl-eq N | --hl-lt N | --hl-gt N (0-255, base 0),
# exactly one. Only --hl-eq can be negated. The hidden alias --hl means --hl-eq.
@ipv6
:INPUT,FORWARD,OUTPUT
-m hl --hl-eq 64;=;OK
-m hl ! --hl-eq 64;=;OK
-m hl --hl-lt 10;=;OK
-m hl --hl-gt 10;=;OK
-m hl --hl-eq 0;=;OK
-m hl --hl-eq 255;=;OK
-m hl --hl-lt 255;=;OK
-m hl --hl 5;-m hl --hl-eq 5;OK
-m hl --hl-eq 0x10;-m hl --hl-eq 16;OK
-m hl --hl-g 7;-m hl --hl-gt 7;OK
-m hl;;FAIL
-m hl --hl-eq 256;;FAIL
-m hl ! --hl-lt 10;;FAIL
-m hl ! --hl-gt 10;;FAIL
-m hl --hl-eq 1 --hl-lt 3;;FAIL
-m hl --hl-gt 1 --hl-lt 3;;FAIL
-m hl --hl-eq x;;FAIL
*mangle
:PREROUTING,POSTROUTING
-m hl --hl-eq 255;=;OK
*raw
:PREROUTING,OUTPUT
-m hl ! --hl-eq 1;=;OK
# the hl match does not exist for iptables (IPv4: use ttl)
@ipv4
*filter
:INPUT
-m hl --hl-eq 64;;FAIL
