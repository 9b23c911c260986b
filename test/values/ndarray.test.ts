/** NDArray as pypet's examples use numpy arrays: a[i, j, k], len(a), iteration, tolist(). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError, NDArray, TypeMismatchError } from '../../src/index.js';
import { throwsKind } from '../helpers.js';

const cube = () => NDArray.fromNested([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]], 'int64');

test('get() takes one index per axis; fewer give the sub-array; negative count from the end', () => {
  const a = cube();
  assert.is(a.get(1, 0, 2), 8);
  assert.is(a.get(-1, -1, -1), 11);
  const row = a.get(1, 1) as NDArray;
  assert.ok(row instanceof NDArray);
  assert.equal(row.shape, [3]);
  assert.equal(row.toArray(), [9, 10, 11]);
  assert.equal((a.get(0) as NDArray).toArray(), [[0, 1, 2], [3, 4, 5]]);
  throwsKind(() => a.get(2, 0, 0), InvalidArgumentError, /Index 2 is out of range for axis 0 of size 2/);
  throwsKind(() => a.get(0, 0, 0, 0), InvalidArgumentError, /4 indices were given for an array with 3 axes/);
  throwsKind(() => a.get(0.5), InvalidArgumentError, /Index 0\.5/);
  const strings = NDArray.fromNested([['a', 'b'], ['c', 'd']]);
  assert.equal((strings.get(1) as NDArray).toArray(), ['c', 'd']);
  assert.is(strings.get(0, 1), 'b');
});

test('length and iteration follow the first axis; toArray() nests like tolist()', () => {
  const a = cube();
  assert.is(a.length, 2);
  const parts = [...a].map((p) => (p as NDArray).toArray());
  assert.equal(parts, a.toArray());
  const flat = NDArray.fromNested([1.5, 2.5, 3.5]);
  assert.is(flat.length, 3);
  assert.equal([...flat], [1.5, 2.5, 3.5]);
  let sum = 0;
  for (const x of flat) sum += x as number;
  assert.is(sum, 7.5);
  const scalar = new NDArray('float64', [], new Float64Array([4]));
  assert.is(scalar.toArray(), 4);
  assert.is(scalar.get(), 4);
  throwsKind(() => scalar.length, TypeMismatchError, /A 0-d array has no length/);
  const empty = new NDArray('float64', [0, 3], new Float64Array(0));
  assert.is(empty.length, 0);
  assert.equal([...empty], []);
});

test.run();
