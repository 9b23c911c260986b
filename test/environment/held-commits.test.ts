/**
 * The writer thread's storage path: an HDF5StorageService that holds the file's graph between
 * commits (holdBetweenCommits) writes exactly what a plain service writes, purged comments
 * included, and sees a change another writer made to the file between two of its commits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { HDF5StorageService, Trajectory, cartesian_product } from '../../src/index.js';
import { executeRun } from '../../src/environment/run-executor.js';
import type { Commit } from '../../src/trajectory/storage-service.js';
import { comparableManifest, loadAll, tempDir } from './env-helpers.js';
import { run } from './fixtures/multiply.js';

/** Stores a new 4-run trajectory in `file` and returns the commit of each run (computed in memory). */
async function storedWithRuns(file: string): Promise<Commit[]> {
  const traj = new Trajectory('held', { add_time: false, filename: file });
  traj.f_add_parameter('x', 1, { dtype: 'int' });
  traj.f_add_parameter('y', 1.0);
  traj.f_explore(cartesian_product({ x: [1, 2], y: [0.5, 1.5] }));
  traj.f_store();
  const commits: Commit[] = [];
  for (let i = 0; i < traj.v_length; i++) {
    const entry = await executeRun(traj, i, run, [], 'h');
    if (entry.kind !== 'run') throw new Error(`run ${i} failed: ${entry.message}`);
    commits.push({ runs: [{ idx: i, info: entry.info, records: entry.records }], failures: [], nodes: [] });
  }
  return commits;
}

test('commits through a held service equal commits through a plain one, with a foreign write in between', async () => {
  const dir = tempDir();
  const plainFile = path.join(dir, 'plain.hdf5');
  const heldFile = path.join(dir, 'held.hdf5');
  const plainCommits = await storedWithRuns(plainFile);
  const heldCommits = await storedWithRuns(heldFile);
  const name = { v_name: 'held' };
  const plain = new HDF5StorageService(plainFile);
  for (const c of plainCommits) plain.commit(name, c);
  const held = new HDF5StorageService(heldFile);
  held.holdBetweenCommits();
  held.commit(name, heldCommits[0]!);
  held.commit(name, heldCommits[1]!);
  // Another writer changes the file under the held graph: the next held commit must build on it.
  new HDF5StorageService(heldFile).commit(name, heldCommits[2]!);
  held.commit(name, heldCommits[3]!);
  held.close();
  const a = loadAll(plainFile, 'held');
  const b = loadAll(heldFile, 'held');
  assert.ok(b.f_is_completed(), 'every run is in the file, the foreign one too');
  assert.equal(comparableManifest(b), comparableManifest(a));
  assert.is(b.f_get('results.runs.run_00000000.z').v_comment, 'the product');
  assert.is(b.f_get('results.runs.run_00000003.z').v_comment, '', 'purge_duplicate_comments: only the first run keeps the comment');
});

test.run();
