/**
 * The h5wasm adapter's bounded memo: it holds at most two generations of `limit` entries, keeps
 * what is used again, and an entry moved between generations stays the same object.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BoundedCache } from '../../../../src/storage/hdf5/wasm/bounded-cache.js';

test('a long scan never holds more than twice the limit, and a working set within the limit is kept', () => {
  const c = new BoundedCache<number, string>(100);
  for (let i = 0; i < 10_000; i++) {
    c.set(i, `v${i}`);
    assert.ok(c.size <= 200, `size ${c.size} after ${i + 1} entries`);
  }
  assert.is(c.get(0), undefined, 'the oldest entries are gone');
  assert.is(c.get(9_999), 'v9999');
  const d = new BoundedCache<number, number>(100);
  for (let round = 0; round < 5; round++) for (let i = 0; i < 100; i++) {
    if (round > 0) assert.is(d.get(i), i, `entry ${i} kept in round ${round}`);
    else d.set(i, i);
  }
});

test('an entry read from the previous generation survives the next turnover, as the same object', () => {
  const c = new BoundedCache<string, { list: string[] }>(2);
  const a = { list: ['x'] };
  c.set('a', a);
  c.set('b', { list: [] });
  c.set('c', { list: [] }); // turnover: a and b are the previous generation
  assert.is(c.get('a'), a, 'moved back into the current generation');
  c.get('a')!.list.push('y');
  c.set('d', { list: [] }); // turnover: b is dropped; c and a are now the previous generation
  assert.ok(c.has('a'));
  assert.equal(c.get('a')!.list, ['x', 'y']);
  assert.is(c.has('b'), false);
});

test('delete and clear forget entries in both generations', () => {
  const c = new BoundedCache<string, number>(1);
  c.set('a', 1);
  c.set('b', 2); // a is now in the previous generation
  c.delete('a');
  assert.is(c.has('a'), false);
  assert.is(c.get('b'), 2);
  c.clear();
  assert.is(c.size, 0);
  assert.is(c.get('b'), undefined);
});

test.run();
