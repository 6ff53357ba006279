#!/usr/bin/env bash
# Whole-process `fwcheck lint` (every lint, text output with the walked
# examples) of the generated 2,000-rule and 5,000-rule sets, with peak
# memory from /usr/bin/time -v.
# Issue goals: under 2 s and under 10 s, under 500 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/fwcheck
for f in corpus/generated/rules.v4 corpus/generated-5000/rules.v4; do
  echo "input: $f ($(grep -c '^-A' "$f") rules, $(grep -c '^:' "$f") chains)"
  # lint exits 1 when it finds errors (these sets have dead rules on purpose).
  python3 benches/compare.py --ok 1 --runs "${RUNS:-5}" "fwcheck lint=$bin lint $f"
  /usr/bin/time -v "$bin" lint "$f" 2>&1 >/dev/null | grep -E 'Maximum resident|Elapsed' | sed 's/^\t*/  /'  || true
  echo "  findings: $("$bin" lint "$f" | tail -1 || true)"
done
