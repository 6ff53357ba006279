# recent match (revision 1): exactly one of [!] --set | --rcheck | --update | --remove, plus
# --seconds N (1-2^32-1), --reap (needs --seconds), --hitcount N, --rttl, --name NAME (default
# DEFAULT), --mask ADDR (default all-ones), --rsource (default) | --rdest (last one wins).
# Save order: MODE --seconds --reap --hitcount --rttl --name --mask --rsource|--rdest; it ALWAYS adds
# --name, --mask and --rsource/--rdest. --hitcount 0 is not printed. The name is printed raw (never
# quoted, even with spaces) and truncated to 199 chars. --mask is parsed as an address, not a prefix.
# Kernel rejects: --seconds/--hitcount with --set or --remove, names "", ".", "..", or with "/",
# --hitcount > 65535.
:INPUT,FORWARD,OUTPUT
-m recent --set;-m recent --set --name DEFAULT --mask 255.255.255.255 --rsource;OK
-m recent ! --set --name FOO;-m recent ! --set --name FOO --mask 255.255.255.255 --rsource;OK
-m recent --rcheck;-m recent --rcheck --name DEFAULT --mask 255.255.255.255 --rsource;OK
-m recent ! --rcheck --rdest;-m recent ! --rcheck --name DEFAULT --mask 255.255.255.255 --rdest;OK
-m recent --update --seconds 60;-m recent --update --seconds 60 --name DEFAULT --mask 255.255.255.255 --rsource;OK
-m recent --remove --name x --rsource;-m recent --remove --name x --mask 255.255.255.255 --rsource;OK
-m recent --update --rttl --hitcount 4 --reap --seconds 9 --name X --rdest --mask 255.0.0.0;-m recent --update --seconds 9 --reap --hitcount 4 --rttl --name X --mask 255.0.0.0 --rdest;OK
-m recent --rcheck --hitcount 0;-m recent --rcheck --name DEFAULT --mask 255.255.255.255 --rsource;OK
-m recent --rcheck --hitcount 65535;-m recent --rcheck --hitcount 65535 --name DEFAULT --mask 255.255.255.255 --rsource;OK
-m recent --set --mask 24;-m recent --set --name DEFAULT --mask 0.0.0.24 --rsource;OK
-m recent --set --rsource --rdest;-m recent --set --name DEFAULT --mask 255.255.255.255 --rdest;OK
-m recent --set --name "a b";-m recent --set --name a b --mask 255.255.255.255 --rsource;OK
-m recent --set --name ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789;-m recent --set --name ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRS --mask 255.255.255.255 --rsource;OK
-m recent;;FAIL
-m recent --set --rcheck;;FAIL
-m recent --rcheck --reap;;FAIL
-m recent --set --rttl;;FAIL
-m recent --rcheck --seconds 0;;FAIL
-m recent --rcheck ! --seconds 5;;FAIL
-m recent --set --seconds 5;;FAIL
-m recent --remove --hitcount 5;;FAIL
-m recent --rcheck --hitcount 65536;;FAIL
-m recent --set --name a/b;;FAIL
-m recent --set --name ..;;FAIL
-m recent --set --name a --name b;;FAIL
@ipv6
-m recent --set;-m recent --set --name DEFAULT --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource;OK
-m recent --rcheck --seconds 5 --mask ffff:ffff::;-m recent --rcheck --seconds 5 --name DEFAULT --mask ffff:ffff:: --rsource;OK
-m recent --set --mask 255.255.255.0;;FAIL
