#!/usr/bin/env bash
# Installs everything fedq needs to build, test and benchmark on Debian 12. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libre2-dev libfmt-dev libedit-dev libzstd-dev zlib1g-dev liblz4-dev libsnappy-dev
  libsimdjson-dev nlohmann-json3-dev libcli11-dev libfast-float-dev libutf8proc-dev libxxhash-dev
  libhowardhinnant-date-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  flatbuffers-compiler libflatbuffers-dev
  clang libclang-rt-14-dev
  curl libcurl4-openssl-dev libpq-dev libmariadb-dev libsqlite3-dev libsodium-dev libtomlplusplus-dev
  postgresql-15 postgresql-client-15 postgresql-15-mysql-fdw mariadb-server mariadb-client sqlite3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v node >/dev/null || { echo "setup: node (Node.js 20 with npm) is required" >&2; exit 1; }
# Test/bench-only npm packages (DuckDB as the reference engine), pinned by package-lock.json.
if [ -f bench/package.json ] && { [ ! -d bench/node_modules/@duckdb/node-api ] || [ ! -x bench/node_modules/.bin/s3rver ] || [ ! -d bench/node_modules/apache-arrow ]; }; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: dependencies ready"
