/** The DataFrame / Series value classes: construction, inference, text, equality, and where they are accepted. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Column, DataFrame, Index, InvalidArgumentError, Series, Trajectory, TypeMismatchError } from '../../src/index.js';

test('Column.from infers pandas dtypes and refuses values that do not fit', () => {
  assert.is(Column.from([1, 2]).dtype, 'int64');
  assert.is(Column.from([1.5, 2]).dtype, 'float64');
  assert.is(Column.from(Float64Array.of(1, 2)).dtype, 'float64');
  assert.is(Column.from([1, 2], 'float32').dtype, 'float32');
  assert.is(Column.from([true]).dtype, 'bool');
  assert.is(Column.from([new Date(0), null]).dtype, 'datetime64[ns]');
  assert.equal(Column.from(['a', 1, 2.5, null]).types, [
    { kind: 'scalar', scalar: 'str' }, { kind: 'scalar', scalar: 'int' }, { kind: 'scalar', scalar: 'float' }, { kind: 'none' },
  ]);
  assert.throws(() => Column.from([1.5], 'int64'), (e: Error) => e instanceof TypeMismatchError && /Value 0 of a int64 column is 1.5, not an integer/.test(e.message));
  assert.throws(() => Column.from([{}]), (e: Error) => e instanceof TypeMismatchError && /object columns hold scalars and None/.test(e.message));
});

test('DataFrame.from: columns by label, a default 0…n-1 index, lengths and labels checked', () => {
  const df = DataFrame.from({ a: [1, 2], b: ['x', 'y'] });
  assert.equal(df.shape, [2, 2]);
  assert.equal(df.index.values.toArray(), [0, 1]);
  assert.is(df.get('b')!.at(1), 'y');
  assert.is(String(df), 'DataFrame(2 rows; a: int64, b: object)');
  assert.throws(() => DataFrame.from({ a: [1, 2], b: [1] }), (e: Error) => e instanceof InvalidArgumentError && /Column "b" has 1 values, but the index has 2/.test(e.message));
  assert.throws(() => new DataFrame(Index.range(1), new Index(['a', 'a']), [Column.from([1]), Column.from([2])]), /appears twice/);
  assert.ok(df.equals(DataFrame.from({ a: [1, 2], b: ['x', 'y'] })));
  assert.throws(() => new Index([1], null, 'D'), (e: Error) => e instanceof TypeMismatchError && /A frequency \('D'\) needs datetime labels, but the labels are int64/.test(e.message));
  assert.not.ok(df.equals(DataFrame.from({ a: [1, 3], b: ['x', 'y'] })));
});

test('Series: name, index, text; results hold pandas values, parameters refuse them', () => {
  const s = new Series([1.5, NaN], { name: 'x', index: ['p', 'q'] });
  assert.is(String(s), 'Series(x: 2 values of float64)');
  assert.ok(s.equals(new Series([1.5, NaN], { name: 'x', index: ['p', 'q'] })));
  const t = new Trajectory('t', { add_time: false });
  t.f_add_result('r', { s });
  assert.is(t.f_get('r').s, s);
  assert.throws(() => t.f_add_parameter('p', s), (e: Error) => e instanceof TypeMismatchError && /only results hold DataFrames and Series/.test(e.message));
});

test.run();
