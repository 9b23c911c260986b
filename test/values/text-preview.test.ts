/**
 * Previews of arrays (`valueToString`, what the CLI's `get` shows per run): exactly the start of
 * the value's JSON, written element by element, so a preview of a big array does not write it
 * all (issue 13: 1 MiB per run of text that only V8's full collections free).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonReplacer, valueToString } from '../../src/values/text.js';
import { NDArray } from '../../src/values/ndarray.js';

/** What a preview is: the value's whole JSON (NDArrays as nested lists), cut to `max` characters. */
function cutJson(v: unknown, max: number): string {
  const s = JSON.stringify(v instanceof NDArray ? v.toNested() : v, jsonReplacer) ?? String(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

test('a preview of an array, typed array or NDArray is the start of its JSON, cut where it always was', () => {
  const values: unknown[] = [
    [], [1, 2, 3], [1.5, NaN, -0, Infinity, 1e21], [[1, 2], [3, [4, 5]]], [[[]]], Array(3),
    new Float64Array([1, 2.5, NaN]), new BigInt64Array([1n, 2n ** 62n]), new Uint8Array(0),
    [undefined, null, 'a"b', { x: 1 }, new Set([1, 2]), new Float64Array([1, 2])],
    Array.from({ length: 1000 }, (_, i) => i * 0.1), new Float64Array(5000).fill(3.25),
    NDArray.fromNested([[1, 2, 3], [4, 5, 6]]), NDArray.fromNested(Array.from({ length: 50 }, (_, i) => [i, i + 0.5])),
    [NDArray.fromNested([1, 2])],
  ];
  for (const v of values) {
    for (const max of [5, 20, 64, 2000, 100_000]) assert.is(valueToString(v, max), cutJson(v, max), `${String(v).slice(0, 30)} at ${max}`);
  }
});

test('a preview writes only the elements it shows', () => {
  let written = 0;
  const big = Array.from({ length: 100_000 }, (_, i) => ({ toJSON: () => ((written += 1), i) }));
  const text = valueToString(big, 60);
  assert.is(text, cutJson(Array.from({ length: 100 }, (_, i) => i), 60));
  assert.ok(written < 40, `${written} elements written for a 60-character preview`);
});

test.run();
