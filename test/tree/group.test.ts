import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsKind } from '../helpers.js';
import {
  Trajectory, Parameter, ArrayParameter, Result, NodeExistsError, NotFoundError, NotUniqueNodeError,
  InvalidNameError, InvalidArgumentError, ParameterGroup, ResultGroup, ConfigGroup, NNGroupNode,
} from '../../src/index.js';
import { nodeState } from '../../src/tree/node.js';

function traj(): Trajectory {
  return new Trajectory('t', { add_time: false });
}

test('adding on the trajectory prefixes the branch; dotted names create groups on the way', () => {
  const t = traj();
  const p = t.f_add_parameter('groupA.param1', 1.5, { comment: 'step' });
  assert.is(p.v_full_name, 'parameters.groupA.param1');
  assert.ok(t.parameters.groupA instanceof ParameterGroup);
  assert.is(t.f_add_config('sim.dt', 0.1).v_full_name, 'config.sim.dt');
  assert.ok(t.config.sim instanceof ConfigGroup);
  assert.is(t.f_add_derived_parameter('d', 2).v_full_name, 'derived_parameters.d');
  assert.is(t.f_add_result('r', 3).v_full_name, 'results.r');
  assert.ok(t.results instanceof ResultGroup);
  // A name that already starts with its branch is not prefixed twice.
  assert.is(t.f_add_parameter('parameters.pp', 1).v_full_name, 'parameters.pp');
});

test('adding on a group prefixes the group; wrong branch is refused', () => {
  const t = traj();
  const g = t.f_add_parameter_group('physics', { comment: 'physics constants' });
  assert.is(g.v_comment, 'physics constants');
  assert.is(g.f_add_parameter('c', 3e8).v_full_name, 'parameters.physics.c');
  assert.is(t.parameters.physics.f_add_parameter_group('sub.deeper').v_full_name, 'parameters.physics.sub.deeper');
  assert.throws(() => t.results.f_add_parameter('x', 1), (e: Error) => e instanceof InvalidArgumentError && /outside the 'parameters' branch/.test(e.message));
});

test('adding an existing name is an error that names it', () => {
  const t = traj();
  t.f_add_parameter('x', 1);
  assert.throws(() => t.f_add_parameter('x', 2), (e: Error) => e instanceof NodeExistsError && /'parameters\.x' already exists/.test(e.message));
  throwsKind(() => t.f_add_parameter_group('x'), NodeExistsError);
  assert.throws(() => t.f_add_parameter('x.y', 2), /'parameters\.x': it is a leaf/);
});

test('bad names are refused with the bad part named', () => {
  const t = traj();
  assert.throws(() => t.f_add_parameter('g._secret', 1), (e: Error) => e instanceof InvalidNameError && /'_secret' starts with an underscore/.test(e.message));
  assert.throws(() => t.f_add_result('f_store', 1), /'f_store' starts with 'f_'/);
  assert.throws(() => t.f_add_group('overview'), /reserves it/);
  assert.throws(() => new Trajectory('a.b'), /contains a dot/);
});

test('natural naming: full paths, shortcuts, bracket form, fast access', () => {
  const t = traj();
  t.f_add_parameter('groupA.param1', 42, { dtype: 'int' });
  t.f_add_result('groupB.res1', 'hello');
  assert.is(t.parameters.groupA.param1, 42);
  assert.is(t.param1, 42);
  assert.is(t.groupA.param1, 42);
  assert.is(t['groupA.param1'], 42);
  assert.is(t.res1, 'hello');
  t.v_fast_access = false;
  assert.ok(t.param1 instanceof Parameter);
  assert.is(t.f_get('param1', { fast_access: true }), 42);
});

test('shortcuts find the shallowest match; ties raise NotUniqueNodeError listing candidates', () => {
  const t = traj();
  t.f_add_result('a.b.q', 1);
  t.f_add_result('c.q', 2);
  assert.is(t.f_get('q').v_full_name, 'results.c.q');
  t.f_add_result('e.q', 3);
  try {
    t.f_get('q');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NotUniqueNodeError);
    assert.equal((e as NotUniqueNodeError).candidates, ['results.c.q', 'results.e.q']);
  }
  assert.is(t.f_get('a.q').v_full_name, 'results.a.b.q');
  throwsKind(() => t.f_get('a.q', { shortcuts: false }), NotFoundError);
  assert.throws(() => t.f_get('q', { max_depth: 1 }), (e: Error) => e instanceof NotFoundError && /anywhere below the trajectory/.test(e.message));
  assert.is(t.f_get('b.q', { backwards_search: true }).v_full_name, 'results.a.b.q');
});

test('a missing name says where it looked; JS probes stay undefined', () => {
  const t = traj();
  t.f_add_parameter('x', 1);
  assert.throws(() => t.paramters, (e: Error) => e instanceof NotFoundError && /'paramters'.*Its children are: config, parameters/.test(e.message));
  assert.is((t as any).then, undefined);
  assert.is((t as any)._nothing, undefined);
  assert.is(JSON.stringify({ a: 1 }), '{"a":1}');
});

test('assignment through natural naming sets leaf values', () => {
  const t = traj();
  t.f_add_parameter('x', 1);
  t.x = 2.5;
  assert.is(t.x, 2.5);
  t.f_add_result('out', { a: 1, b: 2 });
  t.results.out.a = 10;
  assert.is(t.results.out.f_get('a'), 10);
  assert.throws(() => { t.parameters = 1; }, /'parameters' is a group/);
});

test('children, iteration, f_to_dict, f_contains, f_get_all', () => {
  const t = traj();
  t.f_add_parameter('g.x', 1);
  t.f_add_parameter('g.y', 2);
  t.f_add_parameter('z', 3);
  const g = t.parameters.g as NNGroupNode;
  assert.is(g.f_children(), 2);
  assert.ok(g.f_has_children());
  assert.equal(Object.keys(g.f_get_children()), ['x', 'y']);
  assert.equal([...t.parameters.f_iter_nodes()].map((n) => n.v_full_name), ['parameters.g', 'parameters.g.x', 'parameters.g.y', 'parameters.z']);
  assert.equal([...t.parameters.f_iter_nodes({ recursive: false })].map((n) => n.v_name), ['g', 'z']);
  assert.equal([...t.f_iter_leaves()].map((n) => n.v_name), ['x', 'y', 'z']);
  assert.equal(t.parameters.f_to_dict({ fast_access: true }), { 'parameters.g.x': 1, 'parameters.g.y': 2, 'parameters.z': 3 });
  assert.equal(t.parameters.f_to_dict({ fast_access: true, short_names: true }), { x: 1, y: 2, z: 3 });
  t.f_add_result('x', 5);
  assert.throws(() => t.f_to_dict({ short_names: true }), /'x'/);
  assert.ok(t.f_contains('parameters.g.x'));
  assert.not.ok(t.f_contains('x'));
  // With shortcuts the shallowest 'x' wins: results.x (depth 2) over parameters.g.x (depth 3).
  assert.ok(t.f_contains('x', { shortcuts: true }));
  assert.is(t.f_get('x').v_full_name, 'results.x');
  assert.ok('z' in t.parameters);
  assert.equal(t.f_get_all('x').map((n) => n.v_full_name), ['parameters.g.x', 'results.x']);
  assert.equal(t.f_get_all('g.x').map((n) => n.v_full_name), ['parameters.g.x']);
});

test('node properties', () => {
  const t = traj();
  const p = t.f_add_parameter('g.h.x', 1, { comment: 'c' });
  assert.is(p.v_name, 'x');
  assert.is(p.v_location, 'parameters.g.h');
  assert.is(p.v_depth, 4);
  assert.is(p.v_branch, 'parameters');
  assert.ok(p.v_is_leaf);
  assert.not.ok(p.v_is_root);
  assert.ok(t.v_is_root);
  assert.is(p.v_comment, 'c');
  assert.is(p.v_run_branch, 'trajectory');
  assert.not.ok(p.v_stored);
  const r = t.f_add_result('runs.run_00000003.z', 1);
  assert.is(r.v_run_branch, 'run_00000003');
  assert.is(t.parameters.g.v_depth, 2);
});

test('a comment stays with its node through naming, attaching and clearing; it is kept with the name, not in a field of its own', () => {
  const t = traj();
  const r = new Result('', 5, { comment: 'made outside' });
  t.results.z = r; // renamed (empty name), then attached
  const z = t.f_get('results.z');
  assert.is(z.v_name, 'z');
  assert.is(z.v_full_name, 'results.z');
  assert.is(z.v_comment, 'made outside');
  assert.match(String(z), /made outside/);
  z.v_comment = '';
  assert.is(z.v_comment, '');
  assert.is(z.v_name, 'z');
  z.v_comment = 'again';
  assert.is(z.v_comment, 'again');
  const g = t.results.f_add_group(new ResultGroup('a.b', 'group comment'));
  assert.is(g.v_name, 'b');
  assert.is(t.f_get('results.a.b').v_comment, 'group comment');
  t.v_comment = 'the trajectory';
  assert.is(t.v_comment, 'the trajectory');
  assert.is(t.v_name, 't');
  // (A leaf is its own state object: these are its fields.)
  assert.not.ok(Object.getOwnPropertyNames(nodeState(z)).includes('_comment'));
});

test('annotations on leaves, groups and the trajectory', () => {
  const t = traj();
  const p = t.f_add_parameter('x', 1);
  p.f_set_annotations({ author: 'me', weight: 0.5 });
  assert.is(p.f_get_annotations('author'), 'me');
  assert.equal(p.f_get_annotations('author', 'weight'), ['me', 0.5]);
  assert.is(p.f_ann_to_str(), 'author=me; weight=0.5');
  t.parameters.f_set_annotations({ kind: 'group annotation' });
  t.f_set_annotations({ answer: 42n });
  assert.is(t.v_annotations.f_get('answer'), 42);
  assert.throws(() => p.f_get_annotations('nope'), /no annotation 'nope'.*author, weight/);
});

test('links: natural naming follows them', () => {
  const t = traj();
  const r = t.f_add_result('many', { a: 1 });
  t.f_add_link('results.link_to_many', r);
  assert.is(t.results.link_to_many, r);
  assert.equal(Object.keys(t.results.f_get_links()), ['link_to_many']);
  throwsKind(() => t.f_add_link('results.link_to_many', r), NodeExistsError);
});

test('removing children and items (memory only)', () => {
  const t = traj();
  t.f_add_parameter('g.x', 1);
  t.f_add_parameter('g.y', 1);
  assert.throws(() => t.parameters.f_remove_child('g'), /has children; pass \{ recursive: true \}/);
  t.parameters.g.f_remove_child('x');
  assert.not.ok(t.f_contains('parameters.g.x'));
  throwsKind(() => t.x, NotFoundError);
  t.f_remove_item('parameters.g.y', { remove_empty_groups: true });
  assert.not.ok(t.f_contains('parameters.g'));
  t.f_add_parameter('h.z', 2);
  t.parameters.f_remove_child('h', { recursive: true });
  throwsKind(() => t.z, NotFoundError);
  assert.throws(() => t.parameters.f_remove_child('nope'), /does not exist/);
});

test('the leaf class can be given first, or an instance', () => {
  const t = traj();
  const a = t.f_add_parameter(ArrayParameter, 'arr', [[1, 2], [3, 4]]);
  assert.instance(a, ArrayParameter);
  assert.equal(t.arr.toNested(), [[1, 2], [3, 4]]);
  const r = new Result('results.custom', 7);
  t.f_add_result(r);
  assert.is(t.custom, 7);
});

test.run();
