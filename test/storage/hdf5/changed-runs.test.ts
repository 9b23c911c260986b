/**
 * A store writes only the `overview/runs` rows of runs changed since the run table was last
 * stored, without reading the stored table back (issue 13: at the end of a million-run
 * exploration, `f_store` re-read and compared every row: 6.5 s, ~200 MB). Rows an Environment's
 * commit wrote count as stored; a run the file holds as completed is still never marked not
 * completed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Environment, Trajectory, cartesian_product } from '../../../src/index.js';
import type { H5File } from '../../../src/storage/hdf5/engine/h5file.js';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { readRuns } from '../../../src/storage/hdf5/layout/overview.js';
import { writeTrajectoryUpdates } from '../../../src/storage/hdf5/store.js';
import { trajectoryState } from '../../../src/trajectory/state.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir('h5traj-changed-runs-');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const RUNS = '/t/overview/runs';

/** `f` counting the rows of `overview/runs` read and written through it. */
function counting(f: H5File): { file: H5File; read: number; written: number } {
  const out = { file: f, read: 0, written: 0 };
  out.file = new Proxy(f, {
    get(target, key) {
      if (key === 'readDataset') {
        return (p: string, rows?: [number, number]) => {
          const d = target.readDataset(p, rows);
          if (p === RUNS) out.read += d.shape?.[0] ?? 0;
          return d;
        };
      }
      if (key === 'writeRows') {
        return (p: string, start: number, data: Uint8Array) => {
          if (p === RUNS) out.written += data.length / target.datasetInfo(p).type.size;
          target.writeRows(p, start, data);
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return out;
}

function explored(file: string, n: number): Trajectory {
  const traj = new Trajectory('t', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0);
  traj.f_explore(cartesian_product({ x: [...Array(n).keys()] }));
  return traj;
}

test('a store writes the changed rows only, reads no unchanged one, and nothing when none changed', async () => {
  const file = path.join(dir, 'store.hdf5');
  const traj = explored(file, 5000);
  traj.f_store();
  traj._updateRun(10, { completed: 1, timestamp: 100, finish_timestamp: 101 });
  traj._updateRun(11, { completed: 1, timestamp: 102, finish_timestamp: 103 });
  traj._updateRun(4000, { completed: 1, timestamp: 104, finish_timestamp: 105 });
  let f = counting(await openH5(file, 'a'));
  writeTrajectoryUpdates(f.file, traj, new Map())();
  f.file.close();
  assert.is(f.written, 3, 'the three changed rows are written');
  // Only the completed flags of the changed runs' span are read (a guard against un-completing).
  assert.ok(f.read <= 4000 - 10 + 1, `rows read: ${f.read}`);

  f = counting(await openH5(file, 'a'));
  writeTrajectoryUpdates(f.file, traj, new Map())();
  f.file.close();
  assert.equal([f.read, f.written], [0, 0], 'a store with no run changed touches no row');

  const back = await openH5(file);
  const rows = readRuns(back, 't', [9, 12]);
  back.close();
  assert.equal(rows.map((r) => [r.idx, r.completed, r.timestamp]), [[9, false, 42], [10, true, 100], [11, true, 102]]);
});

test('a changed run the file holds as completed takes the file\'s row, which stays', async () => {
  const file = path.join(dir, 'completed.hdf5');
  const traj = explored(file, 20);
  traj.f_store();
  // Another writer (an Environment) completes run 3 in the file.
  const other = new Trajectory('t', { add_time: false, filename: file });
  other.f_load({ load_parameters: 2 });
  other._updateRun(3, { completed: 1, timestamp: 7, finish_timestamp: 8 });
  other.f_store();
  // This trajectory still believes run 3 is not completed, and changes it.
  traj._updateRun(3, { short_environment_hexsha: 'abc' });
  traj.f_store();
  assert.ok(traj.f_is_completed(3), 'memory took the completed row');
  const back = await openH5(file);
  const [row] = readRuns(back, 't', [3, 4]);
  back.close();
  assert.equal([row!.completed, row!.timestamp], [true, 7]);
});

test('after an Environment run no run is left to store: its commits wrote every row', async () => {
  const file = path.join(dir, 'env.hdf5');
  const env = new Environment({ trajectory: 't', filename: file, progress: 'quiet', add_time: false });
  env.trajectory.f_add_parameter('x', 0);
  env.trajectory.f_explore(cartesian_product({ x: [...Array(50).keys()] }));
  await env.run((traj: Trajectory) => traj.f_add_result('z', traj.x * 2));
  assert.equal([...trajectoryState(env.trajectory).runs.changedRuns()], []);
  const back = await openH5(file);
  const rows = readRuns(back, 't');
  back.close();
  assert.ok(rows.every((r) => r.completed), 'every row is stored completed');
});

test('a store that fails after writing the rows keeps them changed, and the next store writes them', async () => {
  const file = path.join(dir, 'failed-store.hdf5');
  const traj = explored(file, 3);
  traj.f_store();
  traj._updateRun(1, { completed: 1, timestamp: 100, finish_timestamp: 101 });
  traj.f_add_result('late', 7);
  // The write fails once its changes are made (as a full disk does when the file is closed or
  // renamed): the file is left as it was.
  const service = traj.v_storage_service as unknown as { write: (change: (f: H5File) => unknown, o?: object) => unknown };
  const write = service.write.bind(service);
  service.write = (change, o) => write((f) => { change(f); throw new Error('disk full'); }, o);
  assert.throws(() => traj.f_store(), /disk full/);
  service.write = write;
  assert.equal([...trajectoryState(traj).runs.changedRuns()], [1], 'run 1 is still to be stored');

  traj.f_store();
  const back = await openH5(file);
  const rows = readRuns(back, 't', [0, 3]);
  back.close();
  assert.equal(rows.map((r) => [r.completed, r.timestamp]), [[false, 42], [true, 100], [false, 42]]);
  const loaded = new Trajectory('t', { add_time: false, filename: file });
  loaded.f_load({ load_results: 2 });
  assert.is(loaded.f_get('results.late').f_get(), 7, 'the result added before the failed store is stored by the next');
});

test.run();
