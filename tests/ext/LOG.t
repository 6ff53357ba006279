# LOG target: --log-prefix STR (1-29 chars kept; longer is silently truncated to 29),
# --log-level LEVEL (0-7 or emerg|alert|crit|error|warning|notice|info|debug|panic(=0), lower case
# only; "warn"/"err" are rejected), --log-tcp-sequence, --log-tcp-options, --log-ip-options,
# --log-uid, --log-macdecode. Allowed in every table and chain.
# Save order: --log-prefix, --log-level (omitted when 4 = warning), --log-tcp-sequence,
# --log-tcp-options, --log-ip-options, --log-uid, --log-macdecode.
# Prefix quoting on save: printed bare if it consists only of [A-Za-z0-9_-]; otherwise wrapped in
# double quotes with ", \ and ' escaped by a backslash. In the restore input only double quotes quote
# (inside them \x means x); single quotes are literal characters.
:INPUT,FORWARD,OUTPUT
-j LOG;=;OK
-j LOG --log-prefix foo;=;OK
-j LOG --log-prefix a_b-C9;=;OK
-j LOG --log-prefix "IN: ";=;OK
-j LOG --log-prefix a.b;-j LOG --log-prefix "a.b";OK
-j LOG --log-prefix "x";-j LOG --log-prefix x;OK
-j LOG --log-prefix "a\"b";=;OK
-j LOG --log-prefix a\b;-j LOG --log-prefix "a\\b";OK
-j LOG --log-prefix 'abc';-j LOG --log-prefix "\'abc\'";OK
-j LOG --log-prefix "[FW] $HOME #1";=;OK
-j LOG --log-prefix 123456789012345678901234567890;-j LOG --log-prefix 12345678901234567890123456789;OK
-j LOG --log-prefix "12345678901234567890123456789 ";-j LOG --log-prefix 12345678901234567890123456789;OK
-j LOG --log-level 4;-j LOG;OK
-j LOG --log-level warning;-j LOG;OK
-j LOG --log-level emerg;-j LOG --log-level 0;OK
-j LOG --log-level panic;-j LOG --log-level 0;OK
-j LOG --log-level error;-j LOG --log-level 3;OK
-j LOG --log-level info;-j LOG --log-level 6;OK
-j LOG --log-level 7;=;OK
-j LOG --log-level 0x3;-j LOG --log-level 3;OK
-j LOG --log-macdecode --log-uid --log-ip-options --log-tcp-options --log-tcp-sequence --log-level debug --log-pre x;-j LOG --log-prefix x --log-level 7 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode;OK
-j LOG --log-prefix "";;FAIL
-j LOG --log-level warn;;FAIL
-j LOG --log-level 8;;FAIL
-j LOG --log-level DEBUG;;FAIL
-j LOG --log-prefix x --log-prefix y;;FAIL
-j LOG ! --log-uid;;FAIL
-j LOG --log-prefix 'a b';;FAIL
*nat
:PREROUTING,INPUT,OUTPUT,POSTROUTING
-j LOG --log-level alert --log-uid;-j LOG --log-level 1 --log-uid;OK
@ipv6
*raw
:PREROUTING,OUTPUT
-j LOG --log-prefix "v6 " --log-level notice --log-tcp-options;-j LOG --log-prefix "v6 " --log-level 5 --log-tcp-options;OK
