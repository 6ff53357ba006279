# iprange match: --src-range / --dst-range FROM[-TO]; both may be negated with "!" before the option.
# Save order: --src-range before --dst-range; a single address is printed as ADDR-ADDR.
# IPv4 addresses are parsed leniently (missing octets become 0: "10.1" = 10.1.0.0, leading 0 = octal,
# 0x = hex); IPv6 addresses are printed in canonical compressed lower-case form.
# A reversed range is accepted (the kernel only warns "range ... is reversed and will never match").
:INPUT,FORWARD,OUTPUT
-m iprange --src-range 10.0.0.1-10.0.0.9;=;OK
-m iprange ! --src-range 10.0.0.1-10.0.0.9;=;OK
-m iprange --dst-range 10.0.0.1-10.0.0.9;=;OK
-m iprange ! --dst-range 10.0.0.1-10.0.0.9;=;OK
-m iprange --src-range 1.1.1.1;-m iprange --src-range 1.1.1.1-1.1.1.1;OK
-m iprange ! --dst-range 10.0.0.1-10.0.0.9 ! --src-range 1.1.1.1-1.1.1.2;-m iprange ! --src-range 1.1.1.1-1.1.1.2 ! --dst-range 10.0.0.1-10.0.0.9;OK
-m iprange --dst-range 10.0.0.1-10.0.0.9 --src-range 1.1.1.1;-m iprange --src-range 1.1.1.1-1.1.1.1 --dst-range 10.0.0.1-10.0.0.9;OK
-m iprange --src-range 10.0.0.9-10.0.0.1;=;OK
-m iprange --src-range 10.1-10.2;-m iprange --src-range 10.1.0.0-10.2.0.0;OK
-m iprange --src-range 010.0.0.1-0x0a.0.0.2;-m iprange --src-range 8.0.0.1-10.0.0.2;OK
-m iprange --dst-r 1.1.1.1-1.1.1.2;-m iprange --dst-range 1.1.1.1-1.1.1.2;OK
-m iprange;;FAIL
-m iprange --src-range 10.0.0.1/24;;FAIL
-m iprange --src-range 10.0.0.1-10.0.0.300;;FAIL
-m iprange --src-range 10.0.0.1-;;FAIL
-m iprange --src-range 1.1.1.1-1.1.1.2-1.1.1.3;;FAIL
-m iprange --src-range localhost-1.1.1.1;;FAIL
-m iprange --src-range ::1-::2;;FAIL
! -m iprange --src-range 1.1.1.1-1.1.1.2;;FAIL
@ipv6
-m iprange --src-range ::1-::2;=;OK
-m iprange ! --dst-range 2001:db8::1-2001:DB8::ff;-m iprange ! --dst-range 2001:db8::1-2001:db8::ff;OK
-m iprange --src-range 2001:db8:0:0::1-2001:db8::0:2 --dst-range ::ffff:1.2.3.4;-m iprange --src-range 2001:db8::1-2001:db8::2 --dst-range ::ffff:1.2.3.4-::ffff:1.2.3.4;OK
-m iprange --src-range 1.1.1.1-1.1.1.2;;FAIL
