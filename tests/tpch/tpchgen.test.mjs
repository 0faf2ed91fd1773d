// Checks fedq-tpchgen's output against the TPC-H rules it implements, using DuckDB to query the CSV files.
// Run: node --test tests/tpch/   (finds fedq-tpchgen in build*/ or via FEDQ_TPCHGEN; skips without it)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { TABLES, findTpchgen, openDuckDB } from '../../bench/lib/tpch.mjs';

const tpchgen = findTpchgen(process.env.FEDQ_TPCHGEN, null);
const skip = tpchgen ? false : 'fedq-tpchgen not built (ninja -C build fedq-tpchgen)';
const SF = 0.01;
let dir;
let connection;

function generate(out, extra = []) {
    const result = spawnSync(tpchgen, ['--sf', String(SF), '--out', out, ...extra], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
}

async function scalar(sql) {
    const tables = Object.fromEntries(TABLES.map((t) => [t, `read_csv('${path.join(dir, `${t}.csv`)}')`]));
    const text = sql.replace(/\{([a-z]+)\}/g, (whole, t) => tables[t] ?? whole);
    const reader = await connection.runAndReadAll(text);
    const value = reader.getRows()[0][0];
    return typeof value === 'bigint' ? Number(value) : value;
}

before(async () => {
    if (skip) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpchgen-test-'));
    generate(dir);
    ({ connection } = await openDuckDB());
});

after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('cardinalities follow the scale factor', { skip }, async () => {
    assert.equal(await scalar('select count(*) from {region}'), 5);
    assert.equal(await scalar('select count(*) from {nation}'), 25);
    assert.equal(await scalar('select count(*) from {supplier}'), 100);
    assert.equal(await scalar('select count(*) from {part}'), 2000);
    assert.equal(await scalar('select count(*) from {partsupp}'), 8000);
    assert.equal(await scalar('select count(*) from {customer}'), 1500);
    assert.equal(await scalar('select count(*) from {orders}'), 15000);
    const lines = await scalar('select count(*) from {lineitem}');
    assert.ok(lines > 15000 * 3.8 && lines < 15000 * 4.2, `lineitem rows ${lines}`);
    assert.equal(await scalar('select min(cnt) from (select count(*) cnt from {lineitem} group by l_orderkey)'), 1);
    assert.equal(await scalar('select max(cnt) from (select count(*) cnt from {lineitem} group by l_orderkey)'), 7);
});

test('keys: sparse order keys, customers without orders, partsupp suppliers', { skip }, async () => {
    // dbgen's mk_sparse: keys 1..7, 32..39, 64..71, ... (only the low 8 of every 32 keys are used)
    assert.equal(await scalar('select count(*) from {orders} where o_orderkey % 32 >= 8'), 0);
    assert.equal(await scalar('select count(distinct o_orderkey) from {orders}'), 15000);
    assert.equal(await scalar('select max(o_orderkey) from {orders}'), Math.floor(15000 / 8) * 32);
    assert.equal(await scalar('select count(*) from {orders} where o_custkey % 3 = 0'), 0);
    assert.equal(await scalar('select count(distinct (ps_partkey, ps_suppkey)) from {partsupp}'), 8000);
    assert.equal(
        await scalar(
            'select count(*) from {lineitem} left join {partsupp} on l_partkey = ps_partkey and l_suppkey = ps_suppkey ' +
                'where ps_partkey is null',
        ),
        0,
    );
    assert.equal(await scalar('select count(*) from {lineitem} where l_orderkey not in (select o_orderkey from {orders})'), 0);
});

test('prices: retail price formula, extended price, total price', { skip }, async () => {
    assert.equal(
        await scalar(
            'select count(*) from {part} where abs(p_retailprice - (90000 + ((p_partkey // 10) % 20001) + ' +
                '100 * (p_partkey % 1000)) / 100.0) > 0.001',
        ),
        0,
    );
    assert.equal(
        await scalar(
            'select count(*) from {lineitem} join {part} on l_partkey = p_partkey ' +
                'where abs(l_extendedprice - l_quantity * p_retailprice) > 0.001',
        ),
        0,
    );
    assert.equal(
        await scalar(
            'select count(*) from {orders} join (select l_orderkey, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) t ' +
                'from {lineitem} group by l_orderkey) on o_orderkey = l_orderkey where abs(o_totalprice - t) > 0.15',
        ),
        0,
    );
    assert.equal(await scalar('select min(l_discount) * 100 + max(l_discount) * 100 from {lineitem}'), 10);
    assert.equal(await scalar('select round(max(l_tax), 2) from {lineitem}'), 0.08);
    assert.equal(await scalar('select min(l_quantity) + max(l_quantity) from {lineitem}'), 51);
});

test('dates and flags follow the 1995-06-17 rules', { skip }, async () => {
    assert.equal(String(await scalar('select min(o_orderdate) from {orders}')), '1992-01-01');
    assert.equal(await scalar("select count(*) from {orders} where o_orderdate > date '1998-08-02'"), 0);
    const bad = [
        'l_shipdate <= o_orderdate or l_shipdate > o_orderdate + 121',
        'l_commitdate < o_orderdate + 30 or l_commitdate > o_orderdate + 90',
        'l_receiptdate <= l_shipdate or l_receiptdate > l_shipdate + 30',
        "(l_receiptdate <= date '1995-06-17') <> (l_returnflag in ('R', 'A'))",
        "(l_shipdate > date '1995-06-17') <> (l_linestatus = 'O')",
    ];
    for (const condition of bad) {
        assert.equal(await scalar(`select count(*) from {lineitem} join {orders} on l_orderkey = o_orderkey where ${condition}`), 0, condition);
    }
    assert.equal(
        await scalar(
            "select count(*) from {orders} join (select l_orderkey, bool_and(l_linestatus = 'F') f, bool_and(l_linestatus = 'O') o " +
                "from {lineitem} group by l_orderkey) on o_orderkey = l_orderkey where o_orderstatus <> case when f then 'F' when o then 'O' else 'P' end",
        ),
        0,
    );
    assert.equal(await scalar("select count(distinct o_orderstatus) from {orders}"), 3);
});

test('text domains: names, phones, types, comments', { skip }, async () => {
    assert.equal(await scalar("select count(*) from {part} where len(list_distinct(string_split(p_name, ' '))) <> 5"), 0);
    assert.equal(await scalar("select count(*) from {part} where p_brand <> 'Brand#' || right(p_mfgr, 1) || right(p_brand, 1)"), 0);
    assert.equal(await scalar('select count(distinct p_type) from {part}'), 150);
    assert.equal(await scalar('select count(distinct p_container) from {part}'), 40);
    assert.equal(await scalar("select count(*) from {customer} where not regexp_full_match(c_phone, '[1-3][0-9]-[1-9][0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{3}')"), 0);
    assert.equal(await scalar('select count(*) from {customer} where cast(left(c_phone, 2) as int) <> c_nationkey + 10'), 0);
    assert.equal(await scalar('select count(*) from {supplier} where cast(left(s_phone, 2) as int) <> s_nationkey + 10'), 0);
    assert.equal(await scalar("select count(*) from {supplier} where s_comment like '%Customer%Complaints%'"), 1);
    assert.equal(await scalar("select count(*) from {supplier} where s_comment like '%Customer%Recommends%'"), 1);
    assert.ok((await scalar("select count(*) from {orders} where o_comment like '%special%requests%'")) > 0);
    assert.ok((await scalar("select count(*) from {part} where p_name like '%green%'")) > 0);
    assert.equal(await scalar("select count(*) from {customer} where c_name <> 'Customer#' || lpad(c_custkey::varchar, 9, '0')"), 0);
    assert.ok((await scalar("select count(*) from {partsupp} where ps_comment like '%,%'")) > 0, 'comments with commas');
    assert.equal(await scalar('select max(length(l_comment)) <= 43 and max(length(ps_comment)) <= 198 from {lineitem}, {partsupp}'), true);
});

test('output is identical on every run and for any thread count', { skip }, () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'tpchgen-test-'));
    try {
        generate(other, ['--threads', '1']);
        for (const table of TABLES) {
            const a = fs.readFileSync(path.join(dir, `${table}.csv`));
            const b = fs.readFileSync(path.join(other, `${table}.csv`));
            assert.ok(a.equals(b), `${table}.csv differs`);
        }
        assert.deepEqual(fs.readdirSync(other).sort(), TABLES.map((t) => `${t}.csv`).sort());
    } finally {
        fs.rmSync(other, { recursive: true, force: true });
    }
});

test('bad arguments are rejected with exit status 2', { skip }, () => {
    for (const args of [[], ['--sf', '0'], ['--sf', '1'], ['--sf', '1', '--out', '/tmp/x', '--tables', 'bogus'], ['--what']]) {
        const result = spawnSync(tpchgen, args, { encoding: 'utf8' });
        assert.equal(result.status, 2, `args ${args.join(' ')}`);
        assert.match(result.stderr, /usage/);
    }
});
