#!/usr/bin/env node
// Differential TPC-H answer check: runs the 22 queries of bench/queries through fedq and through DuckDB
// (the oracle) on the same CSV files and compares the answers.
//
//   node tests/tpch/check_answers.mjs --fedq build/fedq [--sf 0.1] [--queries 1-22] [--data DIR]
//                                     [--tpchgen PATH] [--timeout SECONDS] [--verbose]
//                                     [--source csv|postgres|mysql|federated] [--reload] [--schema NAME]
//                                     [--session 'SET a = b; ...']
//   node tests/tpch/check_answers.mjs --self-check      DuckDB against DuckDB's own CSV output
//
// --source (default csv: fedq reads the CSV files): postgres / mysql read every table from the test servers
// (scripts/test-services.sh; schema/database tpch_sf<SF>, loaded on first use, --reload loads again;
// --schema NAME: an already loaded one, e.g. tpch of bench/relational/load.sh),
// federated reads lineitem from CSV, orders/nation/region from PostgreSQL, customer/supplier from MariaDB,
// part/partsupp from SQLite (see tests/tpch/relational.mjs). DuckDB always answers from the CSV files. Money
// columns are DECIMAL(15,2) in the sources, so there a DECIMAL answer may be DuckDB's rounded to its scale.
// --session: statements run before each query, e.g. "SET optimizer_disabled_rules = 'source_pushdown'".
//
// Comparison: same column count, same row count, same values in ORDER BY order (rows tying on the ORDER
// BY keys may come in any order); numbers within a relative 1e-6 (money columns also within 0.01), dates
// as text, strings exact. A fedq error counts as a failure and the run goes on. Ends with the line
// "N passed, M failed" and exits 1 when anything failed (2 on a setup error).

import path from 'node:path';
import fs from 'node:fs';
import {
    ORDER_KEYS,
    REPO_DIR,
    compareResults,
    csvToResult,
    defaultDataDir,
    duckdbVersion,
    ensureData,
    findTpchgen,
    formatSf,
    openDuckDB,
    parseArgs,
    parseQueryList,
    querySql,
    runDuckDB,
    runDuckDBAsCsv,
    runFedq,
} from '../../bench/lib/tpch.mjs';
import { SOURCES, makeHome, prepareSources, tableMap } from './relational.mjs';

let home = null;  // the temporary FEDQ_HOME of a --source run, removed at exit

async function main() {
    const options = parseArgs(process.argv.slice(2), ['self-check', 'verbose', 'help', 'reload']);
    if (options.help) {
        console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1).filter((l, i, all) =>
            all.slice(0, i + 1).every((x) => x.startsWith('//'))).join('\n'));
        return 0;
    }
    const selfCheck = Boolean(options['self-check']);
    const sf = Number(options.sf ?? 0.1);
    const queries = parseQueryList(options.queries ?? 'all');
    const dataDir = path.resolve(options.data ?? defaultDataDir(sf));
    const fedq = path.resolve(options.fedq ?? path.join(REPO_DIR, 'build', 'fedq'));
    const timeoutSeconds = Number(options.timeout ?? 600);
    if (!selfCheck && !fs.existsSync(fedq)) {
        console.error(`fedq binary not found: ${fedq} (pass --fedq PATH, or --self-check)`);
        return 2;
    }
    ensureData(sf, dataDir, findTpchgen(options.tpchgen, selfCheck ? null : fedq));

    const source = String(options.source ?? 'csv');
    const session = options.session ? `${String(options.session).trim().replace(/;\s*$/, '')};\n` : '';
    if (!SOURCES.includes(source)) {
        console.error(`unknown --source ${source} (${SOURCES.join(', ')})`);
        return 2;
    }
    if (selfCheck && source !== 'csv') {
        console.error('--self-check reads the CSV files only');
        return 2;
    }
    let tables = null;
    let fedqEnv = null;
    if (source !== 'csv') {
        const loadStarted = process.hrtime.bigint();
        const { schema, sqlite } = await prepareSources(source, sf, dataDir, {
            force: Boolean(options.reload),
            existingSchema: options.schema ?? null,
        });
        const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
        console.log(`sources for --source ${source} ready in ${loadSeconds.toFixed(1)} s`);
        tables = tableMap(source, schema);
        home = makeHome(sqlite);
        fedqEnv = { FEDQ_HOME: home, FEDQ_CONFIG: '' };
    }

    const { connection } = await openDuckDB();
    const against = selfCheck ? 'DuckDB CSV output (self-check)' : fedq;
    const reading = source === 'csv' ? dataDir : `--source ${source}`;
    console.log(`TPC-H answers at SF ${formatSf(sf)} (${reading}): ${against} vs DuckDB ${await duckdbVersion(connection)}`);

    let passed = 0;
    let failed = 0;
    let fedqTotal = 0;
    let duckTotal = 0;
    for (const number of queries) {
        const name = `q${String(number).padStart(2, '0')}`;
        let expected;
        let duckSeconds = 0;
        try {
            ({ result: expected, seconds: duckSeconds } = await runDuckDB(connection, querySql(number, dataDir, 'duckdb')));
            duckTotal += duckSeconds;
        } catch (error) {
            console.log(`FAIL ${name}: DuckDB (reference) error: ${error.message}`);
            failed++;
            continue;
        }

        let output;
        let seconds = 0;
        if (selfCheck) {
            output = await runDuckDBAsCsv(connection, querySql(number, dataDir, 'duckdb'));
        } else {
            const sql = session + querySql(number, dataDir, 'fedq', tables);
            const run = runFedq(fedq, sql, { timeoutSeconds, env: fedqEnv });
            seconds = run.seconds;
            fedqTotal += seconds;
            if (run.error) {
                console.log(`FAIL ${name}: fedq error: ${run.error}`);
                failed++;
                continue;
            }
            output = run.stdout;
        }

        const actual = csvToResult(output, expected);
        const { ok, messages } = compareResults(expected, actual, ORDER_KEYS[number], 5, {
            decimalScale: source !== 'csv',
        });
        const timing = selfCheck ? '' : ` in ${seconds.toFixed(2)} s (DuckDB ${duckSeconds.toFixed(2)} s)`;
        if (ok) {
            passed++;
            console.log(`PASS ${name}: ${expected.rows.length} rows${timing}`);
        } else {
            failed++;
            console.log(`FAIL ${name}${timing}:`);
            for (const message of messages) console.log(`    ${message}`);
        }
        if (options.verbose) {
            for (const row of expected.rows.slice(0, 5)) console.log(`      ${row.map((v) => v ?? 'NULL').join(' | ')}`);
        }
    }
    if (!selfCheck) console.log(`total: fedq ${fedqTotal.toFixed(2)} s, DuckDB ${duckTotal.toFixed(2)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
}

function removeHome() {
    if (home) fs.rmSync(home, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
        removeHome();
        process.exit(130);
    });
}

main().then(
    (code) => {
        removeHome();
        process.exit(code);
    },
    (error) => {
        removeHome();
        console.error(`check_answers: ${error.message}`);
        process.exit(2);
    },
);
