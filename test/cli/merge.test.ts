/** `h5traj merge`: shards written by `h5traj run --shard` join into what one machine writes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { h5traj } from './cli-helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h5traj-merge-cli-'));
const MODULE = path.join(dir, 'sim.mjs');
fs.writeFileSync(MODULE, `
export const name = 'sim';
export function setup(traj) {
  traj.f_add_parameter('x', 1.0);
  traj.f_add_parameter('y', 1.0);
  traj.f_explore({ x: [1, 1, 2, 2, 3, 3, 4], y: [1, 2, 1, 2, 1, 2, 1] });
}
export function run(traj) { traj.f_add_result('z', traj.x * 10 + traj.y, { comment: 'z' }); }
`);

function valuesOf(file: string): unknown {
  const r = h5traj(['get', file, 'z', '--json']);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('three shards merged in order equal a single-machine run', () => {
  const all = path.join(dir, 'all.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', all, '--quiet']).code, 0);
  const parts = [0, 1, 2].map((i) => {
    const file = path.join(dir, `part${i}.hdf5`);
    const r = h5traj(['run', MODULE, '--file', file, '--shard', `${i}/3`, '--quiet']);
    assert.is(r.code, 0, r.stderr);
    return file;
  });
  const m = h5traj(['merge', parts[0]!, parts[1]!, parts[2]!, '--json']);
  assert.is(m.code, 0, m.stderr);
  const summary = JSON.parse(m.stdout);
  assert.equal([summary.length_before, summary.merged_runs, summary.length], [3, 4, 7]);
  assert.equal(valuesOf(parts[0]!), valuesOf(all));
  const info = JSON.parse(h5traj(['info', parts[0]!, '--json']).stdout);
  assert.equal([info.trajectories[0].runs, info.trajectories[0].completed], [7, 7]);
});

test('a source in another parameter space is refused and the target is unchanged', () => {
  const target = path.join(dir, 't.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', target, '--quiet']).code, 0);
  const other = path.join(dir, 'other.mjs');
  fs.writeFileSync(other, `
export const name = 'sim';
export function setup(traj) { traj.f_add_parameter('x', 1.0); traj.f_add_parameter('w', 'text'); traj.f_explore({ x: [5] }); }
export function run(traj) { traj.f_add_result('z', 1); }
`);
  const source = path.join(dir, 'o.hdf5');
  assert.is(h5traj(['run', other, '--file', source, '--quiet']).code, 0);
  const before = fs.readFileSync(target);
  const r = h5traj(['merge', target, source]);
  assert.is(r.code, 1);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /parameter/);
  assert.ok(fs.readFileSync(target).equals(before), 'the target file is byte for byte unchanged');
  // A missing file is exit 1 here as in every other command (info, get, …).
  const missing = h5traj(['merge', target, path.join(dir, 'missing.hdf5')]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /^h5traj: The file '.*missing\.hdf5' does not exist\.\n$/);
});

test.run();
