# mac match. Save prints "-m mac [!] --mac-source xx:xx:xx:xx:xx:xx": lower-case hex, always 2 digits,
# colon separated. Input: exactly 6 colon-separated groups of 1-2 hex digits (parsed with strtoul base 16,
# so an EMPTY group means 00 and a leading "+" is tolerated); no "-" separators, no mask, no "0x".
# Valid only in chains reached from PREROUTING, INPUT, FORWARD (kernel hook check): filter/mangle/security
# INPUT+FORWARD, nat PREROUTING+INPUT, mangle/raw PREROUTING; a user chain is fine on its own but a jump to it
# from OUTPUT/POSTROUTING then fails (RULE_APPEND failed (Invalid argument)).
# legacy: identical output; where the kernel rejects, legacy prints "iptables-restore: line 3 failed" instead of
# nft's "RULE_APPEND failed (Invalid argument): rule in chain OUTPUT".
:INPUT,FORWARD,fwck_user
-m mac --mac-source 00:11:22:33:44:55;=;OK
-m mac --mac-source AA:BB:CC:DD:EE:FF;-m mac --mac-source aa:bb:cc:dd:ee:ff;OK
-m mac --mac-source Aa:bB:cc:DD:ee:Ff;-m mac --mac-source aa:bb:cc:dd:ee:ff;OK
-m mac --mac-source 0:1:2:3:4:5;-m mac --mac-source 00:01:02:03:04:05;OK
-m mac --mac-source :11:22:33:44:55;-m mac --mac-source 00:11:22:33:44:55;OK
-m mac --mac-source +0:11:22:33:44:55;-m mac --mac-source 00:11:22:33:44:55;OK
-m mac --mac-source ff:ff:ff:ff:ff:ff;=;OK
-m mac --mac-source 00:00:00:00:00:00;=;OK
-m mac ! --mac-source 00:11:22:33:44:55;=;OK
-m mac --mac 00:11:22:33:44:55;-m mac --mac-source 00:11:22:33:44:55;OK
-m mac --mac-source=00:11:22:33:44:55;-m mac --mac-source 00:11:22:33:44:55;OK
-m mac --mac-source 00:11:22:33:44:55 -m mac --mac-source 00:11:22:33:44:56;=;OK
-s 10.0.0.0/8 -m mac --mac-source 00:11:22:33:44:55 -j DROP;=;OK
-m mac --mac-source 00-11-22-33-44-55;;FAIL
-m mac --mac-source 001122334455;;FAIL
-m mac --mac-source 00:11:22:33:44;;FAIL
-m mac --mac-source 00:11:22:33:44:55:66;;FAIL
-m mac --mac-source 00:11:22:33:44:55:;;FAIL
-m mac --mac-source 00:11:22:33:44:GG;;FAIL
-m mac --mac-source 000:11:22:33:44:55;;FAIL
-m mac --mac-source 0x0:11:22:33:44:55;;FAIL
-m mac --mac-source 00:11:22:33:44:55/ff:ff:ff:00:00:00;;FAIL
-m mac --mac-source ! 00:11:22:33:44:55;;FAIL
-m mac;;FAIL
-m mac --mac-source 00:11:22:33:44:55 --mac-source 00:11:22:33:44:56;;FAIL
--mac-source 00:11:22:33:44:55;;FAIL
# chains where the kernel refuses the mac match
:OUTPUT
-m mac --mac-source 00:11:22:33:44:55;;FAIL
-m mac ! --mac-source 00:11:22:33:44:55;;FAIL
*nat
:PREROUTING,INPUT
-m mac --mac-source 00:11:22:33:44:55;=;OK
:PREROUTING
-m mac --mac-source 00:11:22:33:44:55 -j DNAT --to-destination 10.0.0.1;=;OK
:OUTPUT,POSTROUTING
-m mac --mac-source 00:11:22:33:44:55;;FAIL
*mangle
:PREROUTING,INPUT,FORWARD
-m mac --mac-source 00:11:22:33:44:55;=;OK
:OUTPUT,POSTROUTING
-m mac --mac-source 00:11:22:33:44:55;;FAIL
*raw
:PREROUTING
-m mac --mac-source 00:11:22:33:44:55;=;OK
:OUTPUT
-m mac --mac-source 00:11:22:33:44:55;;FAIL
@ipv6
*filter
:INPUT,FORWARD
-m mac --mac-source 00:11:22:33:44:55;=;OK
:OUTPUT
-m mac --mac-source 00:11:22:33:44:55;;FAIL
