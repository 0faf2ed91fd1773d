#!/usr/bin/env bash
# Loads the TPC-H CSV files (bench/data/sf<SF>, made by fedq-tpchgen) into the test servers of
# scripts/test-services.sh: PostgreSQL schema `tpch` in database fedq_bench (created owned by fedq, kept apart
# from the tests' fedq_test; psql \copy) and MariaDB database `tpch` (LOAD DATA LOCAL INFILE), both as user
# fedq, with primary keys, then ANALYZE. One scale factor at a time (loading another replaces the tables). Idempotent: a table is
# reloaded only when its row count differs from the CSV's (or with --force).
#   bench/relational/load.sh [--sf 0.1|1] [--force] [--only postgres|mysql]
set -euo pipefail
cd "$(dirname "$0")/../.."
SF=0.1
FORCE=0
ONLY=all
while [ $# -gt 0 ]; do
    case "$1" in
        --sf) SF=$2; shift 2 ;;
        --force) FORCE=1; shift ;;
        --only) ONLY=$2; shift 2 ;;
        *) echo "usage: $0 [--sf SF] [--force] [--only postgres|mysql]" >&2; exit 2 ;;
    esac
done
DATA=$(pwd)/bench/data/sf$SF
PG_PORT=${FEDQ_PG_PORT:-55432}
MY_PORT=${FEDQ_MYSQL_PORT:-53306}
PSQL=psql
command -v psql >/dev/null || PSQL=/usr/lib/postgresql/15/bin/psql
export PGPASSWORD=fedq_pw MYSQL_PWD=fedq_pw PGOPTIONS='-c client_min_messages=warning'
TABLES=(region nation supplier customer part partsupp orders lineitem)

if [ ! -f "$DATA/lineitem.csv" ]; then
    gen=$(ls build*/fedq-tpchgen 2>/dev/null | head -1 || true)
    [ -n "$gen" ] || { echo "load.sh: no $DATA and no fedq-tpchgen (ninja -C build fedq-tpchgen)" >&2; exit 1; }
    "$gen" --sf "$SF" --out "$DATA"
fi
bash scripts/test-services.sh start >/dev/null

pg() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U fedq -d fedq_bench "$@"; }
my() { mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u fedq --local-infile=1 \
       --default-character-set=utf8mb4 "$@"; }
csv_rows() { echo $(( $(wc -l <"$DATA/$1.csv") - 1 )); }

# name -> column definitions (standard TPC-H types; money DECIMAL(15,2))
declare -A DDL=(
  [region]="r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152), PRIMARY KEY (r_regionkey)"
  [nation]="n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, n_regionkey INTEGER NOT NULL,
            n_comment VARCHAR(152), PRIMARY KEY (n_nationkey)"
  [supplier]="s_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, s_address VARCHAR(40) NOT NULL,
            s_nationkey INTEGER NOT NULL, s_phone CHAR(15) NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL,
            s_comment VARCHAR(101) NOT NULL, PRIMARY KEY (s_suppkey)"
  [customer]="c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, c_address VARCHAR(40) NOT NULL,
            c_nationkey INTEGER NOT NULL, c_phone CHAR(15) NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL,
            c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL, PRIMARY KEY (c_custkey)"
  [part]="p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL,
            p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL,
            p_container CHAR(10) NOT NULL, p_retailprice DECIMAL(15,2) NOT NULL, p_comment VARCHAR(23) NOT NULL,
            PRIMARY KEY (p_partkey)"
  [partsupp]="ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, ps_availqty INTEGER NOT NULL,
            ps_supplycost DECIMAL(15,2) NOT NULL, ps_comment VARCHAR(199) NOT NULL,
            PRIMARY KEY (ps_partkey, ps_suppkey)"
  [orders]="o_orderkey BIGINT NOT NULL, o_custkey INTEGER NOT NULL, o_orderstatus CHAR(1) NOT NULL,
            o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE NOT NULL, o_orderpriority CHAR(15) NOT NULL,
            o_clerk CHAR(15) NOT NULL, o_shippriority INTEGER NOT NULL, o_comment VARCHAR(79) NOT NULL,
            PRIMARY KEY (o_orderkey)"
  [lineitem]="l_orderkey BIGINT NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL,
            l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL,
            l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL,
            l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL,
            l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL,
            l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL,
            PRIMARY KEY (l_orderkey, l_linenumber)"
)

load_postgres() {
    # The bench database, created by the superuser (trusted on loopback) and owned by fedq.
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres >/dev/null <<'SQL'
SELECT 'CREATE DATABASE fedq_bench OWNER fedq ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'fedq_bench') \gexec
SQL
    pg -c "CREATE SCHEMA IF NOT EXISTS tpch"
    local t want have
    for t in "${TABLES[@]}"; do
        want=$(csv_rows "$t")
        # -1 unless the table exists with its primary key (a failed load leaves no key).
        have=$(pg -tA -c "SELECT CASE WHEN NOT EXISTS (SELECT FROM pg_constraint
                                      WHERE conrelid = to_regclass('tpch.$t') AND contype = 'p') THEN -1
                                  ELSE (SELECT count(*) FROM tpch.$t) END" 2>/dev/null || echo -1)
        if [ "$FORCE" = 0 ] && [ "$have" = "$want" ]; then
            echo "postgres: tpch.$t has $have rows, kept"
            continue
        fi
        echo "postgres: loading tpch.$t ($want rows)"
        local start=$SECONDS
        # Primary key added after the load (faster than maintaining the index row by row).
        local re='^(.*),[[:space:]]*PRIMARY KEY (\(.*\))[[:space:]]*$'
        [[ ${DDL[$t]} =~ $re ]] || { echo "load.sh: bad DDL for $t" >&2; exit 1; }
        local cols=${BASH_REMATCH[1]} pk=${BASH_REMATCH[2]}
        pg <<SQL
DROP TABLE IF EXISTS tpch.$t;
CREATE TABLE tpch.$t ($cols);
\\copy tpch.$t FROM '$DATA/$t.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE tpch.$t ADD PRIMARY KEY $pk;
ANALYZE tpch.$t;
SQL
        echo "postgres: tpch.$t loaded in $((SECONDS - start)) s"
    done
}

load_mysql() {
    my -e "CREATE DATABASE IF NOT EXISTS tpch CHARACTER SET utf8mb4"
    local t want have
    for t in "${TABLES[@]}"; do
        want=$(csv_rows "$t")
        have=$(my -N -B -e "SELECT COUNT(*) FROM tpch.$t" 2>/dev/null || echo -1)
        if [ "$FORCE" = 0 ] && [ "$have" = "$want" ]; then
            echo "mysql: tpch.$t has $have rows, kept"
            continue
        fi
        echo "mysql: loading tpch.$t ($want rows)"
        local start=$SECONDS
        # The primary key is declared up front (InnoDB clusters on it; the CSV is in key order).
        my tpch >/dev/null <<SQL
SET SESSION unique_checks = 0, foreign_key_checks = 0;
DROP TABLE IF EXISTS $t;
CREATE TABLE $t (${DDL[$t]}) ENGINE = InnoDB;
LOAD DATA LOCAL INFILE '$DATA/$t.csv' INTO TABLE $t CHARACTER SET utf8mb4
    FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES;
ANALYZE TABLE $t \G
SQL
        echo "mysql: tpch.$t loaded in $((SECONDS - start)) s"
    done
}

case "$ONLY" in
    all) load_postgres; load_mysql ;;
    postgres) load_postgres ;;
    mysql) load_mysql ;;
    *) echo "load.sh: --only postgres|mysql" >&2; exit 2 ;;
esac
