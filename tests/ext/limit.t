# limit match: --limit RATE[/second|/minute|/hour|/day] (unit may be abbreviated to any prefix,
# case-insensitive; no unit = /second), --limit-burst N (0-10000, default 5).
# Save prints the rate re-derived from the kernel's period (10000*unit/rate, integer division) with
# the largest unit that represents it: sec/min/hour/day. Default (no --limit) is 3/hour.
# --limit-burst is printed only when it differs from 5 (burst 0 is also not printed on nft).
:INPUT,FORWARD,OUTPUT
-m limit;-m limit --limit 3/hour;OK
-m limit --limit 1/sec;=;OK
-m limit --limit 5/min;=;OK
-m limit --limit 1/hour;=;OK
# legacy: 1/day (and any rate whose period*burst overflows u32, e.g. 3/hour with burst >= 358) is
# legacy: rejected by the kernel xt_limit check ("Overflow, try lower"); nft's native limit accepts it
-m limit --limit 1/day;=;OK
-m limit --limit 5;-m limit --limit 5/sec;OK
-m limit --limit 5/s;-m limit --limit 5/sec;OK
-m limit --limit 5/minute;-m limit --limit 5/min;OK
-m limit --limit 5/m;-m limit --limit 5/min;OK
-m limit --limit 5/H;-m limit --limit 5/hour;OK
-m limit --limit 2/d;-m limit --limit 2/day;OK
-m limit --limit 60/min;-m limit --limit 1/sec;OK
-m limit --limit 600/hour;-m limit --limit 10/min;OK
-m limit --limit 48/day;-m limit --limit 2/hour;OK
-m limit --limit 9999/s;-m limit --limit 10000/sec;OK
-m limit --limit 3333/s;-m limit --limit 3333/sec;OK
-m limit --limit 3/s --limit-burst 7;-m limit --limit 3/sec --limit-burst 7;OK
-m limit --limit-burst 3 --limit 4/h;-m limit --limit 4/hour --limit-burst 3;OK
-m limit --limit 3/hour --limit-burst 5;-m limit --limit 3/hour;OK
# legacy: --limit-burst 0 is rejected by the kernel (xt_limit), nft accepts it and prints nothing
-m limit --limit 1/s --limit-burst 0;-m limit --limit 1/sec;OK
-m limit --limit-burst 357;-m limit --limit 3/hour --limit-burst 357;OK
# legacy: FAIL (burst overflow, see above)
-m limit --limit-burst 10000;-m limit --limit 3/hour --limit-burst 10000;OK
-m limit --limit-burst 10001;;FAIL
-m limit --limit 10001/s;;FAIL
-m limit --limit 0/s;;FAIL
-m limit --limit 5/hours;;FAIL
-m limit --limit 5/;;FAIL
-m limit ! --limit 1/s;;FAIL
! -m limit --limit 1/s;;FAIL
-m limit --limit 1/s --limit 2/s;;FAIL
