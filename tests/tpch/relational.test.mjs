// Unit tests for the --source modes of check_answers.mjs (tests/tpch/relational.mjs) that need no server:
// the table mapping per mode, the schema name per SF, the fedq.toml, and the DECIMAL-scale comparison.
// Run: node --test tests/tpch/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TABLES, compareResults, querySql } from '../../bench/lib/tpch.mjs';
import { makeHome, schemaName, sourcesOf, tableMap } from './relational.mjs';

test('schema names carry the scale factor', () => {
    assert.equal(schemaName(0.05), 'tpch_sf0_05');
    assert.equal(schemaName(1), 'tpch_sf1');
    assert.equal(schemaName('0.10'), 'tpch_sf0_1');
});

test('each mode maps the tables to its sources', () => {
    assert.deepEqual(tableMap('csv', 's'), {});
    const pg = tableMap('postgres', 's');
    const my = tableMap('mysql', 's');
    for (const t of TABLES) {
        assert.equal(pg[t], `pg.s.${t}`);
        assert.equal(my[t], `my.s.${t}`);
    }
    const fed = tableMap('federated', 's');
    assert.equal(fed.lineitem, undefined);  // stays a CSV file
    assert.equal(fed.orders, 'pg.s.orders');
    assert.equal(fed.nation, 'pg.s.nation');
    assert.equal(fed.region, 'pg.s.region');
    assert.equal(fed.customer, 'my.s.customer');
    assert.equal(fed.supplier, 'my.s.supplier');
    assert.equal(fed.part, 'lite.main.part');
    assert.equal(fed.partsupp, 'lite.main.partsupp');
    assert.deepEqual(sourcesOf('federated'), ['pg', 'my', 'lite']);
    assert.deepEqual(sourcesOf('csv'), []);
    assert.throws(() => sourcesOf('oracle'), /unknown --source oracle/);
});

test('queries read the mapped tables in fedq and the CSV files in DuckDB', () => {
    const map = tableMap('federated', 'tpch_sf0_05');
    const fedq = querySql(3, '/data', 'fedq', map);
    assert.match(fedq, /my\.tpch_sf0_05\.customer/);
    assert.match(fedq, /pg\.tpch_sf0_05\.orders/);
    assert.match(fedq, /'\/data\/lineitem\.csv'/);
    const duck = querySql(3, '/data', 'duckdb', map);
    assert.doesNotMatch(duck, /tpch_sf0_05/);
    assert.match(duck, /read_csv\('\/data\/customer\.csv'\)/);
});

test('the fedq home declares the catalogs pg, my and lite', () => {
    const home = makeHome('/data/tpch.sqlite');
    try {
        const toml = fs.readFileSync(path.join(home, 'fedq.toml'), 'utf8');
        assert.match(toml, /\[catalogs\.pg\]\ntype = "postgres"/);
        assert.match(toml, /\[catalogs\.my\]\ntype = "mysql"/);
        assert.match(toml, /\[catalogs\.lite\]\ntype = "sqlite"\npath = "\/data\/tpch.sqlite"/);
        assert.equal(fs.statSync(path.join(home, 'fedq.toml')).mode & 0o077, 0);
    } finally {
        fs.rmSync(home, { recursive: true, force: true });
    }
});

test('decimalScale accepts a DECIMAL answer that is the expected value rounded to its scale', () => {
    const expected = {
        columns: ['avg_qty', 'mkt_share', 'n'],
        types: ['DOUBLE', 'DOUBLE', 'BIGINT'],
        rows: [['25.5418172466534', '0.008502664676449055', '7']],
    };
    const actual = (row) => ({ columns: null, types: null, rows: [row] });
    const on = { decimalScale: true };
    assert.equal(compareResults(expected, actual(['25.54', '0.0085', '7']), [], 5, on).ok, true);
    assert.equal(compareResults(expected, actual(['25.54', '0.0085', '7'])).ok, false);  // off by default
    // Truncated instead of rounded, or a wrong digit: still a difference.
    assert.equal(compareResults(expected, actual(['25.54', '0.0086', '7']), [], 5, on).ok, false);
    assert.equal(compareResults(expected, actual(['25.55', '0.0085', '7']), [], 5, on).ok, false);
    const half = { columns: ['x'], types: ['DOUBLE'], rows: [['0.125']] };
    assert.equal(compareResults(half, actual(['0.13']), [], 5, on).ok, true);
    assert.equal(compareResults(half, actual(['0.12']), [], 5, on).ok, true);  // a double's half is ambiguous
    assert.equal(compareResults(half, actual(['0.11']), [], 5, on).ok, false);
    // Integers (no fraction digits) are compared as before.
    assert.equal(compareResults(expected, actual(['25.5418172466534', '0.008502664676449055', '8']), [], 5, on).ok,
        false);
});
