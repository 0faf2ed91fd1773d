import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(path.resolve('/work/main/bench/package.json'));
const api = await import(require.resolve('@duckdb/node-api'));
const inst = await api.DuckDBInstance.create(':memory:');
const con = await inst.connect();
const out = process.argv[2];
async function run(sql) { const r = await con.runAndReadAll(sql); return r.getRows(); }
console.log(await run(`DESCRIBE SELECT * FROM '/work/main/tests/data/sql/people.parquet'`));
// v1: id INTEGER, name VARCHAR, score REAL ; row groups of 2 rows
await run(`COPY (SELECT i::INTEGER AS id, 'n' || i AS name, (i * 1.5)::REAL AS score FROM range(1, 7) t(i)) TO '${out}/v1.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2)`);
// v2: id BIGINT, extra VARCHAR, score DOUBLE, no name; Name differently cased
await run(`COPY (SELECT i::BIGINT AS ID, 'x' || i AS extra, (i * 2.5)::DOUBLE AS score FROM range(10, 13) t(i)) TO '${out}/v2.parquet' (FORMAT parquet)`);
// bad: id as VARCHAR
await run(`COPY (SELECT 'a' AS id) TO '${out}/bad.parquet' (FORMAT parquet)`);
// events per day: ts, user_id, amount
for (const d of ['2024-01-01', '2024-01-02', '2024-01-03']) {
  await run(`COPY (SELECT i::BIGINT AS user_id, (i * 10)::INTEGER AS amount FROM range(0, 4) t(i)) TO '${out}/events_${d}.parquet' (FORMAT parquet)`);
}
console.log(await run(`SELECT * FROM '${out}/v2.parquet'`));
