#!/usr/bin/env bash
# Benchmark: qbr review over ~1,000,000 order lines in 200+ workbooks, against
# the floor of merely opening and reading every cell with calamine.
# Needs hyperfine (apt-get install hyperfine) and /usr/bin/time (apt-get install time).
# Usage: bench/run.sh [SCALE]   (SCALE 50 ≈ 1,000,000 lines; default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-50}"
data="${BENCH_DIR:-/tmp/qbr-bench}/inbox-$scale"
out="${BENCH_DIR:-/tmp/qbr-bench}/out"

cargo build --release --locked --bin qbr --example parse_floor
if [ ! -d "$data" ]; then
  mkdir -p "$(dirname "$data")"
  ./target/release/qbr sample-data "$data" --scale "$scale"
fi
echo "== inbox: $(find "$data/" -name '*.xlsx' | wc -l) workbooks, $(du -sh "$data/" | cut -f1)"

hyperfine --warmup 1 --runs 5 \
  -n floor "./target/release/examples/parse_floor '$data'" \
  -n review "./target/release/qbr review '$data' --out '$out' --no-cache"

echo "== peak memory"
/usr/bin/time -v ./target/release/examples/parse_floor "$data" 2>&1 | grep -E 'Maximum resident|Elapsed'
/usr/bin/time -v ./target/release/qbr review "$data" --out "$out" --no-cache 2>&1 >/dev/null | grep -E 'Maximum resident|Elapsed|Percent of CPU'
