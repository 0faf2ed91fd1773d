#!/usr/bin/env node
// TPC-H benchmark: fedq against DuckDB on the same CSV files, side by side.
//
//   node bench/run.mjs [--sf 1] [--queries 1,3,5,6,10,12,14,18 | all] [--fedq build/fedq] [--runs 3]
//                      [--data DIR] [--tpchgen PATH] [--timeout SECONDS] [--results bench/RESULTS.md]
//                      [--duckdb-only] [--no-results]
//
// Generates the data with fedq-tpchgen when it is missing. Each query runs once through each engine as a
// warm-up and then --runs times; the best time counts. DuckDB runs through its node api and reads the CSV
// files inside every query (read_csv, no tables loaded beforehand), as fedq does; fedq's time is the wall
// time of the `fedq -c SQL --format csv` process. Prints a table and writes (or replaces) the section for
// this scale factor in bench/RESULTS.md.

import fs from 'node:fs';
import path from 'node:path';
import {
    BENCH_DIR,
    REPO_DIR,
    defaultDataDir,
    duckdbVersion,
    ensureData,
    findTpchgen,
    formatSf,
    machineInfo,
    openDuckDB,
    parseArgs,
    parseQueryList,
    querySql,
    runDuckDB,
    runFedq,
} from './lib/tpch.mjs';

const DEFAULT_QUERIES = '1,3,5,6,10,12,14,18';

function pad(text, width, right = false) {
    const s = String(text);
    return right ? s.padStart(width) : s.padEnd(width);
}

function formatSeconds(seconds) {
    return seconds == null ? 'n/a' : seconds.toFixed(3);
}

function geometricMean(values) {
    if (values.length === 0) return null;
    return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

async function bestDuckDB(connection, sql, runs) {
    await runDuckDB(connection, sql); // warm-up
    let best = Infinity;
    let rows = 0;
    for (let i = 0; i < runs; i++) {
        const { seconds, result } = await runDuckDB(connection, sql);
        best = Math.min(best, seconds);
        rows = result.rows.length;
    }
    return { seconds: best, rows };
}

function bestFedq(binary, sql, runs, timeoutSeconds) {
    const warm = runFedq(binary, sql, { timeoutSeconds });
    if (warm.error) return { error: warm.error };
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
        const run = runFedq(binary, sql, { timeoutSeconds });
        if (run.error) return { error: run.error };
        best = Math.min(best, run.seconds);
    }
    return { seconds: best };
}

function gitRevision() {
    try {
        const head = fs.readFileSync(path.join(REPO_DIR, '.git', 'HEAD'), 'utf8').trim();
        if (!head.startsWith('ref: ')) return head.slice(0, 10);
        const ref = path.join(REPO_DIR, '.git', head.slice(5));
        if (fs.existsSync(ref)) return fs.readFileSync(ref, 'utf8').trim().slice(0, 10);
        const packed = fs.readFileSync(path.join(REPO_DIR, '.git', 'packed-refs'), 'utf8');
        const line = packed.split('\n').find((l) => l.endsWith(` ${head.slice(5)}`));
        return line ? line.slice(0, 10) : 'unknown';
    } catch {
        return 'unknown';
    }
}

// Writes the section for this scale factor into RESULTS.md, replacing an earlier one for the same SF.
function writeResults(file, sf, sectionBody) {
    const begin = `<!-- bench:sf=${formatSf(sf)} begin -->`;
    const end = `<!-- bench:sf=${formatSf(sf)} end -->`;
    const section = `${begin}\n${sectionBody.trim()}\n${end}`;
    let text = fs.existsSync(file)
        ? fs.readFileSync(file, 'utf8')
        : '# fedq benchmark results\n\nWritten by `node bench/run.mjs` (see bench/README.md). One section per ' +
          'scale factor; a new run replaces its section. Times are the best of N runs in seconds; ratio is ' +
          'fedq / DuckDB (lower is better for fedq).\n';
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from >= 0 && to > from) {
        text = text.slice(0, from) + section + text.slice(to + end.length);
    } else {
        text = `${text.trimEnd()}\n\n${section}\n`;
    }
    fs.writeFileSync(file, text);
}

async function main() {
    const options = parseArgs(process.argv.slice(2), ['duckdb-only', 'no-results', 'help']);
    if (options.help) {
        console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 13).join('\n'));
        return 0;
    }
    const sf = Number(options.sf ?? 1);
    if (!(sf > 0)) throw new Error('--sf must be a positive number');
    const queries = parseQueryList(options.queries ?? DEFAULT_QUERIES);
    const runs = Math.max(1, Number(options.runs ?? 3));
    const timeoutSeconds = Number(options.timeout ?? 600);
    const dataDir = path.resolve(options.data ?? defaultDataDir(sf));
    const fedq = path.resolve(options.fedq ?? path.join(REPO_DIR, 'build', 'fedq'));
    let withFedq = !options['duckdb-only'];
    if (withFedq && !fs.existsSync(fedq)) {
        console.error(`fedq binary not found at ${fedq}: running DuckDB only (pass --fedq PATH)`);
        withFedq = false;
    }
    ensureData(sf, dataDir, findTpchgen(options.tpchgen, fedq));

    const { connection } = await openDuckDB();
    const duckVersion = await duckdbVersion(connection);
    const machine = machineInfo();
    console.log(`TPC-H SF ${formatSf(sf)}, best of ${runs} runs after a warm-up, data ${dataDir}`);
    console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, ${machine.memory}, load ${machine.load}; DuckDB ${duckVersion}\n`);

    const header = `${pad('query', 6)} ${pad('rows', 6, true)} ${pad('duckdb s', 10, true)} ${pad('fedq s', 10, true)} ${pad('ratio', 8, true)}`;
    console.log(header);
    console.log('-'.repeat(header.length));
    const results = [];
    for (const number of queries) {
        const name = `Q${String(number).padStart(2, '0')}`;
        const duck = await bestDuckDB(connection, querySql(number, dataDir, 'duckdb'), runs);
        const fed = withFedq ? bestFedq(fedq, querySql(number, dataDir, 'fedq'), runs, timeoutSeconds) : null;
        const ratio = fed?.seconds != null ? fed.seconds / duck.seconds : null;
        results.push({ name, rows: duck.rows, duck: duck.seconds, fedq: fed?.seconds ?? null, ratio, error: fed?.error });
        const fedText = fed == null ? 'n/a' : fed.error ? 'error' : formatSeconds(fed.seconds);
        console.log(
            `${pad(name, 6)} ${pad(duck.rows, 6, true)} ${pad(formatSeconds(duck.seconds), 10, true)} ` +
                `${pad(fedText, 10, true)} ${pad(ratio == null ? '-' : ratio.toFixed(2), 8, true)}` +
                (fed?.error ? `  ${fed.error}` : ''),
        );
    }
    const ratios = results.filter((r) => r.ratio != null).map((r) => r.ratio);
    const geomean = geometricMean(ratios);
    const duckTotal = results.reduce((s, r) => s + r.duck, 0);
    const fedqTotal = results.every((r) => r.fedq != null) ? results.reduce((s, r) => s + r.fedq, 0) : null;
    console.log('-'.repeat(header.length));
    console.log(
        `${pad('total', 6)} ${pad('', 6)} ${pad(formatSeconds(duckTotal), 10, true)} ${pad(formatSeconds(fedqTotal), 10, true)} ` +
            `${pad(geomean == null ? '-' : `${geomean.toFixed(2)}*`, 8, true)}`,
    );
    if (geomean != null) console.log(`* geometric mean of the ratios of ${ratios.length} queries fedq answered`);

    if (!options['no-results']) {
        const file = path.resolve(options.results ?? path.join(BENCH_DIR, 'RESULTS.md'));
        const lines = [
            `## TPC-H SF ${formatSf(sf)}`,
            '',
            `- date: ${machine.date}; fedq revision ${gitRevision()}${withFedq ? '' : ' (fedq not run)'}`,
            `- machine: ${machine.nproc} cores (nproc), ${machine.cpu}, ${machine.memory} memory; ` +
                `load average ${machine.load} at the start (other work on the machine makes times noisy)`,
            `- DuckDB ${duckVersion} (node api, read_csv in every query); best of ${runs} runs after a warm-up`,
            '',
            '| query | rows | DuckDB s | fedq s | ratio fedq/DuckDB |',
            '|---|---:|---:|---:|---:|',
            ...results.map(
                (r) =>
                    `| ${r.name} | ${r.rows} | ${formatSeconds(r.duck)} | ${r.error ? 'error' : formatSeconds(r.fedq)} | ` +
                    `${r.ratio == null ? '-' : r.ratio.toFixed(2)} |`,
            ),
            `| total / geomean | | ${formatSeconds(duckTotal)} | ${formatSeconds(fedqTotal)} | ` +
                `${geomean == null ? '-' : geomean.toFixed(2)} |`,
        ];
        const errors = results.filter((r) => r.error);
        if (errors.length > 0) {
            lines.push('', 'fedq errors:', ...errors.map((r) => `- ${r.name}: ${r.error.replaceAll('|', '\\|').slice(0, 300)}`));
        }
        writeResults(file, sf, lines.join('\n'));
        console.log(`\nresults written to ${path.relative(process.cwd(), file) || file}`);
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(`bench: ${error.message}`);
        process.exit(2);
    },
);
