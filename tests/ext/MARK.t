# MARK target (revision 2): exactly one of --set-xmark V[/M], --set-mark V[/M], --and-mark M,
# --or-mark M, --xor-mark M (none negatable). Save ALWAYS prints "--set-xmark 0xV/0xM" (lower hex):
#   --set-xmark V      -> V/0xffffffff         --set-xmark V/M -> V/M
#   --set-mark V       -> V/0xffffffff         --set-mark V/M  -> V/(M|V)
#   --and-mark M       -> 0x0/(~M)             --or-mark M     -> M/M        --xor-mark M -> M/0x0
# Allowed in every table and chain (no kernel table restriction for revision 2).
*mangle
:PREROUTING,INPUT,FORWARD,OUTPUT,POSTROUTING
-j MARK --set-xmark 0x1/0xffffffff;=;OK
-j MARK --set-xmark 1;-j MARK --set-xmark 0x1/0xffffffff;OK
-j MARK --set-xmark 0x1/0xff;=;OK
-j MARK --set-xmark 10/0;-j MARK --set-xmark 0xa/0x0;OK
-j MARK --set-mark 1;-j MARK --set-xmark 0x1/0xffffffff;OK
-j MARK --set-mark 0;-j MARK --set-xmark 0x0/0xffffffff;OK
-j MARK --set-mark 0xffffffff;-j MARK --set-xmark 0xffffffff/0xffffffff;OK
-j MARK --set-mark 0x1/0xff;-j MARK --set-xmark 0x1/0xff;OK
-j MARK --set-mark 10/0;-j MARK --set-xmark 0xa/0xa;OK
-j MARK --set-mark 0x100/0xff;-j MARK --set-xmark 0x100/0x1ff;OK
-j MARK --set-mark 0/0;-j MARK --set-xmark 0x0/0x0;OK
-j MARK --and-mark 0xff;-j MARK --set-xmark 0x0/0xffffff00;OK
-j MARK --and-mark 0;-j MARK --set-xmark 0x0/0xffffffff;OK
-j MARK --and-mark 0xffffffff;-j MARK --set-xmark 0x0/0x0;OK
-j MARK --or-mark 0xff;-j MARK --set-xmark 0xff/0xff;OK
-j MARK --or-mark 0;-j MARK --set-xmark 0x0/0x0;OK
-j MARK --xor-mark 0xff;-j MARK --set-xmark 0xff/0x0;OK
-j MARK --xor-mark 010;-j MARK --set-xmark 0x8/0x0;OK
-j MARK;;FAIL
-j MARK --set-mark 1 --or-mark 2;;FAIL
-j MARK --set-xmark 1 --set-xmark 2;;FAIL
-j MARK --set-mark 0x100000000;;FAIL
-j MARK --set-mark 1/;;FAIL
-j MARK --or-mark 1/2;;FAIL
-j MARK ! --set-mark 1;;FAIL
*filter
:INPUT,FORWARD,OUTPUT
-j MARK --set-mark 7;-j MARK --set-xmark 0x7/0xffffffff;OK
*nat
:PREROUTING,INPUT,OUTPUT,POSTROUTING
-j MARK --or-mark 4;-j MARK --set-xmark 0x4/0x4;OK
*raw
:PREROUTING,OUTPUT
-j MARK --and-mark 0xffff0000;-j MARK --set-xmark 0x0/0xffff;OK
*security
:INPUT,FORWARD,OUTPUT
-j MARK --xor-mark 1;-j MARK --set-xmark 0x1/0x0;OK
@ipv6
*mangle
:PREROUTING,OUTPUT
-j MARK --set-mark 0x10/0x10;-j MARK --set-xmark 0x10/0x10;OK
