#!/usr/bin/env bash
# Fuzzes the Parquet reader (tests/fuzz/parquet_fuzz.cpp) with libFuzzer (clang, ASan + UBSan) for N seconds
# (default 60). Usage: scripts/fuzz-parquet.sh [seconds]. Exits non-zero when the fuzzer finds a crash; the
# crashing input is left in build-fuzz/crashes-parquet/ (keep it in tests/fuzz/crashes-parquet/ and turn it
# into a test in tests/unit/formats/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${FUZZ_BUILD:-build-fuzz}"

# FUZZ_EXTRA_FLAGS: extra compile flags (e.g. -fno-sanitize=nonnull-attribute to get past a known finding;
# use a separate FUZZ_BUILD directory for such runs).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFEDQ_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "-DFEDQ_FUZZ_EXTRA_FLAGS=${FUZZ_EXTRA_FLAGS:-}" >/dev/null
ninja -C "$build" parquet_fuzz

# The seed corpus (small valid files) is read-only input; new inputs go to a scratch corpus in the build dir.
mkdir -p "$build/corpus-parquet" "$build/crashes-parquet"
# FUZZ_JOBS=N runs N fuzzing processes in parallel (their logs go to $build/fuzz-*.log).
jobs="${FUZZ_JOBS:-1}"
parallel=()
if [ "$jobs" -gt 1 ]; then
  parallel=(-jobs="$jobs" -workers="$jobs" -fork="$jobs")
fi
set +e
(cd "$build" && exec tests/fuzz/parquet_fuzz corpus-parquet ../tests/fuzz/corpus-parquet \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -dict=../tests/fuzz/parquet.dict -artifact_prefix=crashes-parquet/ -print_final_stats=1 "${parallel[@]}")
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "fuzz-parquet: the fuzzer found a problem (exit $status); see $build/crashes-parquet/" >&2
  exit "$status"
fi
echo "fuzz-parquet: no crash in ${seconds}s"
