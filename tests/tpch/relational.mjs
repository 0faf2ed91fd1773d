// TPC-H in SQL sources for the answer check (tests/tpch/check_answers.mjs --source ...): loads the CSV tables
// of bench/data/sf<SF> into the test servers of scripts/test-services.sh (PostgreSQL schema and MariaDB
// database `tpch_sf<SF>` with primary keys, analyzed) and into a SQLite file, writes a fedq.toml declaring
// the catalogs pg, my and lite, and maps every TPC-H table of a mode to the table fedq reads.
//
// A load ends by writing the marker table fedq_loaded (loader version, SF, row counts); a source whose
// marker matches is not reloaded, so reruns take no time. The schema name carries the SF so that the
// benchmark's `tpch` schema (bench/relational/load.sh, often at SF 1) is never touched.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_DIR, TABLES, formatSf } from '../../bench/lib/tpch.mjs';

// Bump when the DDL or the load changes: a marker with another version reloads.
const LOADER_VERSION = 1;

export const SOURCES = ['csv', 'postgres', 'mysql', 'federated'];

const PG = {
    host: '127.0.0.1',
    port: Number(process.env.FEDQ_PG_PORT ?? 55432),
    user: 'fedq',
    password: 'fedq_pw',
    database: 'fedq_test',
};
const MY = {
    host: '127.0.0.1',
    port: Number(process.env.FEDQ_MYSQL_PORT ?? 53306),
    user: 'fedq',
    password: 'fedq_pw',
    database: 'fedq_test',
};

// Standard TPC-H column types (money DECIMAL(15,2)); the primary key last.
const DDL = {
    region: ['r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152)', 'r_regionkey'],
    nation: [
        'n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, n_regionkey INTEGER NOT NULL, n_comment VARCHAR(152)',
        'n_nationkey',
    ],
    supplier: [
        's_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, s_address VARCHAR(40) NOT NULL, ' +
            's_nationkey INTEGER NOT NULL, s_phone CHAR(15) NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL, ' +
            's_comment VARCHAR(101) NOT NULL',
        's_suppkey',
    ],
    customer: [
        'c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, c_address VARCHAR(40) NOT NULL, ' +
            'c_nationkey INTEGER NOT NULL, c_phone CHAR(15) NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL, ' +
            'c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL',
        'c_custkey',
    ],
    part: [
        'p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL, ' +
            'p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL, ' +
            'p_container CHAR(10) NOT NULL, p_retailprice DECIMAL(15,2) NOT NULL, p_comment VARCHAR(23) NOT NULL',
        'p_partkey',
    ],
    partsupp: [
        'ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, ps_availqty INTEGER NOT NULL, ' +
            'ps_supplycost DECIMAL(15,2) NOT NULL, ps_comment VARCHAR(199) NOT NULL',
        'ps_partkey, ps_suppkey',
    ],
    orders: [
        'o_orderkey BIGINT NOT NULL, o_custkey INTEGER NOT NULL, o_orderstatus CHAR(1) NOT NULL, ' +
            'o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE NOT NULL, o_orderpriority CHAR(15) NOT NULL, ' +
            'o_clerk CHAR(15) NOT NULL, o_shippriority INTEGER NOT NULL, o_comment VARCHAR(79) NOT NULL',
        'o_orderkey',
    ],
    lineitem: [
        'l_orderkey BIGINT NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, ' +
            'l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL, ' +
            'l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, ' +
            'l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, ' +
            'l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, ' +
            'l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL',
        'l_orderkey, l_linenumber',
    ],
};

// Where each table lives in the federated mode (the rest: lineitem stays a CSV file).
const FEDERATED = {
    orders: 'pg',
    nation: 'pg',
    region: 'pg',
    customer: 'my',
    supplier: 'my',
    part: 'lite',
    partsupp: 'lite',
};

// The schema (PostgreSQL) / database (MariaDB) name for a scale factor: tpch_sf0_05.
export function schemaName(sf) {
    return `tpch_sf${formatSf(sf).replace(/[^0-9a-z]/gi, '_')}`;
}

export function sqliteFile(dataDir) {
    return path.join(dataDir, 'tpch.sqlite');
}

// Which sources a mode needs loaded.
export function sourcesOf(mode) {
    switch (mode) {
        case 'csv':
            return [];
        case 'postgres':
            return ['pg'];
        case 'mysql':
            return ['my'];
        case 'federated':
            return ['pg', 'my', 'lite'];
        default:
            throw new Error(`unknown --source ${mode} (${SOURCES.join(', ')})`);
    }
}

// table -> the SQL fedq reads it as (tables not in the map stay CSV files).
export function tableMap(mode, schema) {
    const map = {};
    for (const table of TABLES) {
        let catalog = null;
        if (mode === 'postgres') catalog = 'pg';
        else if (mode === 'mysql') catalog = 'my';
        else if (mode === 'federated') catalog = FEDERATED[table] ?? null;
        if (catalog === 'lite') map[table] = `lite.main.${table}`;
        else if (catalog) map[table] = `${catalog}.${schema}.${table}`;
    }
    return map;
}

// ---------------------------------------------------------------------------------------------------------
// Running the clients

function psqlBinary() {
    const found = spawnSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' });
    return found.status === 0 ? found.stdout.trim() : '/usr/lib/postgresql/15/bin/psql';
}

function pgArgs() {
    return ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', PG.database];
}

function pgEnv() {
    return { ...process.env, PGPASSWORD: PG.password, PGOPTIONS: '-c client_min_messages=warning' };
}

function myArgs() {
    return [
        '--no-defaults', '--protocol=tcp', '-h', MY.host, '-P', String(MY.port), '-u', MY.user,
        '--local-infile=1', '--default-character-set=utf8mb4',
    ];
}

function myEnv() {
    return { ...process.env, MYSQL_PWD: MY.password };
}

// Runs a client with a script on stdin; resolves to stdout, rejects with the client's message.
function runClient(command, args, env, input, what) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', (error) => reject(new Error(`${what}: ${error.message}`)));
        child.on('close', (code) => {
            if (code === 0) resolve(stdout);
            else reject(new Error(`${what} failed (exit ${code}): ${stderr.trim().split('\n').slice(0, 5).join(' | ')}`));
        });
        child.stdin.end(input);
    });
}

// Like runClient, but a failure (no schema yet, server down) gives null.
async function tryQuery(command, args, env, input) {
    try {
        return (await runClient(command, args, env, input, 'query')).trim();
    } catch {
        return null;
    }
}

function csvRows(dataDir, table) {
    // Lines minus the header (TPC-H text has no embedded newlines), counted in chunks: SF 1 is 750 MB.
    const fd = fs.openSync(path.join(dataDir, `${table}.csv`), 'r');
    const buffer = Buffer.alloc(1 << 20);
    let lines = 0;
    let last = 0x0a;
    try {
        for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
            for (let i = buffer.indexOf(0x0a, 0); i >= 0 && i < n; i = buffer.indexOf(0x0a, i + 1)) lines++;
            last = buffer[n - 1];
        }
    } finally {
        fs.closeSync(fd);
    }
    if (last !== 0x0a) lines++;
    return lines - 1;
}

function markerValue(sf, dataDir) {
    const counts = TABLES.map((t) => `${t}=${csvRows(dataDir, t)}`).join(',');
    return `v${LOADER_VERSION} sf=${formatSf(sf)} ${counts}`;
}

function sqlQuote(text) {
    return `'${text.replaceAll("'", "''")}'`;
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL: loaded into <schema>_loading, then renamed, so a failed load never looks loaded.

async function loadPostgres(schema, dataDir, marker, log, force) {
    const psql = psqlBinary();
    const current = await tryQuery(psql, [...pgArgs(), '-tA'], pgEnv(),
        `SELECT CASE WHEN to_regclass('${schema}.fedq_loaded') IS NULL THEN '' ELSE ` +
            `(SELECT max(what) FROM ${schema}.fedq_loaded) END;\n`);
    if (current === marker && !force) {
        log(`postgres: ${schema} already loaded`);
        return false;
    }
    const started = Date.now();
    const loading = `${schema}_loading`;
    // Two loaders at once (two checks started together) take turns; the lock goes with the session.
    const lines = [
        `SELECT pg_advisory_lock(hashtext(${sqlQuote(loading)})) \\g /dev/null`,
        `DROP SCHEMA IF EXISTS ${loading} CASCADE;`,
        `CREATE SCHEMA ${loading};`,
    ];
    for (const table of TABLES) {
        const [columns, key] = DDL[table];
        const file = path.join(path.resolve(dataDir), `${table}.csv`);
        lines.push(`CREATE TABLE ${loading}.${table} (${columns});`);
        lines.push(`\\copy ${loading}.${table} FROM ${sqlQuote(file)} WITH (FORMAT csv, HEADER true)`);
        lines.push(`ALTER TABLE ${loading}.${table} ADD PRIMARY KEY (${key});`);
        lines.push(`ANALYZE ${loading}.${table};`);
    }
    lines.push(`CREATE TABLE ${loading}.fedq_loaded (what TEXT NOT NULL);`);
    lines.push(`INSERT INTO ${loading}.fedq_loaded VALUES (${sqlQuote(marker)});`);
    lines.push('BEGIN;', `DROP SCHEMA IF EXISTS ${schema} CASCADE;`, `ALTER SCHEMA ${loading} RENAME TO ${schema};`,
        'COMMIT;');
    await runClient(psql, pgArgs(), pgEnv(), lines.join('\n') + '\n', `loading PostgreSQL schema ${schema}`);
    log(`postgres: loaded ${schema} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
}

// ---------------------------------------------------------------------------------------------------------
// MariaDB: the database is recreated; the marker table is written last.

async function loadMysql(schema, dataDir, marker, log, force) {
    const current = await tryQuery('mariadb', [...myArgs(), '-N', '-B'], myEnv(),
        `SELECT max(what) FROM ${schema}.fedq_loaded;\n`);
    if (current === marker && !force) {
        log(`mysql: ${schema} already loaded`);
        return false;
    }
    const started = Date.now();
    const lines = [
        `DO GET_LOCK(${sqlQuote(`fedq_load_${schema}`)}, 600);`,
        `DROP DATABASE IF EXISTS ${schema};`,
        `CREATE DATABASE ${schema} CHARACTER SET utf8mb4;`,
        `USE ${schema};`,
        'SET SESSION unique_checks = 0, foreign_key_checks = 0;',
    ];
    for (const table of TABLES) {
        const [columns, key] = DDL[table];
        const file = path.join(path.resolve(dataDir), `${table}.csv`);
        // The primary key up front: InnoDB clusters on it and the CSV is in key order.
        lines.push(`CREATE TABLE ${table} (${columns}, PRIMARY KEY (${key})) ENGINE = InnoDB;`);
        lines.push(
            `LOAD DATA LOCAL INFILE ${sqlQuote(file)} INTO TABLE ${table} CHARACTER SET utf8mb4 ` +
                `FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\\n' ` +
                'IGNORE 1 LINES;',
        );
        lines.push(`ANALYZE TABLE ${table};`);
    }
    lines.push('CREATE TABLE fedq_loaded (what TEXT NOT NULL);');
    lines.push(`INSERT INTO fedq_loaded VALUES (${sqlQuote(marker)});`);
    await runClient('mariadb', myArgs(), myEnv(), lines.join('\n') + '\n', `loading MariaDB database ${schema}`);
    log(`mysql: loaded ${schema} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
}

// ---------------------------------------------------------------------------------------------------------
// SQLite: part and partsupp (the federated mode's share), built into a temporary file and renamed.

const SQLITE_TABLES = ['part', 'partsupp'];

async function loadSqlite(file, dataDir, marker, log, force) {
    if (fs.existsSync(file)) {
        const current = await tryQuery('sqlite3', ['-readonly', file], process.env, 'SELECT max(what) FROM fedq_loaded;\n');
        if (current === marker && !force) {
            log(`sqlite: ${file} already loaded`);
            return false;
        }
    }
    const started = Date.now();
    const temporary = `${file}.loading-${process.pid}`;
    fs.rmSync(temporary, { force: true });
    const lines = ['PRAGMA journal_mode = OFF;', 'PRAGMA synchronous = OFF;'];
    for (const table of SQLITE_TABLES) {
        const [columns, key] = DDL[table];
        lines.push(`CREATE TABLE ${table} (${columns}, PRIMARY KEY (${key}));`);
        lines.push(`.import --csv --skip 1 ${path.join(path.resolve(dataDir), `${table}.csv`)} ${table}`);
    }
    lines.push('ANALYZE;', 'CREATE TABLE fedq_loaded (what TEXT NOT NULL);',
        `INSERT INTO fedq_loaded VALUES (${sqlQuote(marker)});`);
    try {
        await runClient('sqlite3', ['-bail', temporary], process.env, lines.join('\n') + '\n', `creating ${file}`);
        fs.renameSync(temporary, file);
    } finally {
        fs.rmSync(temporary, { force: true });
    }
    log(`sqlite: created ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
}

// ---------------------------------------------------------------------------------------------------------

// Loads what a mode needs (in parallel) unless already loaded (force: reload). existingSchema: read the
// servers' tables from that schema/database (e.g. `tpch` of bench/relational/load.sh) and load nothing into
// them. Returns { schema, sqlite }.
export async function prepareSources(mode, sf, dataDir, { log = console.log, force = false, existingSchema = null } = {}) {
    const sources = sourcesOf(mode);
    const schema = existingSchema ?? schemaName(sf);
    const sqlite = sqliteFile(dataDir);
    if (sources.length === 0) return { schema, sqlite };
    if (sources.includes('pg') || sources.includes('my')) {
        const services = spawnSync('bash', [path.join(REPO_DIR, 'scripts', 'test-services.sh'), 'start'], {
            encoding: 'utf8',
        });
        if (services.status !== 0) {
            throw new Error(`scripts/test-services.sh start failed: ${(services.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
        }
    }
    const marker = markerValue(sf, dataDir);
    const jobs = [];
    if (existingSchema) log(`using the tables of ${existingSchema} as they are`);
    if (sources.includes('pg') && !existingSchema) jobs.push(loadPostgres(schema, dataDir, marker, log, force));
    if (sources.includes('my') && !existingSchema) jobs.push(loadMysql(schema, dataDir, marker, log, force));
    if (sources.includes('lite')) jobs.push(loadSqlite(sqlite, dataDir, marker, log, force));
    const results = await Promise.allSettled(jobs);
    const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
    if (failures.length > 0) throw new Error(failures.join('; '));
    return { schema, sqlite };
}

function tomlString(text) {
    return JSON.stringify(text);
}

// A temporary FEDQ_HOME whose fedq.toml declares the catalogs pg, my and lite. Returns its path.
export function makeHome(sqlite) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fedq-tpch-home-'));
    const toml = [
        '[catalogs.pg]',
        'type = "postgres"',
        `host = ${tomlString(PG.host)}`,
        `port = ${PG.port}`,
        `database = ${tomlString(PG.database)}`,
        `user = ${tomlString(PG.user)}`,
        `password = ${tomlString(PG.password)}`,
        '',
        '[catalogs.my]',
        'type = "mysql"',
        `host = ${tomlString(MY.host)}`,
        `port = ${MY.port}`,
        `database = ${tomlString(MY.database)}`,
        `user = ${tomlString(MY.user)}`,
        `password = ${tomlString(MY.password)}`,
        '',
        '[catalogs.lite]',
        'type = "sqlite"',
        `path = ${tomlString(path.resolve(sqlite))}`,
        '',
    ];
    fs.writeFileSync(path.join(home, 'fedq.toml'), toml.join('\n'), { mode: 0o600 });
    return home;
}
