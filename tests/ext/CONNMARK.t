# CONNMARK target (revision 2). Operations (exactly one): --set-xmark V[/M], --set-mark V[/M],
# --and-mark M, --or-mark M, --xor-mark M (printed as --set-xmark 0xV/0xM, same mapping as MARK),
# --save-mark, --restore-mark (aliases --save, --restore) with masks --mask M (sets both masks) or
# --nfmask M / --ctmask M (default 0xffffffff; --mask cannot be combined with --nfmask/--ctmask).
# Save ALWAYS prints both "--nfmask 0x.. --ctmask 0x.." for save/restore. --mask/--ctmask after a
# --set-* op overrides the printed mask (--mask before --set-mark is overwritten by it).
# --left-shift-mark N / --right-shift-mark N (0-31, last one wins, 0 not printed) are printed last.
# Allowed in every table and chain.
*mangle
:PREROUTING,INPUT,FORWARD,OUTPUT,POSTROUTING
-j CONNMARK --set-xmark 0x1/0xffffffff;=;OK
-j CONNMARK --set-mark 1;-j CONNMARK --set-xmark 0x1/0xffffffff;OK
-j CONNMARK --set-mark 1/0xff;-j CONNMARK --set-xmark 0x1/0xff;OK
-j CONNMARK --set-mark 10/0;-j CONNMARK --set-xmark 0xa/0xa;OK
-j CONNMARK --and-mark 0xff;-j CONNMARK --set-xmark 0x0/0xffffff00;OK
-j CONNMARK --or-mark 0xff;-j CONNMARK --set-xmark 0xff/0xff;OK
-j CONNMARK --xor-mark 0xff;-j CONNMARK --set-xmark 0xff/0x0;OK
-j CONNMARK --set-mark 1 --mask 2;-j CONNMARK --set-xmark 0x1/0x2;OK
-j CONNMARK --mask 2 --set-mark 1;-j CONNMARK --set-xmark 0x1/0xffffffff;OK
-j CONNMARK --save-mark;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff;OK
-j CONNMARK --save;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff;OK
-j CONNMARK --save-mark --mask 0xff;-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff;OK
-j CONNMARK --save-mark --nfmask 0xf0 --ctmask 0x0f;-j CONNMARK --save-mark --nfmask 0xf0 --ctmask 0xf;OK
-j CONNMARK --save-mark --ctmask 0;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0x0;OK
-j CONNMARK --restore-mark;-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff;OK
-j CONNMARK --mask 255 --restore;-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff;OK
-j CONNMARK --restore-mark --nfmask 0xff;-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xffffffff;OK
-j CONNMARK --save-mark --left-shift-mark 8;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff --left-shift-mark 8;OK
-j CONNMARK --restore-mark --mask 0xff00 --right-shift-mark 8;-j CONNMARK --restore-mark --nfmask 0xff00 --ctmask 0xff00 --right-shift-mark 8;OK
-j CONNMARK --save-mark --left-shift-mark 8 --right-shift-mark 2;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff --right-shift-mark 2;OK
-j CONNMARK --save-mark --left-shift-mark 0;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff;OK
-j CONNMARK;;FAIL
-j CONNMARK --set-mark 1 --save-mark;;FAIL
-j CONNMARK --save-mark --mask 0xff --nfmask 1;;FAIL
-j CONNMARK --save-mark --left-shift-mark 32;;FAIL
-j CONNMARK ! --save-mark;;FAIL
-j CONNMARK --set-mark 0x100000000;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j CONNMARK --restore-mark;-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff;OK
*raw
:PREROUTING,OUTPUT
-j CONNMARK --set-xmark 0x1/0x1;=;OK
@ipv6
*nat
:PREROUTING,POSTROUTING
-j CONNMARK --save-mark --mask 0xff;-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff;OK
