#!/bin/sh
# Regenerates ruleset.json from ruleset.nft with the real nft, in a
# throwaway network namespace (the host's rule set is never touched).
set -eu
cd "$(dirname "$0")"
ns="fwck-regen-$$"
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" nft -f ruleset.nft
ip netns exec "$ns" nft -j list ruleset > ruleset.json
