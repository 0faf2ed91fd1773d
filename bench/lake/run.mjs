#!/usr/bin/env node
// Partition-pruning benchmark for lake tables (issue 4): writes TPC-H lineitem as a lake Parquet table
// partitioned by ship month (CTAS, locally and, when s3rver answers, into an S3 warehouse), then measures
// bytes scanned and wall times of a selective partition-filtered query against the same query over the
// whole table, compares with DuckDB reading the same files with hive_partitioning, and times the Hive-style
// flow (CREATE EXTERNAL TABLE over the CTAS folder + MSCK REPAIR TABLE).
//
//   node bench/lake/run.mjs --sf 1 --fedq build/fedq --runs 3
//   node bench/lake/run.mjs --sf 0.1 --no-s3 --no-results
//
// See bench/lake/README.md.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
    BENCH_DIR,
    REPO_DIR,
    compareResults,
    csvToResult,
    defaultDataDir,
    duckdbVersion,
    ensureData,
    findTpchgen,
    formatSf,
    machineInfo,
    openDuckDB,
    parseArgs,
    runDuckDB,
    runFedq,
} from '../lib/tpch.mjs';

const LAKE_DIR = path.join(BENCH_DIR, 'lake');

const options = parseArgs(process.argv.slice(2), ['no-s3', 'no-results', 'keep-s3', 'no-duckdb']);
const sf = Number(options.sf ?? 1);
const runs = Math.max(1, Number(options.runs ?? 3));
const fedq = path.resolve(options.fedq ?? path.join(REPO_DIR, 'build', 'fedq'));
const dataDir = path.resolve(options.data ?? defaultDataDir(sf));
const home = path.resolve(options.home ?? path.join(BENCH_DIR, 'data', `lake-sf${formatSf(sf)}-home`));
const month = options.month ?? '1995-06-01';
const s3Endpoint = options['s3-endpoint'] ?? 'http://127.0.0.1:54569';
const s3Bucket = options['s3-bucket'] ?? 'fedq-test';
const resultsFile = path.resolve(options.results ?? path.join(LAKE_DIR, 'RESULTS-lake.md'));
const timeoutSeconds = Number(options.timeout ?? 1800);

const LINEITEM_COLUMNS = [
    ['l_orderkey', 'BIGINT'], ['l_partkey', 'BIGINT'], ['l_suppkey', 'BIGINT'], ['l_linenumber', 'BIGINT'],
    ['l_quantity', 'BIGINT'], ['l_extendedprice', 'DOUBLE'], ['l_discount', 'DOUBLE'], ['l_tax', 'DOUBLE'],
    ['l_returnflag', 'VARCHAR'], ['l_linestatus', 'VARCHAR'], ['l_shipdate', 'DATE'], ['l_commitdate', 'DATE'],
    ['l_receiptdate', 'DATE'], ['l_shipinstruct', 'VARCHAR'], ['l_shipmode', 'VARCHAR'], ['l_comment', 'VARCHAR'],
];

function sqlString(text) {
    return `'${String(text).replaceAll("'", "''")}'`;
}

function log(message) {
    console.error(`[lake-bench] ${message}`);
}

function fedqEnv() {
    return { FEDQ_HOME: home };
}

// Runs SQL through fedq and throws on failure; returns { seconds, stdout }.
function fedqOrThrow(sql, what) {
    const r = runFedq(fedq, sql, { timeoutSeconds, env: fedqEnv() });
    if (r.error) throw new Error(`${what} failed: ${r.error}\n  SQL: ${sql}`);
    return r;
}

// ---------------------------------------------------------------------------------------------------------
// EXPLAIN ANALYZE parsing. The Total line prints sizes with MemoryTracker::format_bytes (1024-based "kB",
// "MB"...); the connector line prints exact file bytes.

const UNIT = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function parseSize(text) {
    const m = /^([\d.]+)\s*(B|kB|KB|MB|GB|TB)$/.exec(text.trim());
    if (!m) throw new Error(`cannot parse size ${text}`);
    return Math.round(Number(m[1]) * UNIT[m[2]]);
}

function explainAnalyze(sql) {
    const r = fedqOrThrow(`EXPLAIN ANALYZE ${sql}`, 'EXPLAIN ANALYZE');
    // --format csv quotes the plan text; unquote loosely.
    const text = r.stdout.replaceAll('""', '"');
    const total = /Total: (\d+) rows in ([\d.]+) s, ([\d.]+\s*[kKMGT]?B) scanned/.exec(text);
    if (!total) throw new Error(`no Total line in EXPLAIN ANALYZE output:\n${text}`);
    const conn = /lake parquet [\w.]+: (\d+) of (\d+) partitions?, (\d+) files?, (\d+) bytes, (\d+) splits?/.exec(text);
    return {
        text,
        engineSeconds: Number(total[2]),
        scannedText: total[3].replace(/\s+/g, ''),
        scanned: parseSize(total[3]),
        partitions: conn ? Number(conn[1]) : null,
        partitionsTotal: conn ? Number(conn[2]) : null,
        files: conn ? Number(conn[3]) : null,
        fileBytes: conn ? Number(conn[4]) : null,
        splits: conn ? Number(conn[5]) : null,
    };
}

// ---------------------------------------------------------------------------------------------------------
// Local file helpers

function walkFiles(dir) {
    const out = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...walkFiles(full));
        else out.push({ path: full, size: fs.statSync(full).size });
    }
    return out;
}

function describeFolder(dir) {
    const partitions = fs.readdirSync(dir).filter((n) => n.includes('=')).length;
    const files = walkFiles(dir).filter((f) => f.path.endsWith('.parquet'));
    return { partitions, files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) };
}

async function s3Reachable() {
    try {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 2000);
        const response = await fetch(s3Endpoint, { signal: controller.signal });
        clearTimeout(timer);
        return response.status > 0;
    } catch {
        return false;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Queries

function queries(table) {
    const [y, m] = month.split('-').map(Number);
    const quarterEnd = new Date(Date.UTC(y, m - 1 + 2, 1)).toISOString().slice(0, 10);
    const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const select = `SELECT l_returnflag, count(*) AS n, sum(l_extendedprice) AS revenue FROM ${table}`;
    return [
        { name: 'month (partition filter)', key: 'month', where: `ship_month = DATE '${month}'` },
        {
            name: 'quarter (partition range)',
            key: 'quarter',
            where: `ship_month BETWEEN DATE '${month}' AND DATE '${quarterEnd}'`,
        },
        {
            name: 'month (l_shipdate filter, no partition pruning)',
            key: 'shipdate',
            where: `l_shipdate >= DATE '${month}' AND l_shipdate < DATE '${nextMonth}'`,
        },
        { name: 'full table', key: 'full', where: null },
    ].map((q) => ({ ...q, sql: `${select}${q.where ? ` WHERE ${q.where}` : ''} GROUP BY 1 ORDER BY 1` }));
}

const RESULT_SHAPE = { columns: ['l_returnflag', 'n', 'revenue'], types: ['VARCHAR', 'BIGINT', 'DOUBLE'] };

function fedqResult(stdout) {
    return { ...csvToResult(stdout, RESULT_SHAPE), ...RESULT_SHAPE };
}

// Best-of-N wall times, fedq and DuckDB runs interleaved (one warm-up each first) so that load from other
// work on the shared machine hits both engines alike.
async function timeQuery(fedqSql, duck, duckSql) {
    const fedqTimes = [];
    const duckTimes = [];
    let fedqOut = null;
    let duckOut = null;
    for (let i = 0; i <= runs; i++) {
        const f = runFedq(fedq, fedqSql, { timeoutSeconds, env: fedqEnv() });
        if (f.error) return { error: f.error };
        fedqOut = f.stdout;
        if (i > 0) fedqTimes.push(f.seconds);
        if (duck && duckSql) {
            const d = await runDuckDB(duck, duckSql);
            duckOut = d.result;
            if (i > 0) duckTimes.push(d.seconds);
        }
    }
    const result = { fedq: Math.min(...fedqTimes), fedqTimes, fedqResult: fedqResult(fedqOut) };
    if (duckOut) {
        result.duckdb = Math.min(...duckTimes);
        result.duckTimes = duckTimes;
        const cmp = compareResults(duckOut, result.fedqResult, [0]);
        result.match = cmp.ok;
        result.mismatch = cmp.messages;
    }
    return result;
}

function startupSeconds() {
    const times = [];
    for (let i = 0; i < 3; i++) times.push(fedqOrThrow('SELECT 1', 'startup').seconds);
    return Math.min(...times);
}

// ---------------------------------------------------------------------------------------------------------
// One warehouse (local or S3)

async function benchWarehouse({ label, catalog, location, duck, localFolder }) {
    const out = { label, catalog, location };
    const table = `${catalog}.tpch.lineitem`;
    const ext = `${catalog}.tpch.lineitem_ext`;
    fedqOrThrow(`DROP TABLE IF EXISTS ${ext}`, 'drop ext');
    fedqOrThrow(`DROP TABLE IF EXISTS ${table}`, 'drop');

    const csv = path.join(dataDir, 'lineitem.csv');
    const ctas =
        `CREATE TABLE ${table} WITH (format = 'PARQUET', partitioned_by = ARRAY['ship_month']) AS ` +
        `SELECT *, date_trunc('month', l_shipdate) AS ship_month FROM ${sqlString(csv)}`;
    log(`${label}: CTAS ...`);
    const c = fedqOrThrow(ctas, 'CTAS');
    out.ctasSeconds = c.seconds;
    out.ctasRows = Number(fedqOrThrow(`SELECT count(*) FROM ${table}`, 'count').stdout.trim().split('\n').pop());
    log(`${label}: CTAS ${c.seconds.toFixed(2)} s, ${out.ctasRows} rows`);
    if (localFolder) out.folder = describeFolder(localFolder);

    // Bytes: EXPLAIN ANALYZE per query.
    out.queries = [];
    const duckSource = localFolder
        ? `read_parquet(${sqlString(path.join(localFolder, '**', '*.parquet'))}, hive_partitioning = true)`
        : null;
    for (const q of queries(table)) {
        log(`${label}: ${q.name}`);
        const ea = explainAnalyze(q.sql);
        const duckSql = duck && duckSource ? q.sql.replace(table, duckSource) : null;
        const t = await timeQuery(q.sql, duck, duckSql);
        out.queries.push({ ...q, explain: ea, timing: t });
    }
    const full = out.queries.find((q) => q.key === 'full').explain;
    out.fullFileBytes = full.fileBytes;
    out.fullScanned = full.scanned;

    // Hive-style flow: an external table over the CTAS folder, partitions found by MSCK REPAIR TABLE.
    const columns = LINEITEM_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ');
    fedqOrThrow(
        `CREATE EXTERNAL TABLE ${ext} (${columns}) PARTITIONED BY (ship_month DATE) STORED AS PARQUET ` +
            `LOCATION ${sqlString(location)}`,
        'CREATE EXTERNAL TABLE',
    );
    log(`${label}: MSCK REPAIR TABLE`);
    const msck1 = fedqOrThrow(`MSCK REPAIR TABLE ${ext}`, 'MSCK');
    const msck2 = fedqOrThrow(`MSCK REPAIR TABLE ${ext}`, 'MSCK (again)');
    const listing = fedqOrThrow(`SHOW PARTITIONS ${ext}`, 'SHOW PARTITIONS').stdout;
    const partitionCount = listing.split('\n').filter((l) => l.includes('ship_month=')).length;
    const extQuery = queries(ext)[0];
    const extExplain = explainAnalyze(extQuery.sql);
    const extTiming = await timeQuery(extQuery.sql, null, null);
    const sameAsManaged = compareResults(out.queries[0].timing.fedqResult, extTiming.fedqResult, [0]).ok;
    out.msck = {
        firstSeconds: msck1.seconds,
        againSeconds: msck2.seconds,
        partitions: partitionCount,
        selective: { explain: extExplain, timing: extTiming, sameAsManaged },
    };
    fedqOrThrow(`DROP TABLE ${ext}`, 'drop ext');
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// Report

function mb(bytes) {
    return bytes == null ? '?' : `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;
}

function pct(a, b) {
    return a == null || b == null || b === 0 ? '?' : `${((100 * a) / b).toFixed(2)} %`;
}

function secs(s) {
    return s == null ? '–' : s.toFixed(3);
}

function renderWarehouse(w) {
    const lines = [];
    lines.push(`### ${w.label}: \`${w.location}\``);
    lines.push('');
    const folder = w.folder
        ? `, ${w.folder.partitions} partition folders, ${w.folder.files} Parquet files, ${mb(w.folder.bytes)} on disk`
        : '';
    lines.push(`CTAS (${w.ctasRows.toLocaleString('en-US')} rows${folder}): **${w.ctasSeconds.toFixed(2)} s** (one run).`);
    lines.push('');
    lines.push(
        '| query | partitions | files | file bytes | bytes scanned | scanned / full-table scan | scanned / full-table files | fedq s | DuckDB s | fedq/DuckDB | same answer |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const q of w.queries) {
        const e = q.explain;
        const t = q.timing;
        const ratio = t.duckdb ? (t.fedq / t.duckdb).toFixed(2) : '–';
        const same = t.match === undefined ? '–' : t.match ? 'yes' : 'NO';
        lines.push(
            `| ${q.name} | ${e.partitions}/${e.partitionsTotal} | ${e.files} | ${mb(e.fileBytes)} | ${mb(e.scanned)} (${e.scannedText}) | ` +
                `${pct(e.scanned, w.fullScanned)} | ${pct(e.scanned, w.fullFileBytes)} | ${t.error ? 'error' : secs(t.fedq)} | ` +
                `${secs(t.duckdb)} | ${ratio} | ${same} |`,
        );
    }
    lines.push('');
    const m = w.msck;
    const me = m.selective.explain;
    lines.push(
        `Hive-style flow (CREATE EXTERNAL TABLE over the CTAS folder): \`MSCK REPAIR TABLE\` registered ${m.partitions} ` +
            `partitions in **${m.firstSeconds.toFixed(3)} s** (again, nothing new: ${m.againSeconds.toFixed(3)} s); the month query ` +
            `on the external table: ${me.partitions}/${me.partitionsTotal} partitions, ${mb(me.scanned)} scanned, ` +
            `${secs(m.selective.timing.fedq)} s, same answer as the managed table: ${m.selective.sameAsManaged ? 'yes' : 'NO'}.`,
    );
    lines.push('');
    return lines.join('\n');
}

function render(report) {
    const m = report.machine;
    const lines = [];
    lines.push('# Lake partition-pruning benchmark (issue 4)');
    lines.push('');
    lines.push(`Generated by \`node bench/lake/run.mjs ${report.argv}\` — see [README.md](README.md).`);
    lines.push('');
    lines.push(
        `Machine: ${m.nproc} cores (${m.cpu}), ${m.memory}, load average at start ${report.loadStart}, at end ${report.loadEnd}; ` +
            `${m.date}; revision ${report.revision}; DuckDB ${report.duckdbVersion ?? 'not run'}.`,
    );
    lines.push(
        `SF ${formatSf(sf)} lineitem, partitioned by \`ship_month = date_trunc('month', l_shipdate)\`; selective month ` +
            `${month}. Query: \`SELECT l_returnflag, count(*), sum(l_extendedprice) FROM <t> [WHERE ...] GROUP BY 1 ORDER BY 1\`.`,
    );
    lines.push(
        `Times are best of ${runs} after one warm-up; fedq = wall time of \`fedq -c ... --format csv\` (process start ` +
            `included, ${report.startup.toFixed(3)} s for \`SELECT 1\`), DuckDB = in-process node api over ` +
            `\`read_parquet('<folder>/**/*.parquet', hive_partitioning = true)\` on the same files. ` +
            'The CPU is shared with other work running at the same time: fedq and DuckDB runs are interleaved ' +
            '(fedq, DuckDB, fedq, DuckDB ...) so that both see the same load, but absolute times are noisy.',
    );
    lines.push(
        '"bytes scanned" is the EXPLAIN ANALYZE Total line (bytes actually read: the needed column chunks of the ' +
            'surviving files); "file bytes" is the size of the files the scan planned (connector line).',
    );
    lines.push('');
    for (const w of report.warehouses) lines.push(renderWarehouse(w));
    if (report.s3Skipped) lines.push(`S3: skipped (${report.s3Skipped}).\n`);
    const local = report.warehouses[0];
    const sel = local.queries[0].explain;
    lines.push('### Target');
    lines.push('');
    lines.push(
        `"A query with a selective partition filter reading under 5 % of the bytes of the full table": the month ` +
            `query scans ${mb(sel.scanned)} = ${pct(sel.scanned, local.fullScanned)} of the same query over the full table ` +
            `and ${pct(sel.scanned, local.fullFileBytes)} of the table's file bytes (${mb(local.fullFileBytes)}) — ` +
            `${sel.scanned / local.fullScanned < 0.05 ? 'met' : 'NOT met'}.`,
    );
    lines.push('');
    return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
    if (!fs.existsSync(fedq)) throw new Error(`fedq binary not found: ${fedq} (pass --fedq)`);
    ensureData(sf, dataDir, findTpchgen(options.tpchgen, fedq));
    const loadStart = machineInfo().load;
    const revision = (spawnSync('git', ['-C', REPO_DIR, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout || '?').trim();

    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true });
    log(`home ${home}, data ${dataDir}`);

    let duck = null;
    let version = null;
    if (!options['no-duckdb']) {
        const { connection } = await openDuckDB();
        duck = connection;
        version = await duckdbVersion(connection);
    }
    const startup = startupSeconds();

    const warehouses = [];
    const localFolder = path.join(home, 'warehouse', 'tpch', 'lineitem');
    warehouses.push(
        await benchWarehouse({ label: 'Local warehouse', catalog: 'lake', location: localFolder + '/', duck, localFolder }),
    );

    let s3Skipped = null;
    if (options['no-s3']) {
        s3Skipped = '--no-s3';
    } else if (!(await s3Reachable())) {
        s3Skipped = `no S3 server at ${s3Endpoint}`;
    } else {
        const prefix = `s3://${s3Bucket}/lake-bench/sf${formatSf(sf)}-${process.pid}/`;
        fedqOrThrow(
            `CREATE CATALOG s3lake USING lake WITH (warehouse = ${sqlString(prefix)}, s3_endpoint = ${sqlString(s3Endpoint)}, ` +
                `s3_access_key_id = 'S3RVER', s3_secret_access_key = 'S3RVER', s3_region = 'us-east-1')`,
            'CREATE CATALOG',
        );
        const w = await benchWarehouse({
            label: 'S3 warehouse (s3rver on localhost)',
            catalog: 's3lake',
            location: `${prefix}tpch/lineitem/`,
            duck: null,
            localFolder: null,
        });
        warehouses.push(w);
        if (!options['keep-s3']) fedqOrThrow('DROP TABLE s3lake.tpch.lineitem', 'drop S3 table');
    }

    const report = {
        argv: process.argv.slice(2).join(' '),
        machine: machineInfo(),
        loadStart,
        loadEnd: machineInfo().load,
        revision,
        duckdbVersion: version,
        startup,
        warehouses,
        s3Skipped,
    };
    const text = render(report);
    console.log(text);
    fs.writeFileSync(path.join(home, 'report.json'), JSON.stringify(report, (k, v) => (k === 'text' ? undefined : v), 2));
    if (!options['no-results']) {
        fs.writeFileSync(resultsFile, text);
        log(`wrote ${resultsFile}`);
    }
}

main().catch((error) => {
    console.error(error.stack || String(error));
    process.exit(1);
});
