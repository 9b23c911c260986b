/**
 * One name for one thing across the commands, and option errors a user can act on: `--where`
 * selects runs everywhere (`--filter` and `--runs` are its old aliases), `-f` is `--file` only,
 * `completed` reads true/false everywhere; whole-number options name the text given; `--index`
 * out of range says how many trajectories there are; a missing file is exit 1 in every command;
 * `export --results` refuses a name no run has and finds derived parameters as `get` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { h5traj } from './cli-helpers.js';
import { tempDir } from './cli-files.js';

const dir = tempDir();
const FILE = path.join(dir, 'sim.hdf5');
const MODULE = path.join(dir, 'sim.mjs');
fs.writeFileSync(MODULE, `
export const name = 'sim';
export function setup(traj) { traj.f_add_parameter('x', 1.0); traj.f_explore({ x: [1.0, 2.0, 3.0] }); }
export function run(traj) {
  traj.f_add_result('out', { a: traj.x * 10, b: -traj.x });
  traj.f_add_derived_parameter('r0', traj.x / 2);
}
`);

test.before(() => {
  const r = h5traj(['run', MODULE, '-f', FILE, '--quiet']);
  assert.is(r.code, 0, r.stderr);
});

function ok(args: string[]): string {
  const r = h5traj(args);
  assert.is(r.code, 0, `h5traj ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('--where selects runs in find, get and export; --filter and --runs are aliases of it', () => {
  const idx = (out: string) => (JSON.parse(out) as { idx: number }[]).map((r) => r.idx);
  assert.equal(idx(ok(['find', FILE, '--where', 'x>=2', '--json'])), [1, 2]);
  assert.equal(idx(ok(['find', FILE, '--filter', 'x>=2', '--json'])), [1, 2]);
  assert.equal(idx(ok(['find', FILE, 'x>=2', '--json'])), [1, 2]);
  assert.equal(idx(ok(['get', FILE, 'out.a', '--where', 'x>=2', '--json'])), [1, 2]);
  assert.equal(idx(ok(['get', FILE, 'out.a', '--runs', 'x>=2', '--json'])), [1, 2]);
  assert.equal(ok(['export', FILE, '--format', 'csv', '--where', 'x>=2']).trim().split('\n').length, 3);
  for (const cmd of ['find', 'get', 'export']) assert.match(ok([cmd, '--help']), /--where, -w|-w, --where/);
});

test('-f means --file (run) and nothing else: export takes --format only', () => {
  assert.match(ok(['run', '--help']), /-f, --file/);
  const r = h5traj(['export', FILE, '-f', 'csv']);
  assert.is(r.code, 2);
  assert.match(ok(['export', FILE, '--format', 'csv']), /^run,idx,completed,x\n/);
});

test('completed reads true/false in find, get --json and export alike', () => {
  const table = ok(['find', FILE, 'x=1.0']).split('\n')[1]!;
  assert.equal(table.split(/\s+/).slice(0, 3), ['run_00000000', '0', 'true']);
  assert.is((JSON.parse(ok(['find', FILE, '--json'])) as { completed: unknown }[])[0]!.completed, true);
  assert.match(ok(['export', FILE, '--format', 'csv']), /run_00000000,0,true,1/);
});

test('whole-number options name the text given (not NaN), exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['tree', FILE, '--depth', 'x'], /^h5traj: --depth takes a whole number of levels to show \(0 or more\), not 'x'\.\n/],
    [['tree', FILE, '--depth', '-1'], /--depth takes a whole number of levels to show \(0 or more\), not '-1'\./],
    [['info', FILE, '--index', 'last'], /--index takes a whole number \(the position of a trajectory in the file: 0 is the first, -1 the last\), not 'last'\./],
    [['schema', FILE, '--max-values', '2.5'], /--max-values takes a whole number of values to list per parameter \(1 or more\), not '2\.5'\./],
    [['run', MODULE, '-f', path.join(dir, 'n.hdf5'), '--ncores', 'two'], /--ncores takes a whole number of worker threads \(1 or more\), not 'two'\./],
  ];
  for (const [args, message] of cases) {
    const r = h5traj(args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /NaN/);
  }
  assert.match(ok(['tree', FILE, '--depth', '1']), /parameters/);
});

test('--index out of range says so and how many trajectories the file holds (exit 1)', () => {
  for (const cmd of ['info', 'tree', 'get']) {
    const args = cmd === 'get' ? [cmd, FILE, 'out.a', '--index', '5'] : [cmd, FILE, '--index', '5'];
    const r = h5traj(args);
    assert.is(r.code, 1, cmd);
    assert.match(r.stderr, /^h5traj: --index 5 is out of range: '.*sim\.hdf5' holds 1 trajectory: use --index 0 \(or -1\)\.\n$/);
  }
  assert.match(ok(['info', FILE, '--index', '-1']), /sim/);
});

test('a missing file is exit 1 with the same sentence in info, get, export and merge', () => {
  const missing = path.join(dir, 'missing.hdf5');
  // (A missing merge TARGET is created from the first part: see merge.test.ts.)
  for (const args of [['info', missing], ['get', missing, 'z'], ['export', missing, '--format', 'csv'], ['merge', FILE, missing]]) {
    const r = h5traj(args);
    assert.is(r.code, 1, args.join(' '));
    assert.match(r.stderr, /^h5traj: The file '.*missing\.hdf5' does not exist\.\n$/);
  }
});

test('export --results: a name no run has is an error listing the names that exist; derived parameters are found', () => {
  const r = h5traj(['export', FILE, '--format', 'csv', '--results', 'out.a,no_such_name']);
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^h5traj: No run of 'sim' has 'no_such_name' \(looked below results\.runs and derived_parameters\.runs\); the runs have out, r0 \(and items of a result as NAME\.ITEM, e\.g\. out\.a\)\.\n$/);
  const out = path.join(dir, 'x.csv');
  assert.is(h5traj(['export', FILE, '--format', 'csv', '--results', 'nope', '-o', out]).code, 1);
  assert.not.ok(fs.existsSync(out), 'no output file is left behind');
  assert.is(ok(['export', FILE, '--format', 'csv', '--results', 'r0,out.a']), 'run,idx,completed,x,r0,out.a\nrun_00000000,0,true,1,0.5,10\nrun_00000001,1,true,2,1,20\nrun_00000002,2,true,3,1.5,30\n');
  const rows = JSON.parse(ok(['get', FILE, 'r0', '--json'])) as { value: number }[];
  assert.equal(rows.map((row) => row.value), [0.5, 1, 1.5]);
});

test.run();
