# NFLOG target: --nflog-group N (0-65535, default 0), --nflog-prefix STR (min 1 char),
# --nflog-size N (u32; 0 is printed), --nflog-threshold N (0-65535, default 0),
# --nflog-range N (deprecated, warns, ignored on nft). Nothing is negatable. Any table/chain.
# Save order: --nflog-prefix, --nflog-group, --nflog-size, --nflog-threshold; group 0 and
# threshold 0 are not printed. Prefix quoting as for LOG (bare if only [A-Za-z0-9_-]).
# nft keeps up to 127 prefix chars (longer is truncated).
# legacy: the prefix is truncated to 63 chars, and --nflog-range N is kept and printed.
:INPUT,FORWARD,OUTPUT
-j NFLOG;=;OK
-j NFLOG --nflog-group 0;-j NFLOG;OK
-j NFLOG --nflog-group 5;=;OK
-j NFLOG --nflog-group 65535;=;OK
-j NFLOG --nflog-group 0x10;-j NFLOG --nflog-group 16;OK
-j NFLOG --nflog-prefix foo;=;OK
-j NFLOG --nflog-prefix "a b";=;OK
-j NFLOG --nflog-prefix "a\"b";=;OK
-j NFLOG --nflog-prefix 0123456789012345678901234567890123456789012345678901234567890;=;OK
-j NFLOG --nflog-size 100;=;OK
-j NFLOG --nflog-size 0;=;OK
-j NFLOG --nflog-size 4294967295;=;OK
-j NFLOG --nflog-threshold 1;=;OK
-j NFLOG --nflog-threshold 0;-j NFLOG;OK
-j NFLOG --nflog-threshold 65535;=;OK
-j NFLOG --nflog-threshold 3 --nflog-size 64 --nflog-prefix x --nflog-group 2;-j NFLOG --nflog-prefix x --nflog-group 2 --nflog-size 64 --nflog-threshold 3;OK
-j NFLOG --nflog-size 0 --nflog-threshold 1 --nflog-group 0;-j NFLOG --nflog-size 0 --nflog-threshold 1;OK
# legacy: prints "-j NFLOG --nflog-range 100"
-j NFLOG --nflog-range 100;-j NFLOG;OK
# legacy: truncated to 63 chars
-j NFLOG --nflog-prefix aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;-j NFLOG --nflog-prefix aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;OK
-j NFLOG --nflog-group 65536;;FAIL
-j NFLOG --nflog-group -1;;FAIL
-j NFLOG --nflog-threshold 65536;;FAIL
-j NFLOG --nflog-prefix "";;FAIL
-j NFLOG --nflog-range 5 --nflog-size 6;;FAIL
-j NFLOG ! --nflog-group 1;;FAIL
-j NFLOG --nflog-group 1 --nflog-group 2;;FAIL
*raw
:PREROUTING,OUTPUT
-j NFLOG --nflog-group 3;=;OK
@ipv6
*mangle
:PREROUTING,POSTROUTING
-j NFLOG --nflog-prefix "v6 drop" --nflog-group 1;=;OK
