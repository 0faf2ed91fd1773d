#!/usr/bin/env bash
# Local PostgreSQL 15 and MariaDB servers for the relational connector tests and benchmarks.
#   scripts/test-services.sh start          start both (idempotent: returns at once when already running)
#   scripts/test-services.sh stop [--clean] stop both; --clean also deletes their data directories
#   scripts/test-services.sh status         exit 0 when both accept connections
#   scripts/test-services.sh env            print the connection settings as shell variables
#
# PostgreSQL: 127.0.0.1:55432, superuser `postgres` (trust on loopback and the socket), user `fedq` password
#             `fedq_pw` (scram-sha-256 over TCP), database `fedq_test` owned by fedq.
# MariaDB:    127.0.0.1:53306, user `fedq` password `fedq_pw` (all privileges on the databases fedq%, crm%,
#             tpch%), root without password through the socket $FEDQ_SERVICES_DIR/mysql.sock, database `fedq_test`.
# Both:       user `fedq_limited` password `fedq_limited_pw`: can log in, may read nothing of fedq's.
# S3:         s3rver (bench/node_modules, `npm ci` in bench/) on 127.0.0.1:54569, data in $FEDQ_SERVICES_DIR/s3,
#             credentials S3RVER / S3RVER (signatures are checked), bucket `fedq-test` created at startup.
# Data lives under $FEDQ_SERVICES_DIR (default /tmp/fedq-services); nothing is written into the repository and
# no fixtures are loaded (see tests/fixtures/load.sh). Run as root (PostgreSQL then runs as the `postgres` OS
# user) or as an ordinary user (both servers then run as that user).
# A compatible server already listening on a port (e.g. a developer's own) is used as is and never stopped.
# Overrides: FEDQ_SERVICES_DIR, FEDQ_PG_PORT, FEDQ_MYSQL_PORT, FEDQ_S3_PORT, FEDQ_PG_BIN, FEDQ_SERVICES_TIMEOUT (seconds).
set -euo pipefail
unset MYSQL_PWD PGPASSWORD PGHOST PGPORT PGUSER PGDATABASE PGSERVICE  # the callers' client settings

DIR=${FEDQ_SERVICES_DIR:-/tmp/fedq-services}
PG_PORT=${FEDQ_PG_PORT:-55432}
MY_PORT=${FEDQ_MYSQL_PORT:-53306}
S3_PORT=${FEDQ_S3_PORT:-54569}
TIMEOUT=${FEDQ_SERVICES_TIMEOUT:-90}
PG_BIN=${FEDQ_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DATA=$DIR/pg
PG_SOCK=$DIR/pg-sock
PG_LOG=$DIR/pg-log/postgresql.log
MY_DATA=$DIR/mysql
MY_SOCK=$DIR/mysql.sock
MY_PID=$DIR/mysql.pid
MY_LOG=$DIR/mysql.log
USER_NAME=fedq
USER_PW=fedq_pw
LIMITED_USER=fedq_limited
LIMITED_PW=fedq_limited_pw
DB_NAME=fedq_test
S3_DATA=$DIR/s3
S3_PID=$DIR/s3rver.pid
S3_LOG=$DIR/s3rver.log
S3_BUCKET=fedq-test
S3_KEY=S3RVER
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
S3RVER_BIN=$REPO_ROOT/bench/node_modules/.bin/s3rver

log() { echo "test-services: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    PG_OS_USER=postgres
    id "$PG_OS_USER" >/dev/null 2>&1 || die "OS user 'postgres' missing (install postgresql-15: scripts/setup.sh)"
else
    PG_OS_USER=$(id -un)
fi

# Runs a command as the PostgreSQL OS user (postgres refuses to run as root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

pg_psql() {  # superuser psql over loopback (trust); extra args appended
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

my_client() {  # root through the socket
    mariadb --no-defaults --protocol=socket --socket="$MY_SOCK" -u root "$@"
}

tail_log() {
    local f=$1
    if [ -f "$f" ]; then
        echo "---- last lines of $f ----" >&2
        tail -n 40 "$f" >&2 || true
        echo "----" >&2
    fi
}

# ------------------------------------------------------------------------------------------------ PostgreSQL

pg_ready() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

pg_running() {  # our cluster's postmaster is alive
    [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

pg_init() {
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (run scripts/setup.sh)"
    log "initializing PostgreSQL cluster in $PG_DATA"
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA"
    chown "$PG_OS_USER" "$PG_DATA"
    chmod 700 "$PG_DATA"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 --no-instructions \
            --auth-local=trust --auth-host=scram-sha-256 >"$DIR/pg-initdb.log" 2>&1; then
        tail_log "$DIR/pg-initdb.log"
        rm -rf "$PG_DATA"
        die "PostgreSQL initdb failed"
    fi
    as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null <<EOF

# ---- fedq test settings (scripts/test-services.sh)
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 4GB
checkpoint_timeout = 30min
password_encryption = scram-sha-256
log_min_messages = warning
log_line_prefix = '%m [%p] %u@%d '
timezone = 'UTC'
EOF
    # Superuser trusted on loopback and the socket; everybody else (fedq) needs the password.
    as_pg tee "$PG_DATA/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       postgres  127.0.0.1/32   trust
host    all       postgres  ::1/128        trust
host    all       all       127.0.0.1/32   scram-sha-256
host    all       all       ::1/128        scram-sha-256
EOF
}

pg_start() {
    mkdir -p "$PG_SOCK" "$(dirname "$PG_LOG")"
    chown "$PG_OS_USER" "$PG_SOCK" "$(dirname "$PG_LOG")"
    if pg_running && pg_ready; then
        log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        if pg_ready; then
            # Someone else's server on our port (e.g. a developer's own cluster). Use it if it honours the
            # contract (superuser trust on loopback); it is not ours, so `stop` leaves it alone.
            pg_psql -c 'SELECT 1' >/dev/null 2>&1 \
                || die "port $PG_PORT is used by another server that is not usable (superuser postgres" \
                       "must be trusted on 127.0.0.1); stop it or set FEDQ_PG_PORT"
            log "PostgreSQL on 127.0.0.1:$PG_PORT is not managed by this script (not $PG_DATA); using it"
        else
            [ -f "$PG_DATA/PG_VERSION" ] || pg_init
            log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
            if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "-p $PG_PORT" -w -t "$TIMEOUT" start >/dev/null 2>&1 9>&-; then
                tail_log "$PG_LOG"
                die "PostgreSQL did not start"
            fi
        fi
    fi
    local i
    for ((i = 0; i < TIMEOUT; i++)); do
        pg_ready && break
        sleep 1
    done
    pg_ready || { tail_log "$PG_LOG"; die "PostgreSQL does not accept connections on 127.0.0.1:$PG_PORT"; }
    pg_setup
}

pg_setup() {  # role + database (idempotent, cheap)
    pg_psql >/dev/null <<EOF || { tail_log "$PG_LOG"; die "PostgreSQL role/database setup failed"; }
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$USER_NAME') THEN
        CREATE ROLE $USER_NAME LOGIN PASSWORD '$USER_PW';
    END IF;
    -- A user that can log in but has no privileges on fedq's tables (insufficient-privilege tests).
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$LIMITED_USER') THEN
        CREATE ROLE $LIMITED_USER LOGIN PASSWORD '$LIMITED_PW';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $USER_NAME ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
EOF
}

pg_stop() {
    if pg_running; then
        log "stopping PostgreSQL"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$TIMEOUT" stop >/dev/null 2>&1 \
            || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
}

# ------------------------------------------------------------------------------------------------ MariaDB

my_ready() {
    mariadb-admin --no-defaults --protocol=socket --socket="$MY_SOCK" -u root --connect-timeout=2 ping \
        >/dev/null 2>&1
}

my_port_ready() {  # anything answering as fedq on the TCP port
    mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u "$USER_NAME" -p"$USER_PW" \
        --connect-timeout=2 -e 'SELECT 1' "$DB_NAME" >/dev/null 2>&1
}

my_pid() {
    [ -f "$MY_PID" ] || return 1
    local pid
    pid=$(cat "$MY_PID" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

my_server_args() {
    local args=(--no-defaults --datadir="$MY_DATA" --port="$MY_PORT" --bind-address=127.0.0.1
        --socket="$MY_SOCK" --pid-file="$MY_PID" --log-error="$MY_LOG"
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
        --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0
        --max-connections=200 --skip-name-resolve --local-infile=1 --secure-file-priv=
        --default-time-zone=+00:00 --max-allowed-packet=64M --skip-log-bin)
    [ "$(id -u)" -eq 0 ] && args+=(--user=root)
    printf '%s\n' "${args[@]}"
}

my_init() {
    command -v mariadb-install-db >/dev/null || die "MariaDB not installed (run scripts/setup.sh)"
    log "initializing MariaDB in $MY_DATA"
    rm -rf "$MY_DATA"
    mkdir -p "$MY_DATA"
    local user_arg=()
    [ "$(id -u)" -eq 0 ] && user_arg=(--user=root)
    if ! mariadb-install-db --no-defaults --datadir="$MY_DATA" "${user_arg[@]}" \
            --auth-root-authentication-method=normal --skip-test-db >"$DIR/mysql-install.log" 2>&1; then
        tail_log "$DIR/mysql-install.log"
        rm -rf "$MY_DATA"
        die "mariadb-install-db failed"
    fi
}

my_start() {
    local bg_pid=""
    if my_pid >/dev/null && my_ready; then
        log "MariaDB already running on 127.0.0.1:$MY_PORT"
    elif ! my_pid >/dev/null && my_port_ready; then
        log "MariaDB on 127.0.0.1:$MY_PORT is not managed by this script (not $MY_DATA); using it"
        return 0
    else
        [ -d "$MY_DATA/mysql" ] || my_init
        if my_pid >/dev/null; then  # process alive but not answering yet (starting up): just wait
            :
        else
            rm -f "$MY_PID"
            log "starting MariaDB on 127.0.0.1:$MY_PORT"
            local args
            mapfile -t args < <(my_server_args)
            # Own session so the server outlives this script and its caller's job control.
            # fd 9 (the lock) must not leak into the server.
            setsid mariadbd "${args[@]}" </dev/null >>"$MY_LOG" 2>&1 9>&- &
            bg_pid=$!
        fi
    fi
    local i
    for ((i = 0; i < TIMEOUT * 2; i++)); do
        my_ready && break
        if ((i > 4)) && [ -n "$bg_pid" ] && ! kill -0 "$bg_pid" 2>/dev/null && ! my_pid >/dev/null; then
            tail_log "$MY_LOG"
            die "MariaDB exited during startup"
        fi
        sleep 0.5
    done
    my_ready || { tail_log "$MY_LOG"; die "MariaDB does not accept connections on $MY_SOCK"; }
    my_setup
}

my_setup() {  # user + database (idempotent)
    my_client >/dev/null <<EOF || { tail_log "$MY_LOG"; die "MariaDB user/database setup failed"; }
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$USER_NAME'@'%' IDENTIFIED BY '$USER_PW';
CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$USER_PW';
CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PW';
-- fedq owns fedq_test and may create the fixture databases (crm, crm_archive, tpch, fedq_*) itself.
GRANT ALL PRIVILEGES ON \`fedq%\`.* TO '$USER_NAME'@'%', '$USER_NAME'@'127.0.0.1', '$USER_NAME'@'localhost';
GRANT ALL PRIVILEGES ON \`crm%\`.* TO '$USER_NAME'@'%', '$USER_NAME'@'127.0.0.1', '$USER_NAME'@'localhost';
GRANT ALL PRIVILEGES ON \`tpch%\`.* TO '$USER_NAME'@'%', '$USER_NAME'@'127.0.0.1', '$USER_NAME'@'localhost';
GRANT FILE ON *.* TO '$USER_NAME'@'%', '$USER_NAME'@'127.0.0.1', '$USER_NAME'@'localhost';
-- Can log in, sees nothing (insufficient-privilege tests).
CREATE USER IF NOT EXISTS '$LIMITED_USER'@'%' IDENTIFIED BY '$LIMITED_PW';
CREATE USER IF NOT EXISTS '$LIMITED_USER'@'127.0.0.1' IDENTIFIED BY '$LIMITED_PW';
FLUSH PRIVILEGES;
EOF
}

my_stop() {
    local pid
    pid=$(my_pid) || return 0
    log "stopping MariaDB"
    mariadb-admin --no-defaults --protocol=socket --socket="$MY_SOCK" -u root shutdown >/dev/null 2>&1 \
        || kill "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < TIMEOUT * 2; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "MariaDB did not stop in ${TIMEOUT}s; killing $pid"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$MY_PID"
}

# ------------------------------------------------------------------------------------------------ s3rver

s3_ready() {  # anything answering HTTP on the port (an unsigned request gets an S3 error document)
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$S3_PORT/" 2>/dev/null
}

s3_pid() {
    [ -f "$S3_PID" ] || return 1
    local pid
    pid=$(cat "$S3_PID" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

s3_start() {
    local bg_pid=""
    if s3_pid >/dev/null && s3_ready; then
        log "s3rver already running on 127.0.0.1:$S3_PORT"
        return 0
    elif ! s3_pid >/dev/null && s3_ready; then
        log "S3 server on 127.0.0.1:$S3_PORT is not managed by this script; using it"
        return 0
    fi
    if ! s3_pid >/dev/null; then
        [ -x "$S3RVER_BIN" ] || die "s3rver not installed: run (cd bench && npm ci)"
        mkdir -p "$S3_DATA"
        rm -f "$S3_PID"
        log "starting s3rver on 127.0.0.1:$S3_PORT"
        # s3rver encrypts ListObjectsV2 continuation tokens with DES: OpenSSL 3 needs the legacy provider.
        NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" setsid "$S3RVER_BIN" -d "$S3_DATA" -a 127.0.0.1 -p "$S3_PORT" -s --configure-bucket "$S3_BUCKET" \
            </dev/null >>"$S3_LOG" 2>&1 9>&- &
        bg_pid=$!
        echo "$bg_pid" >"$S3_PID"
    fi
    local i
    for ((i = 0; i < TIMEOUT * 2; i++)); do
        s3_ready && return 0
        if [ -n "$bg_pid" ] && ! kill -0 "$bg_pid" 2>/dev/null; then
            tail_log "$S3_LOG"
            rm -f "$S3_PID"
            die "s3rver exited during startup"
        fi
        sleep 0.5
    done
    tail_log "$S3_LOG"
    die "s3rver does not answer on 127.0.0.1:$S3_PORT"
}

s3_stop() {
    local pid
    pid=$(s3_pid) || { rm -f "$S3_PID"; return 0; }
    log "stopping s3rver"
    kill "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 20; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    rm -f "$S3_PID"
}

# ------------------------------------------------------------------------------------------------ main

status() {
    local rc=0
    if pg_ready && pg_running; then
        echo "postgresql: running  127.0.0.1:$PG_PORT  data $PG_DATA"
    elif pg_ready; then
        echo "postgresql: running  127.0.0.1:$PG_PORT  (external server, not managed by this script)"
    else
        echo "postgresql: stopped"
        rc=1
    fi
    if my_ready; then
        echo "mariadb:    running  127.0.0.1:$MY_PORT  data $MY_DATA"
    elif my_port_ready; then
        echo "mariadb:    running  127.0.0.1:$MY_PORT  (external server, not managed by this script)"
    else
        echo "mariadb:    stopped"
        rc=1
    fi
    if s3_ready; then
        echo "s3rver:     running  127.0.0.1:$S3_PORT  data $S3_DATA"
    else
        echo "s3rver:     stopped"
        rc=1
    fi
    return $rc
}

with_lock() {  # serialize concurrent start/stop calls
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    exec 9>"$DIR/.lock"
    flock -w $((TIMEOUT * 3)) 9 || die "another test-services.sh holds $DIR/.lock"
    "$@"
}

cmd=${1:-status}
case "$cmd" in
    start)
        start_all() { pg_start; my_start; s3_start; }
        with_lock start_all
        status >/dev/null || die "services not up"
        log "ready (postgres 127.0.0.1:$PG_PORT, mariadb 127.0.0.1:$MY_PORT, s3rver 127.0.0.1:$S3_PORT;" \
            "user $USER_NAME, database $DB_NAME)"
        ;;
    stop)
        stop_all() {
            pg_stop
            my_stop
            s3_stop
            if [ "${2:-}" = "--clean" ]; then
                log "removing $PG_DATA $MY_DATA $S3_DATA"
                rm -rf "$PG_DATA" "$MY_DATA" "$S3_DATA" "$PG_SOCK" "$DIR/pg-log" "$MY_LOG" "$DIR"/*.log
            fi
        }
        with_lock stop_all "$@"
        ;;
    status)
        status
        ;;
    env)
        cat <<EOF
FEDQ_PG_HOST=127.0.0.1
FEDQ_PG_PORT=$PG_PORT
FEDQ_PG_SOCKET_DIR=$PG_SOCK
FEDQ_MYSQL_HOST=127.0.0.1
FEDQ_MYSQL_PORT=$MY_PORT
FEDQ_MYSQL_SOCKET=$MY_SOCK
FEDQ_TEST_USER=$USER_NAME
FEDQ_TEST_PASSWORD=$USER_PW
FEDQ_TEST_DATABASE=$DB_NAME
FEDQ_TEST_LIMITED_USER=$LIMITED_USER
FEDQ_TEST_LIMITED_PASSWORD=$LIMITED_PW
FEDQ_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
FEDQ_S3_ACCESS_KEY_ID=$S3_KEY
FEDQ_S3_SECRET_ACCESS_KEY=$S3_KEY
FEDQ_S3_BUCKET=$S3_BUCKET
EOF
        ;;
    *)
        echo "usage: $0 start | stop [--clean] | status | env" >&2
        exit 2
        ;;
esac
