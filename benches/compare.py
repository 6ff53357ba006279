#!/usr/bin/env python3
"""Times whole commands side by side, interleaved, and prints medians.

    benches/compare.py [--runs N] NAME=COMMAND NAME=COMMAND ...

Each command runs N times (default 30), alternating with the others so that
machine noise hits them alike; it is run directly (no shell, whose start-up
would be counted too) and its output goes to /dev/null. Prints, per command,
the median and the minimum wall time, and the ratio of every median to the
first command's. Exit status 1 if a command fails (exits with a status
other than 0 and those given with --ok).
"""
import argparse
import shlex
import statistics
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--ok", type=int, action="append", default=[0], help="another exit status that means success (lint exits 1 on findings)")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    cmds = [c.split("=", 1) for c in a.commands]
    times = {name: [] for name, _ in cmds}
    for _ in range(a.runs):
        for name, cmd in cmds:
            t0 = time.perf_counter()
            r = subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            dt = time.perf_counter() - t0
            if r.returncode not in a.ok:
                print(f"{name}: failed ({r.returncode}): {r.stderr.decode()[:500]}", file=sys.stderr)
                sys.exit(1)
            times[name].append(dt)
    base = statistics.median(times[cmds[0][0]])
    print(f"{'command':<32} {'median':>10} {'min':>10} {'ratio':>8}")
    for name, _ in cmds:
        med = statistics.median(times[name])
        print(f"{name:<32} {med * 1000:>8.2f}ms {min(times[name]) * 1000:>8.2f}ms {med / base:>8.2f}")
    first = cmds[0][0]
    for name, _ in cmds[1:]:
        print(f"{first} takes {base / statistics.median(times[name]):.2f} of the time of {name} (medians)")


if __name__ == "__main__":
    main()
