#!/usr/bin/env bash
# Relational connector benchmark: fedq against PostgreSQL / MariaDB's own clients and against PostgreSQL
# with foreign data wrappers. Not part of ctest. See bench/relational/README.md.
#   bench/relational/run.sh [--sf 0.1|1] [--runs N] [--fedq PATH] [--only scan|join] [--no-results]
#                           [--results FILE]
# Steps: start the test servers, load TPC-H (load.sh: PostgreSQL database fedq_bench, MariaDB database tpch),
# create the fedq catalogs `pg` and `my` in a scratch
# FEDQ home, set up mysql_fdw/file_fdw in PostgreSQL (as superuser postgres), then time every case: one
# warm-up run, then the best of N wall times (process start included for every client).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SF=0.1
RUNS=3
FEDQ=build/fedq
ONLY=all
RESULTS=bench/RESULTS.md
WRITE_RESULTS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sf) SF=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --fedq) FEDQ=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --results) RESULTS=$2; shift 2 ;;
        --no-results) WRITE_RESULTS=0; shift ;;
        *) sed -n 3,5p "$0" >&2; exit 2 ;;
    esac
done
DATA=$ROOT/bench/data/sf$SF
PG_PORT=${FEDQ_PG_PORT:-55432}
MY_PORT=${FEDQ_MYSQL_PORT:-53306}
PSQL=psql
command -v psql >/dev/null || PSQL=/usr/lib/postgresql/15/bin/psql
[ -x "$FEDQ" ] || { echo "run.sh: no fedq binary at $FEDQ (ninja -C build fedq)" >&2; exit 1; }
FEDQ=$(cd "$(dirname "$FEDQ")" && pwd)/$(basename "$FEDQ")

bash bench/relational/load.sh --sf "$SF" || { echo "run.sh: loading TPC-H failed" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fedq-relbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
HOME_DIR=$WORK/home
mkdir -p "$HOME_DIR"
export PGOPTIONS='-c client_min_messages=warning'

pg_fedq() { PGPASSWORD=fedq_pw "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U fedq -d fedq_bench "$@"; }
pg_super() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d fedq_bench "$@"; }
my_fedq() { MYSQL_PWD=fedq_pw mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u fedq "$@"; }
fedq() { "$FEDQ" --home "$HOME_DIR" "$@"; }

rows() { echo $(( $(wc -l <"$DATA/$1.csv") - 1 )); }
LINEITEM_ROWS=$(rows lineitem)

# ---------------------------------------------------------------------------------------------- setup
echo "== fedq catalogs (scratch home $HOME_DIR)"
FEDQ_OK=1
if ! fedq -c "CREATE CATALOG pg USING postgres WITH (host = '127.0.0.1', port = $PG_PORT, database = 'fedq_bench',
                  user = 'fedq', password = 'fedq_pw');
              CREATE CATALOG my USING mysql WITH (host = '127.0.0.1', port = $MY_PORT, database = 'tpch',
                  user = 'fedq', password = 'fedq_pw')" >"$WORK/catalog.log" 2>&1; then
    echo "run.sh: cannot create the fedq catalogs (connectors / CREATE CATALOG not available?):" >&2
    sed 's/^/    /' "$WORK/catalog.log" >&2
    FEDQ_OK=0
fi

echo "== PostgreSQL foreign tables (mysql_fdw for customer, file_fdw for the lineitem CSV)"
FDW_OK=1
if ! pg_super >"$WORK/fdw.log" 2>&1 <<SQL; then
CREATE EXTENSION IF NOT EXISTS mysql_fdw;
CREATE EXTENSION IF NOT EXISTS file_fdw;
DROP SCHEMA IF EXISTS bench_fdw CASCADE;
DROP SERVER IF EXISTS bench_mysql CASCADE;
DROP SERVER IF EXISTS bench_files CASCADE;
CREATE SERVER bench_mysql FOREIGN DATA WRAPPER mysql_fdw OPTIONS (host '127.0.0.1', port '$MY_PORT');
CREATE USER MAPPING FOR PUBLIC SERVER bench_mysql OPTIONS (username 'fedq', password 'fedq_pw');
CREATE SERVER bench_files FOREIGN DATA WRAPPER file_fdw;
CREATE SCHEMA bench_fdw;
GRANT USAGE ON SCHEMA bench_fdw TO fedq;
IMPORT FOREIGN SCHEMA tpch LIMIT TO (customer) FROM SERVER bench_mysql INTO bench_fdw;
CREATE FOREIGN TABLE bench_fdw.lineitem_csv (
    l_orderkey BIGINT, l_partkey INTEGER, l_suppkey INTEGER, l_linenumber INTEGER, l_quantity DECIMAL(15,2),
    l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), l_tax DECIMAL(15,2), l_returnflag CHAR(1),
    l_linestatus CHAR(1), l_shipdate DATE, l_commitdate DATE, l_receiptdate DATE, l_shipinstruct CHAR(25),
    l_shipmode CHAR(10), l_comment VARCHAR(44)
) SERVER bench_files OPTIONS (filename '$DATA/lineitem.csv', format 'csv', header 'true');
ANALYZE bench_fdw.lineitem_csv;
GRANT SELECT ON ALL TABLES IN SCHEMA bench_fdw TO fedq;
SQL
    echo "run.sh: FDW setup failed:" >&2
    sed 's/^/    /' "$WORK/fdw.log" >&2
    FDW_OK=0
fi

# ---------------------------------------------------------------------------------------------- timing
# best_time LABEL CMD... : warm-up + RUNS runs; prints the best wall time in seconds, or "error".
declare -A TIME
best_time() {
    local label=$1; shift
    local best="" i start end t
    if ! "$@" >"$WORK/$label.out" 2>"$WORK/$label.err"; then
        echo "  $label: error: $(head -c 300 "$WORK/$label.err" | tr '\n' ' ')" >&2
        TIME[$label]=error
        return
    fi
    for ((i = 0; i < RUNS; i++)); do
        start=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || { TIME[$label]=error; return; }
        end=$EPOCHREALTIME
        t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    done
    TIME[$label]=$best
    echo "  $label: ${best} s" >&2
}
ratio() {  # ratio A B = A / B, or "n/a"
    local a=${TIME[$1]:-error} b=${TIME[$2]:-error}
    [[ $a =~ ^[0-9.]+$ && $b =~ ^[0-9.]+$ ]] || { echo "n/a"; return; }
    awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
rate() {  # rate LABEL ROWS -> million rows per second
    local t=${TIME[$1]:-error}
    [[ $t =~ ^[0-9.]+$ ]] || { echo "n/a"; return; }
    awk -v t="$t" -v r="$2" 'BEGIN { if (t > 0) printf "%.2f", r / t / 1e6; else print "n/a" }'
}

# Every column, so every value crosses the wire and is decoded; count(col) keeps the engine's own work
# small. With source_pushdown off the aggregation cannot run in the source.
COUNT_ALL="count(l_orderkey), count(l_partkey), count(l_suppkey), count(l_linenumber), count(l_quantity),
  count(l_extendedprice), count(l_discount), count(l_tax), count(l_returnflag), count(l_linestatus),
  count(l_shipdate), count(l_commitdate), count(l_receiptdate), count(l_shipinstruct), count(l_shipmode),
  count(l_comment)"
NOPUSH="SET optimizer_disabled_rules = 'source_pushdown'"

if [ "$ONLY" = all ] || [ "$ONLY" = scan ]; then
    echo "== (a) full scan of lineitem ($LINEITEM_ROWS rows), best of $RUNS"
    best_time pg_copy_binary pg_fedq -c "COPY (SELECT * FROM tpch.lineitem) TO STDOUT (FORMAT binary)"
    best_time pg_copy_csv pg_fedq -c "COPY (SELECT * FROM tpch.lineitem) TO STDOUT (FORMAT csv)"
    best_time my_client_quick my_fedq --quick --batch --skip-column-names -e "SELECT * FROM tpch.lineitem"
    if [ "$FEDQ_OK" = 1 ]; then
        best_time fedq_pg_csv fedq -c "SELECT * FROM pg.tpch.lineitem" --format csv
        best_time fedq_pg_count fedq -c "$NOPUSH; SELECT $COUNT_ALL FROM pg.tpch.lineitem" --format csv
        best_time fedq_my_csv fedq -c "SELECT * FROM my.tpch.lineitem" --format csv
        best_time fedq_my_count fedq -c "$NOPUSH; SELECT $COUNT_ALL FROM my.tpch.lineitem" --format csv
        # Row counts of the warm-up runs (header line included in the CSV outputs).
        for l in fedq_pg_csv fedq_my_csv; do
            [ -f "$WORK/$l.out" ] && echo "  $l: $(($(wc -l <"$WORK/$l.out") - 1)) rows" >&2
        done
    fi
    best_time fedq_file_count fedq -c "SELECT $COUNT_ALL FROM '$DATA/lineitem.csv'" --format csv
fi

# (b) Cross-source join: customer in MariaDB, orders in PostgreSQL, lineitem from the CSV file (J1) or from
# PostgreSQL (J2). PostgreSQL runs the same query with customer through mysql_fdw and lineitem through
# file_fdw (J1) or its own table (J2).
JOIN_SQL='SELECT c.c_mktsegment, count(*) AS line_count, sum(l.l_extendedprice * (1 - l.l_discount)) AS revenue
FROM {customer} c
JOIN {orders} o ON o.o_custkey = c.c_custkey
JOIN {lineitem} l ON l.l_orderkey = o.o_orderkey
WHERE o.o_orderdate >= DATE '"'"'1995-01-01'"'"' AND o.o_orderdate < DATE '"'"'1996-01-01'"'"'
  AND l.l_shipmode IN ('"'"'AIR'"'"', '"'"'MAIL'"'"')
GROUP BY c.c_mktsegment
ORDER BY c.c_mktsegment'
join_sql() {  # customer orders lineitem
    local s=${JOIN_SQL//\{customer\}/$1}
    s=${s//\{orders\}/$2}
    echo "${s//\{lineitem\}/$3}"
}

if [ "$ONLY" = all ] || [ "$ONLY" = join ]; then
    echo "== (b) cross-source join, best of $RUNS"
    if [ "$FDW_OK" = 1 ]; then
        best_time pg_fdw_j1 pg_fedq -A -F, -c "$(join_sql bench_fdw.customer tpch.orders bench_fdw.lineitem_csv)"
        best_time pg_fdw_j2 pg_fedq -A -F, -c "$(join_sql bench_fdw.customer tpch.orders tpch.lineitem)"
    fi
    if [ "$FEDQ_OK" = 1 ]; then
        best_time fedq_j1 fedq -c "$(join_sql my.tpch.customer pg.tpch.orders "'$DATA/lineitem.csv'")" --format csv
        best_time fedq_j2 fedq -c "$(join_sql my.tpch.customer pg.tpch.orders pg.tpch.lineitem)" --format csv
    fi
    best_time fedq_j0 fedq -c "$(join_sql "'$DATA/customer.csv'" "'$DATA/orders.csv'" "'$DATA/lineitem.csv'")" \
            --format csv
    for l in pg_fdw_j1 fedq_j1 fedq_j2 fedq_j0; do
        [ -f "$WORK/$l.out" ] && { echo "  $l answer:" >&2; sed 's/^/    /' "$WORK/$l.out" >&2; }
    done
fi

# ---------------------------------------------------------------------------------------------- report
t() { echo "${TIME[$1]:-n/a}"; }
section=$(cat <<EOF
## Relational connectors, TPC-H SF $SF

- date: $(date -u '+%Y-%m-%d %H:%M UTC'); fedq revision $(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')
- machine: $(nproc) cores (nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo) memory; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end
- servers: PostgreSQL $("$PSQL" -X -tA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'SHOW server_version' 2>/dev/null | cut -d' ' -f1), MariaDB $(my_fedq -N -B -e 'SELECT VERSION()' 2>/dev/null | cut -d- -f1), both on this machine (scripts/test-services.sh settings); best of $RUNS runs after a warm-up, wall time of each client process

### (a) Full scan of lineitem ($LINEITEM_ROWS rows, 16 columns)

| case | s | M rows/s | ratio (fedq rows/s ÷ native rows/s) |
|---|---:|---:|---:|
| PostgreSQL \`COPY (SELECT * FROM lineitem) TO STDOUT (FORMAT binary)\` > /dev/null | $(t pg_copy_binary) | $(rate pg_copy_binary "$LINEITEM_ROWS") | |
| PostgreSQL \`COPY ... (FORMAT csv)\` > /dev/null | $(t pg_copy_csv) | $(rate pg_copy_csv "$LINEITEM_ROWS") | |
| fedq \`SELECT * FROM pg.tpch.lineitem\` --format csv > /dev/null | $(t fedq_pg_csv) | $(rate fedq_pg_csv "$LINEITEM_ROWS") | $(ratio pg_copy_binary fedq_pg_csv) vs binary COPY, $(ratio pg_copy_csv fedq_pg_csv) vs CSV COPY |
| fedq count(every column) FROM pg.tpch.lineitem, source_pushdown off | $(t fedq_pg_count) | $(rate fedq_pg_count "$LINEITEM_ROWS") | $(ratio pg_copy_binary fedq_pg_count) vs binary COPY |
| MariaDB \`mariadb --quick --batch -e 'SELECT * FROM lineitem'\` > /dev/null | $(t my_client_quick) | $(rate my_client_quick "$LINEITEM_ROWS") | |
| fedq \`SELECT * FROM my.tpch.lineitem\` --format csv > /dev/null | $(t fedq_my_csv) | $(rate fedq_my_csv "$LINEITEM_ROWS") | $(ratio my_client_quick fedq_my_csv) |
| fedq count(every column) FROM my.tpch.lineitem, source_pushdown off | $(t fedq_my_count) | $(rate fedq_my_count "$LINEITEM_ROWS") | $(ratio my_client_quick fedq_my_count) |
| (reference) fedq count(every column) FROM the lineitem CSV file | $(t fedq_file_count) | $(rate fedq_file_count "$LINEITEM_ROWS") | |

### (b) Cross-source join (customer ⋈ orders ⋈ lineitem, orders of 1995, ship mode AIR/MAIL, revenue by segment)

| case | customer | orders | lineitem | s | ratio fedq / PostgreSQL |
|---|---|---|---|---:|---:|
| J1 PostgreSQL + FDWs | mysql_fdw | local table | file_fdw (CSV) | $(t pg_fdw_j1) | |
| J1 fedq | MariaDB connector | PostgreSQL connector | CSV file | $(t fedq_j1) | $(ratio fedq_j1 pg_fdw_j1) |
| J2 PostgreSQL + FDW | mysql_fdw | local table | local table | $(t pg_fdw_j2) | |
| J2 fedq | MariaDB connector | PostgreSQL connector | PostgreSQL connector | $(t fedq_j2) | $(ratio fedq_j2 pg_fdw_j2) |
| (reference) fedq, all three from CSV files | CSV | CSV | CSV | $(t fedq_j0) | |

Query: \`bench/relational/run.sh\` (JOIN_SQL). PostgreSQL runs it single-process with its own planner (hash
joins, parallel workers allowed by default); mysql_fdw fetches customer (pushing no join); file_fdw parses
the CSV in the backend. fedq pulls orders and customer through the connectors (filters pushed), reads the
CSV in parallel and joins in its engine.
EOF
)
echo
echo "$section"

if [ "$WRITE_RESULTS" = 1 ]; then
    begin="<!-- bench:relational sf=$SF begin -->"
    end="<!-- bench:relational sf=$SF end -->"
    tmp=$WORK/results.md
    printf '%s\n' "$section" >"$WORK/section.md"
    if grep -qF "$begin" "$RESULTS" 2>/dev/null; then
        awk -v b="$begin" -v e="$end" -v f="$WORK/section.md" '
            $0 == b { print; while ((getline line < f) > 0) print line; skip = 1; next }
            $0 == e { skip = 0 }
            !skip { print }' "$RESULTS" >"$tmp"
    else
        { cat "$RESULTS" 2>/dev/null; printf '\n%s\n%s\n%s\n' "$begin" "$section" "$end"; } >"$tmp"
    fi
    cp "$tmp" "$RESULTS"
    echo "run.sh: wrote the SF $SF section of $RESULTS"
fi
