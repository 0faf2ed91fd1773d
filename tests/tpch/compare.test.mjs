// Unit tests for the CSV parsing and result comparison used by check_answers.mjs and bench/run.mjs.
// Run: node --test tests/tpch/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
    cleanSql,
    compareResults,
    csvToResult,
    parseCsv,
    parseQueryList,
    readQuery,
    substituteTables,
} from '../../bench/lib/tpch.mjs';

test('parseCsv handles quotes, embedded commas, quotes, newlines, CRLF and NULLs', () => {
    const rows = parseCsv('a,b,c\r\n"x, y","say ""hi""",\n"multi\nline","",3\n');
    assert.deepEqual(rows, [
        ['a', 'b', 'c'],
        ['x, y', 'say "hi"', null],
        ['multi\nline', '', '3'],
    ]);
    assert.deepEqual(parseCsv('1,2'), [['1', '2']]);
    assert.deepEqual(parseCsv(''), []);
});

const expected = {
    columns: ['l_returnflag', 'sum_qty', 'revenue', 'd'],
    types: ['VARCHAR', 'BIGINT', 'DOUBLE', 'DATE'],
    rows: [
        ['A', '10', '100.004', '1995-01-01'],
        ['N', '20', '200', '1996-01-01'],
        ['R', '30', null, '1997-01-01'],
    ],
};

test('csvToResult drops a header row by name or by non-numeric text in numeric columns', () => {
    const named = csvToResult('l_returnflag,sum_qty,revenue,d\nA,10,100.004,1995-01-01\n', expected);
    assert.equal(named.rows.length, 1);
    const renamed = csvToResult('flag,sum(l_quantity),rev,d\nA,10,100.004,1995-01-01\n', expected);
    assert.equal(renamed.rows.length, 1);
    const headerless = csvToResult('A,10,100.004,1995-01-01\n', expected);
    assert.equal(headerless.rows.length, 1);
});

test('compareResults accepts equal answers within tolerance', () => {
    const actual = csvToResult('A,10,100.00,1995-01-01\nN,20,200.0000001,1996-01-01\nR,30,,1997-01-01\n', expected);
    assert.deepEqual(compareResults(expected, actual, [0]), { ok: true, messages: [] });
});

test('compareResults reports value, date, NULL, row and column count differences', () => {
    const wrongValue = csvToResult('A,11,100.004,1995-01-01\nN,20,200,1996-01-01\nR,30,,1997-01-01\n', expected);
    let result = compareResults(expected, wrongValue, [0]);
    assert.equal(result.ok, false);
    assert.match(result.messages[0], /row 1/);

    const wrongDate = csvToResult('A,10,100.004,1995-01-02\nN,20,200,1996-01-01\nR,30,,1997-01-01\n', expected);
    assert.equal(compareResults(expected, wrongDate, [0]).ok, false);

    const notNull = csvToResult('A,10,100.004,1995-01-01\nN,20,200,1996-01-01\nR,30,0,1997-01-01\n', expected);
    assert.equal(compareResults(expected, notNull, [0]).ok, false);

    const missingRow = csvToResult('A,10,100.004,1995-01-01\nN,20,200,1996-01-01\n', expected);
    result = compareResults(expected, missingRow, [0]);
    assert.equal(result.ok, false);
    assert.match(result.messages[0], /row count: expected 3, got 2/);

    const narrow = csvToResult('A,10,100.004\n', expected);
    assert.match(compareResults(expected, narrow, [0]).messages[0], /column count/);
});

test('compareResults requires ORDER BY order but lets ties come in any order', () => {
    const swapped = csvToResult('N,20,200,1996-01-01\nA,10,100.004,1995-01-01\nR,30,,1997-01-01\n', expected);
    assert.equal(compareResults(expected, swapped, [0]).ok, false);
    const tied = {
        columns: ['k', 'v'],
        types: ['BIGINT', 'VARCHAR'],
        rows: [['1', 'a'], ['1', 'b'], ['2', 'c']],
    };
    assert.equal(compareResults(tied, csvToResult('1,b\n1,a\n2,c\n', tied), [0]).ok, true);
    assert.equal(compareResults(tied, csvToResult('1,b\n2,c\n1,a\n', tied), [0]).ok, false);
});

test('money columns get an absolute tolerance of 0.01, other numbers only a relative 1e-6', () => {
    const money = { columns: ['revenue'], types: ['DOUBLE'], rows: [['0.50']] };
    assert.equal(compareResults(money, csvToResult('0.509\n', money), []).ok, true);
    const share = { columns: ['mkt_share'], types: ['DOUBLE'], rows: [['0.50']] };
    assert.equal(compareResults(share, csvToResult('0.509\n', share), []).ok, false);
});

test('queries load with placeholders substituted per engine', () => {
    const sql = cleanSql(readQuery(21));
    assert.ok(!sql.includes('--'));
    assert.match(substituteTables(sql, '/data', 'fedq'), /from\s+'\/data\/supplier\.csv',\s+'\/data\/lineitem\.csv' l1/);
    assert.match(substituteTables(sql, '/data', 'duckdb'), /read_csv\('\/data\/orders\.csv'\)/);
    assert.doesNotMatch(substituteTables(sql, "/it's", 'fedq'), /it's/);
    assert.throws(() => substituteTables('select * from {nope}', '/d', 'fedq'), /unknown table/);
    assert.deepEqual(parseQueryList('1,3-5'), [1, 3, 4, 5]);
    assert.equal(parseQueryList('all').length, 22);
    assert.throws(() => parseQueryList('23'));
});
