#!/usr/bin/env bash
# Fuzzes the SQL parser with libFuzzer (clang, ASan + UBSan) for N seconds (default 60).
# Usage: scripts/fuzz-parser.sh [seconds]. Exits non-zero when the fuzzer finds a crash; the crashing
# input is left in build-fuzz/crashes/ (turn it into a test in tests/unit/sql/parser_test.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build=build-fuzz

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFEDQ_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$build" parser_fuzz

# The seed corpus is read-only input; new interesting inputs go to a scratch corpus in the build dir.
mkdir -p "$build/corpus/parser" "$build/crashes"
# FUZZ_JOBS=N runs N fuzzing processes in parallel (their logs go to $build/fuzz-*.log).
jobs="${FUZZ_JOBS:-1}"
parallel=()
if [ "$jobs" -gt 1 ]; then
  parallel=(-jobs="$jobs" -workers="$jobs" -fork="$jobs")
fi
set +e
(cd "$build" && exec tests/fuzz/parser_fuzz corpus/parser ../tests/fuzz/corpus/parser \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -dict=../tests/fuzz/parser.dict -artifact_prefix=crashes/ -print_final_stats=1 "${parallel[@]}")
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "fuzz-parser: the fuzzer found a problem (exit $status); see $build/crashes/" >&2
  exit "$status"
fi
echo "fuzz-parser: no crash in ${seconds}s"
