#!/usr/bin/env node
// Differential TPC-H answer check: runs the 22 queries of bench/queries through fedq and through DuckDB
// (the oracle) on the same CSV files and compares the answers.
//
//   node tests/tpch/check_answers.mjs --fedq build/fedq [--sf 0.1] [--queries 1-22] [--data DIR]
//                                     [--tpchgen PATH] [--timeout SECONDS] [--verbose]
//   node tests/tpch/check_answers.mjs --self-check      DuckDB against DuckDB's own CSV output
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

async function main() {
    const options = parseArgs(process.argv.slice(2), ['self-check', 'verbose', 'help']);
    if (options.help) {
        console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 13).join('\n'));
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

    const { connection } = await openDuckDB();
    const against = selfCheck ? 'DuckDB CSV output (self-check)' : fedq;
    console.log(`TPC-H answers at SF ${formatSf(sf)} (${dataDir}): ${against} vs DuckDB ${await duckdbVersion(connection)}`);

    let passed = 0;
    let failed = 0;
    for (const number of queries) {
        const name = `q${String(number).padStart(2, '0')}`;
        let expected;
        try {
            ({ result: expected } = await runDuckDB(connection, querySql(number, dataDir, 'duckdb')));
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
            const run = runFedq(fedq, querySql(number, dataDir, 'fedq'), { timeoutSeconds });
            seconds = run.seconds;
            if (run.error) {
                console.log(`FAIL ${name}: fedq error: ${run.error}`);
                failed++;
                continue;
            }
            output = run.stdout;
        }

        const actual = csvToResult(output, expected);
        const { ok, messages } = compareResults(expected, actual, ORDER_KEYS[number]);
        const timing = selfCheck ? '' : ` in ${seconds.toFixed(2)} s`;
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
    console.log(`${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(`check_answers: ${error.message}`);
        process.exit(2);
    },
);
