/**
 * The run table read a block of rows at a time (loading, `h5traj info`): block boundaries give
 * the same rows, in order, as reading the table whole.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { forEachCompletedRun, forEachRun, readRuns } from '../../../src/storage/hdf5/layout/overview.js';
import { createTable } from '../../../src/storage/hdf5/layout/table.js';
import { I32 } from '../../../src/storage/hdf5/engine/h5types.js';
import { FormatError } from '../../../src/errors.js';
import { readCompleted } from '../../../src/storage/hdf5/summary.js';
import { Environment, Trajectory } from '../../../src/index.js';
import { tempDir } from '../../cli/cli-files.js';
import { runH5py } from '../../helpers.js';

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

test('forEachRun reads every block into one scratch buffer, not a buffer per block', async () => {
  const f = await openH5(file);
  try {
    const scratches: (Uint8Array | undefined)[] = [];
    const read = f.readDataset.bind(f);
    f.readDataset = (p, rows, scratch) => {
      if (p.endsWith('/overview/runs')) scratches.push(scratch);
      return read(p, rows, scratch);
    };
    const seen: unknown[] = [];
    forEachRun(f, 't', (run) => seen.push(run), 5);
    assert.is(seen.length, 23);
    assert.is(scratches.length, 5, 'five blocks of at most 5 rows');
    assert.ok(scratches[0] instanceof Uint8Array && scratches[0].length === 5 * f.datasetInfo('/t/overview/runs').type.size, 'a scratch of one block');
    assert.ok(scratches.every((s) => s === scratches[0]), 'the same scratch for every block');
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

test('forEachCompletedRun gives the completed runs of a span of rows, in blocks', async () => {
  const f = await openH5(file);
  try {
    for (const block of [1, 4, 64]) {
      const seen: number[] = [];
      forEachCompletedRun(f, 't', [6, 19], (idx) => seen.push(idx), block);
      assert.equal(seen, [6, 7, 9, 10, 11, 12, 14, 15, 16, 17], `blocks of ${block}`);
    }
  } finally {
    f.close();
  }
});

// One rule for `completed` wherever it is read (info and commits): pypet tests the value's truth,
// so a value other than 0 and 1 counts as completed, and a table without the column is an error.
test('a completed value other than 0 or 1 counts as completed, as in pypet; a table without the column is a FormatError', async () => {
  const odd = path.join(tempDir(), 'odd.hdf5');
  const w = await openH5(odd, 'w');
  w.ensureGroup('/u/overview');
  createTable(w, '/u/overview/runs', [{ name: 'idx', type: I32 }, { name: 'completed', type: I32 }], { idx: [0, 1, 2, 3], completed: [1, 0, 2, -1] });
  w.ensureGroup('/v/overview');
  createTable(w, '/v/overview/runs', [{ name: 'idx', type: I32 }], { idx: [0] });
  w.close();
  const f = await openH5(odd);
  try {
    assert.equal([...readCompleted(f, 'u', 4)], [1, 0, 1, 1]);
    const seen: number[] = [];
    forEachCompletedRun(f, 'u', undefined, (idx) => seen.push(idx));
    assert.equal(seen, [0, 2, 3]);
    assert.throws(() => readCompleted(f, 'v', 1), (e: unknown) => e instanceof FormatError && /has no columns idx and completed/.test((e as Error).message));
  } finally {
    f.close();
  }
});

test('a run table whose row count is damaged is a FormatError naming the file; nothing is reserved for the rows it claims', () => {
  const bad = path.join(tempDir(), 'bad-count.hdf5');
  // The table claims 2^33 rows (8 GB for one column of run timestamps) but stores none.
  runH5py(`
import h5py, shutil, sys
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], 'a') as f:
    d = f['t/overview/runs']; dt = d.dtype; attrs = dict(d.attrs)
    del f['t/overview/runs']
    n = f.create_dataset('t/overview/runs', shape=(2**33,), maxshape=(None,), dtype=dt, chunks=(64,))
    for k, v in attrs.items(): n.attrs[k] = v
`, file, bad);
  const t = new Trajectory('t', { filename: bad, add_time: false });
  const before = process.resourceUsage().maxRSS;
  assert.throws(
    () => t.f_load({ load_parameters: 2, load_results: 1 }),
    (e: unknown) => e instanceof FormatError && (e as FormatError).message.includes(bad) && /overview\/runs of 't'.*Run 0 of the run table cannot be ''/.test((e as Error).message),
  );
  assert.ok(process.resourceUsage().maxRSS - before < 200_000, 'no room for 2^33 rows was reserved (a RangeError or gigabytes before)');
});

test.run();
