import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toTypedValue } from '../../src/values/coerce.js';
import { valuesEqual } from '../../src/values/compare.js';
import { isTuple, tuple, typed } from '../../src/values/markers.js';
import { NDArray } from '../../src/values/ndarray.js';
import { Complex } from '../../src/values/types.js';
import { TypeMismatchError } from '../../src/errors.js';

const ALL = { ndarray: true, dict: true, object: false };

test('numbers are floats unless typed as integers', () => {
  assert.equal(toTypedValue(3, ALL, 'x').type, { kind: 'scalar', scalar: 'float' });
  assert.equal(toTypedValue(typed(3, 'int'), ALL, 'x').type, { kind: 'scalar', scalar: 'int' });
  assert.equal(toTypedValue(5n, ALL, 'x'), { value: 5, type: { kind: 'scalar', scalar: 'int' } });
  assert.equal(toTypedValue(2n ** 60n, ALL, 'x').value, 2n ** 60n);
});

test('an int type refuses fractions and out-of-range values, naming the value', () => {
  assert.throws(() => toTypedValue(1.5, ALL, "parameter 'x'", 'int'), (e: Error) => e instanceof TypeMismatchError && /parameter 'x'.*1\.5.*int/.test(e.message));
  assert.throws(() => toTypedValue(300, ALL, 'x', 'int8'), /out of the range -128\.\.127/);
});

test('lists, tuples, nested arrays and typed arrays', () => {
  const l = toTypedValue([1, 2], ALL, 'x', 'int');
  assert.equal(l.type, { kind: 'list', scalar: 'int' });
  const t = toTypedValue(tuple('a', 'b'), ALL, 'x');
  assert.equal(t.type, { kind: 'tuple', scalar: 'str' });
  assert.ok(isTuple(t.value));
  const n = toTypedValue([[1, 2, 3], [4, 5, 6]], ALL, 'x');
  assert.equal(n.type, { kind: 'ndarray', dtype: 'float64' });
  assert.equal((n.value as NDArray).shape, [2, 3]);
  assert.equal((n.value as NDArray).toNested(), [[1, 2, 3], [4, 5, 6]]);
  const ta = toTypedValue(new Int32Array([1, 2]), ALL, 'x');
  assert.equal(ta.type, { kind: 'ndarray', dtype: 'int32' });
  assert.throws(() => toTypedValue([[1, 2], [3]], ALL, 'x'), /rectangular.*\[1\] has length 1/);
});

test('valuesEqual handles NaN, bigint, Complex, NDArray and Buffers', () => {
  assert.ok(valuesEqual(NaN, NaN));
  assert.ok(valuesEqual(new Complex(1, 2), new Complex(1, 2)));
  assert.ok(valuesEqual(Buffer.from('a\0b'), Buffer.from('a\0b')));
  assert.ok(!valuesEqual(NDArray.fromNested([1, 2]), NDArray.fromNested([1, 3])));
  assert.ok(valuesEqual({ a: [1, 2] }, { a: [1, 2] }));
});

test.run();
