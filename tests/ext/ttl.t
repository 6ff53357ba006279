# ttl match (IPv4 only): --ttl-eq N | --ttl-lt N | --ttl-gt N (0-255, base 0), exactly one of them.
# Only --ttl-eq can be negated (printed "! --ttl-eq N", which is the kernel's "ne" mode).
# The hidden alias --ttl means --ttl-eq.
@ipv4
:INPUT,FORWARD,OUTPUT
-m ttl --ttl-eq 64;=;OK
-m ttl ! --ttl-eq 64;=;OK
-m ttl --ttl-lt 10;=;OK
-m ttl --ttl-gt 10;=;OK
-m ttl --ttl-eq 0;=;OK
-m ttl --ttl-eq 255;=;OK
-m ttl --ttl-lt 0;=;OK
-m ttl --ttl-gt 255;=;OK
-m ttl --ttl 5;-m ttl --ttl-eq 5;OK
-m ttl --ttl-eq 0x10;-m ttl --ttl-eq 16;OK
-m ttl --ttl-e 7;-m ttl --ttl-eq 7;OK
-m ttl;;FAIL
-m ttl --ttl-eq 256;;FAIL
-m ttl --ttl-eq -1;;FAIL
-m ttl ! --ttl-lt 10;;FAIL
-m ttl ! --ttl-gt 10;;FAIL
-m ttl --ttl-eq 1 --ttl-gt 3;;FAIL
-m ttl --ttl-lt 1 --ttl-gt 3;;FAIL
-m ttl --ttl-eq 1 --ttl-eq 1;;FAIL
*mangle
:PREROUTING,POSTROUTING
-m ttl --ttl-lt 2;=;OK
*raw
:PREROUTING
-m ttl ! --ttl-eq 1;=;OK
# the ttl match does not exist for ip6tables (use hl)
@ipv6
*filter
:INPUT
-m ttl --ttl-eq 64;;FAIL
