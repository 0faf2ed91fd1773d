#!/usr/bin/env bash
# End-to-end tests of the fedq command line: fedq_cli_test.sh PATH/TO/fedq  (run from the repository root).
set -u
FEDQ=${1:?usage: cli_test.sh PATH/TO/fedq}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fedq-cli-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export FEDQ_HOME="$WORK/home"
failures=0
checks=0

fail() {
    echo "FAIL: $1"
    shift
    for line in "$@"; do echo "  $line"; done
    failures=$((failures + 1))
}

# expect NAME EXPECTED_EXIT EXPECTED_STDOUT -- ARGS...   (stdin from /dev/null)
expect() {
    local name=$1 want_rc=$2 want_out=$3
    shift 4
    checks=$((checks + 1))
    local out rc
    out=$("$FEDQ" "$@" </dev/null 2>"$WORK/stderr")
    rc=$?
    if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ]; then
        fail "$name" "exit $rc (want $want_rc)" "stdout: $(printf '%q' "$out")" "want:   $(printf '%q' "$want_out")" \
            "stderr: $(cat "$WORK/stderr")"
    fi
}

# expect_stderr NAME PATTERN: the last command's stderr matches the grep pattern
expect_stderr() {
    checks=$((checks + 1))
    grep -q -- "$2" "$WORK/stderr" || fail "$1" "stderr does not match '$2':" "$(cat "$WORK/stderr")"
}

expect "version" 0 "fedq 0.1.0" -- --version
checks=$((checks + 1))
"$FEDQ" --format xml -c "SELECT 1" >/dev/null 2>&1 && fail "bad format exits non-zero"

expect "csv single" 0 $'x\n1' -- -c "SELECT 1 AS x" --format csv
expect "csv quoting" 0 $'a,b\n"x,y",\n"say ""hi""",""' -- --format csv \
    -c "SELECT * FROM (VALUES ('x,y', CAST(NULL AS VARCHAR)), ('say \"hi\"', '')) AS t(a, b)"
expect "tsv" 0 $'a\tb\n1\t\nx\\ty\t2' -- --format tsv \
    -c $'SELECT * FROM (VALUES (\'1\', CAST(NULL AS INTEGER)), (\'x\ty\', 2)) AS t(a, b)'
expect "several statements" 0 $'a\n1\nb\nx' -- --format csv -c "SELECT 1 AS a; SELECT 'x' AS b;"
expect "json" 0 '[{"i":1,"d":1.50,"s":"a\"b","n":null,"t":true}]' -- --format json \
    -c "SELECT 1 AS i, 1.50 AS d, 'a\"b' AS s, CAST(NULL AS INTEGER) AS n, true AS t"
expect "ndjson" 0 $'{"x":1}\n{"x":2}' -- --format ndjson -c "SELECT * FROM (VALUES 1, 2) AS t(x) ORDER BY x"
expect "markdown" 0 $'| x | y |\n| ---: | --- |\n| 1 | a\\|b |' -- --format markdown -c "SELECT 1 AS x, 'a|b' AS y"
out=$("$FEDQ" -c "SELECT 1 AS x UNION ALL SELECT 2" </dev/null 2>/dev/null)
checks=$((checks + 1))
case "$out" in *"(2 rows)"*) ;; *) fail "table footer" "$out" ;; esac
checks=$((checks + 1))
case "$out" in *"INTEGER"*) ;; *) fail "table shows types" "$out" ;; esac

# Errors: message with SQLSTATE and caret, exit 1, later statements not run.
expect "syntax error" 1 "" -- --format csv -c "SELEC 1"
expect_stderr "syntax error sqlstate" "ERROR 42601"
expect "stop at first error" 1 $'a\n1' -- --format csv -c "SELECT 1 AS a; SELECT nosuchcolumn FROM (VALUES 1) t(x); SELECT 3 AS c"
expect_stderr "undefined column sqlstate" "42703"
expect_stderr "caret" "\^"

# -f, stdin, --output, --echo
printf 'SELECT 1 AS a;\n\n-- comment\nSELECT 2 AS b;\n' >"$WORK/script.sql"
expect "file" 0 $'a\n1\nb\n2' -- --format csv -f "$WORK/script.sql"
expect "missing file" 1 "" -- -f "$WORK/nope.sql"
checks=$((checks + 1))
out=$(printf 'SELECT 42 AS answer;\n' | "$FEDQ" --format csv 2>"$WORK/stderr")
[ "$out" = $'answer\n42' ] || fail "stdin script" "$out" "$(cat "$WORK/stderr")"
checks=$((checks + 1))
printf 'SELECT 1 AS a;\nSELEC 2;\n' | "$FEDQ" --format csv >/dev/null 2>"$WORK/stderr" && fail "stdin error exits 1"
expect_stderr "stdin error line" "line 2"
expect "output file" 0 "" -- --format csv -c "SELECT 7 AS seven" --output "$WORK/out.csv"
checks=$((checks + 1))
[ "$(cat "$WORK/out.csv" 2>/dev/null)" = $'seven\n7' ] || fail "output file content" "$(cat "$WORK/out.csv" 2>&1)"
expect "echo" 0 $'SELECT 5 AS five;\nfive\n5' -- --format csv --echo -c "SELECT 5 AS five"

# Table options; nothing on stderr for a successful non-interactive run (no progress line, no stats).
out=$("$FEDQ" --ascii --max-rows 2 -c "SELECT x FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x" </dev/null 2>"$WORK/stderr")
checks=$((checks + 1))
want=$'+---------+\n|       x |\n| INTEGER |\n+---------+\n|       1 |\n|       2 |\n+---------+\n(3 rows, 2 shown)'
[ "$out" = "$want" ] || fail "ascii table with max rows" "$out"
checks=$((checks + 1))
[ -s "$WORK/stderr" ] && fail "quiet stderr on success" "$(cat "$WORK/stderr")"
expect "set statement message" 0 "SET" -- -c "SET batch_size = 100"
expect "empty input" 0 "" -- -c ""
expect "comments only" 0 "" -- -c "-- nothing here"

# The interactive shell keeps a history, but never a CREATE/ALTER CATALOG statement (it may hold a password).
if command -v script >/dev/null; then
    checks=$((checks + 1))
    printf "CREATE CATALOG hist USING files WITH (password = 'hunter2secret');\nSELECT 42;\n" |
        script -qec "$FEDQ" /dev/null >/dev/null 2>&1
    if ! grep -q "42" "$FEDQ_HOME/history" 2>/dev/null; then
        fail "shell history written" "$(cat "$FEDQ_HOME/history" 2>&1)"
    elif grep -q "hunter2" "$FEDQ_HOME/history"; then
        fail "shell history holds a password" "$(cat "$FEDQ_HOME/history")"
    fi
fi

# --output FILE: the extension picks the format; .parquet and folders ending in '/' go through the file writers.
expect "output csv by extension" 0 "" -- -c "SELECT 1 AS a, 'x,y' AS b, NULL AS c" --output "$WORK/o.csv"
checks=$((checks + 1))
[ "$(cat "$WORK/o.csv")" = $'a,b,c\n1,"x,y",' ] || fail "output csv content" "$(cat "$WORK/o.csv")"
expect "output parquet file" 0 "2 rows written to $WORK/o.parquet" -- \
    -c "SELECT * FROM (VALUES (1, 'ü', DATE '2024-01-02'), (2, NULL, NULL)) t(a, b, c)" --output "$WORK/o.parquet"
expect "output parquet reads back" 0 $'a,b,c\n1,ü,2024-01-02\n2,,' -- --format csv -c "SELECT * FROM '$WORK/o.parquet' ORDER BY a"
expect "parquet needs output" 1 "" -- --format parquet -c "SELECT 1"
checks=$((checks + 1))
mkdir -p "$WORK/folder"
"$FEDQ" -c "SELECT 1 AS a; SELECT 2 AS a" --output "$WORK/folder/" >/dev/null 2>&1 </dev/null || fail "output folder"
[ "$(ls "$WORK/folder" | grep -c '\.csv$')" = 2 ] || fail "output folder has one file per query" "$(ls -a "$WORK/folder")"
# A failing query leaves no file behind (not even a hidden temporary one).
# (200000 rows; the division fails near the end, after batches were written.)
expect "failed query writes nothing" 1 "" -- --output "$WORK/failed/" -c "SELECT 1 / (x - 199990) AS q
    FROM (SELECT a.x * 20 + b.x AS x FROM UNNEST(sequence(0, 9999)) a(x), UNNEST(sequence(0, 19)) b(x))"
expect_stderr "failed query error" "22012"
checks=$((checks + 1))
[ -z "$(ls -A "$WORK/failed" 2>/dev/null)" ] || fail "failed query left files" "$(ls -A "$WORK/failed")"

# fedq connector serve + a remote catalog: a SQLite connector served on a free loopback port, queried
# through the connector protocol with the same answers as in-process; a wrong key is refused.
if command -v sqlite3 >/dev/null; then
    sqlite3 "$WORK/remote.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v REAL);
        INSERT INTO t VALUES (1, 'a,b', 1.5), (2, NULL, NULL), (3, 'ü \"q\"', -2);"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/connector.key"
    port=$((20000 + RANDOM % 20000))
    "$FEDQ" connector serve --type sqlite --option "path=$WORK/remote.db" --listen "127.0.0.1:$port" \
        --auth-key-file "$WORK/connector.key" --quiet 2>"$WORK/serve.log" &
    serve_pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
    key=$(cat "$WORK/connector.key")
    expect "remote catalog query" 0 $'id,name,v\n1,"a,b",1.5\n2,,\n3,"ü ""q""",-2' -- --format csv -c \
        "CREATE OR REPLACE CATALOG r USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = '$key');
         SELECT id, name, v FROM r.main.t ORDER BY id"
    expect "remote catalog pushdown" 0 $'n\n2' -- --format csv -c \
        "CREATE OR REPLACE CATALOG r USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = '$key');
         SELECT count(*) AS n FROM r.main.t WHERE name IS NOT NULL"
    expect "remote catalog wrong key" 1 "CREATE CATALOG" -- -c \
        "CREATE OR REPLACE CATALOG r USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = 'wrong-key-value');
         SELECT count(*) FROM r.main.t"
    expect_stderr "remote wrong key sqlstate" "28000"
    checks=$((checks + 1))
    grep -q "$key" "$WORK/stderr" "$WORK/serve.log" && fail "the connector key appears in output"
    kill "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
    expect "remote catalog endpoint down" 1 "CREATE CATALOG" -- -c \
        "CREATE OR REPLACE CATALOG r USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = '$key', connect_timeout = '1s');
         SELECT count(*) FROM r.main.t"
    expect_stderr "remote endpoint down sqlstate" "08001"
fi

# The connector SDK example (examples/connectors/cpp): a one-class C++ connector served by fedq_connector_main.
HELLO="$(dirname "$FEDQ")/fedq-hello-connector"
if [ -x "$HELLO" ]; then
    port=$((20000 + RANDOM % 20000))
    "$HELLO" --option rows=100000 --listen "127.0.0.1:$port" --auth-key-file "$WORK/connector.key" --quiet 2>"$WORK/hello.log" &
    hello_pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
    expect "sdk example connector" 0 $'n,s,m\n10,385,number 9\nn,s\n100000,5000050000' -- --format csv -c \
        "CREATE OR REPLACE CATALOG hello USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = '$(cat "$WORK/connector.key")');
         SELECT count(*) AS n, sum(square) AS s, max(name) AS m FROM hello.demo.numbers WHERE n <= 10;
         SELECT count(*) AS n, sum(n) AS s FROM hello.demo.numbers"
    kill "$hello_pid" 2>/dev/null
    wait "$hello_pid" 2>/dev/null

    # With a spill location and a small threshold the split results come back as encrypted objects:
    # same answer, EXPLAIN ANALYZE says so, nothing is left in the spill directory.
    mkdir -p "$WORK/spill"
    "$HELLO" --option rows=100000 --listen "127.0.0.1:$port" --auth-key-file "$WORK/connector.key" --quiet \
        --spill "$WORK/spill" --spill-threshold 64KB 2>"$WORK/hello.log" &
    hello_pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
    expect "sdk example connector spilled" 0 $'n,s\n100000,5000050000' -- --format csv -c \
        "CREATE OR REPLACE CATALOG hello USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = '$(cat "$WORK/connector.key")');
         SELECT count(*) AS n, sum(n) AS s FROM hello.demo.numbers"
    checks=$((checks + 1))
    "$FEDQ" -c "CREATE OR REPLACE CATALOG hello USING remote WITH (endpoints = 'http://127.0.0.1:$port', auth_key = '$(cat "$WORK/connector.key")');
        EXPLAIN ANALYZE SELECT sum(square) FROM hello.demo.numbers" </dev/null >"$WORK/analyze.txt" 2>&1
    grep -q "spilled: [0-9]* objects" "$WORK/analyze.txt" || fail "EXPLAIN ANALYZE shows the spill" "$(cat "$WORK/analyze.txt")"
    checks=$((checks + 1))
    [ -z "$(ls -A "$WORK/spill")" ] || fail "spill objects left behind" "$(ls -A "$WORK/spill")"
    kill "$hello_pid" 2>/dev/null
    wait "$hello_pid" 2>/dev/null
fi

# s3:// paths through the S3 client, against the test services' s3rver (scripts/run-tests.sh exports its
# settings; without them this part is not run).
if [ -n "${FEDQ_S3_ENDPOINT:-}" ] && command -v curl >/dev/null; then
    printf 'a,b\n1,x\n2,y\n3,"z,w"\n' > "$WORK/s3.csv"
    sha=$(sha256sum "$WORK/s3.csv" | cut -d' ' -f1)
    key="cli-test-$$/t.csv"
    checks=$((checks + 1))
    code=$(curl -s -o /dev/null -w "%{http_code}" --aws-sigv4 "aws:amz:us-east-1:s3" \
        --user "$FEDQ_S3_ACCESS_KEY_ID:$FEDQ_S3_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: $sha" \
        -X PUT --data-binary @"$WORK/s3.csv" "$FEDQ_S3_ENDPOINT/$FEDQ_S3_BUCKET/$key")
    [ "$code" = 200 ] || fail "s3 upload" "HTTP $code"
    export AWS_ENDPOINT_URL_S3=$FEDQ_S3_ENDPOINT AWS_REGION=us-east-1
    AWS_ACCESS_KEY_ID=$FEDQ_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$FEDQ_S3_SECRET_ACCESS_KEY \
        expect "s3 csv" 0 $'n,s,m\n3,6,"z,w"' -- --format csv \
        -c "SELECT count(*) AS n, sum(a) AS s, max(b) AS m FROM 's3://$FEDQ_S3_BUCKET/$key'"
    AWS_ACCESS_KEY_ID=NOSUCHKEY AWS_SECRET_ACCESS_KEY=wrong-secret-value \
        expect "s3 bad credentials" 1 "" -- -c "SELECT count(*) FROM 's3://$FEDQ_S3_BUCKET/$key'"
    expect_stderr "s3 bad credentials sqlstate" "28P01"
    checks=$((checks + 1))
    grep -q "wrong-secret-value" "$WORK/stderr" && fail "s3 error shows the secret"
    AWS_ACCESS_KEY_ID=$FEDQ_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$FEDQ_S3_SECRET_ACCESS_KEY \
        expect "s3 missing key" 1 "" -- -c "SELECT count(*) FROM 's3://$FEDQ_S3_BUCKET/$key.nope'"
    expect_stderr "s3 missing key sqlstate" "42P01"

    # --output to an S3 location: one file per query (CSV by default, Parquet with --format parquet),
    # stdout says where the rows went; the files read back.
    out_prefix="s3://$FEDQ_S3_BUCKET/cli-test-$$/results/"
    export AWS_ACCESS_KEY_ID=$FEDQ_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$FEDQ_S3_SECRET_ACCESS_KEY
    checks=$((checks + 1))
    written=$("$FEDQ" -c "SELECT a, b FROM 's3://$FEDQ_S3_BUCKET/$key' ORDER BY a" --output "$out_prefix" </dev/null 2>"$WORK/stderr")
    [[ "$written" =~ ^"3 rows written to ${out_prefix}"[0-9_a-f]+\.csv$ ]] || fail "s3 output line" "$written" "$(cat "$WORK/stderr")"
    expect "s3 output csv reads back" 0 $'a,b\n1,x\n2,y\n3,"z,w"' -- --format csv \
        -c "SELECT * FROM read_csv('${out_prefix}*.csv', header => true) ORDER BY a"
    checks=$((checks + 1))
    written=$("$FEDQ" -c "SELECT a, b, a * 1.5 AS c, NULL AS d FROM 's3://$FEDQ_S3_BUCKET/$key'" --format parquet \
        --output "${out_prefix}p/" </dev/null 2>"$WORK/stderr")
    [[ "$written" =~ \.parquet$ ]] || fail "s3 output parquet line" "$written" "$(cat "$WORK/stderr")"
    expect "s3 output parquet reads back" 0 $'n,s,m,c,d\n3,6,"z,w",9.0,0' -- --format csv \
        -c "SELECT count(*) AS n, sum(a) AS s, max(b) AS m, sum(c) AS c, count(d) AS d FROM '${out_prefix}p/*.parquet'"
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    unset AWS_ENDPOINT_URL_S3 AWS_REGION
fi

echo "cli_test: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
