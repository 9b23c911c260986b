/**
 * A Result's item map behaves as a Map (insertion order, replacing keeps the place, deleting,
 * clearing) while small and after it grows past the flat array into a real Map; a Result with a
 * single item keeps it without one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ItemMap } from '../../src/leaves/item-map.js';
import { Result } from '../../src/index.js';
import type { TypedValue } from '../../src/values/types.js';

const tv = (value: number): TypedValue => ({ value, type: { kind: 'scalar', scalar: 'float' } });

function sameAsMap(n: number): void {
  const items = new ItemMap();
  const map = new Map<string, TypedValue>();
  for (let i = 0; i < n; i++) {
    items.set(`k${i}`, tv(i));
    map.set(`k${i}`, tv(i));
  }
  items.set('k1', tv(100)).set('k0', tv(-1));
  map.set('k1', tv(100)).set('k0', tv(-1));
  assert.is(items.delete('k2'), map.delete('k2'));
  assert.is(items.delete('nope'), false);
  items.set('k2', tv(2));
  map.set('k2', tv(2));
  assert.is(items.size, map.size);
  assert.equal([...items], [...map]);
  assert.equal([...items.keys()], [...map.keys()]);
  assert.equal([...items.values()], [...map.values()]);
  for (const key of map.keys()) assert.equal(items.get(key), map.get(key));
  assert.ok(items.has('k0') && !items.has('zz'));
  assert.is(items.get('zz'), undefined);
  items.clear();
  assert.is(items.size, 0);
  assert.equal([...items], []);
}

test('small item maps behave as a Map', () => sameAsMap(3));
test('item maps grown past the flat array behave as a Map', () => sameAsMap(20));

test('an empty map, and deleting the last item, leave nothing', () => {
  const items = new ItemMap();
  assert.is(items.size, 0);
  items.set('a', tv(1));
  items.delete('a');
  assert.is(items.size, 0);
  assert.equal([...items.entries()], []);
});

test('a Result keeps its items in order through the item map', () => {
  const r = new Result('out', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`i${i}`, i])));
  assert.equal(r.f_keys(), Array.from({ length: 12 }, (_, i) => `i${i}`));
  r.f_remove('i3');
  assert.is(r.f_keys().length, 11);
  assert.is(r.i7, 7);
  assert.equal(r.f_get('i0', 'i11'), [0, 11]);
});

test('a Result with one item keeps it in its own fields; a second moves both to an item map, removing one moves it back', () => {
  const r = new Result('out', { a: 1 });
  assert.is(r._itemName, 'a');
  assert.not.ok(r._item instanceof ItemMap, 'one item needs no item map');
  r.f_set_single('b', 2);
  assert.ok(r._item instanceof ItemMap);
  assert.equal(r.f_keys(), ['a', 'b']);
  r.f_remove('a');
  assert.not.ok(r._item instanceof ItemMap);
  assert.equal(r.f_to_dict(), { b: 2 });
  assert.is(r.b, 2);
  assert.ok('b' in r && !('a' in r));
  r.f_remove('b');
  assert.ok(r.f_is_empty());
  assert.equal(r.f_keys(), []);
  r.f_set(7);
  assert.is(r.f_get(), 7);
  assert.is(r._fastAccess(), 7);
});

test.run();
