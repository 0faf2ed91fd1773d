#!/usr/bin/env bash
# Configures and builds fedq (Release, ccache) into build/, runs every test with ctest and prints one
# combined summary. Exits non-zero if the build or any test fails.
#   scripts/run-tests.sh [extra ctest arguments, e.g. -R sqllogictest]
# The PostgreSQL/MariaDB test servers (scripts/test-services.sh) are started before ctest and stopped
# afterwards (also on failure) if this script started them; servers that already run are used and left
# running. FEDQ_TEST_SERVICES=external: do not touch them at all (they are provided elsewhere).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}

log=$(mktemp "${TMPDIR:-/tmp}/fedq-tests.XXXXXX")
services_started=0
cleanup() {
    rm -f "$log"
    if [ "$services_started" = 1 ]; then
        echo "== stop test services"
        bash scripts/test-services.sh stop || echo "run-tests: stopping the test services failed"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The TPC-H answer check compares with DuckDB's node package (bench-only, pinned by bench/package-lock.json).
if [ -f bench/package.json ] && { [ ! -d bench/node_modules/@duckdb/node-api ] || [ ! -x bench/node_modules/.bin/s3rver ]; } && command -v npm >/dev/null; then
    echo "== npm ci (bench)"
    (cd bench && npm ci --no-audit --no-fund --loglevel=error) || echo "run-tests: npm ci failed; the TPC-H check will fail"
fi

echo "== configure ($BUILD_DIR)"
generator=()
[ -f "$BUILD_DIR/CMakeCache.txt" ] || generator=(-G Ninja)  # keep whatever generator an existing build uses
if ! cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1; then
    cat "$log"
    echo "run-tests: configure FAILED"
    exit 1
fi

echo "== build"
if ! cmake --build "$BUILD_DIR" -j "$JOBS"; then
    echo "run-tests: build FAILED"
    exit 1
fi

if [ "${FEDQ_TEST_SERVICES:-}" != external ]; then
    if bash scripts/test-services.sh status >/dev/null 2>&1; then
        echo "== test services already running (left running)"
    else
        echo "== start test services"
        services_started=1
        if ! bash scripts/test-services.sh start; then
            echo "run-tests: test services (PostgreSQL/MariaDB) failed to start"
            exit 1
        fi
    fi
fi
# Connection settings for the tests (FEDQ_PG_PORT, FEDQ_MYSQL_PORT, FEDQ_TEST_USER, ...).
set -a
eval "$(bash scripts/test-services.sh env)"
set +a
# The shared fixtures the SQL suite reads (PostgreSQL shop, MariaDB crm); reloading them is idempotent.
echo "== load test fixtures"
if ! bash tests/fixtures/load.sh; then
    echo "run-tests: loading the test fixtures failed"
    exit 1
fi

echo "== test"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

echo
echo "== summary"
# ctest's own line: "NN% tests passed, N tests failed out of M"
grep -E "tests passed|tests failed" "$log" | tail -1
# Failed tests, each with the "N passed, M failed" line its runner printed (ctest shows a failed test's
# output right after its status line).
awk '/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: / { name = $4; failed = ($0 !~ / Passed /); if (failed) print "  FAILED " name }
     /^(cli_test: )?[0-9]+ passed, [0-9]+ failed$/ { sub(/^cli_test: /, ""); print "    " name ": " $0 }' "$log"
if [ "$status" -ne 0 ]; then
    echo "run-tests: FAILED"
    exit "$status"
fi
echo "run-tests: all tests passed"
