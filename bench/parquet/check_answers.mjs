// Answer check of the 22 TPC-H queries on the Parquet files: fedq against DuckDB (same comparison rules as
// tests/tpch/check_answers.mjs, with DECIMAL results allowed to be rounded at their scale).
//   node bench/parquet/check_answers.mjs build/fedq [PARQUET_DIR]   (after bench/parquet/run.mjs made the files)
import path from 'node:path';
import { BENCH_DIR, cleanSql, readQuery, openDuckDB, runDuckDB, runFedq, csvToResult, compareResults, ORDER_KEYS } from '../lib/tpch.mjs';
const fedq = path.resolve(process.argv[2] ?? 'build/fedq');
const dir = path.resolve(process.argv[3] ?? path.join(BENCH_DIR, 'data', 'sf1-parquet'));
const q = (n, engine) => cleanSql(readQuery(n)).replace(/\{(\w+)\}/g, (w, t) => engine === 'duckdb' ? `read_parquet('${dir}/${t}.parquet')` : `'${dir}/${t}.parquet'`);
const { connection } = await openDuckDB();
let pass = 0, fail = 0;
for (let n = 1; n <= 22; n++) {
  const { result: expected } = await runDuckDB(connection, q(n, 'duckdb'));
  const run = runFedq(fedq, q(n, 'fedq'));
  if (run.error) { console.log(`Q${n} FAIL ${run.error}`); fail++; continue; }
  const actual = csvToResult(run.stdout, expected);
  const cmp = compareResults(expected, actual, ORDER_KEYS[n], 5, { decimalScale: true });
  if (cmp.ok) pass++; else { fail++; console.log(`Q${n} FAIL\n  ${cmp.messages.join('\n  ')}`); }
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
