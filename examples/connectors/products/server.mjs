#!/usr/bin/env node
// A fedq connector written in JavaScript: a small product catalogue served over the fedq connector protocol
// (docs/connector-protocol.md, version 1). Tables `catalog.products` and `catalog.categories` come from a JSON
// file (data/catalog.json by default); split data is streamed as Arrow IPC with the `apache-arrow` package.
//
//   node server.mjs --listen 127.0.0.1:9200 --auth-key-file connector.key [--data data/catalog.json]
//
// Implemented: GET /v1/health, GET /metrics, POST /v1/{capabilities, list_schemas, list_tables, get_table,
// negotiate, plan_scan, read_split, cancel, apply_join, query_table}; HMAC-SHA256 request signatures with a
// date window and a nonce replay cache; the Constraint (domains on any column) is applied exactly, the limit
// too; errors in the protocol's format. Only Node.js built-ins plus apache-arrow.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// apache-arrow: from NODE_PATH / a node_modules next to this file, else from the repository's bench/.
function load_arrow() {
    const require = createRequire(import.meta.url);
    const paths = [...(process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean), here,
                   path.resolve(here, '../../../bench')];
    return require(require.resolve('apache-arrow', { paths }));
}
const A = load_arrow();

// ------------------------------------------------------------------------------------------ options
function parse_args(argv) {
    const o = { listen: '127.0.0.1:9200', keyFile: null, data: path.join(here, 'data', 'catalog.json'),
                insecure: false, quiet: false, pageSize: 100, maxSplits: 1000 };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i], next = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--listen') o.listen = next();
        else if (a === '--auth-key-file') o.keyFile = next();
        else if (a === '--data') o.data = next();
        else if (a === '--insecure-no-auth') o.insecure = true;
        else if (a === '--quiet') o.quiet = true;
        else if (a === '--page-size') o.pageSize = Math.max(1, parseInt(next(), 10) || 100);
        else if (a === '--help' || a === '-h') usage(null);
        else usage(`unknown argument ${a}`);
    }
    return o;
}
function usage(message) {
    if (message) console.error(`error: ${message}`);
    console.error('usage: node server.mjs [--listen HOST:PORT] (--auth-key-file FILE | --insecure-no-auth) ' +
                  '[--data catalog.json] [--quiet] [--page-size N]\n' +
                  '       the key may also come from $FEDQ_CONNECTOR_KEY');
    process.exit(message ? 2 : 0);
}

// ------------------------------------------------------------------------------------------ errors
const STATUS = { '22032': 400, '22023': 400, '08P01': 400, '42703': 400, '28000': 401, '42501': 403,
                 '42P01': 404, '42704': 404, '57014': 409, '54000': 413, '0A000': 501, '08001': 503,
                 '08006': 503, '53300': 503 };
class ProtocolError extends Error {
    constructor(code, message, { status = null, retryable = false } = {}) {
        super(message);
        this.code = code;
        this.status = status ?? STATUS[code] ?? 500;
        this.retryable = retryable;
    }
}
const fail = (code, message, extra) => { throw new ProtocolError(code, message, extra); };

// ------------------------------------------------------------------------------------------ types and data
// A column type: { id, precision?, scale? } with id one of bigint, varchar, decimal, double, boolean, date,
// timestamp. Values are kept in a comparable physical form:
//   bigint: BigInt; decimal: BigInt unscaled at the column's scale; double: number; boolean: boolean;
//   varchar: { s: string, b: Buffer (UTF-8, compared bytewise like fedq) }; date: days (number);
//   timestamp: microseconds since the epoch (BigInt).
function parse_type(t) {
    if (typeof t === 'string') {
        const m = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(t.trim());
        if (m) return { id: 'decimal', precision: +m[1], scale: +m[2] };
        return { id: t.trim().toLowerCase() };
    }
    return { ...t };
}
const SUPPORTED = new Set(['bigint', 'varchar', 'decimal', 'double', 'boolean', 'date', 'timestamp']);

function decimal_to_unscaled(text, scale) {  // exact "12.5" -> 1250n at scale 2; null when not representable
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(String(text).trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
    let digits = m[2] + (m[3] ?? ''), exp = -(m[3] ?? '').length + (m[4] ? parseInt(m[4], 10) : 0);
    let v = BigInt(digits || '0');
    const shift = exp + scale;
    if (shift >= 0) v *= 10n ** BigInt(shift);
    else {
        const div = 10n ** BigInt(-shift);
        if (v % div !== 0n) return { inexact: true, floor: v / div, sign: m[1] === '-' ? -1 : 1 };
        v /= div;
    }
    return m[1] === '-' ? -v : v;
}
function unscaled_to_text(v, scale) {
    const neg = v < 0n, s = (neg ? -v : v).toString().padStart(scale + 1, '0');
    const text = scale ? `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}` : s;
    return neg ? `-${text}` : text;
}
const DAY_MS = 86400000;
function parse_date(text) {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) throw new Error(`bad date ${text}`);
    return Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS;
}
function parse_timestamp(text) {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
    if (!m) throw new Error(`bad timestamp ${text}`);
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    return BigInt(ms) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}
function physical(type, v) {
    if (v === null || v === undefined) return null;
    switch (type.id) {
        case 'bigint': return BigInt(v);
        case 'decimal': {
            const u = decimal_to_unscaled(v, type.scale);
            if (typeof u !== 'bigint') throw new Error(`decimal ${v} does not fit scale ${type.scale}`);
            return u;
        }
        case 'double': return Number(v);
        case 'boolean': return Boolean(v);
        case 'varchar': return { s: String(v), b: Buffer.from(String(v), 'utf8') };
        case 'date': return parse_date(v);
        case 'timestamp': return parse_timestamp(v);
        default: throw new Error(`unsupported type ${type.id}`);
    }
}
export function load_catalog(file) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const schemas = new Map();
    for (const [schema, tables] of Object.entries(doc.schemas ?? {})) {
        const m = new Map();
        for (const [name, t] of Object.entries(tables)) {
            const columns = t.columns.map((c) => ({ name: c.name, type: parse_type(c.type),
                                                    nullable: c.nullable !== false, comment: c.comment ?? '' }));
            for (const c of columns) {
                if (!SUPPORTED.has(c.type.id)) throw new Error(`${schema}.${name}.${c.name}: type ${c.type.id}`);
            }
            // Column-major storage.
            const data = columns.map((c, k) => t.rows.map((r) => physical(c.type, r[k])));
            m.set(name, { schema, name, columns, data, rows: t.rows.length, comment: t.comment ?? '' });
        }
        schemas.set(schema, m);
    }
    return schemas;
}

// fedq's JSON Type encoding.
function type_json(t) {
    return t.id === 'decimal' ? { id: 'decimal', precision: t.precision, scale: t.scale } : { id: t.id };
}
function value_json(type, v) {
    let payload = null;
    if (v !== null) {
        switch (type.id) {
            case 'bigint': payload = Number(v); break;
            case 'decimal': payload = unscaled_to_text(v, type.scale); break;
            case 'varchar': payload = v.s; break;
            case 'timestamp': payload = Number(v); break;
            default: payload = v;
        }
    }
    return { type: type_json(type), value: payload };
}

// Comparison of two physical values of one type (both non-null).
function compare(type, a, b) {
    switch (type.id) {
        case 'varchar': return Buffer.compare(a.b, b.b);
        case 'boolean': return (a ? 1 : 0) - (b ? 1 : 0);
        default: return a < b ? -1 : a > b ? 1 : 0;
    }
}

// ------------------------------------------------------------------------------------------ constraints
// A bound's payload in the column's physical form. For a decimal bound finer than the column's scale, the
// bound is moved to the nearest representable value with the same meaning (x > 1.234 at scale 2 is x >= 1.24).
function bound_value(type, bound, isLow) {
    const p = bound.value;
    if (p === null || p === undefined) fail('22023', 'a range bound has a null value');
    let inclusive = bound.inclusive !== false;
    switch (type.id) {
        case 'bigint': {
            if (typeof p === 'number' && !Number.isInteger(p)) {
                return { v: BigInt(isLow ? Math.ceil(p) : Math.floor(p)), inclusive: true };
            }
            return { v: BigInt(p), inclusive };
        }
        case 'decimal': {
            const u = decimal_to_unscaled(p, type.scale);
            if (u === null) fail('22023', `bad decimal bound ${JSON.stringify(p)}`);
            if (typeof u === 'bigint') return { v: u, inclusive };
            // floor toward zero of the magnitude: the true value lies strictly between two column values.
            const lower = u.sign < 0 ? -u.floor - 1n : u.floor;  // largest column value below the bound
            return isLow ? { v: lower + 1n, inclusive: true } : { v: lower, inclusive: true };
        }
        case 'double': {
            if (p === 'NaN') return null;  // NaN bounds: not judged here
            const v = p === 'Infinity' ? Infinity : p === '-Infinity' ? -Infinity : Number(p);
            if (Number.isNaN(v)) fail('22023', `bad double bound ${JSON.stringify(p)}`);
            return { v, inclusive };
        }
        case 'boolean':
            if (typeof p !== 'boolean') fail('22023', 'a boolean bound must be true or false');
            return { v: p, inclusive };
        case 'varchar':
            if (typeof p !== 'string') fail('22023', 'a varchar bound must be a string');
            return { v: { s: p, b: Buffer.from(p, 'utf8') }, inclusive };
        case 'date':
            if (!Number.isInteger(p)) fail('22023', 'a date bound must be days since 1970-01-01');
            return { v: p, inclusive };
        case 'timestamp':
            if (!Number.isInteger(p)) fail('22023', 'a timestamp bound must be microseconds');
            return { v: BigInt(p), inclusive };
        default: return null;
    }
}

// Compiles a Constraint against a table: { none, filters: [{k, type, nullAllowed, ranges}], accepted }.
// Columns the table does not have, or domains we cannot judge, are "unsupported" (the engine re-checks).
function compile_constraint(table, constraint) {
    const accepted = {};
    const filters = [];
    if (constraint === null || constraint === undefined) return { none: false, filters, accepted };
    if (typeof constraint !== 'object' || Array.isArray(constraint)) fail('22023', 'constraint must be an object');
    const domains = constraint.domains ?? {};
    if (typeof domains !== 'object' || Array.isArray(domains)) fail('22023', 'constraint.domains must be an object');
    for (const [name, domain] of Object.entries(domains)) {
        const k = table.columns.findIndex((c) => c.name === name);
        if (k < 0 || !domain || typeof domain !== 'object') {
            accepted[name] = 'unsupported';
            continue;
        }
        const type = table.columns[k].type;
        const ranges = [];
        let ok = true;
        for (const r of domain.ranges ?? []) {
            const low = r.low ? bound_value(type, r.low, true) : { v: null };
            const high = r.high ? bound_value(type, r.high, false) : { v: null };
            if (low === null || high === null) { ok = false; break; }
            ranges.push({ low, high });
        }
        if (!ok) {
            accepted[name] = 'unsupported';
            continue;
        }
        accepted[name] = 'exact';
        filters.push({ k, type, nullAllowed: domain.null_allowed === true, ranges });
    }
    return { none: constraint.none === true, filters, accepted };
}
function in_range(type, v, r) {
    if (r.low.v !== null) {
        const c = compare(type, v, r.low.v);
        if (c < 0 || (c === 0 && !r.low.inclusive)) return false;
    }
    if (r.high.v !== null) {
        const c = compare(type, v, r.high.v);
        if (c > 0 || (c === 0 && !r.high.inclusive)) return false;
    }
    return true;
}
// Row ids in [from, to) that satisfy the compiled constraint (column at a time, narrowing a selection).
function select_rows(table, compiled, from, to) {
    if (compiled.none) return [];
    let sel = [];
    for (let i = from; i < to; i++) sel.push(i);
    for (const f of compiled.filters) {
        const col = table.data[f.k], out = [];
        for (const i of sel) {
            const v = col[i];
            if (v === null ? f.nullAllowed : f.ranges.some((r) => in_range(f.type, v, r))) out.push(i);
        }
        sel = out;
    }
    return sel;
}

// ------------------------------------------------------------------------------------------ Arrow output
function arrow_type(t) {
    switch (t.id) {
        case 'bigint': return new A.Int64();
        case 'decimal': return new A.Decimal(t.scale, t.precision, 128);
        case 'double': return new A.Float64();
        case 'boolean': return new A.Bool();
        case 'varchar': return new A.Utf8();
        case 'date': return new A.DateDay();
        case 'timestamp': return new A.TimestampMicrosecond();
        default: throw new ProtocolError('0A000', `type ${t.id} has no Arrow mapping here`);
    }
}
// One column of a batch: the values col[rows[start..end)] as Arrow Data built from raw buffers.
function column_data(atype, t, col, rows, start, end) {
    const n = end - start;
    const validity = new Uint8Array(Math.max(1, (n + 7) >> 3));
    let nulls = 0;
    for (let i = 0; i < n; i++) {
        if (col[rows[start + i]] === null) nulls++;
        else validity[i >> 3] |= 1 << (i & 7);
    }
    const base = { type: atype, length: n, nullCount: nulls, nullBitmap: nulls ? validity : null };
    switch (t.id) {
        case 'bigint': case 'timestamp': {
            const d = new BigInt64Array(n);
            for (let i = 0; i < n; i++) d[i] = col[rows[start + i]] ?? 0n;
            return A.makeData({ ...base, data: d });
        }
        case 'double': {
            const d = new Float64Array(n);
            for (let i = 0; i < n; i++) d[i] = col[rows[start + i]] ?? 0;
            return A.makeData({ ...base, data: d });
        }
        case 'date': {
            const d = new Int32Array(n);
            for (let i = 0; i < n; i++) d[i] = col[rows[start + i]] ?? 0;
            return A.makeData({ ...base, data: d });
        }
        case 'boolean': {
            const d = new Uint8Array(Math.max(1, (n + 7) >> 3));
            for (let i = 0; i < n; i++) if (col[rows[start + i]] === true) d[i >> 3] |= 1 << (i & 7);
            return A.makeData({ ...base, data: d });
        }
        case 'decimal': {
            const words = new Uint32Array(n * 4);
            for (let i = 0; i < n; i++) {
                let u = BigInt.asUintN(128, col[rows[start + i]] ?? 0n);
                for (let k = 0; k < 4; k++, u >>= 32n) words[i * 4 + k] = Number(u & 0xffffffffn);
            }
            return A.makeData({ ...base, data: words });
        }
        case 'varchar': {
            const offsets = new Int32Array(n + 1);
            let total = 0;
            for (let i = 0; i < n; i++) {
                const v = col[rows[start + i]];
                total += v === null ? 0 : v.b.length;
                offsets[i + 1] = total;
            }
            const bytes = new Uint8Array(total);
            for (let i = 0; i < n; i++) {
                const v = col[rows[start + i]];
                if (v !== null) bytes.set(v.b, offsets[i]);
            }
            return A.makeData({ ...base, valueOffsets: offsets, data: bytes });
        }
        default: throw new ProtocolError('0A000', `type ${t.id}`);
    }
}

// ------------------------------------------------------------------------------------------ the connector
export class ProductsConnector {
    constructor(schemas, options) {
        this.schemas = schemas;
        this.pageSize = options.pageSize;
        this.maxSplits = options.maxSplits;
    }
    table(handle, { must = true } = {}) {
        if (!handle || typeof handle !== 'object') fail('22023', 'missing table handle');
        const { schema, table } = handle;
        if (typeof schema !== 'string' || typeof table !== 'string') fail('22023', 'a table handle needs schema and table');
        const t = this.schemas.get(schema)?.get(table);
        if (!t && must) fail('42P01', `table ${schema}.${table} does not exist`);
        return t ?? null;
    }
    capabilities() {
        return { protocol: 1, connector: 'products-js', capabilities: ['constraint', 'limit', 'parallel_splits'],
                 max_splits_per_page: this.maxSplits, arrow: true };
    }
    list_schemas() { return { schemas: [...this.schemas.keys()].sort() }; }
    list_tables(req) {
        const schema = req.schema;
        if (typeof schema !== 'string') fail('22023', 'list_tables needs a schema');
        const tables = this.schemas.get(schema);
        if (!tables) fail('42704', `schema ${schema} does not exist`);
        const names = [...tables.keys()].sort();
        const token = req.page_token ?? '';
        const offset = token === '' ? 0 : /^\d+$/.test(token) ? parseInt(token, 10) : -1;
        if (offset < 0 || offset > names.length) fail('22023', 'bad page_token');
        const page = names.slice(offset, offset + this.pageSize);
        const next = offset + page.length < names.length ? String(offset + page.length) : '';
        return { tables: page, next_page_token: next };
    }
    table_info(t) {
        const stats = {};
        t.columns.forEach((c, k) => {
            const vals = t.data[k].filter((v) => v !== null);
            const distinct = new Set(vals.map((v) => (c.type.id === 'varchar' ? v.s : String(v)))).size;
            let min = null, max = null;
            for (const v of vals) {
                if (min === null || compare(c.type, v, min) < 0) min = v;
                if (max === null || compare(c.type, v, max) > 0) max = v;
            }
            stats[c.name] = { distinct_count: distinct, null_fraction: t.rows ? (t.rows - vals.length) / t.rows : 0,
                              min: min === null ? null : value_json(c.type, min),
                              max: max === null ? null : value_json(c.type, max) };
        });
        return {
            handle: { schema: t.schema, table: t.name, properties: { source: 'products-js' } },
            kind: 'BASE TABLE',
            columns: t.columns.map((c) => ({ name: c.name, type: type_json(c.type), nullable: c.nullable,
                                            comment: c.comment })),
            statistics: { row_count: t.rows, total_bytes: null, columns: stats },
        };
    }
    get_table(req) {
        if (typeof req.schema !== 'string' || typeof req.table !== 'string') fail('22023', 'get_table needs schema and table');
        const t = this.schemas.get(req.schema)?.get(req.table);
        return { table: t ? this.table_info(t) : null };
    }
    check_request(request) {
        if (!request || typeof request !== 'object' || Array.isArray(request)) fail('22023', 'missing request');
        const t = this.table(request.table);
        const columns = request.columns ?? [];
        if (!Array.isArray(columns)) fail('22023', 'request.columns must be an array');
        const indexes = columns.map((name) => {
            const k = t.columns.findIndex((c) => c.name === name);
            if (k < 0) fail('42703', `column ${name} does not exist in ${t.schema}.${t.name}`);
            return k;
        });
        if (request.aggregation) fail('0A000', 'aggregation pushdown is not supported by this connector');
        const limit = request.limit ?? null;
        if (limit !== null && (!Number.isInteger(limit) || limit < 0)) fail('22023', 'bad limit');
        const batchRows = request.batch_rows ?? 4096;
        if (!Number.isInteger(batchRows) || batchRows < 1) fail('22023', 'bad batch_rows');
        return { t, indexes, compiled: compile_constraint(t, request.constraint), limit, batchRows };
    }
    // The whole plan, deterministic for one request. Row ranges become splits; ranges with no matching row
    // are pruned. With a limit, one split (so the limit holds for the whole scan).
    plan(request, withSplits) {
        const { t, compiled, limit } = this.check_request(request);
        const filters = (request.filters ?? []).map(() => 'unsupported');
        const constrained = Object.entries(compiled.accepted).filter(([, v]) => v === 'exact').map(([k]) => k);
        const plan = {
            constraint_accepted: compiled.accepted,
            limit_accepted: limit !== null,
            filters_accepted: filters,
            aggregation_accepted: false,
            order_accepted: false,
            splits: [],
            description: `products-js ${t.schema}.${t.name}` +
                (constrained.length ? ` where ${constrained.join(', ')}` : '') + (limit !== null ? ` limit ${limit}` : ''),
        };
        if (!withSplits) return plan;
        const wanted = Math.max(1, Math.min(Number(request.target_splits) || 1, 4));
        const count = limit !== null ? 1 : Math.min(wanted, Math.max(1, t.rows));
        const per = Math.ceil(t.rows / count) || 0;
        for (let s = 0; s < count; s++) {
            const from = s * per, to = Math.min(t.rows, from + per);
            if (from >= to && t.rows > 0) continue;
            const matching = select_rows(t, compiled, from, to).length;
            if (matching === 0 && (compiled.none || compiled.filters.length)) continue;
            plan.splits.push({ payload: { schema: t.schema, table: t.name, from, to },
                               description: `rows ${from + 1}-${to}`,
                               estimated_rows: limit !== null ? Math.min(limit, matching) : matching });
        }
        return plan;
    }
    negotiate(req) { return { plan: this.plan(req.request, false) }; }
    plan_scan(req) {
        const plan = this.plan(req.request, true);
        const max = Math.min(this.maxSplits, Number.isInteger(req.max_splits) && req.max_splits > 0 ? req.max_splits
                                                                                                     : this.maxSplits);
        const token = req.page_token ?? '';
        const offset = token === '' ? 0 : /^\d+$/.test(token) ? parseInt(token, 10) : -1;
        if (offset < 0 || offset > plan.splits.length) fail('22023', 'bad page_token');
        const all = plan.splits;
        plan.splits = all.slice(offset, offset + max);
        const next = offset + plan.splits.length < all.length ? String(offset + plan.splits.length) : '';
        return { plan, next_page_token: next };
    }
    // Prepares a read: everything that can fail is checked here, before the stream starts.
    prepare_read(req) {
        const { t, indexes, compiled, limit, batchRows } = this.check_request(req.request);
        const p = req.split?.payload;
        if (!p || p.schema !== t.schema || p.table !== t.name || !Number.isInteger(p.from) || !Number.isInteger(p.to) ||
            p.from < 0 || p.to > t.rows || p.from > p.to) {
            fail('22023', 'the split does not belong to this table');
        }
        let rows = select_rows(t, compiled, p.from, p.to);
        if (limit !== null) rows = rows.slice(0, limit);
        const fields = indexes.map((k) => new A.Field(t.columns[k].name, arrow_type(t.columns[k].type), true));
        const schema = new A.Schema(fields);
        const batch = (start, end) => {
            const children = indexes.map((k, j) => column_data(fields[j].type, t.columns[k].type, t.data[k], rows,
                                                               start, end));
            return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(fields), length: end - start,
                                                           nullCount: 0, children }));
        };
        return { schema, rows: rows.length, batchRows, batch };
    }
}

// ------------------------------------------------------------------------------------------ authentication
const WINDOW_S = 300;
class Verifier {
    constructor(key) {
        this.key = key;             // Buffer, or null for --insecure-no-auth
        this.nonces = new Map();    // nonce -> expiry (ms)
        this.maxNonces = 1000000;
    }
    verify(req, body) {
        if (this.key === null) return;
        const date = req.headers['x-fedq-date'], nonce = req.headers['x-fedq-nonce'];
        const sig = req.headers['x-fedq-signature'];
        if (date === undefined || nonce === undefined || sig === undefined) {
            fail('28000', 'request is not signed (X-Fedq-Date, X-Fedq-Nonce, X-Fedq-Signature)');
        }
        if (!/^\d{1,15}$/.test(date)) fail('28000', 'malformed X-Fedq-Date');
        if (!/^[0-9a-f]{32}$/.test(nonce)) fail('28000', 'malformed X-Fedq-Nonce');
        if (!/^v1=[0-9a-f]{64}$/.test(sig)) fail('28000', 'malformed X-Fedq-Signature');
        const now = Date.now();
        if (Math.abs(now / 1000 - Number(date)) > WINDOW_S) fail('28000', 'request date outside the allowed window');
        const pathOnly = req.url.split('?')[0];
        const digest = crypto.createHash('sha256').update(body).digest('hex');
        const expected = crypto.createHmac('sha256', this.key)
            .update(`FEDQ1\n${req.method}\n${pathOnly}\n${date}\n${nonce}\n${digest}`).digest();
        if (!crypto.timingSafeEqual(expected, Buffer.from(sig.slice(3), 'hex'))) fail('28000', 'bad request signature');
        // Replay: remembered for twice the window, only once the signature checked out.
        this.expire(now);
        if (this.nonces.has(nonce)) fail('28000', 'replayed request (nonce already used)');
        if (this.nonces.size >= this.maxNonces) fail('53300', 'nonce cache full', { retryable: true });
        this.nonces.set(nonce, now + 2 * WINDOW_S * 1000);
    }
    expire(now) {
        for (const [n, exp] of this.nonces) {  // insertion order == expiry order
            if (exp > now) break;
            this.nonces.delete(n);
        }
    }
}

// ------------------------------------------------------------------------------------------ metrics
class Metrics {
    constructor() {
        this.requests = new Map();  // "call\0status" -> count
        this.latency = new Map();   // call -> {buckets[], sum, count}
        this.bytes = 0; this.rows = 0; this.aborted = new Map(); this.active = 0;
        this.le = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60];
    }
    done(call, status, seconds, bytes) {
        const key = `${call}\0${status}`;
        this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
        let h = this.latency.get(call);
        if (!h) this.latency.set(call, (h = { buckets: this.le.map(() => 0), sum: 0, count: 0 }));
        this.le.forEach((le, i) => { if (seconds <= le) h.buckets[i]++; });
        h.sum += seconds; h.count++;
        this.bytes += bytes;
    }
    text() {
        const lines = ['# TYPE fedq_connector_requests_total counter'];
        for (const [key, n] of this.requests) {
            const [call, status] = key.split('\0');
            lines.push(`fedq_connector_requests_total{call="${call}",status="${status}"} ${n}`);
        }
        lines.push('# TYPE fedq_connector_request_seconds histogram');
        for (const [call, h] of this.latency) {
            this.le.forEach((le, i) => lines.push(`fedq_connector_request_seconds_bucket{call="${call}",le="${le}"} ${h.buckets[i]}`));
            lines.push(`fedq_connector_request_seconds_bucket{call="${call}",le="+Inf"} ${h.count}`);
            lines.push(`fedq_connector_request_seconds_sum{call="${call}"} ${h.sum}`);
            lines.push(`fedq_connector_request_seconds_count{call="${call}"} ${h.count}`);
        }
        lines.push('# TYPE fedq_connector_bytes_sent_total counter', `fedq_connector_bytes_sent_total ${this.bytes}`);
        lines.push('# TYPE fedq_connector_rows_sent_total counter', `fedq_connector_rows_sent_total ${this.rows}`);
        lines.push('# TYPE fedq_connector_aborted_streams_total counter');
        for (const [call, n] of this.aborted) lines.push(`fedq_connector_aborted_streams_total{call="${call}"} ${n}`);
        lines.push('# TYPE fedq_connector_rejected_connections_total counter', 'fedq_connector_rejected_connections_total 0');
        lines.push('# TYPE fedq_connector_active_requests gauge', `fedq_connector_active_requests ${this.active}`);
        return lines.join('\n') + '\n';
    }
}

// ------------------------------------------------------------------------------------------ HTTP service
const CALLS = new Set(['capabilities', 'list_schemas', 'list_tables', 'get_table', 'negotiate', 'plan_scan',
                       'read_split', 'cancel', 'apply_join', 'query_table']);
const MAX_BODY = 64 << 20;
const CANCEL_MEMORY_MS = 10 * 60 * 1000;

export function create_service({ connector, key, quiet = true, log = console.error }) {
    const verifier = new Verifier(key);
    const metrics = new Metrics();
    const running = new Map();    // query_id -> Set of read states {cancelled}
    const cancelled = new Map();  // query_id -> expiry
    let stopping = false;

    const is_cancelled = (qid) => {
        const exp = cancelled.get(qid);
        if (exp === undefined) return false;
        if (exp < Date.now()) { cancelled.delete(qid); return false; }
        return true;
    };
    function send_json(res, status, obj, extraHeaders = {}) {
        const body = Buffer.from(JSON.stringify(obj), 'utf8');
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...extraHeaders });
        res.end(body);
        return body.length;
    }
    function send_error(res, e) {
        if (!(e instanceof ProtocolError)) e = new ProtocolError('XX000', `internal error: ${e.message}`);
        return send_json(res, e.status, { error: { code: e.code, message: e.message, retryable: e.retryable } },
                         e.status === 405 ? { Allow: 'POST' } : {});
    }
    function read_body(req) {
        return new Promise((resolve, reject) => {
            const chunks = [];
            let size = 0, over = false;
            req.on('data', (c) => {
                size += c.length;
                if (size > MAX_BODY) over = true;
                else chunks.push(c);
            });
            req.on('end', () => (over ? reject(new ProtocolError('54000', 'request body too large', { status: 413 }))
                                      : resolve(Buffer.concat(chunks))));
            req.on('error', reject);
        });
    }
    async function stream_split(req, res, body, meta) {
        const qid = typeof body.query_id === 'string' ? body.query_id : '';
        if (qid && is_cancelled(qid)) fail('57014', `query ${qid} was cancelled`);
        const read = connector.prepare_read(body);  // errors here are still structured
        const state = { cancelled: false };
        if (qid) {
            if (!running.has(qid)) running.set(qid, new Set());
            running.get(qid).add(state);
        }
        try {
            res.writeHead(200, { 'Content-Type': 'application/vnd.apache.arrow.stream' });  // chunked
            const writer = new A.RecordBatchStreamWriter();
            const out = writer.toNodeStream();
            let sent = 0;
            out.on('data', (chunk) => {
                sent += chunk.length;
                if (!res.write(chunk)) out.pause();
            });
            res.on('drain', () => out.resume());
            const ended = new Promise((resolve, reject) => {
                out.on('end', resolve);
                out.on('error', reject);
                res.on('close', () => { if (!res.writableFinished) reject(new Error('client went away')); });
            });
            ended.catch(() => {});  // awaited below only on success; never an unhandled rejection
            res.on('close', () => { if (!res.writableFinished) state.cancelled = true; });  // client gone: stop
            writer.reset(undefined, read.schema);
            for (let start = 0; start < read.rows; start += read.batchRows) {
                if (state.cancelled) throw new ProtocolError('57014', 'cancelled');
                const end = Math.min(read.rows, start + read.batchRows);
                writer.write(read.batch(start, end));
                metrics.rows += end - start;
                if (res.writableNeedDrain) await new Promise((r) => res.once('drain', r));
                else await new Promise((r) => setImmediate(r));
            }
            if (state.cancelled) throw new ProtocolError('57014', 'cancelled');
            writer.finish();  // end-of-stream marker
            await ended;
            res.end();        // the final zero-length chunk
            meta.bytes = sent;
        } catch (e) {
            // After the stream started: close the connection without the end-of-stream marker / final chunk.
            metrics.aborted.set('read_split', (metrics.aborted.get('read_split') ?? 0) + 1);
            meta.aborted = true;
            res.destroy();
        } finally {
            if (qid) {
                const set = running.get(qid);
                set?.delete(state);
                if (set && set.size === 0) running.delete(qid);
            }
        }
    }
    async function handle(req, res) {
        const t0 = process.hrtime.bigint();
        const url = req.url.split('?')[0];
        const meta = { call: 'unknown', bytes: 0, aborted: false, query: '', user: '' };
        metrics.active++;
        try {
            if (url === '/v1/health') {
                meta.call = 'health';
                if (req.method !== 'GET' && req.method !== 'HEAD') {
                    meta.bytes = send_json(res, 405, { error: { code: '0A000', message: 'use GET', retryable: false } },
                                           { Allow: 'GET' });
                } else {
                    meta.bytes = send_json(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ok', protocol: 1,
                                                                        connector: 'products-js' });
                }
                return;
            }
            if (url === '/metrics') {
                meta.call = 'metrics';
                const text = Buffer.from(metrics.text());
                res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': text.length });
                res.end(text);
                meta.bytes = text.length;
                return;
            }
            const m = /^\/v1\/([a-z_]+)$/.exec(url);
            if (!m || !CALLS.has(m[1])) fail('42883', `no such endpoint: ${url.slice(0, 100)}`, { status: 404 });
            meta.call = m[1];
            if (req.method !== 'POST') fail('0A000', `${m[1]} must be called with POST`, { status: 405 });
            const raw = await read_body(req);
            verifier.verify(req, raw);
            let body;
            try {
                body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
            } catch (e) {
                fail('22032', `malformed JSON request: ${e.message}`);
            }
            if (!body || typeof body !== 'object' || Array.isArray(body)) fail('22032', 'the request must be a JSON object');
            meta.query = typeof body.query_id === 'string' ? body.query_id : '';
            meta.user = typeof body.identity?.user === 'string' ? body.identity.user : '';
            switch (m[1]) {
                case 'capabilities': meta.bytes = send_json(res, 200, connector.capabilities()); break;
                case 'list_schemas': meta.bytes = send_json(res, 200, connector.list_schemas()); break;
                case 'list_tables': meta.bytes = send_json(res, 200, connector.list_tables(body)); break;
                case 'get_table': meta.bytes = send_json(res, 200, connector.get_table(body)); break;
                case 'negotiate': meta.bytes = send_json(res, 200, connector.negotiate(body)); break;
                case 'plan_scan': meta.bytes = send_json(res, 200, connector.plan_scan(body)); break;
                case 'apply_join': case 'query_table': meta.bytes = send_json(res, 200, { table: null }); break;
                case 'cancel': {
                    if (typeof body.query_id !== 'string') fail('22023', 'cancel needs a query_id');
                    cancelled.set(body.query_id, Date.now() + CANCEL_MEMORY_MS);
                    let n = 0;
                    for (const s of running.get(body.query_id) ?? []) { s.cancelled = true; n++; }
                    meta.bytes = send_json(res, 200, { cancelled_reads: n });
                    break;
                }
                case 'read_split': await stream_split(req, res, body, meta); break;
            }
        } catch (e) {
            if (res.headersSent) res.destroy();
            else meta.bytes = send_error(res, e);
        } finally {
            metrics.active--;
            const secs = Number(process.hrtime.bigint() - t0) / 1e9;
            metrics.done(meta.call, res.statusCode, secs, meta.bytes);
            if (!quiet && meta.call !== 'health' && meta.call !== 'metrics') {
                log(`${req.method} ${url.slice(0, 100)} ${res.statusCode} ${meta.bytes}B ${(secs * 1000).toFixed(1)}ms` +
                    (meta.query ? ` query=${meta.query}` : '') + (meta.user ? ` user=${meta.user}` : '') +
                    (meta.aborted ? ' (aborted)' : ''));
            }
        }
    }
    const server = http.createServer({ keepAlive: true, maxHeaderSize: 65536 }, (req, res) => { handle(req, res); });
    server.keepAliveTimeout = 60000;
    server.headersTimeout = 65000;
    server.requestTimeout = 0;  // long splits
    server.shutdown = (done) => {
        stopping = true;
        server.close(done);
        server.closeIdleConnections?.();
        setTimeout(() => server.closeAllConnections?.(), 10000).unref();
    };
    return server;
}

function is_loopback(host) {
    return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function main() {
    const o = parse_args(process.argv.slice(2));
    const colon = o.listen.lastIndexOf(':');
    const host = o.listen.slice(0, colon).replace(/^\[|\]$/g, '') || '127.0.0.1', port = parseInt(o.listen.slice(colon + 1), 10);
    if (colon < 0 || !(port >= 0 && port < 65536)) usage(`bad --listen ${o.listen}`);
    let key = null;
    // Like `fedq connector serve`: surrounding whitespace (a trailing newline) is not part of the key.
    const trim = (b) => {
        let s = 0, e = b.length;
        while (s < e && ' \t\r\n\v\f'.includes(String.fromCharCode(b[s]))) s++;
        while (e > s && ' \t\r\n\v\f'.includes(String.fromCharCode(b[e - 1]))) e--;
        return b.subarray(s, e);
    };
    if (o.keyFile) key = trim(fs.readFileSync(o.keyFile));
    else if (process.env.FEDQ_CONNECTOR_KEY) key = trim(Buffer.from(process.env.FEDQ_CONNECTOR_KEY, 'utf8'));
    if (key !== null) {
        if (key.length === 0) usage('the key is empty');
    } else if (!o.insecure) {
        usage('no key: pass --auth-key-file (or $FEDQ_CONNECTOR_KEY), or --insecure-no-auth on a loopback address');
    } else if (!is_loopback(host)) {
        usage('--insecure-no-auth only listens on loopback addresses');
    }
    const connector = new ProductsConnector(load_catalog(o.data), o);
    const server = create_service({ connector, key, quiet: o.quiet });
    server.on('error', (e) => { console.error(`error: ${e.message}`); process.exit(1); });
    server.listen(port, host, () => {
        const a = server.address();
        // First line on stdout: where we listen (tests start us on port 0 and read it).
        process.stdout.write(`listening on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}\n`);
    });
    const stop = () => server.shutdown(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main().catch((e) => { console.error(`error: ${e.message}`); process.exit(1); });
}
