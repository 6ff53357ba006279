# CT target (revision 2): --notrack, --helper NAME (needs -p for the helper lookup; unknown helper
# fails in the kernel; "" = none), --timeout NAME (needs a cttimeout object), --ctevents LIST,
# --expevents LIST, --zone ID|mark, --zone-orig ID|mark, --zone-reply ID|mark (0-65535, base 0).
# Event lists are re-printed in canonical order (ctevents: new,related,destroy,reply,assured,protoinfo,
# helper,mark,natseqinfo,secmark; expevents: new only), duplicates collapse.
# Save order: --notrack, --helper, --timeout, --ctevents, --expevents, --zone*.
# Zone 0 is not printed; both directions print --zone, one direction --zone-orig/--zone-reply
# (the last given ID wins; --zone-orig/--zone-reply add a direction, --zone alone = both).
# Nothing is negatable. Kernel: table raw only.
*raw
:PREROUTING,OUTPUT,USR
-j CT;=;OK
-j CT --notrack;=;OK
-j CT --zone 1;=;OK
-j CT --zone 0;-j CT;OK
-j CT --zone 65535;=;OK
-j CT --zone 0x10;-j CT --zone 16;OK
-j CT --zone mark;=;OK
-j CT --zone-orig 5;=;OK
-j CT --zone-reply mark;=;OK
-j CT --zone-orig 1 --zone-reply 2;-j CT --zone 2;OK
-j CT --zone 1 --zone-orig 2;-j CT --zone-orig 2;OK
-p tcp -j CT --helper ftp;=;OK
-p udp -j CT --helper tftp;=;OK
-j CT --helper "";-j CT;OK
-j CT --ctevents secmark,new,new;-j CT --ctevents new,secmark;OK
-j CT --ctevents natseqinfo,mark,helper,protoinfo,assured,reply,destroy,related,new,secmark;-j CT --ctevents new,related,destroy,reply,assured,protoinfo,helper,mark,natseqinfo,secmark;OK
-p tcp -j CT --zone-orig mark --expevents new --ctevents related --helper ftp;-p tcp -j CT --helper ftp --ctevents related --expevents new --zone-orig mark;OK
-j CT --notrack --zone 1;=;OK
-j CT --zone 65536;;FAIL
-j CT --ctevents foo;;FAIL
-j CT --expevents destroy;;FAIL
-j CT --helper ftp;;FAIL
-p tcp -j CT --helper nosuch;;FAIL
-j CT --timeout nosuch;;FAIL
-j CT ! --notrack;;FAIL
-j CT --notrack --notrack;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j CT --notrack;;FAIL
*mangle
:PREROUTING,OUTPUT
-j CT --zone 1;;FAIL
@ipv6
*raw
:PREROUTING,OUTPUT
-j CT --notrack;=;OK
-p tcp -j CT --helper ftp --zone-reply 4;=;OK
