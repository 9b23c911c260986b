/**
 * `h5traj compact` and the unreachable bytes `h5traj info` reports, through the built binary: an
 * exploration committing after every run with appending commits leaves old versions in the file;
 * `info --json` reports the count the commits kept (`--exact` walks the file to measure them), `compact` gives them back, and the trajectory is the same after.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { h5traj } from './cli-helpers.js';
import { tempDir } from './cli-files.js';

const dir = tempDir();
const MODULE = path.join(dir, 'sim.mjs');
fs.writeFileSync(MODULE, `
export const name = 'sim';
export function setup(traj) {
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: [0, 1, 2, 3, 4, 5, 6, 7] });
}
export function run(traj) {
  traj.f_add_result('z', traj.x * 10);
}
`);
const APPEND = { ...process.env, H5TRAJ_COMMITS: 'append' };

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('info counts the bytes old versions take, compact gives them back and keeps the runs', () => {
  const file = path.join(dir, 'sim.hdf5');
  // The trajectory is stored, then its runs committed by appending: the groups on their path have old versions.
  const run = h5traj(['run', MODULE, '--file', file, '--quiet'], { env: APPEND });
  assert.is(run.code, 0, run.stderr);
  type Info = { file_bytes: number; unreachable_bytes: number | null; unreachable_measured: boolean };
  const before = JSON.parse(h5traj(['info', file, '--json', '--exact']).stdout) as Info;
  assert.ok(before.unreachable_bytes! > 0, `unreachable bytes: ${before.unreachable_bytes}`);
  assert.is(before.unreachable_measured, true);
  // Without --exact, info reads the count the commits kept (constant time): an estimate near the walk's figure.
  const counted = JSON.parse(h5traj(['info', file, '--json']).stdout) as Info;
  assert.is(counted.unreachable_measured, false);
  const ratio = counted.unreachable_bytes! / before.unreachable_bytes!;
  assert.ok(ratio > 0.5 && ratio < 2, `counted ${counted.unreachable_bytes} vs walked ${before.unreachable_bytes}`);
  const compacted = h5traj(['compact', file, '--json'], { env: APPEND });
  assert.is(compacted.code, 0, compacted.stderr);
  const sizes = JSON.parse(compacted.stdout) as { bytes_before: number; bytes_after: number };
  assert.is(sizes.bytes_before, before.file_bytes);
  assert.ok(sizes.bytes_after <= before.file_bytes - before.unreachable_bytes!, `${sizes.bytes_after} ≤ ${before.file_bytes} − ${before.unreachable_bytes}`);
  const after = JSON.parse(h5traj(['info', file, '--json']).stdout) as { file_bytes: number; unreachable_bytes: number; trajectories: { runs: number; completed: number }[] };
  assert.is(after.unreachable_bytes, 0, 'a compacted file counts no old versions');
  assert.is((JSON.parse(h5traj(['info', file, '--json', '--exact']).stdout) as Info).unreachable_bytes, 0, 'and the walk finds none');
  assert.is(after.file_bytes, sizes.bytes_after);
  assert.is(after.trajectories[0]!.completed, 8);
  const z = h5traj(['get', file, 'z', '--json']);
  assert.is(z.code, 0, z.stderr);
  assert.match(z.stdout, /70/);
});

test.run();
