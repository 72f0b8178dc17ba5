#!/usr/bin/env bash
# Times two commands in turn (A B A B ...) and prints the ratio A/B pair by
# pair, so that a host whose speed drifts during the series (a shared
# machine) moves both sides of each ratio alike. This is how the "pairs"
# figures in docs/performance.md are taken.
#
# Usage: bench/pairs.sh RUNS 'COMMAND A' 'COMMAND B'
#   e.g. bench/pairs.sh 9 \
#          "target/release/qbr review /tmp/qbr-bench/inbox-50 --out /tmp/qbr-bench/out --no-cache -q" \
#          "target/release/examples/parse_floor /tmp/qbr-bench/inbox-50"
# One warm-up run of each command comes first and is not counted. Each
# command runs through `sh -c "exec COMMAND"`, its output thrown away.
# Prints min, median and max of each figure: quote the median.
# Needs /usr/bin/time (apt-get install time) and python3.
set -euo pipefail
usage="usage: bench/pairs.sh RUNS 'COMMAND A' 'COMMAND B'"
runs="${1:?$usage}"
a="${2:?$usage}"
b="${3:?$usage}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Appends "LABEL wall user sys peak-KiB" for one run of a command.
one() {
  if ! /usr/bin/time -f "$1 %e %U %S %M" -a -o "$log" sh -c "exec $2" >/dev/null 2>&1; then
    echo "bench/pairs.sh: this command failed: $2" >&2
    exit 1
  fi
}

one warm-up "$a"
one warm-up "$b"
for _ in $(seq "$runs"); do
  one A "$a"
  one B "$b"
done

python3 - "$log" <<'PY'
import statistics, sys

runs = {"A": [], "B": []}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 5 and f[0] in runs:
        wall, user, sys_, peak = map(float, f[1:])
        runs[f[0]].append({"wall": wall, "cpu": user + sys_, "peak": peak / 1024})

def row(name, values, fmt):
    lo, mid, hi = min(values), statistics.median(values), max(values)
    print(f"{name:<12}{fmt.format(lo):>10}{fmt.format(mid):>10}{fmt.format(hi):>10}")

print(f"{'':<12}{'min':>10}{'median':>10}{'max':>10}   ({len(runs['A'])} pairs)")
for side in "AB":
    row(f"{side} wall s", [r["wall"] for r in runs[side]], "{:.3f}")
    row(f"{side} cpu s", [r["cpu"] for r in runs[side]], "{:.3f}")
    row(f"{side} peak MiB", [r["peak"] for r in runs[side]], "{:.1f}")
pairs = list(zip(runs["A"], runs["B"]))
row("A/B wall", [a["wall"] / b["wall"] for a, b in pairs], "{:.3f}")
row("A/B cpu", [a["cpu"] / b["cpu"] for a, b in pairs], "{:.3f}")
PY
