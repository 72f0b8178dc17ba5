#!/usr/bin/env bash
# Benchmark: a re-run after one workbook changed, against a cold run, on the
# same ~1,000,000-line inbox as bench/run.sh. The cold run starts with an
# empty parse cache; before each re-run one order workbook is swapped for a
# copy whose bytes differ (re-compressed) but whose cells are the same, so
# exactly one workbook misses the cache and the figures stay comparable.
# Needs hyperfine and python3.
# Usage: bench/incremental.sh [SCALE]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-50}"
base="${BENCH_DIR:-/tmp/qbr-bench}"
data="$base/inbox-$scale"
out="$base/out-incremental"

cargo build --release --locked --bin qbr
if [ ! -d "$data" ]; then
  mkdir -p "$base"
  ./target/release/qbr sample-data "$data" --scale "$scale"
fi
victim="$(find "$data/" -name '*.xlsx' -path '*订单*' | sort | sed -n 1p)"
alt="$base/one-changed.xlsx"
python3 - "$victim" "$alt" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
    for item in zin.infolist():
        zout.writestr(item.filename, zin.read(item.filename))
PY
# Swaps the victim and its re-compressed twin: each call changes one workbook.
flip="f='$victim'; a='$alt'; mv \"\$f\" \"\$f.swap\" && mv \"\$a\" \"\$f\" && mv \"\$f.swap\" \"\$a\""
echo "== changing $(basename "$victim") before each re-run"

# Each prepare ends with `sync`: the 90 MB of cache a cold run writes is
# flushed before the next timed run, so no run pays for an earlier one's
# disk writes (on two cores the flush otherwise added 0.1 s to re-runs).
hyperfine --runs 5 \
  -n cold --prepare "rm -rf '$out/.qbr-cache'; sync" "./target/release/qbr review '$data' --out '$out' -q" \
  -n one-changed --prepare "$flip; sync" "./target/release/qbr review '$data' --out '$out' -q"

echo "== what the re-run did"
sh -c "$flip"
./target/release/qbr review "$data" --out "$out" -v 2>&1 >/dev/null | grep -E 'cache|computed'
