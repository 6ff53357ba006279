#!/usr/bin/env bash
# Whole-process `fwcheck parse` of the generated 2,000-rule set against
# iptables-restore-translate on the same file, side by side in one run.
# Issue goal: fwcheck takes at most half the time (ratio <= 0.5).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
f=corpus/generated/rules.v4
echo "input: $f ($(grep -c '^-A' $f) rules, $(grep -c '^:' $f) chains)"
python3 benches/compare.py --runs "${RUNS:-30}" \
  "fwcheck parse=target/release/fwcheck parse $f" \
  "iptables-restore-translate=iptables-restore-translate -f $f"
