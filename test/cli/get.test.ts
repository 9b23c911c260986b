/**
 * `h5traj get`: one result of every run (f_get_from_runs with auto-load), on pypet's env_run
 * (6 completed runs over x ∈ {1.0, 2.0} × y ∈ {1, 2, 3}: z = x·y, stats with mean/count/arr…,
 * derived parameter sum = x + y) and on an h5traj-written W1 file.
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

interface Row { run: string; idx: number; value: unknown }

function json(args: string[]): Row[] {
  const r = h5traj(args);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

test('a result of every run, as JSON', () => {
  const rows = json(['get', ENV_RUN, 'z', '--json']);
  assert.equal(rows.map((r) => r.idx), [0, 1, 2, 3, 4, 5]);
  assert.equal(rows.map((r) => r.value), [1, 2, 3, 2, 4, 6]);
  assert.is(rows[5]!.run, 'run_00000005');
});

test('an item of a multi-item result (stats.mean), only for the runs matching --runs', () => {
  const rows = json(['get', ENV_RUN, 'stats.mean', '--runs', 'x>=2', '--json']);
  assert.equal(rows.map((r) => [r.idx, r.value]), [[3, 1.5], [4, 2], [5, 2.5]]);
  const json2 = json(['get', ENV_RUN, 'stats.count', '--runs', '{"y": {"$in": [1, 3]}}', '--runs', 'x=1.0', '--json']);
  assert.equal(json2.map((r) => [r.idx, r.value]), [[0, 1], [2, 3]]);
});

test('arrays stay arrays in JSON; a whole multi-item result is its items', () => {
  assert.equal(json(['get', ENV_RUN, 'stats.arr', '--json']).map((r) => r.value), [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 2, 4], [0, 2, 4], [0, 2, 4]]);
  const stats = json(['get', ENV_RUN, 'stats', '--runs', 'x=2.0', '--runs', 'y=3', '--json']);
  assert.is(stats.length, 1);
  assert.equal(stats[0]!.value, { arr: [0, 2, 4], count: 3, label: 'x=2.0 y=3', lst: [3, 4], mean: 2.5 });
});

test('derived parameters of the runs are found too', () => {
  assert.equal(json(['get', ENV_RUN, 'sum', '--json']).map((r) => r.value), [2, 3, 4, 3, 4, 5]);
});

test('a table of run, idx and value by default; the count on stderr', () => {
  const r = h5traj(['get', ENV_RUN, 'z']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0]!.split(/\s+/), ['run', 'idx', 'z']);
  assert.equal(lines[6]!.split(/\s+/), ['run_00000005', '5', '6']);
  assert.is(lines.length, 7);
  assert.match(r.stderr, /6 of 6 runs have 'z'/);
});

test('an h5traj-written file: item out.a = x·y of the beta runs', () => {
  const rows = json(['get', W1, 'out.a', '--runs', 'mode=beta', '--json']);
  assert.equal(rows.map((r) => r.idx), [6, 7, 8, 9, 10, 11]);
  assert.equal(rows.map((r) => r.value), [0.5, 1, 1.5, 1, 2, 3]);
});

test('the table streams aligned: values start in one column; no match prints no table', () => {
  const r = h5traj(['get', W1, 'out.b', '--where', 'y=2']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, 7);
  const at = lines[0]!.indexOf('out.b');
  assert.equal(lines.map((l) => l.slice(at)), ['out.b', '2.5', '3', '3.5', '2.5', '3', '3.5']);
  assert.match(r.stderr, /6 of 12 runs match and have 'out\.b'/);
  const none = h5traj(['get', W1, 'out.b', '--where', 'y=3']);
  assert.is(none.code, 0, none.stderr);
  assert.is(none.stdout, '');
  assert.match(none.stderr, /0 of 12 runs match and have 'out\.b'/);
});

test('a name no run has fails (exit 1) and says where it looked', () => {
  for (const [file, name] of [[ENV_RUN, 'nope'], [ENV_RUN, 'stats.nope'], [path.join(FIXTURES, 'explored_grid.hdf5'), 'z']] as const) {
    const r = h5traj(['get', file, name]);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, new RegExp(`No run of '\\w+' has '${name.replace('.', '\\.')}'`));
  }
});

test('usage errors: no name, a bad --runs filter', () => {
  assert.is(h5traj(['get', ENV_RUN]).code, 2);
  const r = h5traj(['get', ENV_RUN, 'z', '--runs', 'x=>1']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /not a filter expression/);
});

test.run();
