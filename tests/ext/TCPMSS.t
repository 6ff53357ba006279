# TCPMSS target: --set-mss N (0-65515 IPv4, 0-65495 IPv6) | --clamp-mss-to-pmtu (last one given wins;
# at least one required; not negatable). Requires "-p tcp" (kernel; "! -p tcp" is rejected).
# --clamp-mss-to-pmtu is only valid in FORWARD, OUTPUT and POSTROUTING hooks; --set-mss anywhere.
# No table restriction. --syn is saved as "-m tcp --tcp-flags FIN,SYN,RST,ACK SYN".
# legacy: the kernel additionally requires a tcp match that tests SYN (--syn / --tcp-flags ... SYN);
# legacy: under nft_compat that check is skipped, so "-p tcp -j TCPMSS ..." alone is accepted.
*mangle
:FORWARD,OUTPUT,POSTROUTING
-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu;=;OK
-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400;-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400;OK
-p tcp --syn -j TCPMSS --set-mss 1400;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 1400;OK
-p tcp --syn -j TCPMSS --clamp;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu;OK
-p tcp --tcp-flags ALL SYN -j TCPMSS --set-mss 536;-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG SYN -j TCPMSS --set-mss 536;OK
-p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -j TCPMSS --set-mss 0;=;OK
-p tcp -m tcp --tcp-flags SYN SYN -j TCPMSS --set-mss 65515;=;OK
-p tcp --syn -j TCPMSS --set-mss 0x100;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 256;OK
-p tcp --syn -j TCPMSS --set-mss 1400 --clamp-mss-to-pmtu;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu;OK
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu --set-mss 1400;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 1400;OK
# legacy: keeps two tcp matches: "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m tcp --dport 80 -j ..."
# (nft merges the implicit -p tcp match and the explicit -m tcp into one "-m tcp" on save)
-p tcp --syn -m tcp --dport 80 -j TCPMSS --set-mss 1400;-p tcp -m tcp --dport 80 --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 1400;OK
# legacy: FAIL (no SYN match)
-p tcp -j TCPMSS --clamp-mss-to-pmtu;=;OK
# legacy: FAIL (no SYN match)
-p 6 -j TCPMSS --set-mss 1220;-p tcp -j TCPMSS --set-mss 1220;OK
-p tcp --syn -j TCPMSS;;FAIL
-p tcp --syn -j TCPMSS --set-mss 65516;;FAIL
-p tcp --syn -j TCPMSS ! --set-mss 1;;FAIL
-p udp -j TCPMSS --set-mss 1400;;FAIL
-j TCPMSS --set-mss 1400;;FAIL
! -p tcp --syn -j TCPMSS --set-mss 1400;;FAIL
--tcp-flags SYN SYN -j TCPMSS --set-mss 1400;;FAIL
# clamping is rejected in PREROUTING/INPUT, set-mss is fine there
:PREROUTING,INPUT
-p tcp --syn -j TCPMSS --set-mss 1000;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 1000;OK
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu;;FAIL
*filter
:FORWARD,OUTPUT
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu;OK
:INPUT
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu;;FAIL
*nat
:OUTPUT,POSTROUTING
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu;OK
*raw
:PREROUTING
-p tcp --syn -j TCPMSS --set-mss 1400;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 1400;OK
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu;;FAIL
@ipv6
*mangle
:FORWARD,POSTROUTING
-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu;OK
-p tcp --syn -j TCPMSS --set-mss 65495;-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 65495;OK
-p tcp --syn -j TCPMSS --set-mss 65496;;FAIL
