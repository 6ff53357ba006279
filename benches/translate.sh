#!/usr/bin/env bash
# Whole-process `fwcheck translate` of the generated 2,000-rule set against
# iptables-restore-translate on the same file, side by side in one run.
# Issue goal: fwcheck is at least as fast (ratio <= 1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/fwcheck"
for f in corpus/generated/rules.v4 corpus/generated-5000/rules.v4; do
  echo "input: $f ($(grep -c '^-A' $f) rules, $(grep -c '^:' $f) chains)"
  python3 benches/compare.py --runs "${RUNS:-30}" \
    "fwcheck translate=$bin translate $f" \
    "iptables-restore-translate=iptables-restore-translate -f $f"
done
