#!/usr/bin/env bash
# Whole-process `fwcheck apply` of the generated 2,000-rule set into a
# namespace against iptables-nft-restore loading the same file into another,
# side by side in one run (needs root). Both enter their namespace the same
# way (fwcheck by setns itself, the reference through nsenter). fwcheck
# applies with iptables-nft-restore itself (--backend iptables-nft; this
# file is one table, which needs no snapshot for a rollback) or by
# sending the translation as one
# nf_tables netlink batch itself (--backend nft). Issue goal: fwcheck at
# least as fast (ratio <= 1).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "benches/apply.sh needs root (namespaces)" >&2; exit 2; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/fwcheck
f=corpus/generated/rules.v4
a=fwck-bench-apply-$$
b=fwck-bench-restore-$$
c=fwck-bench-nft-$$
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null; ip netns del $c 2>/dev/null' EXIT
ip netns add $a
ip netns add $b
ip netns add $c
echo "input: $f ($(grep -c '^-A' $f) rules, $(grep -c '^:' $f) chains)"
python3 benches/compare.py --runs "${RUNS:-15}" \
  "fwcheck apply --backend nft=$bin apply $f --netns $c --backend nft" \
  "fwcheck apply=$bin apply $f --netns $a" \
  "iptables-nft-restore=nsenter --net=/run/netns/$b iptables-nft-restore $f"
