/**
 * Numeric table columns read straight from the rows' bytes (issue 13: `overview/runs`' int64
 * `idx` of a million runs was read through a BigInt per cell): every integer width, signed and
 * unsigned, gives what `Number()` of the stored integer gives, beyond 2^53 included.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { F64, compoundType, encodeColumns, intType } from '../../../src/storage/hdf5/engine/h5types.js';
import { numericColumn } from '../../../src/storage/hdf5/layout/table.js';

test('int64 and uint64 cells read as Number() of the stored integer, other widths exactly', () => {
  const i64 = [0n, 1n, -1n, 2n ** 32n, -(2n ** 32n) - 1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 123_456_789_012n];
  const u64 = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 3n, 2n ** 64n - 1n, 2n ** 63n, 7n, 9_007_199_254_740_993n];
  const i32 = [0, -1, 2 ** 31 - 1, -(2 ** 31), 5, 6, 7, 8, 9];
  const f = [0.5, -0, Infinity, -1e300, NaN, 1, 2, 3, 4];
  const type = compoundType([['a', intType(8, true)], ['b', intType(8, false)], ['c', intType(4, true)], ['d', F64]]);
  const rows = i64.length;
  const bytes = encodeColumns({ a: i64, b: u64, c: i32, d: f }, type, rows);
  const col = (name: string) => Array.from(numericColumn(bytes, type, type.members.find((m) => m.name === name)!, rows));
  assert.equal(col('a'), i64.map(Number));
  assert.equal(col('b'), u64.map(Number));
  assert.equal(col('c'), i32);
  assert.equal(col('d').map((v) => Object.is(v, -0) ? '-0' : v), f.map((v) => Object.is(v, -0) ? '-0' : v));
});

test.run();
