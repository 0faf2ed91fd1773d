#!/usr/bin/env node
// Conformance checks of a fedq connector service against docs/connector-protocol.md (version 1), from the
// outside: any service URL and its signing key.
//
//   node tests/remote/conformance.mjs --url http://127.0.0.1:9200 (--key KEY | --key-file FILE) [--table s.t]
//        [--expect-connector NAME] [--verbose]
//
// Checks: health (unsigned, shape); unsigned / badly signed / stale / malformed / replayed requests refused with
// 401 28000 (not retryable); 404 / 405 (Allow: POST) / 400 22032 with error bodies; capabilities,
// list_schemas, list_tables (following page tokens), get_table (TableInfo shape, null for a missing table),
// negotiate, plan_scan (ScanPlan shape; paging with max_splits = 1 repeats the plan and ends with an empty
// token), read_split of every split (application/vnd.apache.arrow.stream, chunked, end-of-stream marker, read
// by apache-arrow's RecordBatchReader with the requested columns in order and the documented type mapping),
// read_split of a missing table (structured error), cancel (unknown query is not an error; a later read of the
// cancelled query fails 409 57014), metrics text, keep-alive reuse. The signer itself is checked against the
// document's worked example. Prints "N passed, M failed"; exits 1 when anything failed, 2 on a setup error.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
};
const base = opt('--url');
let key = opt('--key');
if (opt('--key-file')) key = fs.readFileSync(opt('--key-file'), 'utf8').trim();
const verbose = args.includes('--verbose');
if (!base || key === null) {
    console.error('usage: conformance.mjs --url URL (--key KEY | --key-file FILE) [--table schema.table] ' +
                  '[--expect-connector NAME] [--verbose]');
    process.exit(2);
}
let A;
try {
    const require = createRequire(import.meta.url);
    const paths = [...(process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean), here,
                   path.resolve(here, '../../bench')];
    A = require(require.resolve('apache-arrow', { paths }));
} catch (error) {
    console.error(`apache-arrow is not installed: run (cd bench && npm ci) (${error.message})`);
    process.exit(2);
}

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
    if (ok) {
        passed++;
        if (verbose) console.log(`ok   ${name}`);
    } else {
        failed++;
        console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
    }
    return ok;
}
let warnings = 0;
function warn(name, detail = '') {  // a SHOULD of the document that the service does not follow
    warnings++;
    console.log(`WARN ${name}${detail ? ': ' + detail : ''}`);
}
const show = (x) => {
    const s = typeof x === 'string' ? x : JSON.stringify(x);
    return s && s.length > 300 ? s.slice(0, 300) + '...' : s;
};

// ------------------------------------------------------------------------------------------ HTTP + signing
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const url = new URL(base);
function sign(k, method, p, date, nonce, body) {
    const digest = crypto.createHash('sha256').update(body).digest('hex');
    return 'v1=' + crypto.createHmac('sha256', k).update(`FEDQ1\n${method}\n${p}\n${date}\n${nonce}\n${digest}`)
        .digest('hex');
}
function signed_headers(p, body, { date = Math.floor(Date.now() / 1000), nonce = crypto.randomBytes(16).toString('hex'),
                                   k = key } = {}) {
    return { 'X-Fedq-Date': String(date), 'X-Fedq-Nonce': nonce, 'X-Fedq-Signature': sign(k, 'POST', p, String(date), nonce, body) };
}
// One request; resolves {status, headers, body (Buffer), socket reuse info}.
function request(method, p, { body = null, headers = {}, chunked = false } = {}) {
    return new Promise((resolve, reject) => {
        const h = { ...headers };
        if (body !== null && !chunked) h['Content-Length'] = Buffer.byteLength(body);
        if (body !== null) h['Content-Type'] = 'application/json';
        const req = http.request({ host: url.hostname, port: url.port, path: p, method, headers: h, agent }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
                                          complete: res.complete, reused: req.reusedSocket }));
            res.on('error', reject);
            res.on('aborted', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
                                              complete: false, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.setTimeout(30000, () => req.destroy(new Error('timeout')));
        if (body !== null && chunked) {
            const b = Buffer.from(body);
            const mid = b.length >> 1;
            req.write(b.subarray(0, mid));
            req.write(b.subarray(mid));
        } else if (body !== null) req.write(body);
        req.end();
    });
}
async function call(name, payload, opts = {}) {
    const p = `/v1/${name}`, body = JSON.stringify(payload);
    const r = await request('POST', p, { body, headers: signed_headers(p, body), ...opts });
    let json = null;
    if ((r.headers['content-type'] || '').startsWith('application/json')) {
        try { json = JSON.parse(r.body.toString('utf8')); } catch { json = undefined; }
    }
    return { ...r, json };
}
function is_error_body(r, code, status) {
    const e = r.json?.error;
    return r.status === status && e && typeof e === 'object' && e.code === code && typeof e.message === 'string' &&
        e.retryable === false;
}
const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

// ------------------------------------------------------------------------------------------ checks
async function main() {
    // The signer against the document's worked example (section 10).
    check('signature example of the spec',
          sign('fedq-test-key', 'POST', '/v1/list_schemas', '1700000000', '000102030405060708090a0b0c0d0e0f', '{}') ===
          'v1=8aa48bb722022fbd43bb9e2a5e4ea617a6d172e7046f5edd3d19cb6d18e1f3b0');

    // Health.
    const health = await request('GET', '/v1/health');
    let hj = null;
    try { hj = JSON.parse(health.body.toString('utf8')); } catch { /* checked below */ }
    check('health 200 json', health.status === 200 && (health.headers['content-type'] || '').startsWith('application/json'),
          `${health.status} ${health.headers['content-type']}`);
    check('health shape', hj && hj.status === 'ok' && hj.protocol === 1 && typeof hj.connector === 'string', show(hj));
    if (opt('--expect-connector')) check('health connector', hj?.connector === opt('--expect-connector'), show(hj));
    check('health has content-length', health.headers['content-length'] === String(health.body.length));

    // Authentication.
    const p = '/v1/list_schemas', body = '{}';
    let r = await call('list_schemas', {});
    check('signed list_schemas 200', r.status === 200, `${r.status} ${show(r.body.toString())}`);
    const refused = async (name, headers, b = body) => {
        const x = await request('POST', p, { body: b, headers });
        x.json = null;
        try { x.json = JSON.parse(x.body.toString('utf8')); } catch { /* checked */ }
        check(`refused: ${name}`, is_error_body(x, '28000', 401), `${x.status} ${show(x.body.toString())}`);
        check(`refusal does not reveal the key: ${name}`, !x.body.toString().includes(key));
    };
    await refused('unsigned', {});
    const good = signed_headers(p, body);
    await refused('missing signature', { 'X-Fedq-Date': good['X-Fedq-Date'], 'X-Fedq-Nonce': good['X-Fedq-Nonce'] });
    await refused('wrong key', signed_headers(p, body, { k: key + 'x' }));
    await refused('signature over another body', signed_headers(p, '{"x":1}'));
    await refused('signature over another path', { ...signed_headers('/v1/list_tables', body) });
    const now = Math.floor(Date.now() / 1000);
    await refused('date 1000 s old', signed_headers(p, body, { date: now - 1000 }));
    await refused('date 1000 s ahead', signed_headers(p, body, { date: now + 1000 }));
    {
        const nonce = crypto.randomBytes(16).toString('hex');
        const h = signed_headers(p, body, { nonce });
        await refused('date not an integer', { ...h, 'X-Fedq-Date': `${now}.5` });
        await refused('nonce not 32 hex digits', signed_headers(p, body, { nonce: 'abc' }));
        await refused('signature not v1=', { ...h, 'X-Fedq-Signature': h['X-Fedq-Signature'].replace('v1=', 'v2=') });
        await refused('upper-case signature', { ...h, 'X-Fedq-Signature': 'v1=' + 'A'.repeat(64) });
    }
    {
        const h = signed_headers(p, body);
        const first = await request('POST', p, { body, headers: h });
        check('fresh signed request accepted', first.status === 200, String(first.status));
        await refused('replayed request', h);
        // A forged request with a fresh nonce does not burn the nonce: signed properly afterwards it is accepted.
        const nonce = crypto.randomBytes(16).toString('hex');
        await refused('forged with fresh nonce', { ...signed_headers(p, body, { nonce, k: 'not-the-key' }) });
        const later = await request('POST', p, { body, headers: signed_headers(p, body, { nonce }) });
        check('nonce of a forged request still usable', later.status === 200, String(later.status));
    }

    // Transport-level errors.
    r = await request('GET', '/v1/list_schemas');
    let j = null;
    try { j = JSON.parse(r.body.toString()); } catch { /* */ }
    check('GET on a call: 405 Allow: POST with error body', r.status === 405 && /POST/.test(r.headers.allow || '') &&
          isObj(j?.error) && typeof j.error.code === 'string', `${r.status} ${r.headers.allow} ${show(r.body.toString())}`);
    r = await request('GET', '/v2/nothing-here');
    try { j = JSON.parse(r.body.toString()); } catch { j = null; }
    check('unknown path: 404 with error body', r.status === 404 && isObj(j?.error) && typeof j.error.code === 'string' &&
          j.error.code.length === 5, `${r.status} ${show(r.body.toString())}`);
    {
        const b = '{"schema": ';
        const x = await request('POST', '/v1/list_tables', { body: b, headers: signed_headers('/v1/list_tables', b) });
        try { x.json = JSON.parse(x.body.toString()); } catch { x.json = null; }
        check('malformed JSON: 400 22032', is_error_body(x, '22032', 400), `${x.status} ${show(x.body.toString())}`);
    }
    r = await call('list_schemas', {}, { chunked: true });
    check('chunked request body accepted', r.status === 200 && Array.isArray(r.json?.schemas), `${r.status}`);

    // Metadata.
    r = await call('capabilities', {});
    const caps = r.json;
    check('capabilities shape', r.status === 200 && caps?.protocol === 1 && Array.isArray(caps.capabilities) &&
          caps.capabilities.every((c) => typeof c === 'string') && typeof caps.connector === 'string', show(caps));
    r = await call('list_schemas', { query_id: 'conformance', identity: { user: 'conformance', roles: ['test'] } });
    const schemas = r.json?.schemas;
    check('list_schemas shape', r.status === 200 && Array.isArray(schemas) && schemas.length > 0 &&
          schemas.every((s) => typeof s === 'string'), show(r.json));
    check('list_schemas JSON content-length', r.headers['content-length'] === String(r.body.length));
    r = await call('list_schemas', { future_member: { nested: [1, 2] } });
    check('unknown request members ignored', r.status === 200, String(r.status));

    let target = null;
    const allTables = {};
    for (const schema of schemas ?? []) {
        const names = [];
        let token = '', pages = 0;
        do {
            r = await call('list_tables', { schema, page_token: token });
            const ok = check(`list_tables ${schema} shape`, r.status === 200 && Array.isArray(r.json?.tables) &&
                             typeof (r.json.next_page_token ?? '') === 'string', show(r.json));
            if (!ok) break;
            names.push(...r.json.tables);
            token = r.json.next_page_token ?? '';
        } while (token !== '' && ++pages < 1000);
        allTables[schema] = names;
        if (!target && names.length) target = { schema, table: names[0] };
    }
    if (opt('--table')) {
        const [schema, table] = opt('--table').split('.');
        target = { schema, table };
        check('--table is listed', (allTables[schema] ?? []).includes(table), show(allTables));
    }
    if (!check('a table to scan', target !== null)) return;

    r = await call('get_table', { schema: target.schema, table: target.table });
    const info = r.json?.table;
    check('get_table TableInfo shape', r.status === 200 && isObj(info) && isObj(info.handle) &&
          info.handle.schema === target.schema && info.handle.table === target.table &&
          ['BASE TABLE', 'VIEW'].includes(info.kind) && Array.isArray(info.columns) && info.columns.length > 0 &&
          info.columns.every((c) => typeof c.name === 'string' && isObj(c.type) && typeof c.type.id === 'string'),
          show(r.json));
    r = await call('get_table', { schema: target.schema, table: 'no_such_table_conformance' });
    check('get_table of a missing table: null', r.status === 200 && r.json && r.json.table === null, show(r.json));
    if (!info) return;

    // Planning.
    const columns = info.columns.map((c) => c.name);
    const scan = { table: info.handle, columns, constraint: { none: false, domains: {} }, limit: null,
                      batch_rows: 3, target_splits: 4 };
    r = await call('negotiate', { request: scan, query_id: 'conformance' });
    check('negotiate: a plan without splits', r.status === 200 && isObj(r.json?.plan) &&
          (r.json.plan.splits ?? []).length === 0, `${r.status} ${show(r.json)}`);
    r = await call('plan_scan', { request: scan, page_token: '', max_splits: 1000, query_id: 'conformance' });
    const plan = r.json?.plan;
    check('plan_scan ScanPlan shape', r.status === 200 && isObj(plan) && Array.isArray(plan.splits) &&
          typeof (plan.description ?? '') === 'string' && typeof (r.json.next_page_token ?? '') === 'string' &&
          plan.splits.every((s) => isObj(s) && isObj(s.payload ?? {}) && typeof (s.description ?? '') === 'string'),
          show(r.json));
    const splits = plan?.splits ?? [];
    {
        // Paging with one split per page.
        const paged = [];
        let token = '', pages = 0, same = true;
        do {
            const x = await call('plan_scan', { request: scan, page_token: token, max_splits: 1, query_id: 'conformance' });
            if (x.status !== 200 || !isObj(x.json?.plan)) {
                check('plan_scan paging', false, `${x.status} ${show(x.json)}`);
                break;
            }
            if (x.json.plan.splits.length > 1) same = false;
            if ((x.json.plan.description ?? '') !== (plan?.description ?? '')) same = false;
            paged.push(...x.json.plan.splits);
            token = x.json.next_page_token ?? '';
        } while (token !== '' && ++pages < 10000);
        check('plan_scan pages of max_splits = 1 repeat the plan and give the same splits',
              same && JSON.stringify(paged) === JSON.stringify(splits), `${paged.length} vs ${splits.length}`);
    }
    r = await call('plan_scan', { request: { ...scan, table: { schema: target.schema, table: 'no_such_table_conformance' } } });
    check('plan_scan of a missing table: structured error', r.status >= 400 &&
          typeof r.json?.error?.code === 'string' && r.json.error.code.length === 5, `${r.status} ${show(r.json)}`);
    if (r.status !== 404 || r.json?.error?.code !== '42P01') {
        warn('plan_scan of a missing table: section 6 suggests 404 42P01', `${r.status} ${show(r.json)}`);
    }

    // Reading.
    const expected = {
        boolean: 'Bool', tinyint: 'Int8', smallint: 'Int16', integer: 'Int32', bigint: 'Int64', real: 'Float32',
        double: 'Float64', varchar: 'Utf8', json: 'Utf8', varbinary: 'Binary', date: 'Date32<DAY>',
        timestamp: 'Timestamp<MICROSECOND>', 'timestamp with time zone': 'Timestamp<MICROSECOND, UTC>',
    };
    let total = 0;
    for (const [i, split] of splits.entries()) {
        const x = await call('read_split', { query_id: 'conformance-read', request: scan, split,
                                             output_types: info.columns.map((c) => c.type) });
        check(`read_split ${i}: 200 arrow stream`, x.status === 200 &&
              x.headers['content-type'] === 'application/vnd.apache.arrow.stream', `${x.status} ${show(x.body.toString())}`);
        check(`read_split ${i}: chunked and complete`, x.headers['transfer-encoding'] === 'chunked' && x.complete);
        check(`read_split ${i}: ends with the end-of-stream marker`,
              x.body.length >= 8 && x.body.subarray(x.body.length - 8).toString('hex') === 'ffffffff00000000');
        try {
            const reader = A.RecordBatchReader.from(x.body).open();
            const fields = reader.schema?.fields ?? [];
            let rows = 0, schemaOk = true, detail = '';
            for (const batch of reader) rows += batch.numRows;
            if (fields.length !== columns.length) { schemaOk = false; detail = `${fields.length} fields`; }
            fields.forEach((f, k) => {
                const t = info.columns[k]?.type;
                const want = expected[t?.id];
                if (t?.id === 'decimal') {
                    if (f.type.typeId !== A.Type.Decimal || f.type.precision !== t.precision || f.type.scale !== t.scale ||
                        f.type.bitWidth !== 128) {
                        schemaOk = false;
                        detail += ` ${f.name}: ${f.type} (want decimal(${t.precision},${t.scale}), 128 bits)`;
                    }
                } else if (want && String(f.type) !== want) {
                    schemaOk = false;
                    detail += ` ${f.name}: ${f.type} (want ${want})`;
                }
                if (!f.nullable) { schemaOk = false; detail += ` ${f.name} not nullable`; }
            });
            check(`read_split ${i}: schema has the requested columns with the documented types`, schemaOk, detail);
            total += rows;
        } catch (e) {
            check(`read_split ${i}: readable by apache-arrow`, false, e.message);
        }
    }
    const rowCount = info.statistics?.row_count;
    if (Number.isInteger(rowCount)) check('rows read = statistics.row_count', total === rowCount, `${total} vs ${rowCount}`);

    if (splits.length) {
        // A missing table in read_split: structured error before the stream starts.
        r = await call('read_split', { query_id: 'conformance-bad',
                                       request: { ...scan, table: { schema: target.schema, table: 'no_such_table_conformance' } },
                                       split: splits[0] });
        check('read_split of a missing table: structured error', r.status >= 400 && typeof r.json?.error?.code === 'string' &&
              r.json.error.code.length === 5 && typeof r.json.error.retryable === 'boolean', `${r.status} ${show(r.json)}`);
        // Cancel: unknown query is fine; a later read of a cancelled query fails 409 57014.
        const qid = `conformance-cancel-${crypto.randomBytes(4).toString('hex')}`;
        r = await call('cancel', { query_id: qid });
        check('cancel of an idle query', r.status === 200 && Number.isInteger(r.json?.cancelled_reads), show(r.json));
        r = await call('read_split', { query_id: qid, request: scan, split: splits[0] });
        check('read_split of a cancelled query: 409 57014', r.status === 409 && r.json?.error?.code === '57014',
              `${r.status} ${show(r.json ?? r.body.toString().slice(0, 100))}`);
    }

    // Keep-alive: the agent reuses its connection for consecutive calls.
    await call('list_schemas', {});
    r = await call('list_schemas', {});
    check('keep-alive connection reused', r.reused === true);

    // Metrics.
    r = await request('GET', '/metrics');
    const text = r.body.toString();
    check('metrics text', r.status === 200 && /fedq_connector_requests_total\{/.test(text) &&
          /fedq_connector_bytes_sent_total/.test(text), `${r.status} ${show(text)}`);
    check('metrics do not reveal the key', !text.includes(key));
}

try {
    await main();
} catch (e) {
    check('conformance run', false, e.stack);
}
agent.destroy();
console.log(`${passed} passed, ${failed} failed${warnings ? `, ${warnings} warnings` : ''}`);
process.exit(failed ? 1 : 0);
