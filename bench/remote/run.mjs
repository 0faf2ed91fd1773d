#!/usr/bin/env node
// Remote connector benchmark (issue 5): full-table scan throughput of TPC-H lineitem in PostgreSQL read
// in-process (postgres catalog) vs through one `fedq connector serve` service vs through four replicas on
// loopback (remote catalog), in rows/s and MB/s, and the protocol overhead of a small query.
// Targets: remote scan >= 70 % of in-process throughput on one replica; small-query overhead < 5 ms.
//
//   bash scripts/test-services.sh start && bench/relational/load.sh --sf 1 --only postgres
//   node bench/remote/run.mjs --fedq build/fedq --runs 3
//
// See bench/remote/README.md.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, REPO_DIR, machineInfo, parseArgs } from '../lib/tpch.mjs';

const REMOTE_DIR = path.join(BENCH_DIR, 'remote');
const options = parseArgs(process.argv.slice(2), ['no-results', 'no-csv', 'no-scan', 'no-small']);
const fedq = path.resolve(options.fedq ?? path.join(REPO_DIR, 'build', 'fedq'));
const runs = Math.max(1, Number(options.runs ?? 3));
const smallRuns = Math.max(1, Number(options['small-runs'] ?? 20));
const pgPort = Number(options['pg-port'] ?? 55432);
const basePort = Number(options['base-port'] ?? 59101);
const replicas = Math.max(1, Number(options.replicas ?? 4));
const schema = options.schema ?? 'tpch';
const table = options.table ?? 'lineitem';
const work = path.resolve(options.work ?? '/tmp/fedq-rbench');
const resultsFile = path.resolve(options.results ?? path.join(REMOTE_DIR, 'RESULTS-remote.md'));
const timeoutSeconds = Number(options.timeout ?? 900);
const PG_PASSWORD = 'fedq_pw';

function log(message) {
    console.error(`[remote-bench] ${message}`);
}

// ---------------------------------------------------------------------------------------------------------
// Services

const services = [];

function stopServices() {
    for (const s of services) {
        if (s.child.exitCode === null) s.child.kill('SIGTERM');
    }
}
process.on('exit', stopServices);
for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
        stopServices();
        process.exit(130);
    });
}

async function health(port) {
    try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/health`, { signal: AbortSignal.timeout(1000) });
        return response.ok;
    } catch {
        return false;
    }
}

async function startServices(keyFile) {
    for (let i = 0; i < replicas; i++) {
        const port = basePort + i;
        if (await health(port)) throw new Error(`port ${port} already answers /v1/health: another service is running there`);
        const args = ['connector', 'serve', '--type', 'postgres', '--option', 'host=127.0.0.1',
            '--option', `port=${pgPort}`, '--option', 'database=fedq_bench', '--option', 'user=fedq',
            '--option', 'password=env:FEDQ_RBENCH_PGPW', '--listen', `127.0.0.1:${port}`, '--auth-key-file', keyFile,
            '--quiet'];
        const logFile = fs.openSync(path.join(work, `service-${port}.log`), 'w');
        const child = spawn(fedq, args, { env: { ...process.env, FEDQ_RBENCH_PGPW: PG_PASSWORD },
                                          stdio: ['ignore', logFile, logFile] });
        services.push({ port, child });
    }
    for (const s of services) {
        const deadline = Date.now() + 15000;
        while (!(await health(s.port))) {
            if (s.child.exitCode !== null) throw new Error(`service on ${s.port} exited (${s.child.exitCode}); see ${work}`);
            if (Date.now() > deadline) throw new Error(`service on ${s.port} did not answer /v1/health`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    log(`${replicas} services on 127.0.0.1:${basePort}..${basePort + replicas - 1} (pids ${services.map((s) => s.child.pid).join(' ')})`);
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuSeconds(pid) {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    } catch {
        return NaN;
    }
}
function servicesCpu() {
    return services.reduce((sum, s) => sum + cpuSeconds(s.child.pid), 0);
}

// ---------------------------------------------------------------------------------------------------------
// fedq runs

const home = path.join(work, 'home');
const timeFile = path.join(work, 'time.txt');

// Runs fedq (a new process) with /usr/bin/time; stdout to /dev/null unless `capture`.
// Returns { wall, user, sys, stdout }.
function fedqRun(fedqArgs, { capture = false } = {}) {
    const devnull = fs.openSync('/dev/null', 'w');
    const started = process.hrtime.bigint();
    const child = spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timeFile, fedq, '--home', home, ...fedqArgs], {
        encoding: 'utf8',
        stdio: ['ignore', capture ? 'pipe' : devnull, 'pipe'],
        maxBuffer: 1 << 28,
        timeout: timeoutSeconds * 1000,
    });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    fs.closeSync(devnull);
    if (child.error) throw new Error(`fedq ${fedqArgs.join(' ')}: ${child.error.message}`);
    if (child.status !== 0) {
        throw new Error(`fedq exit ${child.status}: ${(child.stderr || '').trim().split('\n').slice(0, 5).join(' | ')}`);
    }
    const [, user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    return { wall, user, sys, stdout: child.stdout ?? '' };
}

const UNIT = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
function parseSize(text) {
    const m = /^([\d.]+)\s*(B|kB|KB|MB|GB|TB)$/.exec(text.trim());
    if (!m) throw new Error(`cannot parse size '${text}'`);
    return Number(m[1]) * UNIT[m[2]];
}

// Every `Total: N rows in S s, X scanned ...` line of EXPLAIN ANALYZE output (table format).
function parseTotals(text) {
    const totals = [];
    for (const m of text.matchAll(/Total: (\d+) rows in ([\d.]+) s, ([\d.]+\s*[kKMGT]?B) scanned/g)) {
        totals.push({ rows: Number(m[1]), seconds: Number(m[2]), bytes: parseSize(m[3]) });
    }
    return totals;
}
function parseScanRows(text) {
    const m = /Scan \S+ +\[rows: (\d+), batches: \d+, time: [\d.]+ ms, read: (\d+) rows, ([\d.]+\s*[kKMGT]?B)\]/.exec(text);
    return m ? { rows: Number(m[2]), bytes: parseSize(m[3]) } : null;
}
function parseSplits(text) {
    const m = /splits: (\d+)/.exec(text);
    return m ? Number(m[1]) : null;
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const mrows = (x) => (Number.isFinite(x) ? (x / 1e6).toFixed(2) : '—');
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : '—');

// ---------------------------------------------------------------------------------------------------------
// Cases

const COLUMNS = ['l_orderkey', 'l_partkey', 'l_suppkey', 'l_linenumber', 'l_quantity', 'l_extendedprice', 'l_discount',
    'l_tax', 'l_returnflag', 'l_linestatus', 'l_shipdate', 'l_commitdate', 'l_receiptdate', 'l_shipinstruct',
    'l_shipmode', 'l_comment'];
const NOPUSH = "SET optimizer_disabled_rules = 'source_pushdown'";

const CATALOGS = [
    { name: 'pg', label: 'in-process (postgres catalog)' },
    { name: 'r1', label: 'remote, 1 service' },
    { name: 'r4', label: `remote, ${replicas} services` },
];

const SCAN_QUERIES = [
    { id: 'csv', label: '`SELECT *` → `--format csv > /dev/null`', kind: 'csv', sql: (t) => `SELECT * FROM ${t}` },
    { id: 'agg3', label: '`count(*), sum(l_quantity), max(l_comment)`, source_pushdown off (2 columns cross)',
      kind: 'explain', sql: (t) => `SELECT count(*), sum(l_quantity), max(l_comment) FROM ${t}` },
    { id: 'countall', label: 'count(every column), source_pushdown off (all 16 columns cross)', kind: 'explain',
      sql: (t) => `SELECT ${COLUMNS.map((c) => `count(${c})`).join(', ')} FROM ${t}` },
];
// Extra: 4 splits (SET threads = 4) so that each of 4 replicas serves one split; threads=2 gives 2 splits.
const EXTRA = [
    { id: 'countall-t4', base: 'countall', threads: 4, catalogs: ['pg', 'r1', 'r4'] },
];

function scanStatements(query, catalog, threads) {
    const t = `${catalog}.${schema}.${table}`;
    const pre = [];
    if (threads) pre.push(`SET threads = ${threads}`);
    if (query.kind === 'csv') return [...pre, query.sql(t)].join('; ');
    return [...pre, NOPUSH, `EXPLAIN ANALYZE ${query.sql(t)}`].join('; ');
}

function runScan(query, catalog, threads) {
    const cpuBefore = servicesCpu();
    const r = fedqRun(['-c', scanStatements(query, catalog, threads), '--format', query.kind === 'csv' ? 'csv' : 'table'],
                      { capture: query.kind !== 'csv' });
    const serviceCpu = catalog === 'pg' ? 0 : servicesCpu() - cpuBefore;
    const out = { wall: r.wall, clientCpu: r.user + r.sys, serviceCpu };
    if (query.kind !== 'csv') {
        const totals = parseTotals(r.stdout);
        const scan = parseScanRows(r.stdout);
        out.engine = totals.at(-1)?.seconds;
        out.bytes = totals.at(-1)?.bytes;
        out.rows = scan?.rows;
        out.splits = parseSplits(r.stdout);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// Small queries: in one fedq process, `warmup` statements then `n` rounds of EXPLAIN ANALYZE per catalog,
// interleaved; the Total line (bind + plan + execute, 1 ms resolution) of each. And the per-statement cost
// from the wall-time difference of a process running 1 vs 1 + n plain SELECTs (µs resolution, a mean).

const SMALL_QUERIES = [
    { id: 'region', label: '`SELECT * FROM region` (5 rows)', sql: (c) => `SELECT * FROM ${c}.${schema}.region` },
    { id: 'point', label: '`SELECT * FROM lineitem WHERE l_orderkey = 1 AND l_linenumber = 1` (1 row, pushed down)',
      sql: (c) => `SELECT * FROM ${c}.${schema}.lineitem WHERE l_orderkey = 1 AND l_linenumber = 1` },
];

function smallExplain(query) {
    const statements = [];
    for (const c of CATALOGS) statements.push(`EXPLAIN ANALYZE ${query.sql(c.name)};`);  // warm-up (connections)
    for (let i = 0; i < smallRuns; i++) {
        for (const c of CATALOGS) statements.push(`EXPLAIN ANALYZE ${query.sql(c.name)};`);
    }
    const file = path.join(work, `small-${query.id}.sql`);
    fs.writeFileSync(file, statements.join('\n') + '\n');
    const r = fedqRun(['-f', file], { capture: true });
    const totals = parseTotals(r.stdout);
    if (totals.length !== statements.length) throw new Error(`small ${query.id}: ${totals.length} totals, wanted ${statements.length}`);
    const result = {};
    CATALOGS.forEach((c, k) => {
        const mine = totals.filter((_, i) => i >= CATALOGS.length && (i - CATALOGS.length) % CATALOGS.length === k);
        result[c.name] = { first: totals[k].seconds * 1000, median: median(mine.map((t) => t.seconds * 1000)),
                           min: Math.min(...mine.map((t) => t.seconds * 1000)),
                           max: Math.max(...mine.map((t) => t.seconds * 1000)) };
    });
    return result;
}

function smallDifferential(query, catalog, n) {
    const one = path.join(work, `diff-${catalog}-1.sql`);
    const many = path.join(work, `diff-${catalog}-${n}.sql`);
    fs.writeFileSync(one, `${query.sql(catalog)};\n`);
    fs.writeFileSync(many, `${query.sql(catalog)};\n`.repeat(n + 1));
    const a = fedqRun(['-f', one, '--format', 'csv']);
    const b = fedqRun(['-f', many, '--format', 'csv']);
    return { perQueryMs: ((b.wall - a.wall) / n) * 1000, processOneMs: a.wall * 1000 };
}

function coldRuns(query, catalog, n) {
    const times = [];
    for (let i = 0; i < n; i++) times.push(fedqRun(['-c', query.sql(catalog), '--format', 'csv']).wall * 1000);
    return times;
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
    if (!fs.existsSync(fedq)) throw new Error(`no fedq binary at ${fedq}`);
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const machine = machineInfo();
    const revision = spawnSync('git', ['-C', REPO_DIR, 'rev-parse', '--short=10', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    const dirty = spawnSync('git', ['-C', REPO_DIR, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' })
        .stdout.trim() !== '';
    const pgCheck = spawnSync('psql', ['-X', '-At', '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'fedq', 'fedq_bench', '-c',
        `SELECT count(*), pg_total_relation_size('${schema}.${table}') FROM ${schema}.${table}`],
                              { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PG_PASSWORD } });
    if (pgCheck.status !== 0) {
        throw new Error(`PostgreSQL fedq_bench.${schema}.${table} not readable (scripts/test-services.sh start; ` +
                        `bench/relational/load.sh --sf 1 --only postgres): ${pgCheck.stderr.trim()}`);
    }
    const [pgRows, pgSize] = pgCheck.stdout.trim().split('|').map(Number);
    log(`${schema}.${table}: ${pgRows} rows, ${(pgSize / 2 ** 20).toFixed(0)} MiB in PostgreSQL`);

    const keyFile = path.join(work, 'connector.key');
    const key = crypto.randomBytes(32).toString('hex');
    fs.writeFileSync(keyFile, key + '\n', { mode: 0o600 });
    await startServices(keyFile);
    const endpoints = services.map((s) => `http://127.0.0.1:${s.port}`);
    fedqRun(['-c', [
        `CREATE CATALOG pg USING postgres WITH (host = '127.0.0.1', port = ${pgPort}, database = 'fedq_bench', user = 'fedq', password = '${PG_PASSWORD}')`,
        `CREATE CATALOG r1 USING remote WITH (endpoints = '${endpoints[0]}', auth_key = '${key}')`,
        `CREATE CATALOG r4 USING remote WITH (endpoints = '${endpoints.join(',')}', auth_key = '${key}')`,
    ].join('; ')]);

    const report = { machine, revision, dirty, pgRows, pgSize, runs, smallRuns, replicas, scan: {}, small: {} };

    // ---- (a) scans: one warm-up per case, then `runs` rounds, cases interleaved; best of the rounds.
    if (!options['no-scan']) {
        const cases = [];
        for (const q of SCAN_QUERIES) {
            if (q.kind === 'csv' && options['no-csv']) continue;
            for (const c of CATALOGS) cases.push({ key: `${q.id}/${c.name}`, query: q, catalog: c.name });
        }
        for (const e of EXTRA) {
            const q = SCAN_QUERIES.find((x) => x.id === e.base);
            for (const c of e.catalogs) cases.push({ key: `${e.id}/${c}`, query: q, catalog: c, threads: e.threads });
        }
        for (const cs of cases) {
            log(`warm-up ${cs.key}`);
            cs.warm = runScan(cs.query, cs.catalog, cs.threads);
            cs.runs = [];
        }
        for (let round = 0; round < runs; round++) {
            for (const cs of cases) {
                const r = runScan(cs.query, cs.catalog, cs.threads);
                cs.runs.push(r);
                log(`round ${round + 1} ${cs.key}: wall ${f3(r.wall)} s` + (r.engine ? `, engine ${f3(r.engine)} s` : '') +
                    `, fedq cpu ${f2(r.clientCpu)} s` + (cs.catalog === 'pg' ? '' : `, service cpu ${f2(r.serviceCpu)} s`));
            }
        }
        for (const cs of cases) {
            const best = cs.runs.reduce((a, b) => (a.wall <= b.wall ? a : b));
            report.scan[cs.key] = { best, all: cs.runs.map((r) => r.wall), bytes: cs.warm.bytes ?? cs.runs[0].bytes,
                                    rows: cs.warm.rows ?? pgRows, splits: cs.warm.splits, threads: cs.threads ?? null };
        }
        // The CSV runs read every column: take their bytes from the count(every column) case of the same catalog.
        for (const c of CATALOGS) {
            const csv = report.scan[`csv/${c.name}`];
            if (csv) { csv.bytes = report.scan[`countall/${c.name}`]?.bytes; csv.rows = pgRows; }
        }
    }

    // ---- (b) small queries
    if (!options['no-small']) {
        for (const q of SMALL_QUERIES) {
            log(`small ${q.id}: ${smallRuns} rounds in one process`);
            const explain = smallExplain(q);
            const diff = {};
            const cold = {};
            for (const c of CATALOGS) {
                const estimates = [];
                for (let i = 0; i < 3; i++) estimates.push(smallDifferential(q, c.name, 200));
                diff[c.name] = { perQueryMs: median(estimates.map((e) => e.perQueryMs)) };
            }
            for (const c of CATALOGS) cold[c.name] = median(coldRuns(q, c.name, 9));
            report.small[q.id] = { explain, diff, cold };
        }
    }
    stopServices();

    fs.writeFileSync(path.join(work, 'report.json'), JSON.stringify(report, null, 2));
    const md = renderMarkdown(report);
    process.stdout.write(md);
    if (!options['no-results']) {
        // Hand-written analysis below a `<!-- notes -->` line of the previous file is kept.
        let notes = '';
        if (fs.existsSync(resultsFile)) {
            const previous = fs.readFileSync(resultsFile, 'utf8');
            const at = previous.indexOf('<!-- notes -->');
            if (at >= 0) notes = '\n' + previous.slice(at);
        }
        fs.writeFileSync(resultsFile, md + notes);
        log(`wrote ${path.relative(REPO_DIR, resultsFile)}`);
    }
}

function renderMarkdown(r) {
    const lines = [];
    const m = r.machine;
    lines.push('# Remote connector benchmark (issue 5)', '');
    lines.push(`- date: ${m.date}; fedq revision ${r.revision}${r.dirty ? ' (+ uncommitted changes in the work tree)' : ''}`);
    lines.push(`- machine: ${m.nproc} cores (nproc), ${m.cpu}, ${m.memory} memory; load average ${m.load} at the start. ` +
               'PostgreSQL, the connector service(s) and fedq all run on these 2 cores (and other engineers\' builds ' +
               'share them): the remote numbers include the service\'s CPU competing with the engine and PostgreSQL.');
    lines.push(`- data: PostgreSQL 15 \`fedq_bench.${schema}.${table}\`, TPC-H SF 1 from fedq-tpchgen ` +
               `(${r.pgRows} rows, ${(r.pgSize / 2 ** 20).toFixed(0)} MiB with its index), loaded by \`bench/relational/load.sh --sf 1\``);
    lines.push(`- catalogs: \`pg\` = postgres connector in-process; \`r1\` = remote catalog with 1 endpoint; \`r4\` = remote ` +
               `catalog with ${r.replicas} endpoints (${r.replicas} \`fedq connector serve --type postgres\` processes on 127.0.0.1, same key)`);
    lines.push(`- reproduce: \`node bench/remote/run.mjs --fedq build/fedq --runs ${r.runs}\` (see bench/remote/README.md)`, '');

    if (Object.keys(r.scan).length) {
        lines.push('## (a) Full scan of lineitem', '');
        lines.push(`Wall time of a \`fedq -c\` process (start included, ~0.03 s), best of ${r.runs} after a warm-up, all cases ` +
                   'interleaved round by round. rows/s = rows ÷ best wall time. MB/s = bytes scanned (EXPLAIN ANALYZE ' +
                   '`Total: … scanned`: PostgreSQL wire bytes for `pg`, Arrow IPC bytes for the remote catalogs; ' +
                   'MB = 10^6 bytes) ÷ best wall time. "engine s" = the `Total: … in S s` of EXPLAIN ANALYZE (bind + plan + ' +
                   'execute, without process start). fedq CPU = user + system of the fedq process; service CPU = what the ' +
                   'service processes used during that run (from /proc). ratio = in-process best time ÷ this best time ' +
                   '(throughput relative to in-process; target for r1 ≥ 70 %).', '');
        lines.push('| query | catalog | splits | best wall s | engine s | all runs s | rows/s (M) | MB scanned | MB/s | fedq CPU s | service CPU s | vs in-process |');
        lines.push('|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
        const groups = [...SCAN_QUERIES.map((q) => ({ id: q.id, label: q.label })),
            ...EXTRA.map((e) => ({ id: e.id, label: `${SCAN_QUERIES.find((q) => q.id === e.base).label}, \`SET threads = ${e.threads}\`` }))];
        for (const g of groups) {
            const base = r.scan[`${g.id}/pg`];
            for (const c of CATALOGS) {
                const s = r.scan[`${g.id}/${c.name}`];
                if (!s) continue;
                const b = s.best;
                const ratio = base ? base.best.wall / b.wall : NaN;
                lines.push(`| ${g.label} | ${c.name} | ${s.splits ?? '—'} | ${f3(b.wall)} | ${f3(b.engine)} | ` +
                           `${s.all.map(f2).join(', ')} | ${mrows(s.rows / b.wall)} | ${f1(s.bytes / 1e6)} | ` +
                           `${f1(s.bytes / 1e6 / b.wall)} | ${f2(b.clientCpu)} | ${c.name === 'pg' ? '—' : f2(b.serviceCpu)} | ` +
                           `${c.name === 'pg' ? '100 %' : pct(ratio)} |`);
            }
        }
        lines.push('');
    }

    if (Object.keys(r.small).length) {
        lines.push('## (b) Small-query overhead', '');
        lines.push(`- "median ms": one \`fedq -f\` process runs each catalog's \`EXPLAIN ANALYZE <query>\` once as a warm-up, then ` +
                   `${r.smallRuns} rounds of pg, r1, r4 interleaved; the median of the \`Total: … in S s\` lines (bind + plan + ` +
                   'execute, process start excluded; **1 ms resolution**). "first ms" is the warm-up statement (first ' +
                   'connection of the process to PostgreSQL or to the service).');
        lines.push('- "per-query ms (Δ)": wall time of a `fedq -f` process running the plain query 201 times minus one ' +
                   'running it once, ÷ 200 (µs resolution, a mean; median of 3 such pairs).');
        lines.push('- "cold process ms": median of 9 `fedq -c "<query>"` processes (process start, catalog load, first ' +
                   'connection included).');
        lines.push('- overhead = remote − in-process (target < 5 ms).', '');
        lines.push('| query | catalog | first ms | median ms (min–max) | per-query ms (Δ) | cold process ms | overhead (median / Δ / cold) |');
        lines.push('|---|---|---:|---:|---:|---:|---|');
        for (const q of SMALL_QUERIES) {
            const s = r.small[q.id];
            if (!s) continue;
            for (const c of CATALOGS) {
                const e = s.explain[c.name];
                const over = c.name === 'pg' ? '—' :
                    `${f1(e.median - s.explain.pg.median)} / ${f2(s.diff[c.name].perQueryMs - s.diff.pg.perQueryMs)} / ` +
                    `${f1(s.cold[c.name] - s.cold.pg)} ms`;
                lines.push(`| ${q.label} | ${c.name} | ${f1(e.first)} | ${f1(e.median)} (${f1(e.min)}–${f1(e.max)}) | ` +
                           `${f2(s.diff[c.name].perQueryMs)} | ${f1(s.cold[c.name])} | ${over} |`);
            }
        }
        lines.push('');
    }
    return lines.join('\n') + '\n';
}

main().catch((error) => {
    console.error(`[remote-bench] ERROR: ${error.message}`);
    stopServices();
    process.exit(1);
});
