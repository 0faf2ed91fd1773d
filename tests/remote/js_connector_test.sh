#!/usr/bin/env bash
# End-to-end test of the JavaScript example connector (examples/connectors/products) through fedq's `remote`
# catalog, plus the protocol conformance script (tests/remote/conformance.mjs) against both the JS connector
# and `fedq connector serve --type sqlite`.
#   tests/remote/js_connector_test.sh PATH/TO/fedq     (run from the repository root; needs node, curl)
# The connector is started on a free loopback port (it listens on port 0 and prints its address) with a random
# key, and stopped (SIGTERM) at the end; expectations come from examples/connectors/products/data/catalog.json.
set -u
FEDQ=${1:?usage: js_connector_test.sh PATH/TO/fedq}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONNECTOR="$ROOT/examples/connectors/products/server.mjs"
DATA="$ROOT/examples/connectors/products/data/catalog.json"
CONFORMANCE="$ROOT/tests/remote/conformance.mjs"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fedq-js-connector.XXXXXX")
export FEDQ_HOME="$WORK/home"
js_pid=""
svc_pid=""
cleanup() {
    [ -n "$js_pid" ] && kill "$js_pid" 2>/dev/null
    [ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
checks=0
fail() {
    echo "FAIL: $1"
    shift
    for line in "$@"; do echo "  $line"; done
    failures=$((failures + 1))
}
command -v node >/dev/null || { echo "node is not installed"; exit 2; }

# ---------------------------------------------------------------- start the JS connector
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/connector.key"
key=$(cat "$WORK/connector.key")
node "$CONNECTOR" --listen 127.0.0.1:0 --auth-key-file "$WORK/connector.key" >"$WORK/js.out" 2>"$WORK/js.log" &
js_pid=$!
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$WORK/js.out")
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "the JS connector did not start:"
    cat "$WORK/js.out" "$WORK/js.log"
    exit 1
fi
CAT="CREATE OR REPLACE CATALOG shop USING remote WITH (endpoints = '$url', auth_key = '$key');"

# expect NAME EXPECTED_STDOUT SQL   (csv output, exit 0)
expect() {
    checks=$((checks + 1))
    local out rc
    out=$("$FEDQ" --format csv -c "$CAT $3" </dev/null 2>"$WORK/stderr")
    rc=$?
    if [ "$rc" != 0 ] || [ "$out" != "$2" ]; then
        fail "$1" "exit $rc" "stdout: $(printf '%q' "$out")" "want:   $(printf '%q' "$2")" "stderr: $(cat "$WORK/stderr")"
    fi
}
# expect_explain NAME GREP_PATTERN SQL: EXPLAIN output contains the pattern (fixed string)
expect_explain() {
    checks=$((checks + 1))
    local out
    out=$("$FEDQ" --format tsv -c "$CAT EXPLAIN $3" </dev/null 2>&1)
    grep -qF -- "$2" <<<"$out" || fail "$1" "EXPLAIN does not contain '$2':" "$out"
}
# derive JS_EXPRESSION: a value computed by node from the product data (p = products rows, c = categories rows)
derive() {
    node -e "const d = require(process.argv[1]).schemas.catalog; const p = d.products.rows, c = d.categories.rows;
             console.log(String($1))" "$DATA"
}

# ---------------------------------------------------------------- metadata
expect "show schemas" $'Schema\ncatalog' "SHOW SCHEMAS FROM shop"
expect "show tables" $'Table\ncategories\nproducts' "SHOW TABLES FROM shop.catalog"

# ---------------------------------------------------------------- full scans: every type, NULLs, unicode, quotes, commas
expect "full scan products" "id,sku,name,category_id,price,weight_kg,in_stock,released,updated_at
1,K-001,\"Chef's knife, 20 cm\",1,49.90,0.25,true,2021-03-15,2024-01-02 08:30:00
2,K-002,\"Cutting board \"\"XL\"\"\",1,24.50,1.8,true,2020-11-01,2024-02-10 12:00:00.500
3,C-010,Espresso-Maschine Größe M,3,349.00,7.5,false,2022-06-30,2024-03-05 09:15:30.123456
4,C-011,Milchkännchen ☕,3,12.99,0.3,true,2023-01-20,
5,G-100,\"Gartenschlauch, 25 m\",2,39.95,3.2,true,2019-04-01,2023-12-31 23:59:59.999999
6,G-101,Chaise longue 'Été',2,129.00,11,,,2024-01-15 00:00:00
7,E-500,耳机 Bluetooth 🎧,4,79.00,0.2,true,2023-09-09,2024-04-01 18:45:00
8,E-501,\"USB-C cable, 2 m\",4,9.99,0.05,true,2022-02-22,2024-04-02 07:00:00
9,X-900,,,,,,,
10,K-003,\"Casserole à la \"\"française\"\"\",1,-5.00,2.4,false,1969-12-31,1969-12-31 23:59:59
11,G-102,Rasenmäher,2,1299.99,25.5,true,2024-02-29,2024-02-29 12:34:56
12,K-004,\"\",1,0.00,0,true,2024-05-01,2024-05-01 00:00:00" "SELECT * FROM shop.catalog.products ORDER BY id"
expect "full scan categories" 'id,name,parent_id,active
1,Kitchen,,true
2,"Garden, Patio & Outdoor",,true
3,"Café ""Barista"" gear",1,true
4,Électronique 電子,,false
5,Archive,,' "SELECT * FROM shop.catalog.categories ORDER BY id"
expect "types" 'tid,tp,tw,tb,td,tt
bigint,"decimal(10,2)",double,boolean,date,timestamp(6)' \
    "SELECT typeof(id) AS tid, typeof(price) AS tp, typeof(weight_kg) AS tw, typeof(in_stock) AS tb,
            typeof(released) AS td, typeof(updated_at) AS tt FROM shop.catalog.products WHERE id = 1"

# Aggregates compared with values node derives from the data file.
n=$(derive 'p.length')
nulls=$(derive 'p.filter((r) => r[2] === null).length')
total=$(derive '(p.reduce((s, r) => s + (r[4] === null ? 0 : Math.round(Number(r[4]) * 100)), 0) / 100).toFixed(2)')
chars=$(derive 'p.reduce((s, r) => s + (r[2] === null ? 0 : [...r[2]].length), 0)')
expect "aggregates derived from the data" "n,nulls,total,chars
$n,$nulls,$total,$chars" \
    "SELECT count(*) AS n, count(*) - count(name) AS nulls, sum(price) AS total, sum(length(name)) AS chars
     FROM shop.catalog.products"

# ---------------------------------------------------------------- filters: pushed constraints (EXPLAIN) and answers
ids=$(derive "p.filter((r) => r[3] !== null && [1, 2].includes(r[3]) && r[4] !== null && Number(r[4]) >= 20)
              .map((r) => r[0]).join('\\n')")
expect "filtered category IN + price range" "id
$ids" "SELECT id FROM shop.catalog.products WHERE category_id IN (1, 2) AND price >= 20.00 ORDER BY id"
expect_explain "explain category IN" "pushed constraint: category_id {1, 2} (exact)" \
    "SELECT id FROM shop.catalog.products WHERE category_id IN (1, 2) AND price >= 20.00"
expect_explain "explain price range" "price [20.00, +inf) (exact)" \
    "SELECT id FROM shop.catalog.products WHERE category_id IN (1, 2) AND price >= 20.00"
expect_explain "explain connector description" "products-js catalog.products where " \
    "SELECT id FROM shop.catalog.products WHERE category_id IN (1, 2)"
expect "unicode equality" $'id,sku\n7,E-500' "SELECT id, sku FROM shop.catalog.products WHERE name = '耳机 Bluetooth 🎧'"
expect_explain "explain unicode equality" "pushed constraint: name {耳机 Bluetooth 🎧} (exact)" \
    "SELECT id, sku FROM shop.catalog.products WHERE name = '耳机 Bluetooth 🎧'"
expect "quotes and commas equality" $'id\n2' "SELECT id FROM shop.catalog.products WHERE name = 'Cutting board \"XL\"'"
expect "is null" $'id\n9' "SELECT id FROM shop.catalog.products WHERE name IS NULL"
expect_explain "explain is null" "name IS NULL (exact)" "SELECT id FROM shop.catalog.products WHERE name IS NULL"
expect "date range" $'id\n1\n2\n3\n8' \
    "SELECT id FROM shop.catalog.products WHERE released BETWEEN DATE '2020-01-01' AND DATE '2022-12-31' ORDER BY id"
expect_explain "explain date range" "released [2020-01-01, 2022-12-31] (exact)" \
    "SELECT id FROM shop.catalog.products WHERE released BETWEEN DATE '2020-01-01' AND DATE '2022-12-31'"
expect "timestamp range" $'id\n3\n4\n7\n8\n11\n12' \
    "SELECT id FROM shop.catalog.products WHERE updated_at >= TIMESTAMP '2024-02-29 12:34:56' OR id = 4 ORDER BY id"
expect "timestamp strict bound" $'id\n3\n7\n8\n12' \
    "SELECT id FROM shop.catalog.products WHERE updated_at > TIMESTAMP '2024-02-29 12:34:56' ORDER BY id"
expect "negative decimal and pre-epoch date" $'id,price,released\n10,-5.00,1969-12-31' \
    "SELECT id, price, released FROM shop.catalog.products WHERE price < 0.00"
expect "varchar range" $'sku\nE-500\nE-501\nG-100' \
    "SELECT sku FROM shop.catalog.products WHERE sku >= 'E' AND sku < 'G-101' ORDER BY sku"
expect "engine-only filter (LIKE) still right" $'id\n3\n10' \
    "SELECT id FROM shop.catalog.products WHERE name LIKE '%ç%' OR name LIKE '%Größe%' ORDER BY id"
expect "no rows" 'id' "SELECT id FROM shop.catalog.products WHERE id = 4711"
expect "limit" $'n\n3' "SELECT count(*) AS n FROM (SELECT id FROM shop.catalog.products LIMIT 3) t"
expect_explain "explain limit" "pushed limit: 3 (accepted)" "SELECT id FROM shop.catalog.products LIMIT 3"
# The connector filters: only the matching rows cross the wire.
expect_explain "explain analyze rows read" "read: 10 rows" \
    "ANALYZE SELECT * FROM shop.catalog.products WHERE id BETWEEN 2 AND 11"

# ---------------------------------------------------------------- joins
# With a local CSV file.
printf 'sku,warehouse,qty\nK-001,Berlin,5\nC-011,"Köln, Süd",0\nE-500,東京,12\nK-004,"Lager ""Nord""",3\nZ-999,Nowhere,1\n' \
    >"$WORK/stock.csv"
expect "join with a local CSV file" $'id,name,warehouse,qty\n1,"Chef\'s knife, 20 cm",Berlin,5
4,Milchkännchen ☕,"Köln, Süd",0\n7,耳机 Bluetooth 🎧,東京,12\n12,"","Lager ""Nord""",3' \
    "SELECT p.id, p.name, s.warehouse, s.qty FROM shop.catalog.products p JOIN '$WORK/stock.csv' s ON p.sku = s.sku
     ORDER BY p.id"

# Two tables of the JS catalog (both remote), LEFT JOIN keeps the product without category.
expect "join of two remote tables" 'category,n,total
"Café ""Barista"" gear",2,361.99
"Garden, Patio & Outdoor",3,1468.94
Kitchen,4,69.40
Électronique 電子,2,88.99
,1,' \
    "SELECT c.name AS category, count(*) AS n, sum(p.price) AS total
     FROM shop.catalog.products p LEFT JOIN shop.catalog.categories c ON p.category_id = c.id
     GROUP BY c.name ORDER BY c.name NULLS LAST"
expect "join of two remote tables, filtered" $'id,category\n7,Électronique 電子\n8,Électronique 電子' \
    "SELECT p.id, c.name AS category FROM shop.catalog.products p JOIN shop.catalog.categories c ON p.category_id = c.id
     WHERE c.active = false ORDER BY p.id"

# With the built-in lake: a table created there, and a copy of a remote table (CTAS through the protocol).
expect "lake table" $'n\n2' "CREATE OR REPLACE TABLE lake.shop.promos AS SELECT * FROM (VALUES (1, 'spring', 0.10),
         (5, 'garden ☀', 0.25), (99, 'nothing', 0.5)) AS t(product_id, promo, discount);
     SELECT count(*) AS n FROM lake.shop.promos p JOIN shop.catalog.products x ON x.id = p.product_id"
expect "join with the lake" $'id,name,promo,discounted\n1,"Chef\'s knife, 20 cm",spring,44.9100
5,"Gartenschlauch, 25 m",garden ☀,29.9625' \
    "SELECT x.id, x.name, p.promo, x.price * (1 - p.discount) AS discounted
     FROM shop.catalog.products x JOIN lake.shop.promos p ON x.id = p.product_id ORDER BY x.id"
expect "copy into the lake and compare" $'n,same\n12,12' \
    "CREATE OR REPLACE TABLE lake.shop.products_copy AS SELECT * FROM shop.catalog.products;
     SELECT count(*) AS n, count(*) FILTER (WHERE c.name IS NOT DISTINCT FROM p.name AND c.price IS NOT DISTINCT FROM p.price
            AND c.updated_at IS NOT DISTINCT FROM p.updated_at AND c.released IS NOT DISTINCT FROM p.released) AS same
     FROM lake.shop.products_copy c JOIN shop.catalog.products p ON c.id = p.id"

# ---------------------------------------------------------------- authentication
checks=$((checks + 1))
"$FEDQ" -c "CREATE OR REPLACE CATALOG shop USING remote WITH (endpoints = '$url', auth_key = 'wrong-key-value');
            SELECT count(*) FROM shop.catalog.products" </dev/null >"$WORK/stdout" 2>"$WORK/stderr" &&
    fail "wrong key accepted" "$(cat "$WORK/stdout")"
checks=$((checks + 1))
grep -q "28000" "$WORK/stderr" || fail "wrong key: 28000" "$(cat "$WORK/stderr")"
checks=$((checks + 1))
grep -qF "$key" "$WORK/stderr" "$WORK/js.log" "$WORK/js.out" && fail "the key appears in output or logs"
checks=$((checks + 1))
grep -q "^POST /v1/read_split 200 [0-9]*B .*query=" "$WORK/js.log" || fail "request log lines" "$(tail -5 "$WORK/js.log")"

# ---------------------------------------------------------------- conformance: JS connector and fedq's service
checks=$((checks + 1))
node "$CONFORMANCE" --url "$url" --key-file "$WORK/connector.key" --table catalog.products \
    --expect-connector products-js >"$WORK/conf.out" 2>&1 || fail "conformance (JS, products)" "$(cat "$WORK/conf.out")"
checks=$((checks + 1))
node "$CONFORMANCE" --url "$url" --key-file "$WORK/connector.key" --table catalog.categories \
    >"$WORK/conf.out" 2>&1 || fail "conformance (JS, categories)" "$(cat "$WORK/conf.out")"

if command -v sqlite3 >/dev/null; then
    sqlite3 "$WORK/svc.db" "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, added TEXT);
        INSERT INTO items VALUES (1, 'a,b', 1.5, '2024-01-01'), (2, NULL, NULL, NULL), (3, 'ü \"q\"', -2, '1999-12-31');"
    svc_port=""
    for _ in $(seq 5); do  # a free port: try a few random ones
        port=$((20000 + RANDOM % 20000))
        "$FEDQ" connector serve --type sqlite --option "path=$WORK/svc.db" --listen "127.0.0.1:$port" \
            --auth-key-file "$WORK/connector.key" --quiet 2>"$WORK/svc.log" &
        svc_pid=$!
        for _ in $(seq 50); do
            curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && { svc_port=$port; break; }
            kill -0 "$svc_pid" 2>/dev/null || break
            sleep 0.1
        done
        [ -n "$svc_port" ] && break
        kill "$svc_pid" 2>/dev/null
        wait "$svc_pid" 2>/dev/null
        svc_pid=""
    done
    checks=$((checks + 1))
    if [ -z "$svc_port" ]; then
        fail "fedq connector serve did not start" "$(cat "$WORK/svc.log")"
    else
        node "$CONFORMANCE" --url "http://127.0.0.1:$svc_port" --key-file "$WORK/connector.key" --table main.items \
            --expect-connector sqlite >"$WORK/conf.out" 2>&1 || fail "conformance (fedq connector serve)" "$(cat "$WORK/conf.out")"
        grep "^WARN" "$WORK/conf.out"
        # A remote catalog of fedq's own service joined with the JS catalog.
        expect "join of the JS catalog with a fedq service" $'id,sku,name\n1,K-001,"a,b"\n3,C-010,"ü ""q"""' \
            "CREATE OR REPLACE CATALOG svc USING remote WITH (endpoints = 'http://127.0.0.1:$svc_port', auth_key = '$key');
             SELECT p.id, p.sku, i.name FROM shop.catalog.products p JOIN svc.main.items i ON i.id = p.id
             WHERE i.name IS NOT NULL ORDER BY p.id"
        kill "$svc_pid" 2>/dev/null
        wait "$svc_pid" 2>/dev/null
        svc_pid=""
    fi
fi

# ---------------------------------------------------------------- stop the connector
checks=$((checks + 1))
kill -TERM "$js_pid"
rc=0
for _ in $(seq 50); do kill -0 "$js_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$js_pid" 2>/dev/null; then
    fail "the JS connector did not stop on SIGTERM"
else
    wait "$js_pid"
    rc=$?
    [ "$rc" = 0 ] || fail "the JS connector exit status $rc" "$(tail -5 "$WORK/js.log")"
fi
js_pid=""

echo "$((checks - failures)) of $checks checks passed"
[ "$failures" = 0 ]
