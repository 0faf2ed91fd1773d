#!/usr/bin/env node
// TPC-H on Parquet: fedq against DuckDB on the same Parquet files (local disk and s3rver).
//
//   node bench/parquet/run.mjs [--sf 1] [--queries all | 1,3,5-7] [--fedq build/fedq] [--runs 3]
//                              [--data DIR] [--parquet DIR] [--schema spec|csv] [--timeout SECONDS]
//                              [--s3 | --s3-only] [--s3-endpoint URL] [--s3-bucket NAME]
//                              [--results bench/RESULTS.md] [--no-results] [--convert-only]
//
// 1. Converts the fedq-tpchgen CSV files (bench/data/sf<SF>, generated when missing) to Parquet with DuckDB
//    (snappy, DuckDB's default row groups of 122,880 rows) into bench/data/sf<SF>-parquet. --schema spec
//    (default) writes the TPC-H column types (INTEGER keys, DECIMAL(15,2) money, DATE, VARCHAR), as DuckDB's
//    dbgen does; --schema csv keeps the types DuckDB infers from the CSV (BIGINT, DOUBLE, DATE, VARCHAR).
// 2. Runs the 22 queries on both engines against the Parquet files ('DIR/lineitem.parquet' in fedq,
//    read_parquet('DIR/lineitem.parquet') in DuckDB, nothing loaded beforehand), interleaved: a warm-up of
//    each, then --runs rounds of DuckDB then fedq; the best time of each counts. fedq's time is the wall time
//    of the `fedq -c SQL --format csv` process (process start included), DuckDB's the in-process query time.
// 3. --s3: uploads the files to s3rver (bucket fedq-test at http://127.0.0.1:54569, key/secret S3RVER, with
//    curl --aws-sigv4) and times fedq on s3://fedq-test/tpch-sf<SF>/<table>.parquet against fedq on the
//    local files (DuckDB's httpfs extension is not available offline).
// Writes a "Parquet" section per SF into bench/RESULTS.md (and an S3 section with --s3).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
    BENCH_DIR,
    REPO_DIR,
    TABLES,
    cleanSql,
    defaultDataDir,
    duckdbVersion,
    ensureData,
    findTpchgen,
    formatSf,
    machineInfo,
    openDuckDB,
    parseArgs,
    parseQueryList,
    readQuery,
    runDuckDB,
    runFedq,
} from '../lib/tpch.mjs';

// TPC-H column types (what DuckDB's dbgen writes); columns not listed keep DuckDB's CSV inference
// (DATE for the dates, VARCHAR for text).
const SPEC_TYPES = {
    INTEGER: [
        'p_partkey', 'p_size', 's_suppkey', 's_nationkey', 'ps_partkey', 'ps_suppkey', 'ps_availqty',
        'c_custkey', 'c_nationkey', 'o_orderkey', 'o_custkey', 'o_shippriority', 'l_orderkey', 'l_partkey',
        'l_suppkey', 'l_linenumber', 'n_nationkey', 'n_regionkey', 'r_regionkey',
    ],
    'DECIMAL(15,2)': [
        'p_retailprice', 's_acctbal', 'ps_supplycost', 'c_acctbal', 'o_totalprice', 'l_quantity',
        'l_extendedprice', 'l_discount', 'l_tax',
    ],
};

function sqlString(text) {
    return `'${text.replaceAll("'", "''")}'`;
}

function geometricMean(values) {
    if (values.length === 0) return null;
    return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

const fmt3 = (s) => (s == null ? 'n/a' : s.toFixed(3));
const pad = (text, width, right = true) => (right ? String(text).padStart(width) : String(text).padEnd(width));

// ---------------------------------------------------------------------------------------------------------
// Data

async function convertToParquet(connection, csvDir, parquetDir, schema) {
    fs.mkdirSync(parquetDir, { recursive: true });
    for (const table of TABLES) {
        const target = path.join(parquetDir, `${table}.parquet`);
        if (fs.existsSync(target)) continue;
        const csv = sqlString(path.join(csvDir, `${table}.csv`));
        let select = `SELECT * FROM read_csv(${csv})`;
        if (schema === 'spec') {
            const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_csv(${csv})`);
            const names = reader.getRows().map((r) => String(r[0]));
            const casts = [];
            for (const [type, columns] of Object.entries(SPEC_TYPES)) {
                for (const c of columns) if (names.includes(c)) casts.push(`CAST(${c} AS ${type}) AS ${c}`);
            }
            if (casts.length > 0) select = `SELECT * REPLACE (${casts.join(', ')}) FROM read_csv(${csv})`;
        }
        const tmp = `${target}.tmp`;
        const started = Date.now();
        await connection.run(`COPY (${select}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION snappy)`);
        fs.renameSync(tmp, target);
        const mb = (fs.statSync(target).size / 2 ** 20).toFixed(1);
        console.error(`wrote ${target} (${mb} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
}

function querySql(number, location, engine) {
    return cleanSql(readQuery(number)).replace(/\{(\w+)\}/g, (whole, table) => {
        if (!TABLES.includes(table)) throw new Error(`unknown table placeholder ${whole}`);
        const file = sqlString(`${location}/${table}.parquet`);
        return engine === 'duckdb' ? `read_parquet(${file})` : file;
    });
}

// ---------------------------------------------------------------------------------------------------------
// s3rver upload (curl signs with SigV4; s3rver wants the payload hash header)

function s3Put(endpoint, bucket, key, file) {
    const url = `${endpoint.replace(/\/$/, '')}/${bucket}/${key}`;
    const result = spawnSync(
        'curl',
        ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user',
         'S3RVER:S3RVER', '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', '-T', file, url],
        { encoding: 'utf8' },
    );
    if (result.status !== 0 || result.stdout.trim() !== '200')
        throw new Error(`upload of ${file} to ${url} failed: ${result.stdout} ${result.stderr}`);
}

function s3Head(endpoint, bucket, key) {
    const url = `${endpoint.replace(/\/$/, '')}/${bucket}/${key}`;
    const result = spawnSync(
        'curl',
        ['-sS', '-I', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', '--aws-sigv4', 'aws:amz:us-east-1:s3',
         '--user', 'S3RVER:S3RVER', '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', url],
        { encoding: 'utf8' },
    );
    return result.status === 0 && result.stdout.startsWith('200');
}

// ---------------------------------------------------------------------------------------------------------
// Timing

async function timeDuck(connection, sql) {
    const { seconds, result } = await runDuckDB(connection, sql);
    return { seconds, rows: result.rows.length };
}

function timeFedq(binary, sql, timeoutSeconds, env) {
    const run = runFedq(binary, sql, { timeoutSeconds, env });
    return run.error ? { error: run.error } : { seconds: run.seconds };
}

// Runs a list of timed jobs interleaved: one warm-up each, then `runs` rounds of every job in turn.
async function interleaved(jobs, runs) {
    const best = jobs.map(() => ({ seconds: Infinity }));
    for (let round = -1; round < runs; round++) {
        for (let j = 0; j < jobs.length; j++) {
            if (best[j].error) continue;
            const r = await jobs[j]();
            if (r.error) {
                best[j] = { error: r.error };
            } else if (round >= 0 && r.seconds < best[j].seconds) {
                best[j] = { ...r };
            } else if (round < 0 && r.rows != null) {
                best[j].rows = r.rows;
            }
        }
    }
    return best;
}

function writeSection(file, tag, body) {
    const begin = `<!-- bench:${tag} begin -->`;
    const end = `<!-- bench:${tag} end -->`;
    const section = `${begin}\n${body.trim()}\n${end}`;
    let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# fedq benchmark results\n';
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    text = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length)
                                  : `${text.trimEnd()}\n\n${section}\n`;
    fs.writeFileSync(file, text);
}

function gitRevision() {
    const r = spawnSync('git', ['-C', REPO_DIR, 'rev-parse', '--short=10', 'HEAD'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : 'unknown';
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
    const options = parseArgs(process.argv.slice(2), ['no-results', 's3', 's3-only', 'convert-only', 'help']);
    if (options.help) {
        console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 20).join('\n'));
        return 0;
    }
    const sf = Number(options.sf ?? 1);
    if (!(sf > 0)) throw new Error('--sf must be a positive number');
    const queries = parseQueryList(options.queries ?? 'all');
    const runs = Math.max(1, Number(options.runs ?? 3));
    const timeoutSeconds = Number(options.timeout ?? 600);
    const schema = options.schema ?? 'spec';
    if (!['spec', 'csv'].includes(schema)) throw new Error('--schema must be spec or csv');
    const csvDir = path.resolve(options.data ?? defaultDataDir(sf));
    const parquetDir = path.resolve(
        options.parquet ?? path.join(BENCH_DIR, 'data', `sf${formatSf(sf)}-parquet${schema === 'csv' ? '-csvtypes' : ''}`),
    );
    const fedq = path.resolve(options.fedq ?? path.join(REPO_DIR, 'build', 'fedq'));
    if (!options['convert-only'] && !fs.existsSync(fedq)) throw new Error(`fedq binary not found at ${fedq} (pass --fedq PATH)`);
    const withS3 = Boolean(options.s3 || options['s3-only']);
    const endpoint = options['s3-endpoint'] ?? 'http://127.0.0.1:54569';
    const bucket = options['s3-bucket'] ?? 'fedq-test';
    const prefix = `tpch-sf${formatSf(sf)}${schema === 'csv' ? '-csvtypes' : ''}`;

    ensureData(sf, csvDir, findTpchgen(options.tpchgen, fedq));
    const { connection } = await openDuckDB();
    await convertToParquet(connection, csvDir, parquetDir, schema);
    if (options['convert-only']) return 0;
    const duckVersion = await duckdbVersion(connection);
    const machine = machineInfo();
    const sizes = TABLES.map((t) => fs.statSync(path.join(parquetDir, `${t}.parquet`)).size);
    const totalMiB = (sizes.reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(0);
    console.log(`TPC-H SF ${formatSf(sf)} on Parquet (${schema} types, ${totalMiB} MiB in ${parquetDir})`);
    console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, ${machine.memory}, load ${machine.load}; DuckDB ${duckVersion}`);
    console.log(`best of ${runs} interleaved runs after a warm-up\n`);
    const resultsFile = path.resolve(options.results ?? path.join(BENCH_DIR, 'RESULTS.md'));

    if (!options['s3-only']) {
        console.log(`${pad('query', 6, false)} ${pad('rows', 6)} ${pad('duckdb s', 10)} ${pad('fedq s', 10)} ${pad('ratio', 8)}`);
        const results = [];
        for (const number of queries) {
            const name = `Q${String(number).padStart(2, '0')}`;
            const duckSql = querySql(number, parquetDir, 'duckdb');
            const fedqSql = querySql(number, parquetDir, 'fedq');
            const [duck, fed] = await interleaved(
                [() => timeDuck(connection, duckSql), () => timeFedq(fedq, fedqSql, timeoutSeconds)], runs);
            const ratio = fed.error || duck.error ? null : fed.seconds / duck.seconds;
            results.push({ name, rows: duck.rows, duck: duck.seconds, fedq: fed.seconds, ratio, error: fed.error ?? duck.error });
            console.log(`${pad(name, 6, false)} ${pad(duck.rows ?? '-', 6)} ${pad(fmt3(duck.seconds), 10)} ` +
                        `${pad(fed.error ? 'error' : fmt3(fed.seconds), 10)} ${pad(ratio == null ? '-' : ratio.toFixed(2), 8)}` +
                        (fed.error ? `  ${fed.error}` : ''));
        }
        const ok = results.filter((r) => r.ratio != null);
        const geomean = geometricMean(ok.map((r) => r.ratio));
        const duckTotal = ok.reduce((s, r) => s + r.duck, 0);
        const fedqTotal = ok.reduce((s, r) => s + r.fedq, 0);
        console.log(`${pad('total', 6, false)} ${pad('', 6)} ${pad(fmt3(duckTotal), 10)} ${pad(fmt3(fedqTotal), 10)} ` +
                    `${pad(geomean == null ? '-' : geomean.toFixed(2), 8)} (geomean of ${ok.length})`);
        if (!options['no-results']) {
            const lines = [
                `## TPC-H SF ${formatSf(sf)} on Parquet (local files)`,
                '',
                `- date: ${machine.date}; fedq revision ${gitRevision()}`,
                `- machine: ${machine.nproc} cores (nproc), ${machine.cpu}, ${machine.memory} memory; load average ` +
                    `${machine.load} at the start (other work shares the machine: times are noisy)`,
                `- data: fedq-tpchgen CSV converted by DuckDB to Parquet (snappy, ${schema === 'spec' ? 'TPC-H types: INTEGER keys, DECIMAL(15,2) money' : 'types DuckDB infers from the CSV'}, ` +
                    `DuckDB's default row groups), ${totalMiB} MiB; DuckDB ${duckVersion} (node api, read_parquet in every query)`,
                `- best of ${runs} runs after a warm-up, DuckDB and fedq interleaved; fedq time = wall time of \`fedq -c SQL --format csv\``,
                `- reproduce (after \`ninja -C build fedq\`): \`node bench/parquet/run.mjs --sf ${formatSf(sf)} --fedq build/fedq --s3\``,
                '',
                '| query | rows | DuckDB s | fedq s | ratio fedq/DuckDB |',
                '|---|---:|---:|---:|---:|',
                ...results.map((r) => `| ${r.name} | ${r.rows ?? '-'} | ${fmt3(r.duck)} | ${r.error ? 'error' : fmt3(r.fedq)} | ` +
                                      `${r.ratio == null ? '-' : r.ratio.toFixed(2)} |`),
                `| total / geomean | | ${fmt3(duckTotal)} | ${fmt3(fedqTotal)} | ${geomean == null ? '-' : geomean.toFixed(2)} |`,
            ];
            const errors = results.filter((r) => r.error);
            if (errors.length) lines.push('', 'errors:', ...errors.map((r) => `- ${r.name}: ${r.error.replaceAll('|', '\\|').slice(0, 300)}`));
            writeSection(resultsFile, `parquet sf=${formatSf(sf)}`, lines.join('\n'));
        }
    }

    if (withS3) {
        for (const table of TABLES) {
            const key = `${prefix}/${table}.parquet`;
            const file = path.join(parquetDir, `${table}.parquet`);
            if (!s3Head(endpoint, bucket, key)) {
                const started = Date.now();
                s3Put(endpoint, bucket, key, file);
                console.error(`uploaded ${key} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
            }
        }
        const env = {
            AWS_ENDPOINT_URL: endpoint,
            AWS_ACCESS_KEY_ID: 'S3RVER',
            AWS_SECRET_ACCESS_KEY: 'S3RVER',
            AWS_REGION: 'us-east-1',
        };
        console.log(`\nfedq on s3rver (${endpoint}, s3://${bucket}/${prefix}/) against fedq on the local files`);
        console.log(`${pad('query', 6, false)} ${pad('local s', 10)} ${pad('s3 s', 10)} ${pad('ratio', 8)}`);
        const results = [];
        for (const number of queries) {
            const name = `Q${String(number).padStart(2, '0')}`;
            const localSql = querySql(number, parquetDir, 'fedq');
            const s3Sql = querySql(number, `s3://${bucket}/${prefix}`, 'fedq');
            const [local, s3] = await interleaved(
                [() => timeFedq(fedq, localSql, timeoutSeconds), () => timeFedq(fedq, s3Sql, timeoutSeconds, env)], runs);
            const ratio = local.error || s3.error ? null : s3.seconds / local.seconds;
            results.push({ name, local: local.seconds, s3: s3.seconds, ratio, error: s3.error ?? local.error });
            console.log(`${pad(name, 6, false)} ${pad(local.error ? 'error' : fmt3(local.seconds), 10)} ` +
                        `${pad(s3.error ? 'error' : fmt3(s3.seconds), 10)} ${pad(ratio == null ? '-' : ratio.toFixed(2), 8)}` +
                        (s3.error ? `  ${s3.error}` : ''));
        }
        const ok = results.filter((r) => r.ratio != null);
        const geomean = geometricMean(ok.map((r) => r.ratio));
        console.log(`geomean s3/local: ${geomean == null ? '-' : geomean.toFixed(2)} (${ok.length} queries)`);
        if (!options['no-results']) {
            const lines = [
                `## TPC-H SF ${formatSf(sf)} on Parquet in S3 (s3rver on this machine)`,
                '',
                `- date: ${machine.date}; fedq revision ${gitRevision()}; same files as the local Parquet run, uploaded to ` +
                    `s3://${bucket}/${prefix}/ on s3rver (a node.js S3 emulator on localhost, serving from its own disk)`,
                '- DuckDB is not compared: its httpfs extension cannot be installed offline; the ratio is fedq on S3 / fedq on local files',
                `- best of ${runs} runs after a warm-up, local and S3 interleaved`,
                '',
                '| query | fedq local s | fedq S3 s | ratio S3/local |',
                '|---|---:|---:|---:|',
                ...results.map((r) => `| ${r.name} | ${fmt3(r.local)} | ${r.error ? 'error' : fmt3(r.s3)} | ${r.ratio == null ? '-' : r.ratio.toFixed(2)} |`),
                `| geomean | | | ${geomean == null ? '-' : geomean.toFixed(2)} |`,
            ];
            const errors = results.filter((r) => r.error);
            if (errors.length) lines.push('', 'errors:', ...errors.map((r) => `- ${r.name}: ${r.error.replaceAll('|', '\\|').slice(0, 300)}`));
            writeSection(resultsFile, `parquet-s3 sf=${formatSf(sf)}`, lines.join('\n'));
        }
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(`bench/parquet: ${error.stack ?? error.message}`);
        process.exit(2);
    },
);
