# Extensions fwcheck does not model keep their words. Their option names come
# from src/ext/catalog.rs (read from the installed libxt_*.so), so, as in
# iptables, an exact option name of the loaded extension wins over an
# abbreviation of a main option: `--pol` is the policy match's, not `--policy`.
# Absent: the canonical order of the words. iptables-save prints `--pol ipsec
# --dir in` as `--dir in --pol ipsec`; fwcheck keeps the order as written.
:INPUT,FORWARD
-m policy --dir in --pol ipsec -j ACCEPT;=;OK
:OUTPUT,FORWARD
-m policy --dir out --pol none -j ACCEPT;=;OK
*mangle
:PREROUTING,POSTROUTING
-p udp -j CHECKSUM --checksum-fill;-p udp -j CHECKSUM --checksum-fill;OK
*raw
:PREROUTING,OUTPUT
-j TRACE;=;OK
# The kernel's load-time restrictions of extensions fwcheck does not model
# (src/ext/data/restrictions.tsv): TPROXY only in mangle PREROUTING with
# -p tcp or -p udp, CHECKSUM only in mangle, rpfilter only in raw or mangle
# PREROUTING, sctp only with -p sctp.
*mangle
:OUTPUT
-p tcp -j TPROXY --on-port 1 --on-ip 1.2.3.4;;FAIL
:PREROUTING
-j TPROXY --on-port 1 --on-ip 1.2.3.4;;FAIL
! -p tcp -j TPROXY --on-port 1 --on-ip 1.2.3.4;;FAIL
-m rpfilter;=;OK
*raw
:PREROUTING
-m rpfilter --invert;=;OK
*filter
:INPUT
-p udp -j CHECKSUM --checksum-fill;;FAIL
-m rpfilter;;FAIL
-m sctp --dport 5;;FAIL
-p sctp -m sctp --dport 5;=;OK
