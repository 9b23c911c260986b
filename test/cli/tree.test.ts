/**
 * `h5traj tree`: the natural-naming tree with classes, types, parameter values, result items and
 * comments; `--depth`, a start PATH, and `--json`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { FIXTURES, h5traj } from './cli-helpers.js';
import { tempDir, writeW1 } from './cli-files.js';

const ENV_RUN = path.join(FIXTURES, 'env_run.hdf5');
let W1 = '';

test.before(async () => {
  W1 = path.join(tempDir(), 'w1.hdf5');
  await writeW1(W1);
});

interface Node { name: string; full_name?: string; kind: string; class?: string; comment?: string; type?: string; value?: unknown; explored?: boolean; range?: unknown[]; items?: string[]; target?: string; children?: Node[]; children_not_shown?: number }

function json(args: string[]): Node {
  const r = h5traj(args);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Node;
}

const child = (n: Node, name: string): Node => {
  const c = n.children?.find((x) => x.name === name);
  assert.ok(c, `${n.name} has no child ${name}: ${n.children?.map((x) => x.name).join(', ')}`);
  return c!;
};

test('the whole tree of pypet\'s env_run: values, explored ranges, result items, comments', () => {
  const r = h5traj(['tree', ENV_RUN]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^env_run {2}Trajectory, 6 runs {2}# environment run$/);
  assert.ok(lines.includes('├── parameters'));
  assert.ok(lines.some((l) => /^│   ├── x = 1\.0 {2}Parameter float, explored over 6 values: 1\.0, 1\.0, 1\.0, 2\.0, 2\.0, … {2}# x value$/.test(l)), r.stdout);
  assert.ok(lines.some((l) => /── z {2}Result \[z\] {2}# product of x and y$/.test(l)));
  assert.ok(lines.some((l) => /── stats {2}Result \[arr, count, label, lst, mean\]/.test(l)));
  assert.ok(lines.some((l) => /── seed = 1234 {2}Parameter int {2}# rng seed$/.test(l)));
  assert.ok(lines.some((l) => /── sum = 2\.0 {2}Parameter float {2}# x \+ y$/.test(l)), 'derived parameters show their values');
  assert.not.match(r.stdout, /\x1b\[/, 'no colours when stdout is not a terminal');
});

test('--depth limits the levels and says how many children are hidden', () => {
  const r = h5traj(['tree', ENV_RUN, '--depth', '1']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split('\n').slice(1), [
    '├── config  (3 children not shown)',
    '├── parameters  (2 children not shown)',
    '├── derived_parameters  (3 children not shown)',
    '└── results  (3 children not shown)',
  ]);
  assert.is(h5traj(['tree', ENV_RUN, '--depth', '0']).stdout, 'env_run  Trajectory, 6 runs  # environment run  (4 children not shown)\n');
});

test('a start PATH, as JSON: run 0 of env_run', () => {
  const run = json(['tree', ENV_RUN, 'results.runs.run_00000000', '--json']);
  assert.is(run.full_name, 'results.runs.run_00000000');
  assert.equal(run.children!.map((c) => c.name), ['stats', 'z']);
  assert.equal(child(run, 'stats').items, ['arr', 'count', 'label', 'lst', 'mean']);
  assert.equal(child(run, 'z'), { name: 'z', full_name: 'results.runs.run_00000000.z', kind: 'result', class: 'Result', comment: 'product of x and y', items: ['z'] });
});

test('JSON parameters carry type, value and the full explored range', () => {
  const params = json(['tree', ENV_RUN, 'parameters', '--json']);
  assert.equal(child(params, 'x'), {
    name: 'x', full_name: 'parameters.x', kind: 'parameter', class: 'Parameter', comment: 'x value',
    type: 'float', value: 1, explored: true, range: [1, 1, 1, 2, 2, 2],
  });
  assert.equal(child(params, 'y').range, [1, 2, 3, 1, 2, 3]);
  const top = json(['tree', ENV_RUN, '--json', '--depth', '1']);
  assert.equal(top.kind, 'trajectory');
  assert.equal(top.children!.map((c) => [c.name, c.children_not_shown]), [['config', 3], ['parameters', 2], ['derived_parameters', 3], ['results', 3]]);
});

test('links, the classes of pypet results, and the one leaf a PATH names', () => {
  const r = h5traj(['tree', path.join(FIXTURES, 'results_types.hdf5'), 'results']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /── link_to_many -> results\.many\n/);
  const leaf = h5traj(['tree', path.join(FIXTURES, 'params_basic.hdf5'), 'parameters.py.float_val']);
  assert.is(leaf.code, 0, leaf.stderr);
  assert.is(leaf.stdout, 'parameters.py.float_val = 3.25  Parameter float  # a python float\n');
  const bytes = h5traj(['tree', path.join(FIXTURES, 'params_basic.hdf5'), 'bytes_val']);
  assert.is(bytes.stdout, "parameters.py.bytes_val = b'raw\\x00bytes'  Parameter bytes\n", 'a shortcut works as PATH');
});

test('an h5traj-written file: each W1 run stored out with items a, arr, b, c', () => {
  const out = json(['tree', W1, 'results.runs.run_00000003.out', '--json']);
  assert.is(out.kind, 'result');
  assert.equal([...out.items!].sort(), ['a', 'arr', 'b', 'c']);
  // As in pypet, only the first run's result keeps the comment (purge_duplicate_comments).
  assert.is(json(['tree', W1, 'results.runs.run_00000000.out', '--json']).comment, 'W1 output');
  const mode = child(json(['tree', W1, 'parameters', '--json']), 'mode');
  assert.equal(mode.range, ['alpha', 'alpha', 'alpha', 'alpha', 'alpha', 'alpha', 'beta', 'beta', 'beta', 'beta', 'beta', 'beta']);
});

test('a file with several trajectories: the last one unless picked, with a note on stderr', () => {
  const file = path.join(FIXTURES, 'two_trajectories.hdf5');
  const r = h5traj(['tree', file, '--depth', '0']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^second {2}Trajectory/);
  assert.match(r.stderr, /holds 2 trajectories \(first, second\); using the last one, 'second'/);
  const first = h5traj(['tree', file, '--trajectory', 'first', '--depth', '0']);
  assert.match(first.stdout, /^first {2}Trajectory, 2 runs/);
  assert.is(first.stderr, '');
  assert.match(h5traj(['tree', file, '--index', '0', '--depth', '0']).stdout, /^first /);
});

test('errors: an unknown PATH (exit 1), a bad --depth (exit 2)', () => {
  const r = h5traj(['tree', ENV_RUN, 'nope']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /'nope'/);
  assert.is(r.stdout, '');
  const d = h5traj(['tree', ENV_RUN, '--depth', '-1']);
  assert.is(d.code, 2);
  assert.match(d.stderr, /--depth/);
});

test.run();
