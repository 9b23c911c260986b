/**
 * Rows read from `overview/runs` must be made young however many rows V8 saw survive before: a
 * block of rows alive at a scavenge taught V8 to pretenure the row literal, and opening a 1M-run
 * file then made every row in the old generation (a peak of 440 MB instead of 310 in about half
 * of the opens, issue 13). See src/storage/hdf5/native/read/young.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { tempDir } from '../../helpers.js';
import { inYoungGeneration, trainSurvival } from '../../young.js';
import { Trajectory } from '../../../src/index.js';
import { openH5Sync } from '../../../src/storage/hdf5/engine/open-file.js';
import { readRuns } from '../../../src/storage/hdf5/layout/overview.js';

const RUNS = 2000;
const file = path.join(tempDir('h5traj-young-rows-'), 'runs.hdf5');
{
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0.5);
  t.f_explore({ x: Array.from({ length: RUNS }, (_, i) => i + 0.5) });
  for (const _ of t.f_iter_runs()) t.f_add_result('out', t.v_idx);
  t.f_store();
}

test('rows read from overview/runs are young after V8 saw many rows survive', () => {
  const f = openH5Sync(file, 'r');
  try {
    trainSurvival((i) => readRuns(f, 't', [i % (RUNS - 100), (i % (RUNS - 100)) + 100]), 40);
    const rows = readRuns(f, 't', [RUNS - 10, RUNS]);
    assert.is(rows.length, 10);
    assert.equal(rows.filter((r) => !inYoungGeneration(r)).map((r) => r.name), []);
  } finally {
    f.close();
  }
});

test.run();
