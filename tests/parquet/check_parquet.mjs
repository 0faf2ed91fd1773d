// Differential test of fedq's Parquet reader against DuckDB (node + @duckdb/node-api, test-only).
// DuckDB writes Parquet files of many types (with NULLs) for every compression, both Parquet format
// versions (V1: PLAIN/dictionary, data page v1; V2: DELTA_*/BYTE_STREAM_SPLIT, data page v2) and small
// row groups; tests/parquet/parquet_dump (fedq's reader) prints them; rows are compared with DuckDB's own
// reading of the same file. Malformed and truncated files must give a clean kBadFile error naming the file.
// With --rewrite (tests/parquet/parquet_rewrite: fedq's reader + fedq's WRITER), DuckDB's files are also
// re-written by fedq (every compression, small row groups and pages, no dictionary, dictionary fallback,
// nested columns, 0 rows); DuckDB reads those files and its answers must equal the source table, fedq's reader
// must agree with DuckDB on them, and their row-group statistics must equal those of DuckDB's own file.
// Usage: node tests/parquet/check_parquet.mjs --dump build/tests/parquet/parquet_dump
//        [--rewrite build/tests/parquet/parquet_rewrite] [--keep]
// Prints "N passed, M failed"; exits 1 when anything failed, 2 on a setup error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const dump = args[args.indexOf('--dump') + 1];
const keep = args.includes('--keep');
const rewrite = args.includes('--rewrite') ? args[args.indexOf('--rewrite') + 1] : null;
if (args.includes('--rewrite') && (!rewrite || !fs.existsSync(rewrite))) {
    console.error('--rewrite needs the path of parquet_rewrite');
    process.exit(2);
}
if (!args.includes('--dump') || !dump || !fs.existsSync(dump)) {
    console.error('usage: check_parquet.mjs --dump PATH_TO_parquet_dump');
    process.exit(2);
}

let api;
try {
    const require = createRequire(path.resolve('bench/package.json'));
    api = await import(require.resolve('@duckdb/node-api'));
} catch (error) {
    console.error(`@duckdb/node-api is not installed: run (cd bench && npm ci) (${error.message})`);
    process.exit(2);
}
const instance = await api.DuckDBInstance.create(':memory:');
const db = await instance.connect();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedq-parquet-'));

// name, DuckDB type, generator expression over i (0..n-1), expected text expression, fedq type, kind
const COLUMNS = [
    ['id', 'INTEGER', 'i::INTEGER', 'CAST(id AS VARCHAR)', 'INTEGER'],
    ['b', 'BOOLEAN', 'CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END', 'CAST(b AS VARCHAR)', 'BOOLEAN'],
    ['i8', 'TINYINT', 'CASE WHEN i % 5 = 1 THEN NULL ELSE (i % 256 - 128)::TINYINT END', 'CAST(i8 AS VARCHAR)', 'TINYINT'],
    ['i16', 'SMALLINT', '(i * 37 % 65536 - 32768)::SMALLINT', 'CAST(i16 AS VARCHAR)', 'SMALLINT'],
    ['i32', 'INTEGER', 'CASE WHEN i % 11 = 3 THEN NULL ELSE (i * 2654435761 % 4294967296 - 2147483648)::INTEGER END',
     'CAST(i32 AS VARCHAR)', 'INTEGER'],
    ['i64', 'BIGINT', '(i::BIGINT * 1000000007 * (CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END))', 'CAST(i64 AS VARCHAR)', 'BIGINT'],
    ['u8', 'UTINYINT', '(i % 256)::UTINYINT', 'CAST(u8 AS VARCHAR)', 'SMALLINT'],
    ['u16', 'USMALLINT', '(i * 7 % 65536)::USMALLINT', 'CAST(u16 AS VARCHAR)', 'INTEGER'],
    ['u32', 'UINTEGER', '(i::UBIGINT * 2654435761 % 4294967296)::UINTEGER', 'CAST(u32 AS VARCHAR)', 'BIGINT'],
    ['u64', 'UBIGINT', '(i::UHUGEINT * 11400714819323198485 % 18446744073709551615)::UBIGINT', 'CAST(u64 AS VARCHAR)',
     'DECIMAL(20,0)'],
    ['f', 'REAL', 'CASE WHEN i % 9 = 2 THEN NULL ELSE (i / 7.0 - 100)::REAL END', 'f', 'REAL', 'float'],
    ['d', 'DOUBLE', 'CASE WHEN i % 13 = 4 THEN NULL ELSE i * 1.5e10 / 3.3 - 7.25 END', 'd', 'DOUBLE', 'float'],
    ['dec4', 'DECIMAL(4,2)', 'CASE WHEN i % 6 = 5 THEN NULL ELSE ((i % 19999) - 9999) / 100 END::DECIMAL(4,2)',
     'CAST(dec4 AS VARCHAR)', 'DECIMAL(4,2)'],
    ['dec18', 'DECIMAL(18,3)', '(i::DECIMAL(18,3) * 12345678.901 - 5000)', 'CAST(dec18 AS VARCHAR)', 'DECIMAL(18,3)'],
    ['dec38', 'DECIMAL(38,10)', 'CASE WHEN i % 4 = 0 THEN NULL ELSE (i::DECIMAL(38,10) * 98765432109876.123 - 77) END',
     'CAST(dec38 AS VARCHAR)', 'DECIMAL(38,10)'],
    ['s', 'VARCHAR', "CASE WHEN i % 8 = 7 THEN NULL ELSE 'cat_' || (i % 10) END", 's', 'VARCHAR'],
    ['s2', 'VARCHAR', "CASE WHEN i % 10 = 0 THEN '' ELSE 'row ' || i || repeat('x', i % 17) || E'\\t|' END", 's2', 'VARCHAR'],
    ['bl', 'BLOB', "CASE WHEN i % 3 = 1 THEN NULL ELSE ('\\x00\\xFF' || i::VARCHAR)::BLOB END", 'lower(hex(bl))', 'VARBINARY'],
    ['dt', 'DATE', "CASE WHEN i % 10 = 9 THEN NULL ELSE DATE '1969-12-25' + ((i * 3) % 40000)::INTEGER END",
     "CAST(dt - DATE '1970-01-01' AS VARCHAR)", 'DATE'],
    ['ts', 'TIMESTAMP', "TIMESTAMP '1960-01-01 00:00:00' + to_microseconds(i::BIGINT * 123456789)",
     'CAST(epoch_us(ts) AS VARCHAR)', 'TIMESTAMP'],
    ['tsms', 'TIMESTAMP_MS', "(TIMESTAMP '2001-02-03 04:05:06.789' + to_milliseconds(i::BIGINT * 1000003))::TIMESTAMP_MS",
     'CAST(epoch_us(tsms) AS VARCHAR)', 'TIMESTAMP'],
    ['tsns', 'TIMESTAMP_NS', "CASE WHEN i % 5 = 0 THEN NULL ELSE (TIMESTAMP '2020-01-01' + to_microseconds(i::BIGINT * 777))::TIMESTAMP_NS END",
     'CAST(epoch_us(tsns) AS VARCHAR)', 'TIMESTAMP'],
    ['tstz', 'TIMESTAMPTZ', "CASE WHEN i % 6 = 0 THEN NULL ELSE (TIMESTAMP '1999-12-31 23:59:59' + to_seconds(i::BIGINT * 3601))::TIMESTAMPTZ END",
     'CAST(epoch_us(tstz) AS VARCHAR)', 'TIMESTAMP WITH TIME ZONE'],
    ['u', 'UUID', "CASE WHEN i % 7 = 3 THEN NULL ELSE ('00000000-0000-4000-8000-' || lpad(printf('%x', i * 99991), 12, '0'))::UUID END",
     'CAST(u AS VARCHAR)', 'VARCHAR'],
];

// Nested columns (one level): LIST of primitives (3-level layout) and STRUCT of primitive fields.
const NESTED = [
    ['id', 'INTEGER', 'i::INTEGER', 'CAST(id AS VARCHAR)', 'INTEGER'],
    ['li', 'INTEGER[]', 'CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN []::INTEGER[] ELSE [i, NULL, i * 2] END',
     'CAST(li AS VARCHAR)', 'ARRAY(INTEGER)'],
    ['ls', 'VARCHAR[]', "CASE WHEN i % 3 = 0 THEN NULL ELSE list_transform(range(i % 4), x -> 's' || (x + i)) END",
     'CAST(ls AS VARCHAR)', 'ARRAY(VARCHAR)'],
    ['ld', 'DECIMAL(10,2)[]', "CASE WHEN i % 7 = 0 THEN [NULL] ELSE [i / 4, -i / 8] END", 'CAST(ld AS VARCHAR)',
     'ARRAY(DECIMAL(10,2))'],
    ['st', 'STRUCT(a BIGINT, b VARCHAR, c DATE)',
     "CASE WHEN i % 4 = 0 THEN NULL ELSE {'a': i, 'b': CASE WHEN i % 3 = 0 THEN NULL ELSE 'x' || i END, " +
     "'c': DATE '2000-01-01' + (i % 1000)::INTEGER} END",
     "CASE WHEN st IS NULL THEN NULL ELSE '{''a'': ' || coalesce(st.a::VARCHAR, 'NULL') || ', ''b'': ' || " +
     "coalesce(st.b, 'NULL') || ', ''c'': ' || coalesce((st.c - DATE '1970-01-01')::VARCHAR, 'NULL') || '}' END",
     'ROW(a BIGINT, b VARCHAR, c DATE)'],
];

function sqlString(s) { return `'${s.replaceAll("'", "''")}'`; }
function escapeText(s) { return s.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n'); }

async function rows(sql) {
    const reader = await db.runAndReadAll(sql);
    return reader.getRows();
}

function runDump(file) {
    return spawnSync(dump, [file, '--batch', '1000'], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

let passed = 0;
let failed = 0;
function fail(name, message) {
    failed++;
    console.log(`FAIL ${name}: ${message}`);
}

async function checkFile(name, file, n, columns = COLUMNS) {
    const result = runDump(file);
    if (result.status !== 0) return fail(name, `parquet_dump exited ${result.status} ${result.signal ?? ''}: ${result.stderr}`);
    const lines = result.stdout.split('\n');
    lines.pop();
    const header = lines.shift().split('\t');
    const wantHeader = columns.map((c) => `${c[0]}:${c[4]}`);
    if (header.join('\t') !== wantHeader.join('\t'))
        return fail(name, `header\n  got  ${header.join(' ')}\n  want ${wantHeader.join(' ')}`);
    const expected = await rows(`SELECT ${columns.map((c) => c[3]).join(', ')} FROM read_parquet(${sqlString(file)})`);
    if (expected.length !== lines.length) return fail(name, `${lines.length} rows, DuckDB has ${expected.length} (n=${n})`);
    for (let r = 0; r < lines.length; ++r) {
        const got = lines[r].split('\t');
        for (let c = 0; c < columns.length; ++c) {
            const want = expected[r][c];
            const g = got[c];
            let ok;
            if (want === null || want === undefined) ok = g === '\\N';
            else if (columns[c][5] === 'float') {
                const x = Number(g), y = Number(want);
                ok = g !== '\\N' && Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y));
            } else ok = g === escapeText(String(want));
            if (!ok) return fail(name, `row ${r} column ${columns[c][0]}: got ${JSON.stringify(g)}, DuckDB ${JSON.stringify(String(want))}`);
        }
    }
    passed++;
}

// Re-writes `source` (a DuckDB-written file) with fedq's writer, then compares DuckDB's reading of fedq's file
// with the source table, and fedq's reading of it with DuckDB's (checkFile).
async function checkWritten(name, source, table, n, columns, options = []) {
    const file = path.join(dir, `fedq_${name}.parquet`);
    const result = spawnSync(rewrite, [source, file, ...options], { encoding: 'utf8' });
    if (result.status !== 0) return fail(`written ${name}`, `parquet_rewrite exited ${result.status}: ${result.stderr}`);
    const exprs = columns.map((c) => c[3]).join(', ');
    let got, want;
    try {
        got = await rows(`SELECT ${exprs} FROM read_parquet(${sqlString(file)}) ORDER BY id`);
        want = await rows(`SELECT ${exprs} FROM ${table} ORDER BY id`);
    } catch (error) {
        return fail(`written ${name}`, `DuckDB cannot read fedq's file: ${error.message.split('\n')[0]}`);
    }
    if (got.length !== want.length || got.length !== n)
        return fail(`written ${name}`, `DuckDB reads ${got.length} rows, source has ${want.length}`);
    for (let r = 0; r < got.length; ++r) {
        for (let c = 0; c < columns.length; ++c) {
            const g = got[r][c], w = want[r][c];
            let ok;
            if (w === null || w === undefined) ok = g === null || g === undefined;
            else if (columns[c][5] === 'float') ok = g !== null && Math.abs(Number(g) - Number(w)) <= 1e-6 * Math.max(1, Math.abs(Number(w)));
            else ok = String(g) === String(w);
            if (!ok) return fail(`written ${name}`, `row ${r} column ${columns[c][0]}: DuckDB reads ${JSON.stringify(String(g))}, source ${JSON.stringify(String(w))}`);
        }
    }
    passed++;
    await checkFile(`written ${name} (fedq reader)`, file, n, columns);
    return file;
}

function checkError(name, file, { allowSuccess = false } = {}) {
    const result = runDump(file);
    if (result.signal || (result.status !== 0 && result.status !== 1))
        return fail(name, `crashed: status ${result.status} signal ${result.signal} ${result.stderr.slice(0, 300)}`);
    if (result.status === 0) {
        if (allowSuccess) { passed++; return; }
        return fail(name, 'expected an error');
    }
    if (!/^ERROR (22P04|0A000)/.test(result.stderr) || !result.stderr.includes(file))
        return fail(name, `error does not name the file or is not kBadFile: ${result.stderr.slice(0, 300)}`);
    passed++;
}

try {
    const select = (n) => `SELECT ${COLUMNS.map((c) => `(${c[2]})::${c[1]} AS ${c[0]}`).join(', ')} FROM range(${n}) t(i)`;
    await db.run(`CREATE TABLE t AS ${select(5000)}`);
    await db.run(`CREATE TABLE empty AS ${select(0)}`);
    const compressions = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'lz4_raw'];
    const versions = ['V1', 'V2'];
    let good = null;
    for (const version of versions) {
        for (const compression of compressions) {
            for (const [rowGroup, table, n] of [[100000, 't', 5000], [1024, 't', 5000], [2048, 'empty', 0]]) {
                const name = `${table}_${compression}_${version}_rg${rowGroup}`;
                const file = path.join(dir, `${name}.parquet`);
                try {
                    await db.run(`COPY ${table} TO ${sqlString(file)} (FORMAT parquet, COMPRESSION ${compression}, ` +
                                 `ROW_GROUP_SIZE ${rowGroup}, PARQUET_VERSION ${version})`);
                } catch (error) {
                    console.log(`SKIP ${name}: DuckDB cannot write it (${error.message.split('\n')[0]})`);
                    continue;
                }
                await checkFile(name, file, n);
                if (table === 't' && !good) good = file;
            }
        }
    }
    const selectNested = `SELECT ${NESTED.map((c) => `(${c[2]})::${c[1]} AS ${c[0]}`).join(', ')} FROM range(5000) t(i)`;
    await db.run(`CREATE TABLE nested AS ${selectNested}`);
    for (const version of versions) {
        for (const compression of ['uncompressed', 'snappy', 'zstd']) {
            for (const rowGroup of [100000, 1024]) {
                const name = `nested_${compression}_${version}_rg${rowGroup}`;
                const file = path.join(dir, `${name}.parquet`);
                await db.run(`COPY nested TO ${sqlString(file)} (FORMAT parquet, COMPRESSION ${compression}, ` +
                             `ROW_GROUP_SIZE ${rowGroup}, PARQUET_VERSION ${version})`);
                await checkFile(name, file, 5000, NESTED);
            }
        }
    }
    // Row-group statistics (for pruning) against DuckDB's parquet_metadata().
    for (const version of versions) {
        const file = path.join(dir, `t_snappy_${version}_rg1024.parquet`);
        if (!fs.existsSync(file)) continue;
        const name = `statistics_${version}`;
        const result = spawnSync(dump, [file, '--stats'], { encoding: 'utf8', maxBuffer: 1 << 30 });
        const got = new Map();
        for (const line of result.stdout.split('\n')) {
            const m = /^#stats rg=(\d+) (\S+) min=(.*) max=(.*) nulls=(-?\d+)$/.exec(line);
            if (m) got.set(`${m[1]} ${m[2]}`, `${m[3]} ${m[4]} ${m[5]}`);
        }
        const want = await rows(`SELECT row_group_id, path_in_schema, stats_min_value, stats_max_value, stats_null_count ` +
                                `FROM parquet_metadata(${sqlString(file)}) WHERE path_in_schema IN ` +
                                `('id', 'i16', 'i32', 'i64', 'dec4', 'dec18', 's', 'dt') ORDER BY 1, column_id`);
        let bad = want.length === 0 ? 'DuckDB reports no statistics' : null;
        for (const [rg, column, min, max, nulls] of want) {
            const g = got.get(`${rg} ${column}`);
            const w = `${min ?? '-'} ${max ?? '-'} ${nulls ?? -1}`;
            if (g !== w) { bad = `row group ${rg} column ${column}: got ${g}, DuckDB ${w}`; break; }
        }
        if (bad) fail(name, bad); else passed++;
    }
    // Dictionary pruning: the low-cardinality column s is fully dictionary-encoded in every row group.
    for (const version of versions) {
        const file = path.join(dir, `t_zstd_${version}_rg1024.parquet`);
        if (!fs.existsSync(file)) continue;
        const result = spawnSync(dump, [file, '--dict'], { encoding: 'utf8', maxBuffer: 1 << 30 });
        const lines = result.stdout.split('\n').filter((l) => /^#dict rg=\d+ s /.test(l));
        const want = Array.from({ length: 10 }, (_, k) => `cat_${k}`).join(',');
        const bad = lines.length !== 3 ? `expected 3 row groups, got ${lines.length} (${result.stderr})`
                  : lines.find((l) => l.split(' ')[3] !== want);
        if (bad) fail(`dictionary_${version}`, bad); else passed++;
    }
    if (rewrite) {
        const src = path.join(dir, 't_snappy_V1_rg100000.parquet');
        for (const compression of ['snappy', 'zstd', 'gzip', 'none'])
            await checkWritten(`t_${compression}`, src, 't', 5000, COLUMNS, ['--compression', compression]);
        await checkWritten('t_small_pages', src, 't', 5000, COLUMNS,
                           ['--row-group-rows', '1000', '--page-bytes', '4096', '--batch', '333']);
        await checkWritten('t_plain', src, 't', 5000, COLUMNS, ['--no-dictionary', '--compression', 'zstd']);
        await checkWritten('t_dictionary_fallback', src, 't', 5000, COLUMNS, ['--dictionary-bytes', '2000']);
        await checkWritten('empty', path.join(dir, 'empty_snappy_V1_rg2048.parquet'), 'empty', 0, COLUMNS);
        const nestedSrc = path.join(dir, 'nested_uncompressed_V1_rg100000.parquet');
        await checkWritten('nested_snappy', nestedSrc, 'nested', 5000, NESTED);
        await checkWritten('nested_zstd_small', nestedSrc, 'nested', 5000, NESTED,
                           ['--compression', 'zstd', '--row-group-rows', '700', '--page-bytes', '2000']);
        // Statistics of fedq's file (row groups of 2048 rows, like DuckDB's rg1024 file) as DuckDB sees them.
        const stats = await checkWritten('t_rg2048', src, 't', 5000, COLUMNS, ['--row-group-rows', '2048']);
        if (stats) {
            const query = (f) => rows(`SELECT row_group_id, path_in_schema, stats_min_value, stats_max_value, ` +
                `stats_null_count FROM parquet_metadata(${sqlString(f)}) WHERE path_in_schema IN ` +
                `('id', 'b', 'i8', 'i16', 'i32', 'i64', 'dec4', 'dec18', 's', 's2', 'dt', 'ts') ORDER BY 1, 2`);
            const mine = (await query(stats)).map((r) => r.map(String).join(' '));
            const theirs = (await query(path.join(dir, 't_snappy_V1_rg1024.parquet'))).map((r) => r.map(String).join(' '));
            const diff = mine.findIndex((m, k) => m !== theirs[k]);
            if (mine.length !== theirs.length || diff >= 0)
                fail('written statistics', `fedq ${mine[diff] ?? mine.length} vs DuckDB ${theirs[diff] ?? theirs.length}`);
            else passed++;
        }
    }
    // Malformed files: clean error naming the file, never a crash.
    const bytes = fs.readFileSync(good);
    const write = (name, data) => { const f = path.join(dir, name); fs.writeFileSync(f, data); return f; };
    checkError('empty file', write('bad_empty.parquet', Buffer.alloc(0)));
    checkError('not parquet', write('bad_text.parquet', Buffer.from('hello, this is not a parquet file at all\n')));
    checkError('truncated half', write('bad_half.parquet', bytes.subarray(0, bytes.length >> 1)));
    checkError('truncated tail', write('bad_tail.parquet', bytes.subarray(0, bytes.length - 3)));
    const badLen = Buffer.from(bytes);
    badLen.writeUInt32LE(0x7fffffff, badLen.length - 8);
    checkError('footer length', write('bad_len.parquet', badLen));
    const badFooter = Buffer.from(bytes);
    const footerLen = bytes.readUInt32LE(bytes.length - 8);
    for (let k = badFooter.length - 8 - footerLen; k < badFooter.length - 8; k += 3) badFooter[k] ^= 0x5a;
    checkError('garbled footer', write('bad_footer.parquet', badFooter), { allowSuccess: true });
    // Truncated data with an intact footer: the column chunks point past the end / into garbage.
    const cut = Buffer.concat([bytes.subarray(0, 100), bytes.subarray(bytes.length - 8 - footerLen)]);
    checkError('data cut, footer intact', write('bad_cut.parquet', cut));
    let seed = 12345;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
    const fuzzed = [bytes, fs.readFileSync(path.join(dir, 't_snappy_V2_rg1024.parquet'))];
    for (let iter = 0; iter < Number(process.env.PARQUET_FUZZ_ITERATIONS ?? 60); ++iter) {
        const mutated = Buffer.from(fuzzed[iter % 2]);
        for (let k = 0; k < 8; ++k) mutated[4 + (rand() % (mutated.length - 12))] = rand() & 0xff;
        checkError(`random corruption ${iter}`, write(`bad_rand${iter}.parquet`, mutated), { allowSuccess: true });
    }
} catch (error) {
    console.error(`setup error: ${error.stack}`);
    process.exit(2);
} finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`files kept in ${dir}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
