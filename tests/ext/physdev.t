# physdev match: [!] --physdev-in IF, [!] --physdev-out IF (IF < 16 chars, "+" wildcard suffix),
# [!] --physdev-is-in, [!] --physdev-is-out, [!] --physdev-is-bridged; at least one required.
# Save order: --physdev-is-in, --physdev-in, --physdev-is-out, --physdev-out, --physdev-is-bridged.
# Kernel: --physdev-out / --physdev-is-out are rejected in the OUTPUT hook unless
# --physdev-is-bridged (non-negated) is also given.
:FORWARD,INPUT,OUTPUT
-m physdev --physdev-in eth0;=;OK
-m physdev ! --physdev-in eth0;=;OK
-m physdev --physdev-in eth+;=;OK
-m physdev --physdev-in +;=;OK
-m physdev --physdev-in abcdefghijklmno;=;OK
-m physdev --physdev-is-in;=;OK
-m physdev ! --physdev-is-in;=;OK
-m physdev --physdev-is-bridged;=;OK
-m physdev ! --physdev-is-bridged;=;OK
-m physdev --physdev-out eth0 --physdev-is-bridged;=;OK
-m physdev --physdev-is-bridged --physdev-is-out;-m physdev --physdev-is-out --physdev-is-bridged;OK
-m physdev;;FAIL
-m physdev --physdev-in abcdefghijklmnop;;FAIL
-m physdev --physdev-in eth0 --physdev-in eth1;;FAIL
! -m physdev --physdev-in eth0;;FAIL
:FORWARD,INPUT
-m physdev --physdev-out eth1;=;OK
-m physdev ! --physdev-out eth1 ! --physdev-is-out;-m physdev ! --physdev-is-out ! --physdev-out eth1;OK
-m physdev --physdev-out eth1 --physdev-in eth0 --physdev-is-bridged --physdev-is-out --physdev-is-in;-m physdev --physdev-is-in --physdev-in eth0 --physdev-is-out --physdev-out eth1 --physdev-is-bridged;OK
:OUTPUT
-m physdev --physdev-out eth0;;FAIL
-m physdev --physdev-is-out;;FAIL
-m physdev --physdev-out eth0 ! --physdev-is-bridged;;FAIL
*mangle
:POSTROUTING,FORWARD
-m physdev --physdev-out eth0 --physdev-in eth1;-m physdev --physdev-in eth1 --physdev-out eth0;OK
:OUTPUT
-m physdev --physdev-is-out;;FAIL
*nat
:OUTPUT
-m physdev --physdev-out eth0;;FAIL
@ipv6
*filter
:FORWARD
-m physdev ! --physdev-is-bridged --physdev-in br+;-m physdev --physdev-in br+ ! --physdev-is-bridged;OK
:OUTPUT
-m physdev --physdev-out eth0;;FAIL
