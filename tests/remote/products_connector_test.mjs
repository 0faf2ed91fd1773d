// Tests of the JavaScript example connector (examples/connectors/products/server.mjs) on its own, in process
// over loopback HTTP: constraint evaluation edge cases, limit, split planning and paging, read_split errors,
// cancellation of a running stream (closed without the end-of-stream marker), chunked request bodies.
//   node --test tests/remote/products_connector_test.mjs
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const server_module = path.resolve(here, '../../examples/connectors/products/server.mjs');
const { create_service, load_catalog, ProductsConnector } = await import(server_module);
const require = createRequire(import.meta.url);
const A = require(require.resolve('apache-arrow', { paths: [path.resolve(here, '../../bench')] }));

const KEY = 'unit-test-key-' + crypto.randomBytes(8).toString('hex');
let server, port, dir;

before(async () => {
    // The shipped catalogue plus a big table (for streaming and cancellation).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedq-products-'));
    const doc = JSON.parse(fs.readFileSync(path.resolve(here, '../../examples/connectors/products/data/catalog.json')));
    doc.schemas.big = { numbers: { columns: [{ name: 'n', type: 'bigint' }, { name: 's', type: 'varchar' }],
                                   rows: Array.from({ length: 50000 }, (_, i) => [i, `row ${i} ${'x'.repeat(50)}`]) } };
    doc.schemas.edge = { strings: { columns: [{ name: 's', type: 'varchar' }, { name: 'd', type: 'decimal(6,2)' },
                                              { name: 'f', type: 'double' }],
                                    rows: [['a', '1.23', 1.5], ['\uffff', '1.24', 0], ['😀', '-1.24', null],
                                           ['', '-1.23', 2.5], [null, null, 1e300]] } };
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(doc));
    const connector = new ProductsConnector(load_catalog(path.join(dir, 'catalog.json')), { pageSize: 1, maxSplits: 1000 });
    server = create_service({ connector, key: Buffer.from(KEY) });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
});
after(() => {
    server.closeAllConnections?.();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
});

function headers(p, body) {
    const date = String(Math.floor(Date.now() / 1000)), nonce = crypto.randomBytes(16).toString('hex');
    const digest = crypto.createHash('sha256').update(body).digest('hex');
    const sig = crypto.createHmac('sha256', KEY).update(`FEDQ1\nPOST\n${p}\n${date}\n${nonce}\n${digest}`).digest('hex');
    return { 'X-Fedq-Date': date, 'X-Fedq-Nonce': nonce, 'X-Fedq-Signature': `v1=${sig}` };
}
function call(name, payload, { chunked = false, onResponse = null } = {}) {
    const p = `/v1/${name}`, body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
        const h = headers(p, body);
        if (!chunked) h['Content-Length'] = Buffer.byteLength(body);
        const req = http.request({ host: '127.0.0.1', port, path: p, method: 'POST', headers: h }, (res) => {
            if (onResponse) return onResponse(res, resolve);
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const buf = Buffer.concat(chunks);
                const json = (res.headers['content-type'] || '').startsWith('application/json') ? JSON.parse(buf) : null;
                resolve({ status: res.statusCode, headers: res.headers, body: buf, json });
            });
        });
        req.on('error', reject);
        if (chunked) {
            for (let i = 0; i < body.length; i += 7) req.write(body.slice(i, i + 7));
        } else req.write(body);
        req.end();
    });
}
const handle = (schema, table) => ({ schema, table, properties: {} });
const point = (v) => ({ low: { value: v, inclusive: true }, high: { value: v, inclusive: true } });
const range = (lo, loInc, hi, hiInc) => ({ low: lo === null ? null : { value: lo, inclusive: loInc },
                                           high: hi === null ? null : { value: hi, inclusive: hiInc } });
function scan(table, columns, domains = {}, extra = {}) {
    return { table, columns, constraint: { none: false, domains }, limit: null, batch_rows: 4096, target_splits: 3,
             ...extra };
}
// Plans and reads every split; returns { plan, rows: [[...]] } with values as apache-arrow gives them.
async function run(request) {
    const planned = await call('plan_scan', { request, page_token: '' });
    assert.equal(planned.status, 200, planned.body.toString());
    const rows = [];
    for (const split of planned.json.plan.splits) {
        const r = await call('read_split', { query_id: 'q', request, split });
        assert.equal(r.status, 200, r.body.toString());
        for (const batch of A.RecordBatchReader.from(r.body)) {
            for (let i = 0; i < batch.numRows; i++) rows.push(batch.schema.fields.map((_, k) => batch.getChildAt(k).get(i)));
        }
    }
    return { plan: planned.json.plan, rows };
}
const products = handle('catalog', 'products');

test('point and IN constraints on bigint, exact', async () => {
    const { plan, rows } = await run(scan(products, ['id'], { category_id: { type: { id: 'bigint' }, null_allowed: false,
                                                                             ranges: [point(3), point(4)] } }));
    assert.deepEqual(plan.constraint_accepted, { category_id: 'exact' });
    assert.deepEqual(rows.map((r) => Number(r[0])).sort((a, b) => a - b), [3, 4, 7, 8]);
});

test('null_allowed alone selects the NULLs; with ranges, both', async () => {
    let { rows } = await run(scan(products, ['id'], { name: { type: { id: 'varchar' }, null_allowed: true, ranges: [] } }));
    assert.deepEqual(rows.map((r) => Number(r[0])), [9]);
    ({ rows } = await run(scan(products, ['id'], { category_id: { type: { id: 'bigint' }, null_allowed: true,
                                                                  ranges: [point(3)] } })));
    assert.deepEqual(rows.map((r) => Number(r[0])).sort((a, b) => a - b), [3, 4, 9]);
});

test('none: no splits, no rows', async () => {
    const planned = await call('plan_scan', { request: { ...scan(products, ['id']), constraint: { none: true, domains: {} } } });
    assert.equal(planned.status, 200);
    assert.equal(planned.json.plan.splits.length, 0);
});

test('unknown constrained column is unsupported, the rest exact', async () => {
    const planned = await call('plan_scan', { request: scan(products, ['id'], {
        nope: { type: { id: 'bigint' }, null_allowed: false, ranges: [point(1)] },
        id: { type: { id: 'bigint' }, null_allowed: false, ranges: [range(2, false, 4, true)] } }) });
    assert.deepEqual(planned.json.plan.constraint_accepted, { nope: 'unsupported', id: 'exact' });
    const { rows } = await run(scan(products, ['id'], { id: { type: { id: 'bigint' }, null_allowed: false,
                                                              ranges: [range(2, false, 4, true)] } }));
    assert.deepEqual(rows.map((r) => Number(r[0])), [3, 4]);
});

test('decimal bounds finer than the column scale, negative values', async () => {
    const t = handle('edge', 'strings');
    const dec = (ranges) => ({ d: { type: { id: 'decimal', precision: 10, scale: 4 }, null_allowed: false, ranges } });
    let { rows } = await run(scan(t, ['s'], dec([range('1.235', true, null, false)])));
    assert.deepEqual(rows.map((r) => r[0]), ['\uffff']);          // 1.24 only
    ({ rows } = await run(scan(t, ['s'], dec([range(null, false, '-1.235', false)]))));
    assert.deepEqual(rows.map((r) => r[0]), ['😀']);               // -1.24 only
    ({ rows } = await run(scan(t, ['s'], dec([range('-1.2300', true, '1.2300', true)]))));
    assert.deepEqual(rows.map((r) => r[0]).sort(), ['', 'a']);    // -1.23 and 1.23
});

test('varchar ranges compare UTF-8 bytes (U+FFFF < emoji), like fedq', async () => {
    const t = handle('edge', 'strings');
    const { rows } = await run(scan(t, ['s'], { s: { type: { id: 'varchar' }, null_allowed: false,
                                                     ranges: [range('\uffff', false, null, false)] } }));
    assert.deepEqual(rows.map((r) => r[0]), ['😀']);
});

test('double ranges with infinities; NaN bounds are not judged', async () => {
    const t = handle('edge', 'strings');
    const { rows } = await run(scan(t, ['f'], { f: { type: { id: 'double' }, null_allowed: false,
                                                     ranges: [range(0, true, 'Infinity', false)] } }));
    assert.deepEqual(rows.map((r) => r[0]).sort((a, b) => a - b), [0, 1.5, 2.5, 1e300]);
    const planned = await call('plan_scan', { request: scan(t, ['f'], { f: { type: { id: 'double' }, null_allowed: false,
                                                                           ranges: [point('NaN')] } }) });
    assert.deepEqual(planned.json.plan.constraint_accepted, { f: 'unsupported' });
});

test('date, timestamp and boolean domains', async () => {
    const day = (s) => Date.parse(`${s}T00:00:00Z`) / 86400000;
    let { rows } = await run(scan(products, ['id'], { released: { type: { id: 'date' }, null_allowed: false,
                                                                  ranges: [range(day('2024-01-01'), true, null, false)] } }));
    assert.deepEqual(rows.map((r) => Number(r[0])), [11, 12]);
    const us = Date.parse('2024-02-29T12:34:56Z') * 1000;
    ({ rows } = await run(scan(products, ['id', 'updated_at'], { updated_at: { type: { id: 'timestamp' },
                                                                               null_allowed: false, ranges: [point(us)] } })));
    assert.deepEqual(rows.map((r) => Number(r[0])), [11]);
    ({ rows } = await run(scan(products, ['id'], { in_stock: { type: { id: 'boolean' }, null_allowed: false,
                                                               ranges: [point(false)] } })));
    assert.deepEqual(rows.map((r) => Number(r[0])), [3, 10]);
});

test('values and types in the Arrow stream', async () => {
    const { rows } = await run(scan(products, ['price', 'released', 'updated_at', 'name', 'in_stock'],
                                    { id: { type: { id: 'bigint' }, null_allowed: false, ranges: [point(3), point(9)] } }));
    rows.sort((a, b) => (a[3] === null) - (b[3] === null));
    const [p3, p9] = rows;
    assert.equal(p3[3], 'Espresso-Maschine Größe M');
    assert.equal(p3[4], false);
    assert.equal(p3[1], Date.UTC(2022, 5, 30));                              // DateDay reads as ms
    assert.equal(Math.round(p3[2] * 1000), Date.UTC(2024, 2, 5, 9, 15, 30) * 1000 + 123456);  // ms, fractional
    assert.deepEqual(p9, [null, null, null, null, null]);
});

test('limit: one split, at most limit rows', async () => {
    const { plan, rows } = await run(scan(products, ['id'], {}, { limit: 5 }));
    assert.equal(plan.limit_accepted, true);
    assert.equal(plan.splits.length, 1);
    assert.equal(rows.length, 5);
    const zero = await run(scan(products, ['id'], {}, { limit: 0 }));
    assert.equal(zero.rows.length, 0);
});

test('splits cover the table once; plan paging with max_splits', async () => {
    const request = scan(handle('big', 'numbers'), ['n'], {}, { target_splits: 4, batch_rows: 1000 });
    const full = await call('plan_scan', { request });
    assert.equal(full.json.plan.splits.length, 4);
    const seen = [];
    let token = '';
    do {
        const page = await call('plan_scan', { request, page_token: token, max_splits: 3 });
        assert.equal(page.json.plan.description, full.json.plan.description);
        seen.push(...page.json.plan.splits);
        token = page.json.next_page_token;
    } while (token);
    assert.deepEqual(seen, full.json.plan.splits);
    const { rows } = await run(request);
    assert.equal(rows.length, 50000);
    assert.equal(new Set(rows.map((r) => Number(r[0]))).size, 50000);
});

test('list_tables pages (page size 1)', async () => {
    const first = await call('list_tables', { schema: 'catalog', page_token: '' });
    assert.deepEqual(first.json, { tables: ['categories'], next_page_token: '1' });
    const second = await call('list_tables', { schema: 'catalog', page_token: '1' });
    assert.deepEqual(second.json, { tables: ['products'], next_page_token: '' });
    const bad = await call('list_tables', { schema: 'catalog', page_token: 'zz' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, '22023');
    const missing = await call('list_tables', { schema: 'nope' });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, '42704');
});

test('read_split errors are structured, before the stream', async () => {
    const request = scan(products, ['id']);
    const { json } = await call('plan_scan', { request });
    const split = json.plan.splits[0];
    let r = await call('read_split', { request: scan(products, ['id', 'nope']), split });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, '42703');
    r = await call('read_split', { request, split: { payload: { schema: 'catalog', table: 'products', from: 0, to: 999 } } });
    assert.equal(r.json.error.code, '22023');
    r = await call('read_split', { request: scan(handle('catalog', 'nope'), ['id']), split });
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, '42P01');
    assert.equal(r.json.error.retryable, false);
    r = await call('read_split', { request: { ...request, aggregation: { groups: [], aggregates: [] } }, split });
    assert.equal(r.status, 501);
    assert.equal(r.json.error.code, '0A000');
});

test('cancel stops a running stream without the end-of-stream marker', async () => {
    const request = scan(handle('big', 'numbers'), ['n', 's'], {}, { target_splits: 1, batch_rows: 10 });
    const { json } = await call('plan_scan', { request });
    const qid = `cancel-${crypto.randomBytes(4).toString('hex')}`;
    const result = await call('read_split', { query_id: qid, request, split: json.plan.splits[0] }, {
        onResponse: (res, resolve) => {
            const chunks = [];
            let cancelled = null;
            res.once('data', async (c) => {
                chunks.push(c);
                res.pause();
                cancelled = await call('cancel', { query_id: qid });
                res.resume();
                res.on('data', (d) => chunks.push(d));
            });
            const finish = () => resolve({ status: res.statusCode, complete: res.complete, body: Buffer.concat(chunks),
                                           cancelled });
            res.on('end', finish);
            res.on('aborted', finish);
            res.on('error', finish);
            res.on('close', finish);
        },
    }).catch((e) => ({ error: e }));
    assert.equal(result.status, 200);
    assert.equal(result.complete, false);
    assert.notEqual(result.body.subarray(result.body.length - 8).toString('hex'), 'ffffffff00000000');
    // A later read of the cancelled query fails at once.
    const again = await call('read_split', { query_id: qid, request, split: json.plan.splits[0] });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, '57014');
});

test('chunked request bodies', async () => {
    const r = await call('get_table', { schema: 'catalog', table: 'categories' }, { chunked: true });
    assert.equal(r.status, 200);
    assert.equal(r.json.table.columns.length, 4);
    assert.equal(r.json.table.statistics.row_count, 5);
    assert.deepEqual(r.json.table.statistics.columns.id.min, { type: { id: 'bigint' }, value: 1 });
});
