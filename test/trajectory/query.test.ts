import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsKind } from '../helpers.js';
import { Trajectory, cartesian_product, InvalidArgumentError, TypeMismatchError, NotFoundError } from '../../src/index.js';

function w1ish(): Trajectory {
  const t = new Trajectory('q', { add_time: false });
  t.f_add_parameter('x', 0.0);
  t.f_add_parameter('y', 0, { dtype: 'int' });
  t.f_add_parameter('mode', 'alpha');
  t.f_add_parameter('fixed', 7, { dtype: 'int' });
  t.f_explore(cartesian_product({ mode: ['alpha', 'beta'], y: [0, 1], x: [0.5, 0.75, 1.0] }, ['mode', 'y', 'x']));
  for (const _ of t.f_iter_runs()) t.f_add_result('out', { a: t.x * t.y, label: `${t.mode}-${t.y}` });
  return t;
}

test('f_find_runs: equality, comparisons, $in/$nin, $and/$or, constants', () => {
  const t = w1ish();
  assert.equal(t.f_find_runs({ mode: 'beta', y: 1 }), [9, 10, 11]);
  assert.equal(t.f_find_runs({ x: { $gte: 0.75 }, y: 0, mode: 'alpha' }), [1, 2]);
  assert.equal(t.f_find_runs({ x: { $gt: 0.5, $lt: 1.0 } }), [1, 4, 7, 10]);
  assert.equal(t.f_find_runs({ mode: { $in: ['beta'] }, x: { $nin: [0.5, 0.75] } }), [8, 11]);
  assert.equal(t.f_find_runs({ $or: [{ x: 0.5, y: 0 }, { mode: 'beta', x: 1.0, y: 1 }] }), [0, 6, 11]);
  assert.equal(t.f_find_runs({ $and: [{ y: { $ne: 0 } }, { x: 1.0 }] }), [5, 11]);
  assert.equal(t.f_find_runs({ fixed: 7 }).length, 12);
  assert.equal(t.f_find_runs({ 'parameters.mode': 'alpha', y: { $lte: 0 } }), [0, 1, 2]);
});

test('f_find_runs: bad filters are clear errors', () => {
  const t = w1ish();
  throwsKind(() => t.f_find_runs({ x: { $near: 1 } }), InvalidArgumentError, /Unknown filter operator \$near for 'x'/);
  throwsKind(() => t.f_find_runs({ $xor: [] } as any), InvalidArgumentError, /\$xor/);
  throwsKind(() => t.f_find_runs({ mode: { $gt: 3 } }), TypeMismatchError, /'mode' has the value alpha, which cannot be compared with 3 by \$gt/);
  throwsKind(() => t.f_find_runs({ nope: 1 }), NotFoundError);
  t.f_add_result('summary', 1);
  throwsKind(() => t.f_find_runs({ summary: 1 }), TypeMismatchError, /'summary' is not a parameter/);
});

test('f_groupby groups runs by parameter values in order of appearance', () => {
  const t = w1ish();
  const groups = t.f_groupby(['mode', 'y']);
  assert.equal(groups.map((g) => g.key), [
    { mode: 'alpha', y: 0 }, { mode: 'alpha', y: 1 }, { mode: 'beta', y: 0 }, { mode: 'beta', y: 1 },
  ]);
  assert.equal(groups[3]!.runs, [9, 10, 11]);
  assert.equal(t.f_groupby('x').map((g) => g.runs.length), [4, 4, 4]);
});

test('f_get_schema: type, explored or constant, values and range', () => {
  const t = w1ish();
  const schema = Object.fromEntries(t.f_get_schema().map((s) => [s.name, s]));
  assert.equal(schema['parameters.x'], { name: 'parameters.x', type: 'float', explored: true, values: [0.5, 0.75, 1.0], distinct: 3, min: 0.5, max: 1.0 });
  assert.equal(schema['parameters.mode']!.values, ['alpha', 'beta']);
  assert.equal(schema['parameters.fixed'], { name: 'parameters.fixed', type: 'int', explored: false, values: [7], distinct: 1, min: 7, max: 7 });
});

test('f_to_records: one record per run with explored values and chosen results', () => {
  const t = w1ish();
  const records = [...t.f_to_records({ results: ['out.a', 'out.label', 'missing'], where: { mode: 'beta' } })];
  assert.is(records.length, 6);
  assert.equal(records[4], { run: 'run_00000010', idx: 10, completed: false, mode: 'beta', y: 1, x: 0.75, 'out.a': 0.75, 'out.label': 'beta-1', missing: null });
});

test.run();
