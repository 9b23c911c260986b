/**
 * pypet API pieces of the tree (issue 11): the func/vars aliases, str() of nodes, assignment of
 * nodes by natural naming, links found by shortcuts; and names such as 'constructor' (issue 12).
 */
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError, InvalidNameError, NotFoundError, NotUniqueNodeError, Parameter, Result, ResultGroup, Trajectory } from '../../src/index.js';
import { throwsKind } from '../helpers.js';
import { groupState } from '../../src/tree/group.js';
import { NODE_STATE } from '../../src/tree/node.js';

const JS_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString', 'prototype'];

test("names of Object's members are ordinary node names (parameters and results)", () => {
  const traj = new Trajectory('t', { add_time: false });
  for (const name of JS_NAMES) {
    traj.f_add_parameter(name, 1.5);
    traj.f_add_result(`g.${name}`, 2);
  }
  for (const name of JS_NAMES) {
    assert.is(traj.f_get(name, { fast_access: true }), 1.5, name);
    assert.is(traj[`parameters.${name}`], 1.5, name);
    assert.is(traj.f_get(`results.g.${name}`, { fast_access: true }), 2, name);
    assert.is(traj.f_get(`par.${name}`).v_full_name, `parameters.${name}`);
  }
  // The JavaScript members stay what they are.
  assert.type(traj.toString, 'function');
  assert.is(traj.parameters.hasOwnProperty(NODE_STATE), true);
  assert.equal(Object.keys(traj.parameters.f_to_dict({ short_names: true })), JS_NAMES);
  assert.equal(Object.keys(traj.f_get_parameters()).length, JS_NAMES.length);
  // f_add_leaf under a branch named like an Object member is still a plain leaf.
  traj.f_add_leaf('constructor2', 1);
  assert.is(traj.f_get('constructor2').f_get_class_name(), 'Result');
});

test("'__proto__', 'then', 'func' and 'vars' are refused with the reason", () => {
  const traj = new Trajectory('t', { add_time: false });
  throwsKind(() => traj.f_add_parameter('__proto__', 1), InvalidNameError, /'__proto__' starts with an underscore/);
  throwsKind(() => traj.f_add_result('then', 1), InvalidNameError, /'then' is a name JavaScript itself looks up/);
  throwsKind(() => traj.f_add_parameter('toJSON', 1), InvalidNameError, /'toJSON'/);
  throwsKind(() => traj.f_add_parameter('g.vars', 1), InvalidNameError, /'vars' is pypet's alias/);
  throwsKind(() => traj.f_add_parameter('func', 1), InvalidNameError, /'func' is pypet's alias/);
});

test('func and vars alias the f_ and v_ members on the trajectory, groups and leaves', () => {
  const traj = new Trajectory('t', { add_time: false });
  traj.func.add_parameter('x', 1, { dtype: 'int' });
  traj.f_explore({ x: [1, 2, 3] });
  assert.is(traj.vars.idx, -1);
  traj.vars.idx = 2;
  assert.is(traj.x, 3);
  assert.is(traj.vars.crun, 'run_00000002');
  traj.func.add_result('z', 9);
  assert.is(traj.f_get('results.runs.run_00000002.z').vars.full_name, 'results.runs.run_00000002.z');
  traj.func.restore_default();
  assert.is(traj.vars.idx, -1);
  assert.is(traj.parameters.func.children(), 1);
  assert.is(traj.f_get('x').func.get_range_length(), 3);
  assert.ok('add_result' in traj.func);
  assert.not.ok('nope' in traj.func);
  throwsKind(() => (traj.func as any).nope, NotFoundError, /The trajectory has no method 'f_nope', so 'func\.nope' does not exist/);
  throwsKind(() => traj.parameters.vars.nope, NotFoundError, /ParameterGroup 'parameters' has no property 'v_nope'/);
  throwsKind(() => ((traj.vars as any).nope = 1), NotFoundError, /'v_nope'/);
});

test("String(node) and util.inspect give pypet's str()", () => {
  const traj = new Trajectory('demo', { add_time: false, comment: 'A test' });
  traj.f_add_parameter('x', 1.5, { comment: 'step' });
  traj.f_add_parameter('n', 2, { dtype: 'int' });
  traj.f_add_parameter('s', 'abc');
  traj.f_add_result('r', { a: 1, b: 'x' }, { comment: 'out' });
  assert.is(String(traj.f_get('x')), 'Parameter parameters.x (`step`): 1.5');
  assert.is(`${traj.f_get('n')}`, 'Parameter parameters.n: 2');
  assert.is(inspect(traj.f_get('s')), "Parameter parameters.s: 'abc'");
  assert.is(String(traj.f_get('r')), "Result results.r (`out`): a=1.0, b='x'");
  assert.is(new Parameter('e').toString(), 'Parameter e');
  traj.f_explore({ x: [1.0, 2.5] });
  assert.is(String(traj.f_get('x')), 'Parameter parameters.x (len:2, `step`): 1.5');
  assert.is(String(traj.parameters), 'ParameterGroup parameters: (x: Parameter), (n: Parameter), (s: Parameter)');
  assert.is(
    String(traj),
    'Trajectory demo (`A test`, len:2): (config: ConfigGroup), (parameters: ParameterGroup), (derived_parameters: DerivedParameterGroup), (results: ResultGroup)',
  );
  // A child called toString does not change how nodes print.
  traj.f_add_parameter('toString', 1, { dtype: 'int' });
  traj.f_add_result('g.toString', 7);
  assert.is(String(traj.f_get('results.g')), 'ResultGroup results.g: (toString: Result)');
  assert.is(inspect(traj.f_get('results.g')), 'ResultGroup results.g: (toString: Result)');
  for (let i = 0; i < 8; i++) traj.f_add_result(`many.r${i}`, i);
  assert.match(String(traj.f_get('results.many')), /\(r5: Result\), \.\.\.$/);
});

test('assigning a node adds it, a node of the tree becomes a link, names must match', () => {
  const traj = new Trajectory('t', { add_time: false });
  traj.parameters.y = new Parameter('y', 1);
  assert.is(traj.f_get('parameters.y').v_full_name, 'parameters.y');
  traj.par.g = new Parameter('g.h.w', 2);
  assert.is(traj.par.g.h.w, 2);
  traj.results.r = new Result('', 5);
  assert.is(traj.f_get('results.r').v_name, 'r');
  throwsKind(() => (traj.parameters.q = new Parameter('r', 1)), InvalidNameError, /called 'r' but is assigned as 'q'/);
  assert.not.ok(traj.f_contains('parameters.q'));
  traj.ylink = traj.f_get('y');
  assert.is(traj.f_get_links().ylink, traj.f_get('y'));
  assert.is(traj.ylink, 1);
  const other = new Trajectory('o', { add_time: false });
  other.f_add_parameter('z', 1);
  throwsKind(() => (traj.zlink = other.f_get('z')), InvalidArgumentError, /belongs to another trajectory/);
  // Groups too: by assignment (empty name renamed) or with f_add_group.
  traj.results.sub = new ResultGroup('');
  traj.results.sub.f_add_result('z', 1);
  assert.is(traj.f_get('results.sub.z').v_full_name, 'results.sub.z');
  traj.results.f_add_group(new ResultGroup('a.b', 'made outside'));
  assert.is(traj.f_get('results.a.b').v_comment, 'made outside');
  // Plain values still set leaf values.
  traj.y = 4;
  assert.is(traj.ylink, 4);
});

test('links are found by shortcuts at the depth where they hang', () => {
  const traj = new Trajectory('t', { add_time: false });
  traj.f_add_parameter('x', 1);
  traj.f_add_parameter('y', 2);
  traj.f_add_link('parameters.g.mylink2', traj.f_get('y'));
  assert.is(traj.mylink2, 2);
  assert.is(traj.f_get('mylink2').v_full_name, 'parameters.y');
  assert.is(traj.par.mylink2, 2);
  assert.is(traj.par.g.mylink2, 2);
  assert.ok('mylink2' in traj);
  // A second link of the same name two levels down is ambiguous; a shallower one wins.
  traj.f_add_link('results.h.mylink2', traj.f_get('x'));
  throwsKind(() => traj.mylink2, NotUniqueNodeError, /parameters\.g\.mylink2, results\.h\.mylink2 are all 3 levels down/);
  traj.f_add_link('results.mylink2', traj.f_get('x'));
  assert.is(traj.mylink2, 1);
  traj.results.f_remove_link('mylink2');
  traj.f_remove_item('results.h');
  assert.is(traj.mylink2, 2);
  // A link and its target at the same depth are one match.
  traj.f_add_link('parameters.y2', traj.f_get('y'));
  traj.f_add_link('parameters.k.y', traj.f_get('y'));
  assert.is(traj.f_get('y').v_full_name, 'parameters.y');
  assert.is(traj.f_get('parameters.g.mylink2', { shortcuts: false }).v_full_name, 'parameters.y');
  // However a group's links change (loading and merging write the map directly), the index follows.
  groupState(traj.f_get('parameters.g')).links.clear();
  throwsKind(() => traj.f_get('mylink2'), NotFoundError, /No node named 'mylink2'/);
});

test('f_explore refuses two keys naming one parameter (issue 12)', () => {
  const traj = new Trajectory('t', { add_time: false });
  traj.f_add_parameter('g.x', 1);
  throwsKind(() => traj.f_explore({ x: [1, 2], 'g.x': [3, 4] }), InvalidArgumentError, /'x' and 'g\.x' both name the parameter 'parameters\.g\.x'/);
  assert.not.ok(traj.f_get('x').v_explored);
  traj.f_explore({ x: [1, 2] });
  throwsKind(() => traj.f_expand({ 'parameters.g.x': [3], x: [4] }), InvalidArgumentError, /both name the parameter/);
  assert.equal(traj.f_get('x').f_get_range(), [1, 2]);
});

test.run();
