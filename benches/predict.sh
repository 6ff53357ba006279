#!/usr/bin/env bash
# Whole-process `fwcheck predict` of 100,000 packets (one SPEC per line,
# a mix of tcp, udp and icmp from many sources) through the generated
# 2,000-rule set. Issue goal: under 1 second.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
f=$(mktemp)
trap 'rm -f "$f"' EXIT
python3 - "$f" <<'PY'
import random, sys
r = random.Random(1)
out = []
for i in range(100000):
    a = f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
    k = r.randrange(3)
    if k == 0:
        out.append(f"tcp {a}:{r.randint(1024, 65535)} -> 10.0.0.1:{r.choice([22, 80, 443, 8080, 3306])} syn in eth0")
    elif k == 1:
        out.append(f"udp {a}:{r.randint(1024, 65535)} -> 10.0.0.1:{r.choice([53, 123, 161])} in eth0")
    else:
        out.append(f"icmp {a} -> 10.0.0.1 echo-request in eth0")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
python3 benches/compare.py --runs "${RUNS:-5}" \
  "fwcheck predict 100k=target/release/fwcheck predict corpus/generated/rules.v4 --packets $f --host eth0=10.0.0.1/24"
