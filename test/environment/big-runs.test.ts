/**
 * Big run data is written once, straight into the file (issue 13, W5): with appending commits
 * an Environment commits runs with big arrays without putting them in the journal first, so the
 * journal stays far below the data, the file holds each array once, and the results are right —
 * serially and with worker threads (whose arrays move between threads instead of being copied).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, Trajectory } from '../../src/index.js';
import { tempDir } from './env-helpers.js';

const MODULE = fileURLToPath(new URL('./fixtures/big-run.mjs', import.meta.url));
// The same run function serially (a closure) and on worker threads (the module).
const { ROWS, run } = (await import(MODULE)) as { ROWS: number; run: (traj: Trajectory) => number };
const RUNS = 10;
const DATA = RUNS * ROWS * 8; // 15 MiB

/** Explores x = 0 … RUNS−1 with `run`, committing after every run; returns the journal's biggest size seen and the file. */
async function explore(ncores: number): Promise<{ file: string; journalMax: number; durable: number[] }> {
  const dir = tempDir('h5traj-big-');
  const file = path.join(dir, 'big.hdf5');
  let journalMax = 0;
  const durable: number[] = [];
  const env = new Environment({
    trajectory: 'big',
    filename: file,
    progress: 'quiet',
    ncores,
    checkpoint_seconds: 0,
    on_run: (idx) => {
      durable.push(idx);
      for (const n of fs.readdirSync(dir)) if (n.endsWith('.journal')) journalMax = Math.max(journalMax, fs.statSync(path.join(dir, n)).size);
    },
  });
  env.trajectory.f_add_parameter('x', 0);
  env.trajectory.f_explore({ x: Array.from({ length: RUNS }, (_, i) => i) });
  const results = await env.run(ncores > 1 ? { module: MODULE, export: 'run' } : run);
  assert.equal(results, Array.from({ length: RUNS }, (_, i) => [i, i]), 'every run returned its x');
  assert.equal(fs.readdirSync(dir), ['big.hdf5'], 'no journal or lock is left');
  return { file, journalMax, durable };
}

function assertStoredOnce(file: string, where: string): void {
  const size = fs.statSync(file).size;
  assert.ok(size > DATA && size < DATA * 1.1, `${where}: the file holds each array once (${size} bytes for ${DATA} of data)`);
  const t = new Trajectory('big', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 2 });
  assert.ok(t.f_is_completed(), `${where}: every run completed`);
  for (const name of t.f_iter_runs()) {
    const arr = t.f_get('big').arr as { length: number; at(i: number): number };
    assert.is(arr.length, ROWS, `${where}: ${name}`);
    assert.is(arr.at(0), t.x + 0.25, `${where}: ${name}`);
    assert.is(arr.at(ROWS - 1), t.x + 0.25, `${where}: ${name}`);
  }
  t.f_restore_default();
}

for (const ncores of [1, 2]) {
  const where = ncores === 1 ? 'serial' : '2 worker threads';
  test(`${where}: the journal of a run with big arrays stays far below the data, which is in the file once`, async () => {
    const { file, journalMax, durable } = await explore(ncores);
    assert.ok(journalMax < 64 * 1024, `${where}: the journal held at most ${journalMax} bytes (data: ${DATA})`);
    assert.equal([...durable].sort((a, b) => a - b), Array.from({ length: RUNS }, (_, i) => i), `${where}: every run reported durable once`);
    assertStoredOnce(file, where);
  });
}

test('with H5TRAJ_COMMITS=rewrite (every commit writes the whole file) big runs still go through the journal', async () => {
  const before = process.env.H5TRAJ_COMMITS;
  process.env.H5TRAJ_COMMITS = 'rewrite';
  try {
    const { file, journalMax } = await explore(1);
    assert.ok(journalMax > ROWS * 8, 'the journal holds a run\'s data until its commit');
    assertStoredOnce(file, 'rewrite');
  } finally {
    if (before === undefined) delete process.env.H5TRAJ_COMMITS;
    else process.env.H5TRAJ_COMMITS = before;
  }
});

test.run();
