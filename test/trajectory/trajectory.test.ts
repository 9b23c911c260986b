import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsKind } from '../helpers.js';
import { nodeState } from '../../src/tree/node.js';
import {
  Trajectory, cartesian_product, typed, tuple, NotFoundError, NotUniqueNodeError, TypeMismatchError,
  InvalidArgumentError, StateError, PresettingError, ParameterLockedError, PYPET_FORMAT_VERSION,
} from '../../src/index.js';

function grid(): Trajectory {
  const t = new Trajectory('grid', { add_time: false, comment: 'a grid' });
  t.f_add_parameter('x', 1, { dtype: 'int', comment: 'first' });
  t.f_add_parameter('y', 1, { dtype: 'int', comment: 'second' });
  t.f_explore(cartesian_product({ x: [1, 2, 3, 4], y: [6, 7, 8] }));
  return t;
}

test('construction: name with time, comment, version, four branches', () => {
  const t = new Trajectory('exp', { comment: 'c' });
  assert.match(t.v_name, /^exp_\d{4}_\d{2}_\d{2}_\d{2}h\d{2}m\d{2}s$/);
  assert.is(t.v_comment, 'c');
  assert.is(t.v_version, PYPET_FORMAT_VERSION);
  assert.equal(Object.keys(t.f_get_children()), ['config', 'parameters', 'derived_parameters', 'results']);
  assert.is(t.v_length, 1);
  assert.equal(t.f_get_run_names(), ['run_00000000']);
  assert.ok(t.f_is_empty());
  assert.is(new Trajectory('plain', { add_time: false }).v_name, 'plain');
});

test('cartesian_product: last name varies fastest; linked parameters vary together', () => {
  assert.equal(cartesian_product({ x: [1, 2, 3, 4], y: [6, 7, 8] }), {
    x: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    y: [6, 7, 8, 6, 7, 8, 6, 7, 8, 6, 7, 8],
  });
  assert.equal(cartesian_product({ a: [1, 2], b: ['x', 'y'], c: [10, 20, 30] }, ['c', ['a', 'b']]), {
    a: [1, 2, 1, 2, 1, 2], b: ['x', 'y', 'x', 'y', 'x', 'y'], c: [10, 10, 20, 20, 30, 30],
  });
  throwsKind(() => cartesian_product({ a: [1, 2, 3], b: [1] }, [['a', 'b']]), InvalidArgumentError, /'a' has 3 and 'b' has 1/);
  throwsKind(() => cartesian_product({ a: [1] }, ['a', 'zz']), InvalidArgumentError, /'zz'/);
  throwsKind(() => cartesian_product({ a: [1], b: [2] }, ['a']), InvalidArgumentError, /'b' is not used/);
});

test('f_explore: lengths, names, types and locking', () => {
  const t = grid();
  assert.is(t.v_length, 12);
  assert.equal(Object.keys(t.f_get_explored_parameters()), ['parameters.x', 'parameters.y']);
  assert.ok(t.f_get('x').v_explored);
  assert.ok(t.f_get('x').v_locked);
  assert.equal(t.f_get('y').f_get_range(), [6, 7, 8, 6, 7, 8, 6, 7, 8, 6, 7, 8]);
  const u = new Trajectory('u', { add_time: false });
  u.f_add_parameter('a', 1.0);
  u.f_add_parameter('g1.b', 'x');
  u.f_add_parameter('g2.b', 'y');
  u.f_add_result('r', 1);
  throwsKind(() => u.f_explore({ a: [1, 2], 'g1.b': ['p'] }), InvalidArgumentError, /same length.*'parameters\.a' has 2, 'parameters\.g1\.b' has 1/);
  throwsKind(() => u.f_explore({ nope: [1] }), NotFoundError);
  throwsKind(() => u.f_explore({ b: ['p'] }), NotUniqueNodeError);
  throwsKind(() => u.f_explore({ r: [1] }), TypeMismatchError, /not a parameter/);
  throwsKind(() => u.f_explore({ a: [1.5, 'two'] }), TypeMismatchError, /Value 1 of the range of parameter 'parameters\.a'.*string "two".*float/);
  throwsKind(() => u.f_explore({ a: [] }), InvalidArgumentError, /empty/);
  assert.not.ok(u.f_get('a').v_explored, 'a failed exploration leaves nothing explored');
  u.f_explore({ a: [1, 2] });
  u.f_explore({ 'g1.b': ['p', 'q'] });
  assert.is(u.v_length, 2);
  throwsKind(() => u.f_explore({ 'g2.b': ['p'] }), InvalidArgumentError, /\(2, the current number of runs\)/);
  throwsKind(() => u.f_get('a').f_set(3), ParameterLockedError);
});

test('integer parameters explore integers; a fraction is refused with its position', () => {
  const t = new Trajectory('t', { add_time: false });
  t.f_add_parameter('n', 1, { dtype: 'int' });
  throwsKind(() => t.f_explore({ n: [1, 2, 2.5] }), TypeMismatchError, /Value 2 of the range of parameter 'parameters\.n' is the number 2\.5.*int/);
  t.f_explore({ n: [1, 2, 3n] });
  assert.equal(t.f_get('n').f_get_range(), [1, 2, 3]);
});

test('f_expand adds runs; f_shrink removes exploration', () => {
  const t = grid();
  throwsKind(() => t.f_expand({ x: [5] }), InvalidArgumentError, /exactly the explored parameters/);
  t.f_expand({ x: [5, 5], y: [6, 7] });
  assert.is(t.v_length, 14);
  assert.equal(t.f_get_run_names().slice(-2), ['run_00000012', 'run_00000013']);
  throwsKind(() => t.f_expand({ x: [5], y: ['s'] }), TypeMismatchError);
  assert.is(t.v_length, 14, 'a failed expand changes nothing');
  assert.is(t.f_get('x').f_get_range().length, 14);
  t.f_shrink();
  assert.is(t.v_length, 1);
  assert.not.ok(t.f_get('x').v_explored);
  nodeState(t).stored = true;
  throwsKind(() => t.f_shrink(), StateError, /stored/);
});

test('f_explore and f_expand refuse two keys naming one parameter, naming both keys', () => {
  const t = new Trajectory('dup', { add_time: false });
  t.f_add_parameter('g.x', 1);
  t.f_add_parameter('y', 1);
  throwsKind(() => t.f_explore({ x: [1, 2], 'g.x': [3, 4] }), InvalidArgumentError, /'x' and 'g\.x' both name the parameter 'parameters\.g\.x'/);
  throwsKind(() => t.f_explore({ 'parameters.g.x': [1, 2], y: [5, 6], x: [3, 4] }), InvalidArgumentError, /'parameters\.g\.x' and 'x'/);
  assert.not.ok(t.f_get('g.x').v_explored, 'nothing is explored after the refusal');
  assert.is(t.v_length, 1);
  t.f_explore({ x: [1, 2], y: [5, 6] });
  throwsKind(() => t.f_expand({ x: [3], 'g.x': [4], y: [7] }), InvalidArgumentError, /'x' and 'g\.x' both name/);
  assert.is(t.v_length, 2);
  assert.equal(t.f_get('g.x').f_get_range(), [1, 2]);
});

test('a range with a hole is refused, naming the position', () => {
  const t = new Trajectory('hole', { add_time: false });
  t.f_add_parameter('x', 1);
  // eslint-disable-next-line no-sparse-arrays
  throwsKind(() => t.f_explore({ x: [1, , 3] }), TypeMismatchError, /range of parameter 'parameters\.x' has no element 1 \(the array has a hole/);
  assert.not.ok(t.f_get('x').v_explored);
});

test('runs: names, indices, information, completion', () => {
  const t = grid();
  assert.is(t.f_idx_to_run(4), 'run_00000004');
  assert.is(t.f_idx_to_run('run_00000004'), 4);
  throwsKind(() => t.f_idx_to_run(12), NotFoundError, /no run 12; the trajectory has 12 runs \(0 to 11\)/);
  const info = t.f_get_run_information(3);
  assert.equal(info, {
    idx: 3, name: 'run_00000003', completed: 0, time: '>>Maybe time`s gone ', timestamp: 42.0, finish_timestamp: 1.337,
    runtime: 'forever and ever', parameter_summary: 'Not yet my friend!', short_environment_hexsha: 'N/A',
  });
  assert.not.ok(t.f_is_completed(3));
  assert.not.ok(t.f_is_completed());
  const frozen = t.f_get_run_information(3, false);
  assert.throws(() => { (frozen as any).completed = 1; });
  t._updateRun(3, { completed: 1, parameter_summary: t._parameterSummary(3) });
  assert.ok(t.f_is_completed(3));
  assert.is(t.f_get_run_information('run_00000003').parameter_summary, 'x: 2,   y: 6');
  assert.equal(Object.keys(t.f_get_run_information()).length, 12);
});

test('parameter summaries render values as Python would', () => {
  const t = new Trajectory('t', { add_time: false });
  t.f_add_parameter('x', 1.0);
  t.f_add_parameter('label', 'a');
  t.f_add_parameter('g.x', 1, { dtype: 'int' });
  t.f_explore({ x: [1, 2.5], label: ["it's", 'b'], 'g.x': [3, 4] });
  assert.is(t._parameterSummary(0), `x: 1.0,   label: "it's",   parameters.g.x: 3`);
  // Reprs are remembered per value: 0 and -0 are one Map key, but not one repr.
  const z = new Trajectory('z', { add_time: false });
  z.f_add_parameter('x', 1.0);
  z.f_explore({ x: [0, -0, 0, -0, 0.1] });
  assert.equal([0, 1, 2, 3, 4].map((i) => z._parameterSummary(i)), ['x: 0.0', 'x: -0.0', 'x: 0.0', 'x: -0.0', 'x: 0.1']);
});

test('a run keeps the parameter summary it was recorded with when the explored parameters change later', () => {
  const t = new Trajectory('t', { add_time: false });
  t.f_add_parameter('x', 1.0);
  t.f_add_parameter('y', 1, { dtype: 'int' });
  t.f_add_parameter('g.z', 0, { dtype: 'int' });
  t.f_explore({ x: [1, 2.5] });
  // Recorded but not completed: an exploration without completed runs may gain a parameter.
  t._updateRun(0, { parameter_summary: t._parameterSummary(0) });
  t._updateRun(1, { parameter_summary: 'given by hand' });
  t.f_explore({ y: [5, 6] }); // a second explored parameter of the same length
  assert.is(t.f_get_run_information(0).parameter_summary, 'x: 1.0');
  assert.is(t.f_get_run_information(1).parameter_summary, 'given by hand');
  t._updateRun(0, { parameter_summary: t._parameterSummary(0) });
  assert.is(t.f_get_run_information(0).parameter_summary, 'x: 1.0,   y: 5');
  t.parameters.f_remove_child('y');
  assert.is(t.f_get_run_information(0).parameter_summary, 'x: 1.0,   y: 5', 'removing an explored parameter does not change it');
  assert.is(t._parameterSummary(0), 'x: 1.0');
});

test('single-run views: f_as_run, v_idx, f_iter_runs, f_restore_default', () => {
  const t = grid();
  t.f_as_run(4);
  assert.is(t.v_idx, 4);
  assert.is(t.v_crun, 'run_00000004');
  assert.is(t.x, 2);
  assert.is(t.y, 7);
  t.f_as_run('run_00000011');
  assert.is(t.x, 4);
  t.f_restore_default();
  assert.is(t.v_idx, -1);
  assert.is(t.x, 1, 'outside a run the default value comes back');
  const seen: number[] = [];
  for (const _ of t.f_iter_runs()) seen.push(t.x * t.y);
  assert.equal(seen, [6, 7, 8, 12, 14, 16, 18, 21, 24, 24, 28, 32]);
  assert.is(t.v_idx, -1);
  for (const _ of t.f_iter_runs({ start: 2 })) break;
  assert.is(t.v_idx, -1, 'leaving the loop early restores the default view');
  throwsKind(() => t.f_as_run(99), NotFoundError);
});

test('results added during a run land under the run; searches see only that run', () => {
  const t = grid();
  for (const _ of t.f_iter_runs()) {
    t.f_add_result('z', t.x * t.y, { comment: 'product' });
    t.f_add_derived_parameter('dz', t.x + t.y);
    t.f_add_result('$set.$.sq', t.x * t.x);
  }
  assert.is(t.f_get('results.runs.run_00000004.z').f_get(), 14);
  assert.is(t.f_get('derived_parameters.runs.run_00000004.dz').f_get(), 9);
  assert.is(t.results.run_set_00000.run_00000002.sq, 1);
  throwsKind(() => t.z, NotUniqueNodeError);
  t.v_idx = 5;
  assert.is(t.z, 16);
  assert.is(t.f_get('crun.z', { fast_access: true }), 16);
  assert.is(t.f_get('$.z', { fast_access: true }), 16);
  assert.equal(Object.keys(t.f_get_results()), ['results.runs.run_00000005.z', 'results.run_set_00000.run_00000005.sq']);
  t.f_restore_default();
  t.f_add_result('$.initial', 0);
  assert.is(t.f_get('results.run_ALL.initial').v_full_name, 'results.run_ALL.initial');
  const byRun = t.f_get_from_runs('z', { fast_access: true });
  assert.equal([...byRun.keys()].slice(0, 2), ['run_00000000', 'run_00000001']);
  assert.equal([...t.f_get_from_runs('z', { fast_access: true, use_indices: true }).values()], [6, 7, 8, 12, 14, 16, 18, 21, 24, 24, 28, 32]);
  assert.equal([...t.f_get_from_runs('dz', { where: 'd', use_indices: true, fast_access: true }).values()].slice(0, 3), [7, 8, 9]);
});

test('f_find_idx yields matching run indices (explored and unexplored parameters)', () => {
  const t = grid();
  t.f_add_parameter('k', 5, { dtype: 'int' });
  assert.equal([...t.f_find_idx(['x', 'y'], (x, y) => x === 2 || y === 8)], [2, 3, 4, 5, 8, 11]);
  assert.equal([...t.f_find_idx('k', (k) => k === 5)].length, 12);
  t.f_add_result('r', 1);
  throwsKind(() => [...t.f_find_idx('r', () => true)], TypeMismatchError, /'r' is not a parameter/);
});

test('presets apply at creation; unused presets are reported', () => {
  const t = new Trajectory('t', { add_time: false });
  t.f_preset_parameter('groupA.param1', 44);
  t.f_add_parameter('groupA.param1', 11);
  assert.is(t.param1, 44);
  t.f_preset_config('dt', 0.5);
  t.f_add_config('dt', 0.1);
  assert.is(t.dt, 0.5);
  t.f_check_presets();
  t.f_preset_parameter('never', 1);
  throwsKind(() => t.f_check_presets(), PresettingError, /parameters\.never/);
  throwsKind(() => t.f_preset_parameter('groupA.param1', 1), StateError, /already part of the trajectory/);
});

test('collections: parameters, config, derived parameters, results, explored', () => {
  const t = grid();
  t.f_add_config('c', 1.0);
  t.f_add_derived_parameter('d', 2.0);
  t.f_add_result('r', 3.0);
  assert.equal(t.f_get_parameters({ fast_access: true }), { 'parameters.x': 1, 'parameters.y': 1 });
  assert.equal(t.f_get_config({ fast_access: true }), { 'config.c': 1.0 });
  assert.equal(t.f_get_derived_parameters({ fast_access: true }), { 'derived_parameters.d': 2.0 });
  assert.equal(t.f_get_results({ fast_access: true }), { 'results.r': 3.0 });
  assert.equal(Object.keys(t.f_get_explored_parameters()), ['parameters.x', 'parameters.y']);
  throwsKind(() => t.f_get_parameters({ fast_access: true, copy: false }), InvalidArgumentError);
});

test('adding a typed tuple and lists in results', () => {
  const t = new Trajectory('t', { add_time: false });
  const r = t.f_add_result('items', { tup: tuple(1.0, 2.0), ints: typed([1, 2], 'int') });
  assert.equal(r._typedItem('tup')!.type, { kind: 'tuple', scalar: 'float' });
  assert.equal(r._typedItem('ints')!.type, { kind: 'list', scalar: 'int' });
});

test.run();
