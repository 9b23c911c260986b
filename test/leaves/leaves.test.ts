import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsKind } from '../helpers.js';
import {
  Trajectory, Parameter, ArrayParameter, PickleParameter, Result, PickleResult, NDArray, Complex, typed, tuple, isTuple,
  ParameterLockedError, TypeMismatchError, NotFoundError, StateError, InvalidNameError,
} from '../../src/index.js';

const t = () => new Trajectory('t', { add_time: false });

test('Parameter holds scalars and flat lists; dtype option and bigint give integers', () => {
  const traj = t();
  assert.equal(traj.f_add_parameter('f', 1.5).v_value_type, { kind: 'scalar', scalar: 'float' });
  assert.equal(traj.f_add_parameter('i', 3, { dtype: 'int' }).v_value_type, { kind: 'scalar', scalar: 'int' });
  assert.equal(traj.f_add_parameter('i32', 3, { dtype: 'int32' }).v_value_type, { kind: 'scalar', scalar: 'int32' });
  assert.equal(traj.f_add_parameter('big', 2n ** 62n).f_get(), 2n ** 62n);
  assert.equal(traj.f_add_parameter('b', true).v_value_type, { kind: 'scalar', scalar: 'bool' });
  assert.equal(traj.f_add_parameter('s', 'hi').v_value_type, { kind: 'scalar', scalar: 'str' });
  assert.equal(traj.f_add_parameter('by', Buffer.from('a\0b')).v_value_type, { kind: 'scalar', scalar: 'bytes' });
  assert.equal(traj.f_add_parameter('c', new Complex(1, 2)).v_value_type, { kind: 'scalar', scalar: 'complex' });
  assert.equal(traj.f_add_parameter('l', [1, 2], { dtype: 'int' }).v_value_type, { kind: 'list', scalar: 'int' });
  const tp = traj.f_add_parameter('tp', tuple('a', 'b'));
  assert.equal(tp.v_value_type, { kind: 'tuple', scalar: 'str' });
  assert.ok(isTuple(tp.f_get()));
});

test('Parameter refuses what it cannot hold, naming the parameter', () => {
  const traj = t();
  throwsKind(() => traj.f_add_parameter('o', { a: 1 }), TypeMismatchError, /parameter 'parameters\.o'.*PickleParameter/);
  throwsKind(() => traj.f_add_parameter('m', [1, 'a']), TypeMismatchError, /element 1 of the list is the string "a", which is not a valid float/);
  throwsKind(() => traj.f_add_parameter('k', 1.5, { dtype: 'int' }), TypeMismatchError, /1\.5, which is not a valid int/);
  throwsKind(() => traj.f_add_parameter('u', null), TypeMismatchError, /null; a value is required/);
});

test('ArrayParameter holds typed arrays and nested arrays of any shape', () => {
  const traj = t();
  const a = traj.f_add_parameter(ArrayParameter, 'a', new Int32Array([1, 2, 3]));
  assert.equal(a.v_value_type, { kind: 'ndarray', dtype: 'int32' });
  const m = traj.f_add_parameter(ArrayParameter, 'm', [[1, 2, 3], [4, 5, 6]], { dtype: 'int64' });
  assert.equal((m.f_get() as NDArray).shape, [2, 3]);
  assert.equal((m.f_get() as NDArray).dtype, 'int64');
  assert.equal(traj.m.toNested(), [[1, 2, 3], [4, 5, 6]]);
});

test('PickleParameter holds JSON-like data', () => {
  const traj = t();
  const p = traj.f_add_parameter(PickleParameter, 'cfg', { a: 1, b: [1, 2], c: { d: 'x' } });
  assert.equal(traj.cfg, { a: 1, b: [1, 2], c: { d: 'x' } });
  assert.equal(p.f_get_class_name(), 'PickleParameter');
});

test('locking: f_set on a locked parameter throws; unlock allows it', () => {
  const traj = t();
  const p = traj.f_add_parameter('x', 1.0);
  p.f_lock();
  throwsKind(() => p.f_set(2.0), ParameterLockedError, /'parameters\.x' is locked/);
  throwsKind(() => { traj.x = 3; }, ParameterLockedError);
  p.f_unlock();
  p.f_set(2.0);
  assert.is(traj.x, 2.0);
  traj.f_add_parameter('y', 1.0);
  traj.f_add_derived_parameter('d', 1.0);
  traj.f_lock_parameters();
  assert.ok(traj.f_get('y').v_locked);
  assert.not.ok(traj.f_get('d').v_locked);
  traj.f_lock_derived_parameters();
  assert.ok(traj.f_get('d').v_locked);
});

test('parameter API: default, empty, range, strings', () => {
  const p = new Parameter('parameters.x', 2.5, { comment: 'c' });
  assert.is(p.f_get_default(), 2.5);
  assert.not.ok(p.f_has_range());
  throwsKind(() => p.f_get_range(), StateError, /not explored/);
  assert.is(p.f_val_to_str(), '2.5');
  assert.ok(p.f_supports(3));
  assert.not.ok(p.f_supports({}));
  p.f_empty();
  assert.ok(p.f_is_empty());
  throwsKind(() => p.f_get(), StateError, /is empty/);
});

test('results: single item, named items, dict as one item, typed items', () => {
  const traj = t();
  const z = traj.f_add_result('z', 42, { comment: 'the answer' });
  assert.equal(z.f_keys(), ['z']);
  assert.is(traj.z, 42);
  const out = traj.f_add_result('out', { a: 1.5, n: typed(3, 'int'), arr: new Float64Array([1, 2]) });
  assert.equal(out.f_keys(), ['a', 'n', 'arr']);
  assert.is(traj.out, out, 'a multi-item result is returned as the result under fast access');
  assert.is(out.a, 1.5);
  assert.equal(out._typedItem('n')!.type, { kind: 'scalar', scalar: 'int' });
  assert.equal(out.f_get('a', 'n'), [1.5, 3]);
  const d = traj.f_add_result('d', { d: { x: 1, y: 'two' } });
  assert.equal(traj.d, { x: 1, y: 'two' });
  assert.equal(d._typedItem('d')!.type.kind, 'dict');
  throwsKind(() => out.f_get('nope'), NotFoundError, /has no item 'nope'; its items are: a, n, arr/);
  throwsKind(() => out.f_get(), NotFoundError, /has 3 items/);
  out.f_set_single('b', 'text');
  out.f_remove('a');
  assert.equal(out.f_keys(), ['n', 'arr', 'b']);
  throwsKind(() => out.f_set_single('_x', 1), Error, /not a valid item name/);
  throwsKind(() => traj.f_add_result('bad', { f: () => 1 }), TypeMismatchError, /Item 'f' of result 'results\.bad'/);
});

test('PickleResult holds JSON-like items', () => {
  const traj = t();
  const r = traj.f_add_result(PickleResult, 'p', { obj: { nested: [1, { a: 2 }] } });
  assert.equal(r.obj, { nested: [1, { a: 2 }] });
  assert.instance(r, Result);
});

test('a result item may be called like a field of the leaf state (root, parent, stored, annotations, storedAt, storedIn)', () => {
  // A leaf keeps its tree state in fields of its own (leaf-node.ts); natural naming passes them by.
  const traj = t();
  const r = traj.f_add_result('r', { root: 2, parent: 'p', stored: true, annotations: [1], storedAt: 7, storedIn: 'f' }) as Result;
  assert.equal([r.root, r.parent, r.stored, r.annotations, r.storedAt, r.storedIn], [2, 'p', true, [1], 7, 'f']);
  assert.ok('root' in r && 'storedIn' in r);
  r.root = 3;
  assert.is(r.f_get('root'), 3);
  assert.equal(r.f_keys().sort(), ['annotations', 'parent', 'root', 'stored', 'storedAt', 'storedIn']);
  // The state itself is untouched: the leaf is in the tree, not yet stored.
  assert.is(r.v_stored, false);
  assert.is(r.f_get_root(), traj);
  const empty = traj.f_add_result('e', 1) as Result;
  assert.not.ok('root' in empty);
  throwsKind(() => empty.parent, NotFoundError, /has no item 'parent'/);
});

test('listing, spreading or JSON of a leaf does not walk into its tree, and does not throw', () => {
  // A leaf is its own state (leaf-node.ts): its parent and trajectory are fields it does not list.
  const traj = t();
  traj.f_add_parameter('p', 1.5, { comment: 'a parameter' });
  const p = traj.f_get('parameters.p') as Parameter;
  const r = traj.f_add_result('z', 42) as Result;
  r.v_annotations.f_set({ unit: 'ms' });
  const state = ['parent', 'root', 'stored', 'storedAt', 'storedIn', 'annotations'];
  for (const leaf of [p, r]) {
    const keys = Object.keys(leaf);
    assert.ok(keys.every((k) => !state.includes(k)), keys.join(', '));
    const json = JSON.stringify(leaf);
    assert.not.match(json, /"(parent|root|stored|storedIn)"/);
    assert.ok(json.length < 400, json);
    assert.is(Object.keys({ ...leaf }).length, keys.length);
    assert.is(Object.entries(leaf).length, keys.length);
  }
  // The state is there all the same.
  assert.is(p.f_get_root(), traj);
  assert.is(r.f_get_root(), traj);
  assert.is(r.f_get_annotations('unit'), 'ms');
});

test("a class of your own cannot declare a field with the name of a leaf's state field", () => {
  class Rooted extends Result {
    root = 'mine';
  }
  class Parented extends Parameter {
    parent = 'mine';
  }
  throwsKind(() => new Rooted('r', 1), InvalidNameError, /The field 'root' of Rooted 'r' has the name of a field h5traj keeps in every leaf/);
  assert.throws(() => new Parented('p', 1), /Cannot redefine property: parent/);
  class Fine extends Result {
    unit = 'ms';
  }
  assert.is(new Fine('f', 1).unit, 'ms');
});

test.run();
