// Cross-check of fedq's Arrow IPC stream codec (src/formats/arrow_ipc.*) with the `apache-arrow` npm package
// (bench/package.json, test-only).
//  1. fedq -> node: `arrow_ipc_tool write` writes a stream of every fedq type (NULLs, an empty batch, nested
//     values) and prints what it wrote; node reads the stream (tableFromIPC / RecordBatchReader) and compares
//     the schema (Arrow types, JSON extension metadata) and every value.
//  2. node -> fedq: node builds record batches of every Arrow type fedq reads (from raw buffers, with NULLs,
//     several batches including an empty one), writes them with tableToIPC(table, 'stream');
//     `arrow_ipc_tool dump` reads them with fedq's reader and prints types and values, which node compares
//     with its own reading of the same buffers.
//  3. dictionary-encoded streams from node (several batches, replaced dictionaries) are decoded; streams fedq
//     must refuse fail cleanly: truncated (kBadFile 22P04), a type fedq lacks (Time32: 0A000).
// Values are compared in a canonical JSON form (see tests/arrow/arrow_ipc_tool.cpp).
// Usage: node tests/arrow/check_arrow.mjs --tool build/tests/arrow/arrow_ipc_tool [--keep]
// Prints "N passed, M failed"; exits 1 when anything failed, 2 on a setup error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const tool = args[args.indexOf('--tool') + 1];
const keep = args.includes('--keep');
if (!args.includes('--tool') || !tool || !fs.existsSync(tool)) {
    console.error('usage: check_arrow.mjs --tool PATH_TO_arrow_ipc_tool');
    process.exit(2);
}
let A;
try {
    const require = createRequire(path.resolve('bench/package.json'));
    A = await import(require.resolve('apache-arrow'));
} catch (error) {
    console.error(`apache-arrow is not installed: run (cd bench && npm ci) (${error.message})`);
    process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedq-arrow-'));
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
    if (ok) passed++;
    else {
        failed++;
        console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
    }
}
function run(mode, file) {
    const r = spawnSync(tool, [mode, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------- canonical values from Arrow JS Data
const T = A.Type;
const bit = (bytes, i) => (bytes[i >> 3] >> (i & 7)) & 1;
const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const utf8 = new TextDecoder('utf-8');
const floorDiv = (a, b) => (a % b < 0n ? a / b - 1n : a / b);
function toMicros(v, unit) {  // TimeUnit: SECOND, MILLISECOND, MICROSECOND, NANOSECOND
    v = BigInt(v);
    return [v * 1000000n, v * 1000n, v, floorDiv(v, 1000n)][unit];
}
function half(bits) {
    const sign = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
    if (e === 0) return sign * m * 2 ** -24;
    if (e === 31) return m ? NaN : sign * Infinity;
    return sign * (1 + m / 1024) * 2 ** (e - 15);
}
function words128(words, at) {  // 4 little-endian uint32 words -> signed BigInt
    let v = 0n;
    for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(words[at + k] >>> 0);
    return BigInt.asIntN(128, v);
}

function canon(data, i) {
    const type = data.type, at = data.offset + i;
    if (type.typeId === T.Null) return null;
    if (data.nullBitmap && data.nullBitmap.length > 0 && !bit(data.nullBitmap, at)) return null;
    const values = data.values;
    switch (type.typeId) {
        case T.Bool: return bit(values, at) === 1;
        case T.Int: {
            const v = values[at];
            // fedq types: int8..int32 numbers, int64 BIGINT string; uint8/16 widen (numbers), uint32 BIGINT and
            // uint64 DECIMAL(20,0) are strings
            if (type.bitWidth === 64 || (!type.isSigned && type.bitWidth === 32)) return String(v);
            return Number(v);
        }
        case T.Float: return type.precision === A.Precision.HALF ? half(values[at]) : Number(values[at]);
        case T.Decimal: return words128(values, at * 4).toString();
        case T.Utf8: case T.LargeUtf8: {
            const o = data.valueOffsets;
            return utf8.decode(values.subarray(Number(o[at]), Number(o[at + 1])));
        }
        case T.Binary: case T.LargeBinary: {
            const o = data.valueOffsets;
            return hex(values.subarray(Number(o[at]), Number(o[at + 1])));
        }
        case T.FixedSizeBinary: return hex(values.subarray(at * type.byteWidth, (at + 1) * type.byteWidth));
        case T.Date: {
            if (type.unit === A.DateUnit.DAY) return values[at];
            return Number(floorDiv(BigInt(values[at]), 86400000n));
        }
        case T.Timestamp: return toMicros(values[at], type.unit).toString();
        case T.Duration: return [0, 0, toMicros(values[at], type.unit).toString()];
        case T.Interval: {
            if (type.unit === A.IntervalUnit.YEAR_MONTH) return [values[at], 0, '0'];
            if (type.unit === A.IntervalUnit.DAY_TIME) return [0, values[at * 2], String(values[at * 2 + 1] * 1000)];
            // MONTH_DAY_NANO: 16-byte blocks (apache-arrow 18 has no typed support: read the raw words)
            const lo = BigInt(values[at * 4 + 2] >>> 0), hi = BigInt(values[at * 4 + 3]);
            const nanos = (hi << 32n) | lo;
            return [values[at * 4], values[at * 4 + 1], (nanos / 1000n).toString()];
        }
        case T.List: case T.Map: {
            const o = data.valueOffsets, out = [];
            for (let j = Number(o[at]); j < Number(o[at + 1]); j++) out.push(canon(data.children[0], j));
            return out;
        }
        case T.FixedSizeList: {
            const out = [];
            for (let j = at * type.listSize; j < (at + 1) * type.listSize; j++) out.push(canon(data.children[0], j));
            return out;
        }
        case T.Struct: {
            const out = {};
            type.children.forEach((field, k) => { out[field.name] = canon(data.children[k], at); });
            return out;
        }
        default: throw new Error(`no canonical form for ${type}`);
    }
}
function canonRows(batches) {
    const rows = [];
    for (const batch of batches) {
        for (let r = 0; r < batch.numRows; r++) rows.push(batch.data.children.map((child) => canon(child, r)));
    }
    return rows;
}
// fedq's spelling of an Arrow type (formats/arrow_ipc.h arrow_type_name), from node's reading of the schema.
function arrowName(field) {
    const t = field.type;
    switch (t.typeId) {
        case T.Null: return 'Null';
        case T.Bool: return 'Bool';
        case T.Int: return `${t.isSigned ? 'Int' : 'UInt'}${t.bitWidth}`;
        case T.Float: return ['Float16', 'Float32', 'Float64'][t.precision];
        case T.Decimal: return `Decimal${t.bitWidth}(${t.precision}, ${t.scale})`;
        case T.Utf8: return field.metadata.get('ARROW:extension:name') === 'arrow.json' ? 'Utf8[arrow.json]' : 'Utf8';
        case T.Binary: return 'Binary';
        case T.Date: return t.unit === A.DateUnit.DAY ? 'Date32' : 'Date64';
        case T.Timestamp:
            return `Timestamp(${A.TimeUnit[t.unit]}${t.timezone ? ', ' + t.timezone : ''})`;
        case T.Interval: return `Interval(${['YEAR_MONTH', 'DAY_TIME', 'MONTH_DAY_NANO'][t.unit]})`;
        case T.List: return `List<${arrowName(t.children[0])}>`;
        case T.Struct: return `Struct<${t.children.map((c) => `${c.name}: ${arrowName(c)}`).join(', ')}>`;
        default: return String(t);
    }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---------------------------------------------------------------- 1. fedq -> node
{
    const file = path.join(dir, 'fedq.arrows');
    const r = run('write', file);
    check('fedq write', r.status === 0, r.stderr);
    if (r.status === 0) {
        const wrote = JSON.parse(r.stdout);
        const bytes = fs.readFileSync(file);
        const table = A.tableFromIPC(bytes);
        const fields = table.schema.fields;
        check('fedq->node column count', fields.length === wrote.columns.length);
        wrote.columns.forEach((column, k) => {
            check(`fedq->node name ${column.name}`, fields[k]?.name === column.name, fields[k]?.name);
            const name = fields[k] ? arrowName(fields[k]) : '?';
            check(`fedq->node type ${column.name}`, name === column.arrow, `${name} != ${column.arrow}`);
        });
        const reader = A.RecordBatchReader.from(bytes);
        const batches = [...reader];
        check('fedq->node batches', same(batches.map((b) => b.numRows), wrote.batches),
              `${batches.map((b) => b.numRows)} vs ${wrote.batches}`);
        const rows = canonRows(batches);
        check('fedq->node row count', rows.length === wrote.rows.length, `${rows.length} vs ${wrote.rows.length}`);
        for (let i = 0; i < Math.min(rows.length, wrote.rows.length); i++) {
            wrote.columns.forEach((column, k) => {
                check(`fedq->node row ${i} ${column.name}`, same(rows[i][k], wrote.rows[i][k]),
                      `node ${JSON.stringify(rows[i][k])} fedq ${JSON.stringify(wrote.rows[i][k])}`);
            });
        }
        // node's typed reading agrees for the simple types too (get()), as an extra sanity check
        const i64 = table.getChild('i64');
        check('fedq->node Int64 get()', String(i64.get(0)) === wrote.rows[0][4], `${i64.get(0)}`);
        check('fedq->node Utf8 get()', table.getChild('s').get(0) === wrote.rows[0][9]);
    }
}

// ---------------------------------------------------------------- 2. node -> fedq
function bitmap(valid) {
    const bytes = new Uint8Array(Math.max(1, Math.ceil(valid.length / 8)));
    valid.forEach((v, i) => { if (v) bytes[i >> 3] |= 1 << (i & 7); });
    return bytes;
}
const nulls = (values) => values.filter((v) => v === null).length;
// Builds Data for `type` from JS values (null = NULL). Scalars are given in the physical representation.
function build(type, values) {
    const n = values.length, valid = values.map((v) => v !== null);
    const base = { type, length: n, nullCount: nulls(values), nullBitmap: nulls(values) ? bitmap(valid) : null };
    switch (type.typeId) {
        case T.Null: return A.makeData({ type, length: n, nullCount: n });
        case T.Bool: return A.makeData({ ...base, data: bitmap(values.map((v) => v === true)) });
        case T.Int: case T.Float: case T.Date: case T.Timestamp: case T.Duration: {
            const zero = type.ArrayType === BigInt64Array || type.ArrayType === BigUint64Array ? 0n : 0;
            return A.makeData({ ...base, data: type.ArrayType.from(values.map((v) => (v === null ? zero : v))) });
        }
        case T.Decimal: {
            const words = new Uint32Array(n * 4);
            values.forEach((v, i) => {
                let u = BigInt.asUintN(128, BigInt(v ?? 0));
                for (let k = 0; k < 4; k++, u >>= 32n) words[i * 4 + k] = Number(u & 0xffffffffn);
            });
            return A.makeData({ ...base, data: words });
        }
        case T.Interval: {  // YEAR_MONTH: months; DAY_TIME: [days, ms]
            const flat = values.flatMap((v) => (v === null ? (type.unit ? [0, 0] : [0]) : [].concat(v)));
            return A.makeData({ ...base, data: Int32Array.from(flat) });
        }
        case T.Utf8: case T.LargeUtf8: case T.Binary: case T.LargeBinary: {
            const chunks = values.map((v) => (v === null ? new Uint8Array(0)
                : typeof v === 'string' ? new TextEncoder().encode(v) : Uint8Array.from(v)));
            const large = type.typeId === T.LargeUtf8 || type.typeId === T.LargeBinary;
            const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
            let total = 0;
            chunks.forEach((c, i) => { total += c.length; offsets[i + 1] = large ? BigInt(total) : total; });
            const data = new Uint8Array(total);
            chunks.forEach((c, i) => data.set(c, Number(offsets[i])));
            return A.makeData({ ...base, valueOffsets: offsets, data });
        }
        case T.FixedSizeBinary: {
            const data = new Uint8Array(n * type.byteWidth);
            values.forEach((v, i) => { if (v !== null) data.set(v, i * type.byteWidth); });
            return A.makeData({ ...base, data });
        }
        case T.List: case T.Map: {
            const offsets = new Int32Array(n + 1), items = [];
            values.forEach((v, i) => { if (v !== null) items.push(...v); offsets[i + 1] = items.length; });
            const childValues = type.typeId === T.Map ? items : items;
            return A.makeData({ ...base, valueOffsets: offsets, child: build(type.children[0].type, childValues) });
        }
        case T.FixedSizeList: {
            const items = values.flatMap((v) => (v === null ? new Array(type.listSize).fill(null) : v));
            return A.makeData({ ...base, child: build(type.children[0].type, items) });
        }
        case T.Struct: {
            const children = type.children.map((f) => build(f.type, values.map((v) => (v === null ? null : v[f.name]))));
            return A.makeData({ ...base, children });
        }
        default: throw new Error(`cannot build ${type}`);
    }
}

const F = (name, type, metadata = null) => new A.Field(name, type, true, metadata);
const entries = new A.Field('entries', new A.Struct([new A.Field('key', new A.Utf8(), false), F('value', new A.Int64())]), false);
// [field, fedq type, value generator (row i -> physical value or null)]
const NODE_COLUMNS = [
    [F('b', new A.Bool()), 'BOOLEAN', (i) => i % 3 === 0],
    [F('i8', new A.Int8()), 'TINYINT', (i) => (i * 37) % 256 - 128],
    [F('i16', new A.Int16()), 'SMALLINT', (i) => i * 1001 - 32768],
    [F('i32', new A.Int32()), 'INTEGER', (i) => (i * 2654435761) % 4294967296 - 2147483648],
    [F('i64', new A.Int64()), 'BIGINT', (i) => BigInt(i) * 1000000007n * (i % 2 ? 1n : -1n) - 9223372036854775000n],
    [F('u8', new A.Uint8()), 'SMALLINT', (i) => (i * 41) % 256],
    [F('u16', new A.Uint16()), 'INTEGER', (i) => (i * 4099) % 65536],
    [F('u32', new A.Uint32()), 'BIGINT', (i) => 4294967295 - i * 12345],
    [F('u64', new A.Uint64()), 'DECIMAL(20,0)', (i) => 18446744073709551615n - BigInt(i) * 99999999999n],
    [F('f16', new A.Float16()), 'REAL', (i) => [0x3c00, 0xc000, 0x7bff, 0x0001, 0x8400, 0x3555][i % 6]],
    [F('f32', new A.Float32()), 'REAL', (i) => Math.fround(i / 8 - 3.25)],
    [F('f64', new A.Float64()), 'DOUBLE', (i) => i * 1.1e-7 - 1e100],
    [F('dec', new A.Decimal(2, 12, 128)), 'DECIMAL(12,2)', (i) => BigInt(i * 99991 - 500000)],
    [F('dec38', new A.Decimal(6, 38, 128)), 'DECIMAL(38,6)', (i) => -(10n ** 37n) + BigInt(i) * 7n ** 40n],
    [F('s', new A.Utf8()), 'VARCHAR', (i) => (i % 5 ? `naïve ${i} 🙂` : '')],
    [F('ls', new A.LargeUtf8()), 'VARCHAR', (i) => `large ${i}`],
    [F('bin', new A.Binary()), 'VARBINARY', (i) => [0, 255, i % 256, 7]],
    [F('lbin', new A.LargeBinary()), 'VARBINARY', (i) => new Array(i % 3).fill(i)],
    [F('fsb', new A.FixedSizeBinary(3)), 'VARBINARY', (i) => [i, 0, 255 - i]],
    [F('j', new A.Utf8(), new Map([['ARROW:extension:name', 'arrow.json']])), 'JSON', (i) => `{"a":${i}}`],
    [F('d32', new A.DateDay()), 'DATE', (i) => i * 3000 - 25000],
    [F('d64', new A.DateMillisecond()), 'DATE', (i) => BigInt(i * 3000 - 25000) * 86400000n + BigInt((i % 2) * 3600000)],
    [F('ts_s', new A.TimestampSecond()), 'TIMESTAMP', (i) => BigInt(i) * 86399n - 2000000000n],
    [F('ts_ms', new A.TimestampMillisecond()), 'TIMESTAMP', (i) => BigInt(i) * 86399999n - 1000000n],
    [F('ts_us', new A.TimestampMicrosecond()), 'TIMESTAMP', (i) => BigInt(i) * 86399999999n + 1n],
    [F('ts_ns', new A.TimestampNanosecond()), 'TIMESTAMP', (i) => BigInt(i) * 86399999999999n - 1234567891n],
    [F('tz_paris', new A.TimestampNanosecond('Europe/Paris')), 'TIMESTAMP WITH TIME ZONE', (i) => BigInt(i) * 1000000001n],
    [F('tz_utc', new A.TimestampMicrosecond('UTC')), 'TIMESTAMP WITH TIME ZONE', (i) => BigInt(i) * 3600000000n],
    [F('iv_ym', new A.IntervalYearMonth()), 'INTERVAL', (i) => i * 7 - 20],
    [F('iv_dt', new A.IntervalDayTime()), 'INTERVAL', (i) => [i - 4, i * 1000003]],
    [F('dur_ms', new A.DurationMillisecond()), 'INTERVAL', (i) => BigInt(i) * 1000n - 77n],
    [F('dur_ns', new A.DurationNanosecond()), 'INTERVAL', (i) => BigInt(i) * 999999n],
    [F('list', new A.List(F('item', new A.Int32()))), 'ARRAY(INTEGER)',
     (i) => Array.from({ length: i % 4 }, (_, k) => (k === 1 ? null : i * 10 + k))],
    [F('fsl', new A.FixedSizeList(2, F('item', new A.Int16()))), 'ARRAY(SMALLINT)', (i) => [i, i % 3 ? -i : null]],
    [F('st', new A.Struct([F('a', new A.Int32()), F('b', new A.Utf8())])), 'ROW(a INTEGER, b VARCHAR)',
     (i) => ({ a: i % 4 ? i : null, b: `s${i}` })],
    [F('map', new A.Map_(entries)), 'ARRAY(ROW(key VARCHAR, value BIGINT))',
     (i) => Array.from({ length: i % 3 }, (_, k) => ({ key: `k${k}`, value: k ? BigInt(i * k) : null }))],
    [F('nested', new A.List(F('item', new A.List(F('item', new A.Utf8()))))), 'ARRAY(ARRAY(VARCHAR))',
     (i) => [[`x${i}`, null], [], null]],
    [F('n', new A.Null()), 'UNKNOWN', () => null],
];

function nodeBatch(fields, columns, rows, start) {
    const schema = new A.Schema(fields);
    const children = columns.map(([field, , gen]) =>
        build(field.type, Array.from({ length: rows }, (_, r) => ((r + start + field.name.length) % 5 === 2 ? null : gen(r + start)))));
    const data = A.makeData({ type: new A.Struct(fields), length: rows, nullCount: 0, children });
    return new A.RecordBatch(schema, data);
}

{
    const fields = NODE_COLUMNS.map(([field]) => field);
    const batches = [nodeBatch(fields, NODE_COLUMNS, 23, 0), nodeBatch(fields, NODE_COLUMNS, 0, 0),
                     nodeBatch(fields, NODE_COLUMNS, 7, 100)];
    const table = new A.Table(batches);
    const bytes = A.tableToIPC(table, 'stream');
    const file = path.join(dir, 'node.arrows');
    fs.writeFileSync(file, bytes);
    const r = run('dump', file);
    check('node->fedq dump', r.status === 0, r.stderr);
    if (r.status === 0) {
        const got = JSON.parse(r.stdout);
        NODE_COLUMNS.forEach(([field, fedqType], k) => {
            check(`node->fedq name ${field.name}`, got.columns[k]?.name === field.name);
            check(`node->fedq type ${field.name}`, got.columns[k]?.type === fedqType, `${got.columns[k]?.type} != ${fedqType}`);
        });
        const readBack = [...A.RecordBatchReader.from(bytes)];
        const expected = canonRows(readBack);
        check('node->fedq batches', same(got.batches, readBack.map((b) => b.numRows)),
              `${got.batches} vs ${readBack.map((b) => b.numRows)}`);
        check('node->fedq row count', got.rows.length === expected.length, `${got.rows.length} vs ${expected.length}`);
        for (let i = 0; i < Math.min(expected.length, got.rows.length); i++) {
            NODE_COLUMNS.forEach(([field], k) => {
                check(`node->fedq row ${i} ${field.name}`, same(got.rows[i][k], expected[i][k]),
                      `fedq ${JSON.stringify(got.rows[i][k])} node ${JSON.stringify(expected[i][k])}`);
            });
        }
        // spot checks against the generator itself (not only node's reading of its own buffers)
        check('node->fedq u64 value', got.rows[0][8] === '18446744073709551615', got.rows[0][8]);
        check('node->fedq f16 value', got.rows[0][9] === 1 && got.rows[1][9] === -2, `${got.rows[0][9]} ${got.rows[1][9]}`);
        check('node->fedq ts_ns floor', got.rows[0][25] === String(-1234568n), got.rows[0][25]);
        check('node->fedq date64', got.rows[1][21] === 3000 - 25000, String(got.rows[1][21]));
    }

    // 3. streams fedq must refuse cleanly
    const truncated = path.join(dir, 'truncated.arrows');
    for (const size of [0, 7, 100, Math.floor(bytes.length / 2), bytes.length - 8]) {
        fs.writeFileSync(truncated, bytes.subarray(0, size));
        const t = run('dump', truncated);
        check(`truncated at ${size}`, t.status === 1 && /ERROR 22P04: .*truncated/.test(t.stderr), t.stderr);
    }
    // dictionary-encoded columns (what tableFromArrays makes of strings): several batches with different
    // dictionaries, int8 indices, a dictionary of numbers
    const tagType = new A.Dictionary(new A.Utf8(), new A.Int32(), 7);
    const smallType = new A.Dictionary(new A.Int32(), new A.Int8(), 9);
    const dictBatches = [['a', 'b', 'a', null], [], ['c', null, 'a', 'zzz', 'c']].map((values, k) => {
        const tag = A.vectorFromArray(values, tagType);
        const small = A.vectorFromArray(values.map((v) => (v === null ? null : v.length * 10 + k)), smallType);
        return new A.Table({ tag, small }).batches[0] ?? null;
    }).filter((b) => b);
    const dictionary = new A.Table(dictBatches);
    const dictFile = path.join(dir, 'dictionary.arrows');
    const dictBytes = A.tableToIPC(dictionary, 'stream');
    fs.writeFileSync(dictFile, dictBytes);
    const d = run('dump', dictFile);
    check('dictionary dump', d.status === 0, d.stderr);
    if (d.status === 0) {
        const got = JSON.parse(d.stdout);
        check('dictionary types', same(got.columns.map((c) => c.type), ['VARCHAR', 'INTEGER']), d.stdout);
        const expected = [];
        [['a', 'b', 'a', null], [], ['c', null, 'a', 'zzz', 'c']].forEach((values, k) => values.forEach((v) =>
            expected.push([v, v === null ? null : v.length * 10 + k])));
        check('dictionary values', same(got.rows, expected), `${JSON.stringify(got.rows)} vs ${JSON.stringify(expected)}`);
        check('dictionary values (node reading)', same(got.rows.map((r) => r[0]), [...A.tableFromIPC(dictBytes).getChild('tag')]));
    }
    // a stream fedq cannot read: Time32 (fedq has no TIME type) -> kNotSupported naming the type
    const times = new A.Table({ t: A.vectorFromArray([1000, null], new A.TimeMillisecond()) });
    const timeFile = path.join(dir, 'time.arrows');
    fs.writeFileSync(timeFile, A.tableToIPC(times, 'stream'));
    const tm = run('dump', timeFile);
    check('Time32 refused', tm.status === 1 && /ERROR 0A000: .*Time32\(MILLISECOND\)/.test(tm.stderr), tm.stderr);
}

if (!keep) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`files kept in ${dir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
