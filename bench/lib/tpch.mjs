// Shared helpers for the TPC-H benchmark (bench/run.mjs) and the answer check (tests/tpch/check_answers.mjs):
// locating the repository, generating data with fedq-tpchgen, loading the 22 queries with their table
// placeholders substituted per engine, running a query through DuckDB (node api) or through the fedq CLI,
// parsing CSV, and comparing two results.
//
// DuckDB is imported here (and only here) so that it resolves from bench/node_modules for every caller.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const QUERY_DIR = path.join(BENCH_DIR, 'queries');
export const TABLES = ['part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem', 'nation', 'region'];
export const ALL_QUERIES = Array.from({ length: 22 }, (_, i) => i + 1);

// ---------------------------------------------------------------------------------------------------------
// Command line

// Parses `--name value`, `--name=value` and bare `--flag` (true) into an object.
export function parseArgs(argv, booleanFlags = []) {
    const options = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
        const eq = arg.indexOf('=');
        if (eq > 0) {
            options[arg.slice(2, eq)] = arg.slice(eq + 1);
        } else if (booleanFlags.includes(arg.slice(2))) {
            options[arg.slice(2)] = true;
        } else {
            if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
            options[arg.slice(2)] = argv[++i];
        }
    }
    return options;
}

// "1,3,5-7" -> [1, 3, 5, 6, 7]; "all" -> 1..22.
export function parseQueryList(text) {
    if (!text || text === 'all') return ALL_QUERIES;
    const result = [];
    for (const part of String(text).split(',').map((s) => s.trim()).filter(Boolean)) {
        const range = part.match(/^(\d+)-(\d+)$/);
        const numbers = range ? Array.from({ length: +range[2] - +range[1] + 1 }, (_, i) => +range[1] + i) : [+part];
        for (const n of numbers) {
            if (!Number.isInteger(n) || n < 1 || n > 22) throw new Error(`bad query number: ${part}`);
            result.push(n);
        }
    }
    return result;
}

export function formatSf(sf) {
    return String(Number(sf));
}

// ---------------------------------------------------------------------------------------------------------
// Data

export function defaultDataDir(sf) {
    return path.join(BENCH_DIR, 'data', `sf${formatSf(sf)}`);
}

export function dataComplete(dir) {
    return TABLES.every((t) => fs.existsSync(path.join(dir, `${t}.csv`)));
}

// Finds fedq-tpchgen: an explicit path, else next to the fedq binary, else in the usual build folders.
export function findTpchgen(explicit, fedqBinary) {
    const candidates = [];
    if (explicit) candidates.push(path.resolve(explicit));
    if (fedqBinary) candidates.push(path.join(path.dirname(path.resolve(fedqBinary)), 'fedq-tpchgen'));
    for (const entry of fs.existsSync(REPO_DIR) ? fs.readdirSync(REPO_DIR) : []) {
        if (entry.startsWith('build')) candidates.push(path.join(REPO_DIR, entry, 'fedq-tpchgen'));
    }
    return candidates.find((c) => fs.existsSync(c)) ?? null;
}

// Generates the data set into dir with fedq-tpchgen unless every table file is already there.
export function ensureData(sf, dir, tpchgen) {
    if (dataComplete(dir)) return false;
    if (!tpchgen) {
        throw new Error(
            `no data in ${dir} and fedq-tpchgen not found; build it with ` +
                '`ninja -C build fedq-tpchgen` or pass --tpchgen PATH',
        );
    }
    console.error(`generating SF ${formatSf(sf)} into ${dir} with ${tpchgen} ...`);
    const result = spawnSync(tpchgen, ['--sf', formatSf(sf), '--out', dir], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`fedq-tpchgen failed (exit ${result.status ?? result.signal})`);
    return true;
}

// ---------------------------------------------------------------------------------------------------------
// Queries

function sqlString(text) {
    return `'${text.replaceAll("'", "''")}'`;
}

export function readQuery(number) {
    return fs.readFileSync(path.join(QUERY_DIR, `q${String(number).padStart(2, '0')}.sql`), 'utf8');
}

// Replaces {table} placeholders: fedq takes a quoted file path, DuckDB a read_csv() call. tableMap (fedq
// only) maps a table name to the SQL to use instead, e.g. { orders: 'pg.tpch.orders' }; tables it leaves
// out stay CSV files.
export function substituteTables(sql, dataDir, engine, tableMap = null) {
    return sql.replace(/\{(\w+)\}/g, (whole, table) => {
        if (!TABLES.includes(table)) throw new Error(`unknown table placeholder ${whole}`);
        if (engine !== 'duckdb' && tableMap && tableMap[table]) return tableMap[table];
        const file = sqlString(path.join(path.resolve(dataDir), `${table}.csv`));
        return engine === 'duckdb' ? `read_csv(${file})` : file;
    });
}

// Strips `--` comments and the trailing semicolon (fedq -c takes one statement).
export function cleanSql(sql) {
    return sql
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim()
        .replace(/;\s*$/, '');
}

export function querySql(number, dataDir, engine, tableMap = null) {
    return substituteTables(cleanSql(readQuery(number)), dataDir, engine, tableMap);
}

// ---------------------------------------------------------------------------------------------------------
// Engines. A result is { columns: [names], types: [type names or null], rows: [[string|null]] }.

export async function openDuckDB() {
    let api;
    try {
        api = await import('@duckdb/node-api');
    } catch (error) {
        throw new Error(`@duckdb/node-api is not installed: run (cd bench && npm ci) or scripts/setup.sh (${error.message})`);
    }
    const instance = await api.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    return { instance, connection };
}

export async function duckdbVersion(connection) {
    const reader = await connection.runAndReadAll('select version()');
    return String(reader.getRows()[0][0]);
}

function duckValueToString(value) {
    if (value === null || value === undefined) return null;
    return String(value);
}

export async function runDuckDB(connection, sql) {
    const started = process.hrtime.bigint();
    const reader = await connection.runAndReadAll(sql);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rows = reader.getRows().map((row) => row.map(duckValueToString));
    return {
        seconds,
        result: { columns: reader.columnNames(), types: reader.columnTypes().map((t) => String(t)), rows },
    };
}

// Runs the query through DuckDB and has DuckDB's own CSV writer produce the text (used by --self-check to
// exercise the CSV path the fedq output takes).
export async function runDuckDBAsCsv(connection, sql) {
    const file = path.join(os.tmpdir(), `fedq-tpch-selfcheck-${process.pid}.csv`);
    await connection.run(`copy (${sql}) to ${sqlString(file)} (format csv, header true)`);
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file, { force: true });
    return text;
}

// Runs `fedq -c SQL --format csv` and measures the wall time of the process. env: extra environment
// variables (e.g. FEDQ_HOME for the catalogs).
export function runFedq(binary, sql, { timeoutSeconds = 600, env = null } = {}) {
    const started = process.hrtime.bigint();
    const child = spawnSync(binary, ['-c', sql, '--format', 'csv'], {
        encoding: 'utf8',
        env: env ? { ...process.env, ...env } : process.env,
        maxBuffer: 1 << 30,
        timeout: timeoutSeconds * 1000,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.error) {
        const reason = child.error.code === 'ETIMEDOUT' ? `timed out after ${timeoutSeconds} s` : child.error.message;
        return { seconds, error: reason };
    }
    if (child.status !== 0) {
        const message = (child.stderr || child.stdout || '').trim().split('\n').slice(0, 5).join(' | ');
        return { seconds, error: `exit ${child.status ?? child.signal}: ${message || '(no message)'}` };
    }
    return { seconds, stdout: child.stdout };
}

// ---------------------------------------------------------------------------------------------------------
// CSV (RFC 4180). An unquoted empty field is NULL; a quoted empty field is the empty string.

export function parseCsv(text) {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    let wasQuoted = false;
    let i = 0;
    const endField = () => {
        row.push(field === '' && !wasQuoted ? null : field);
        field = '';
        wasQuoted = false;
    };
    while (i < text.length) {
        const c = text[i];
        if (quoted) {
            if (c === '"') {
                if (text[i + 1] === '"') {
                    field += '"';
                    i += 2;
                    continue;
                }
                quoted = false;
            } else {
                field += c;
            }
            i++;
            continue;
        }
        if (c === '"' && field === '') {
            quoted = true;
            wasQuoted = true;
        } else if (c === ',') {
            endField();
        } else if (c === '\n' || c === '\r') {
            endField();
            rows.push(row);
            row = [];
            if (c === '\r' && text[i + 1] === '\n') i++;
        } else {
            field += c;
        }
        i++;
    }
    if (field !== '' || wasQuoted || row.length > 0) {
        endField();
        rows.push(row);
    }
    return rows;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/i;

export function isNumericType(type) {
    return type != null && NUMERIC_TYPE.test(type);
}

function parseNumber(text) {
    if (text === null) return null;
    const trimmed = text.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return NaN;
    return Number(trimmed);
}

// Turns an engine's CSV output into a result, dropping the header row when there is one: a header is
// recognised by its names matching the expected ones, or by text where the expected columns are numbers.
export function csvToResult(text, expected) {
    const rows = parseCsv(text);
    if (rows.length > 0 && looksLikeHeader(rows[0], expected)) {
        const header = rows.shift();
        return { columns: header.map((h) => h ?? ''), types: null, rows };
    }
    return { columns: null, types: null, rows };
}

function looksLikeHeader(first, expected) {
    if (!expected) return true;
    if (first.length !== expected.columns.length) return first.every((f) => f !== null && parseNumber(f) !== parseNumber(f));
    const sameNames = first.every((f, i) => (f ?? '').toLowerCase() === expected.columns[i].toLowerCase());
    if (sameNames) return true;
    const numericColumns = expected.types.map((t, i) => (isNumericType(t) ? i : -1)).filter((i) => i >= 0);
    return numericColumns.length > 0 && numericColumns.every((i) => first[i] !== null && Number.isNaN(parseNumber(first[i])));
}

// ---------------------------------------------------------------------------------------------------------
// Comparison

const MONEY_COLUMN = /price|revenue|acctbal|charge|profit|^value$|avg_yearly|cost|volume/i;

// Columns (0-based output positions) of each query's ORDER BY; rows that tie on them may come in any order.
export const ORDER_KEYS = {
    1: [0, 1], 2: [0, 2, 1, 3], 3: [1, 2], 4: [0], 5: [1], 6: [], 7: [0, 1, 2], 8: [0], 9: [0, 1], 10: [2],
    11: [1], 12: [0], 13: [1, 0], 14: [], 15: [0], 16: [3, 0, 1, 2], 17: [], 18: [4, 3], 19: [], 20: [0],
    21: [1, 0], 22: [0],
};

function columnRules(expected, decimalScale = false) {
    return expected.columns.map((name, i) => ({
        numeric: isNumericType(expected.types[i]),
        money: MONEY_COLUMN.test(name) && !/^promo_revenue$/i.test(name),
        decimalScale,
    }));
}

// With decimalScale, an actual value written with s fraction digits (a DECIMAL(p,s)) also matches an
// expected value that rounds to it at s digits. The SQL sources hold the money columns as DECIMAL(15,2) and
// fedq types like Trino (avg(DECIMAL(p,s)) and DECIMAL / DECIMAL keep scale s) where DuckDB, reading the CSV
// as DOUBLE, keeps every digit.
function roundsTo(expected, actualText, actual) {
    const match = /^[+-]?\d*\.(\d+)$/.exec(actualText.trim());
    if (!match) return false;
    const half = 0.5 * 10 ** -match[1].length;
    return Math.abs(expected - actual) <= half * (1 + 1e-9) + 1e-12 * Math.abs(expected);
}

function valuesEqual(expectedValue, actualValue, rule) {
    const e = expectedValue === '' ? null : expectedValue;
    const a = actualValue === '' ? null : actualValue;
    if (e === null || a === null) return e === a;
    if (!rule.numeric) return e === a;
    const x = parseNumber(e);
    const y = parseNumber(a);
    if (Number.isNaN(x) || Number.isNaN(y)) return e === a;
    const difference = Math.abs(x - y);
    if (rule.decimalScale && roundsTo(x, a, y)) return true;
    return difference <= 1e-6 * Math.max(Math.abs(x), Math.abs(y)) || (rule.money && difference <= 0.01) || difference < 1e-9;
}

function rowsEqual(expectedRow, actualRow, rules) {
    if (expectedRow.length !== actualRow.length) return false;
    return rules.every((rule, i) => valuesEqual(expectedRow[i], actualRow[i], rule));
}

// Compares an actual result against the expected one. Rows must come in the expected order, except that
// rows tying on the ORDER BY keys may be permuted among themselves. options.decimalScale: see roundsTo.
// Returns { ok, messages }.
export function compareResults(expected, actual, orderKeys = [], maxDiffs = 5, { decimalScale = false } = {}) {
    const messages = [];
    const rules = columnRules(expected, decimalScale);
    const width = actual.rows.length > 0 ? actual.rows[0].length : (actual.columns?.length ?? expected.columns.length);
    if (width !== expected.columns.length) {
        messages.push(`column count: expected ${expected.columns.length}, got ${width}`);
        return { ok: false, messages };
    }
    const badWidth = actual.rows.findIndex((r) => r.length !== expected.columns.length);
    if (badWidth >= 0) {
        messages.push(`row ${badWidth + 1} has ${actual.rows[badWidth].length} fields, expected ${expected.columns.length}`);
        return { ok: false, messages };
    }
    if (expected.rows.length !== actual.rows.length) {
        messages.push(`row count: expected ${expected.rows.length}, got ${actual.rows.length}`);
    }

    const keyRules = orderKeys.map((k) => rules[k]);
    const sameKeys = (a, b) => orderKeys.every((k, j) => valuesEqual(a[k], b[k], keyRules[j]));
    const count = Math.min(expected.rows.length, actual.rows.length);
    let start = 0;
    while (start < count && messages.length < maxDiffs + 1) {
        // A group of expected rows tying on the order keys; without keys (no ORDER BY) all rows are one group.
        let end = start + 1;
        while (end < count && (orderKeys.length === 0 || sameKeys(expected.rows[start], expected.rows[end]))) end++;
        const used = new Array(end - start).fill(false);
        for (let i = start; i < end && messages.length < maxDiffs + 1; i++) {
            let match = -1;
            if (!used[i - start] && rowsEqual(expected.rows[i], actual.rows[i], rules)) {
                match = i - start;
            } else {
                for (let j = 0; j < end - start; j++) {
                    if (!used[j] && rowsEqual(expected.rows[i], actual.rows[start + j], rules)) {
                        match = j;
                        break;
                    }
                }
            }
            if (match >= 0) {
                used[match] = true;
            } else {
                messages.push(
                    `row ${i + 1}:\n      expected ${formatRow(expected.rows[i])}\n      got      ${formatRow(actual.rows[i])}`,
                );
            }
        }
        start = end;
    }
    if (messages.length > maxDiffs) messages.splice(maxDiffs, messages.length - maxDiffs, '...');
    return { ok: messages.length === 0, messages };
}

export function formatRow(row) {
    if (!row) return '(missing)';
    return row.map((v) => (v === null ? 'NULL' : v)).join(' | ');
}

// ---------------------------------------------------------------------------------------------------------
// Machine description for reports

export function machineInfo() {
    let cpu = 'unknown CPU';
    try {
        const line = fs
            .readFileSync('/proc/cpuinfo', 'utf8')
            .split('\n')
            .find((l) => l.startsWith('model name'));
        if (line) cpu = line.split(':').slice(1).join(':').trim();
    } catch {
        cpu = os.cpus()[0]?.model ?? cpu;
    }
    let nproc = os.availableParallelism?.() ?? os.cpus().length;
    const result = spawnSync('nproc', { encoding: 'utf8' });
    if (result.status === 0) nproc = Number(result.stdout.trim()) || nproc;
    const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
    // The load average tells whether other work shared the machine (and so how noisy the times are).
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
    return { cpu, nproc, memory, load, date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC' };
}
