/**
 * The run table read a block of rows at a time (loading, `h5traj info`): block boundaries give
 * the same rows, in order, as reading the table whole.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { forEachRun, readRuns } from '../../../src/storage/hdf5/layout/overview.js';
import { readCompleted } from '../../../src/storage/hdf5/summary.js';
import { Environment, type Trajectory } from '../../../src/index.js';
import { tempDir } from '../../cli/cli-files.js';

const file = path.join(tempDir(), 'runs.hdf5');
const env = new Environment({ trajectory: 't', filename: file, progress: 'quiet', accept_failures: true });
env.trajectory.f_add_parameter('x', 0.0);
env.trajectory.f_explore({ x: Array.from({ length: 23 }, (_, i) => i / 2) });
await env.run((t: Trajectory) => {
  if (t.v_idx % 5 === 3) throw new Error('every fifth run fails');
  t.f_add_result('z', t.x * 2);
});

test('forEachRun in blocks of 1, 5 and 64 rows gives every row of the table, in order', async () => {
  const f = await openH5(file);
  try {
    const whole = readRuns(f, 't');
    assert.is(whole.length, 23);
    for (const block of [1, 5, 64]) {
      const seen: unknown[] = [];
      forEachRun(f, 't', (run) => seen.push(run), block);
      assert.equal(seen, whole, `blocks of ${block}`);
    }
  } finally {
    f.close();
  }
});

test('readCompleted in blocks marks exactly the completed runs', async () => {
  const f = await openH5(file);
  try {
    const expected = Array.from({ length: 23 }, (_, i) => (i % 5 === 3 ? 0 : 1));
    for (const block of [1, 5, 64]) assert.equal([...readCompleted(f, 't', 23, block)], expected, `blocks of ${block}`);
    // a table shorter than the exploration: the runs it lacks are not completed
    assert.equal([...readCompleted(f, 't', 25, 5)], [...expected, 0, 0]);
  } finally {
    f.close();
  }
});

test.run();
