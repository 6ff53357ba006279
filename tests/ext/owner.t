# owner match (revision 1): [!] --uid-owner ID[-ID], [!] --gid-owner ID[-ID], --suppl-groups (only
# after --gid-owner, not negatable), [!] --socket-exists; at least one of uid/gid/socket-exists.
# Names are resolved via passwd/group (root -> 0); ranges accept "-" or ":" and are printed with "-";
# N-N prints N. IDs 0..4294967294 (base 0). Save order: --socket-exists, --uid-owner, --gid-owner,
# --suppl-groups. --pid-owner/--cmd-owner no longer exist.
# Kernel: only valid in the OUTPUT and POSTROUTING hooks (any table); a reversed range is rejected.
# A user chain is accepted unless it is reachable from a chain with another hook (checked on jump).
:OUTPUT
-m owner --uid-owner 0;=;OK
-m owner --uid-owner root;-m owner --uid-owner 0;OK
-m owner ! --uid-owner 1000;=;OK
-m owner --uid-owner 1000-2000;=;OK
-m owner --uid-owner 1000:2000;-m owner --uid-owner 1000-2000;OK
-m owner --uid-owner 5-5;-m owner --uid-owner 5;OK
-m owner --uid-owner 0x10;-m owner --uid-owner 16;OK
-m owner --uid-owner 0-4294967294;=;OK
-m owner --gid-owner root;-m owner --gid-owner 0;OK
-m owner ! --gid-owner 5-9;=;OK
-m owner --socket-exists;=;OK
-m owner --gid-owner 100 --suppl-groups;=;OK
-m owner --gid-owner 6 --suppl-groups --uid-owner 5 ! --socket-exists;-m owner ! --socket-exists --uid-owner 5 --gid-owner 6 --suppl-groups;OK
-m owner;;FAIL
-m owner --suppl-groups --gid-owner 5;;FAIL
-m owner --gid-owner 5 ! --suppl-groups;;FAIL
-m owner --uid-owner 4294967295;;FAIL
-m owner --uid-owner 9-5;;FAIL
-m owner --pid-owner 1;;FAIL
:USR
-m owner --uid-owner 0;=;OK
:INPUT,FORWARD
-m owner --uid-owner 0;;FAIL
-m owner --socket-exists;;FAIL
*mangle
:OUTPUT,POSTROUTING
-m owner --uid-owner 0;=;OK
:PREROUTING,INPUT,FORWARD
-m owner --uid-owner 0;;FAIL
*nat
:OUTPUT,POSTROUTING
-m owner --gid-owner 0;=;OK
:PREROUTING,INPUT
-m owner --gid-owner 0;;FAIL
*raw
:OUTPUT
-m owner --socket-exists;=;OK
:PREROUTING
-m owner --socket-exists;;FAIL
@ipv6
*filter
:OUTPUT
-m owner --uid-owner 0-99;=;OK
:INPUT
-m owner --uid-owner 0;;FAIL
