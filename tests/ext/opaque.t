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
