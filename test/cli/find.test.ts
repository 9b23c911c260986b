/**
 * `h5traj find`: runs matching NAME OP VALUE expressions or a JSON filter, on pypet's
 * explored_grid (x ∈ {0.5, 1.0, 1.5} × y ∈ {10, 20, 30, 40}, y fastest, never run) and on an
 * h5traj-written W1 file (12 completed runs).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { FIXTURES, h5traj } from './cli-helpers.js';
import { tempDir, writeW1 } from './cli-files.js';

const GRID = path.join(FIXTURES, 'explored_grid.hdf5');
let W1 = '';

test.before(async () => {
  W1 = path.join(tempDir(), 'w1.hdf5');
  await writeW1(W1);
});

interface Row { run: string; idx: number; completed: boolean; x: number; y: number; mode?: string }

function json(args: string[]): Row[] {
  const r = h5traj(args);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

test('expressions are ANDed: x >= 1 and y < 30 on the pypet grid', () => {
  const rows = json(['find', GRID, 'x>=1', 'y<30', '--json']);
  assert.equal(rows.map((r) => r.idx), [4, 5, 8, 9]);
  assert.equal(rows.map((r) => [r.x, r.y]), [[1, 10], [1, 20], [1.5, 10], [1.5, 20]]);
  assert.equal(rows.map((r) => r.run), ['run_00000004', 'run_00000005', 'run_00000008', 'run_00000009']);
  assert.ok(rows.every((r) => r.completed === false), 'the grid was never run');
});

test('= and == compare values, spaces around the operator are allowed', () => {
  assert.equal(json(['find', GRID, 'x=1.0', '--json']).map((r) => r.idx), [4, 5, 6, 7]);
  assert.equal(json(['find', GRID, 'y == 40', 'x != 1.0', '--json']).map((r) => r.idx), [3, 11]);
  assert.equal(json(['find', GRID, 'y<=10', '--json']).map((r) => r.idx), [0, 4, 8]);
});

test('--filter takes f_find_runs JSON, combined with expressions', () => {
  assert.equal(json(['find', GRID, '--filter', '{"$or": [{"x": 0.5}, {"y": 40}]}', '--json']).map((r) => r.idx), [0, 1, 2, 3, 7, 11]);
  assert.equal(json(['find', GRID, 'x>0.5', '--filter', '{"y": {"$in": [10, 40]}}', '--json']).map((r) => r.idx), [4, 7, 8, 11]);
});

test('a table by default, the count on stderr, stdout only the table', () => {
  const r = h5traj(['find', GRID, 'x>=1', 'y<30']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0]!.split(/\s+/), ['run', 'idx', 'completed', 'x', 'y']);
  assert.is(lines.length, 5);
  assert.equal(lines[1]!.split(/\s+/), ['run_00000004', '4', 'false', '1.0', '10']);
  assert.match(r.stderr, /4 of 12 runs match/);
});

test('no match: an empty JSON array, exit 0', () => {
  assert.equal(json(['find', GRID, 'x>99', '--json']), []);
});

test('an h5traj-written file: string values, completed runs', () => {
  const rows = json(['find', W1, 'mode=beta', 'x!=1.0', '--json']);
  assert.equal(rows.map((r) => r.idx), [6, 8, 9, 11]);
  assert.ok(rows.every((r) => r.mode === 'beta' && r.completed === true));
  assert.equal(rows.map((r) => r.x), [0.5, 1.5, 0.5, 1.5]);
  // A quoted JSON string is the same as the bare word.
  assert.equal(json(['find', W1, 'mode="alpha"', 'y=2', '--json']).map((r) => r.idx), [3, 4, 5]);
});

test('bad expressions and filters are usage errors (exit 2)', () => {
  for (const args of [
    ['find', GRID, 'x>>2'],
    ['find', GRID, '--filter', '{"x": '],
    ['find', GRID, '--filter', '[1, 2]'],
    ['find', GRID, '--filter', '{"x": {"$near": 1}}'],
  ]) {
    const r = h5traj(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /h5traj --help/);
  }
  assert.match(h5traj(['find', GRID, 'x>>2']).stderr, /'x>>2' is not a filter expression/);
});

test('a filter that fails only on a run ($in without a list) is a usage error before any output, in every streaming command', () => {
  const where = '{"x": {"$in": 1}}';
  for (const args of [['find', GRID, '--filter', where], ['find', GRID, '--filter', where, '--json'], ['get', GRID, 'z', '--where', where, '--json'], ['export', GRID, '--format', 'csv', '--where', where]]) {
    const r = h5traj(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /\$in for 'x' needs an array/);
  }
});

test('an unknown parameter fails (exit 1) naming it', () => {
  const r = h5traj(['find', GRID, 'nope=1']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /nope/);
  assert.is(r.stdout, '');
});

test.run();
