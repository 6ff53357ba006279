#!/usr/bin/env bash
# Whole-process `fwcheck verify` of 2,000 crafted packets through the
# generated 5,000-rule set, loaded into the firewall of a client - firewall
# - server lab: build the lab, load the rules, read the counters, send the
# packets, read the counters again, predict, compare, remove the lab.
# Issue goal: under 10 s. Needs root (it builds namespaces `fwck-PID-…`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp corpus/generated-5000/rules.v4 "$dir/rules.v4"
cat > "$dir/lab.toml" <<'TOML'
description = "benchmark: client - firewall - server"

[[netns]]
name = "client"
addresses = ["eth0 10.0.0.2/24", "eth0 10.0.0.3/24"]
routes = ["default via 10.0.0.1 dev eth0"]

[[netns]]
name = "fw"
addresses = ["eth0 10.0.0.1/24", "eth1 10.1.0.1/24"]
sysctls = { "net.ipv4.ip_forward" = "1" }
rules = "rules.v4"

[[netns]]
name = "server"
addresses = ["eth0 10.1.0.2/24"]
routes = ["default via 10.1.0.1 dev eth0"]

[[veth]]
ends = ["client:eth0", "fw:eth0"]

[[veth]]
ends = ["fw:eth1", "server:eth0"]
TOML
python3 - "$dir/packets" <<'PY'
import random, sys
r = random.Random(1)
out = []
for i in range(2000):
    src = r.choice(["10.0.0.2", "10.0.0.3"])
    dst = r.choice(["10.1.0.2", "10.0.0.1", "10.1.0.1"])
    k = r.randrange(3)
    if k == 0:
        out.append(f"tcp {src}:{r.randint(1024, 65535)} -> {dst}:{r.choice([22, 80, 443, 8080, 3306])} {r.choice(['syn', 'ack', 'syn ack', 'rst'])}")
    elif k == 1:
        out.append(f"udp {src}:{r.randint(1024, 65535)} -> {dst}:{r.choice([53, 123, 161])}")
    else:
        out.append(f"icmp {src} -> {dst} echo-request")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
python3 benches/compare.py --runs "${RUNS:-5}" \
  "fwcheck verify 2,000 packets=target/release/fwcheck verify $dir/lab.toml --packets $dir/packets"
