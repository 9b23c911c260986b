/**
 * The columnar run table (issue 13): records made on demand hold what was written, text columns
 * survive updates, shrinking and their buffers being squeezed, and a million runs take tens of
 * megabytes, not the ~0.6 KB per run of one record object each.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InvalidArgumentError, NotFoundError, Trajectory } from '../../src/index.js';
import { RunTable, formatRuntime, formatTime, placeholderRun, type RunInformation } from '../../src/trajectory/runs.js';
import { runName } from '../../src/tree/names.js';
import { throwsKind } from '../helpers.js';

const done = (i: number, summary = `x: ${i * 0.5},   label: 'é${i}'`): Omit<RunInformation, 'idx' | 'name'> => ({
  completed: 1,
  time: formatTime(1_796_000_000 + i / 4),
  timestamp: 1_796_000_000 + i / 4,
  finish_timestamp: 1_796_000_000.25 + i / 4,
  runtime: formatRuntime(0.25),
  parameter_summary: summary,
  short_environment_hexsha: 'abcdef0',
});

test('a new table holds pypet placeholder rows, made on demand and frozen', () => {
  const t = new RunTable();
  assert.is(t.length, 1);
  t.resize(5);
  assert.is(t.length, 5);
  assert.equal(t.get(4), placeholderRun(4));
  assert.ok(Object.isFrozen(t.get(4)));
  assert.is(t.completedCount(), 0);
  assert.equal([...t.records(3)].map((r) => r.name), ['run_00000003', 'run_00000004']);
  throwsKind(() => t.get(5), NotFoundError, /There is no run 5; the trajectory has 5 runs \(0 to 4\)/);
  t.resize(0);
  assert.is(t.length, 1, 'a trajectory keeps at least one run');
});

test('updates are read back field by field; a runtime that is not the timestamps\' difference is kept as given', () => {
  const t = new RunTable();
  t.resize(3);
  const r = t.update(1, done(1));
  assert.equal(r, { idx: 1, name: 'run_00000001', ...done(1) });
  assert.equal(t.get(1), r);
  assert.ok(t.isCompleted(1));
  assert.not.ok(t.isCompleted(2));
  assert.is(t.completedCount(), 1);
  t.update(2, { ...done(2), runtime: '0:00:07' });
  assert.is(t.get(2).runtime, '0:00:07');
  assert.is(t.get(0).runtime, 'forever and ever');
});

test('a time and runtime equal to what the timestamps give stay what they were when a timestamp changes alone', () => {
  const t = new RunTable();
  t.update(0, done(0));
  t.update(0, { finish_timestamp: 2000, timestamp: 1000 });
  assert.is(t.get(0).runtime, formatRuntime(0.25));
  assert.is(t.get(0).time, formatTime(1_796_000_000));
  assert.is(t.get(0).finish_timestamp, 2000);
  t.update(0, { time: '2001_01_01_00h00m00s' }); // e.g. written in another time zone
  assert.is(t.get(0).time, '2001_01_01_00h00m00s');
  t.update(0, { timestamp: 5 });
  assert.is(t.get(0).time, '2001_01_01_00h00m00s');
});

test('summaries survive many replacements (the text buffer is squeezed) and shrinking leaves no old values', () => {
  const t = new RunTable();
  t.resize(1000);
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 1000; i++) t.update(i, { parameter_summary: `round ${round}, run ${i}: ${'ü'.repeat(i % 50)}` });
  }
  for (const i of [0, 1, 499, 999]) assert.is(t.get(i).parameter_summary, `round 29, run ${i}: ${'ü'.repeat(i % 50)}`);
  t.update(7, done(7));
  t.resize(5);
  t.resize(10);
  assert.equal(t.get(7), placeholderRun(7));
  assert.is(t.get(4).parameter_summary, `round 29, run 4: ${'ü'.repeat(4)}`);
});

test('replaceAll takes rows one at a time and refuses a row out of order', () => {
  const t = new RunTable();
  function* rows(): Generator<RunInformation> {
    for (let i = 0; i < 3; i++) yield { idx: i, name: runName(i), ...done(i) };
  }
  t.replaceAll(rows());
  assert.is(t.length, 3);
  assert.equal(t.get(2), { idx: 2, name: 'run_00000002', ...done(2) });
  t.replaceAll([]);
  assert.is(t.length, 0);
  throwsKind(() => t.append({ ...placeholderRun(1) }), InvalidArgumentError, /Run 0 of the run table cannot be 'run_00000001' \(index 1\)/);
  throwsKind(() => t.append({ ...placeholderRun(0), name: 'run_0' }), InvalidArgumentError, /cannot be 'run_0'/);
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = () => {
  gc();
  gc(); // a second pass frees what the first one only found (the text buffers left behind)
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

test('fit after loading gives back the room left for growth and keeps every run', () => {
  const n = 300_000;
  const t = new RunTable();
  const rows = function* (): Generator<RunInformation> {
    for (let i = 0; i < n; i++) yield { idx: i, name: runName(i), ...done(i, `x: ${i},   y: ${i % 1000}`) };
  };
  t.replaceAll([]);
  for (const r of rows()) t.append(r);
  const grownBytes = used();
  t.fit();
  const freed = grownBytes - used();
  // Columns grown by half again and text doubled: tens of bytes per run to give back.
  assert.ok(freed > 10 * n, `fit gave back ${(freed / n).toFixed(1)} bytes per run`);
  assert.is(t.length, n);
  for (const i of [0, 1, 4097, n - 1]) assert.equal(t.get(i), { idx: i, name: runName(i), ...done(i, `x: ${i},   y: ${i % 1000}`) });
  // The table still grows and updates after fitting.
  t.append({ idx: n, name: runName(n), ...done(n) });
  t.update(3, { parameter_summary: 'changed' });
  assert.is(t.get(n).parameter_summary, done(n).parameter_summary);
  assert.is(t.get(3).parameter_summary, 'changed');
  assert.is(t.get(n - 1).parameter_summary, `x: ${n - 1},   y: 999`);
});

test('a million completed runs take tens of megabytes, not one record each', () => {
  const before = used();
  const t = new RunTable();
  const n = 1_000_000;
  t.resize(n);
  for (let i = 0; i < n; i++) t.update(i, done(i, `x: ${i},   y: ${i % 1000}`));
  const bytes = used() - before;
  assert.is(t.get(n - 1).parameter_summary, `x: ${n - 1},   y: 999`);
  // Columns: ~41 bytes per run, plus the summaries' text with room to grow: ~75 bytes in all.
  // One frozen record per run with its own strings took ~355.
  assert.ok(bytes < 150 * n, `the table takes ${(bytes / n).toFixed(0)} bytes per run`);
});

test('a million runs appended as loading does, then fitted, keep no room to grow and no text positions for derived times', () => {
  const before = used();
  const t = new RunTable();
  const n = 1_000_000;
  // As a load appends the rows of a file: start times and runtimes are what the timestamps give.
  t.replaceAll((function* () {
    for (let i = 0; i < n; i++) yield { idx: i, name: runName(i), ...done(i, `x: ${i}`) };
  })());
  t.fit();
  const bytes = used() - before;
  assert.equal(t.get(n - 1), { idx: n - 1, name: runName(n - 1), ...done(n - 1, `x: ${n - 1}`) });
  assert.equal(t.get(12_345), { idx: 12_345, name: runName(12_345), ...done(12_345, 'x: 12345') });
  // Per run: completed 1, two timestamps 16, hexsha id 4, three text kinds 3, the summary's
  // position 8 and its ~6 bytes of text: ~38 bytes (before: ~65, with room to grow and the
  // positions of derived text).
  assert.ok(bytes < 45 * n, `the table takes ${(bytes / n).toFixed(0)} bytes per run`);
  // Still a table that grows: appending after fitting keeps every value.
  t.append({ idx: n, name: runName(n), ...done(n, 'x: new') });
  t.update(0, { runtime: 'forever', time: 'then' });
  assert.is(t.get(n).parameter_summary, 'x: new');
  assert.is(t.get(0).runtime, 'forever');
  assert.is(t.get(0).time, 'then');
  assert.is(t.get(1).runtime, formatRuntime(0.25));
  assert.is(t.get(n - 1).parameter_summary, `x: ${n - 1}`);
});

test('summaries equal to the derived one are not stored, and pinning keeps what they were before the derivation changes', () => {
  const labels = ['a', 'b', 'c', 'd'];
  const t = new RunTable((i) => `x: ${labels[i]}`);
  t.resize(4);
  assert.is(t.get(2).parameter_summary, placeholderRun(2).parameter_summary, 'a run that never ran keeps the placeholder');
  for (let i = 0; i < 3; i++) t.update(i, done(i, `x: ${labels[i]}`));
  t.update(1, { parameter_summary: 'x: other' });
  labels[0] = 'changed';
  assert.is(t.get(0).parameter_summary, 'x: changed', 'derived: follows its source until pinned');
  t.pinSummaries();
  labels[0] = labels[2] = 'later';
  assert.is(t.get(0).parameter_summary, 'x: changed');
  assert.is(t.get(1).parameter_summary, 'x: other');
  assert.is(t.get(2).parameter_summary, 'x: c');
  assert.is(t.get(3).parameter_summary, placeholderRun(3).parameter_summary);
});

test('a million summaries that are what the explored values give take no text', () => {
  const before = used();
  const t = new RunTable((i) => `x: ${i}`);
  const n = 1_000_000;
  t.replaceAll((function* () {
    for (let i = 0; i < n; i++) yield { idx: i, name: runName(i), ...done(i, `x: ${i}`) };
  })());
  t.fit();
  const bytes = used() - before;
  assert.is(t.get(n - 1).parameter_summary, `x: ${n - 1}`);
  // completed 1, two timestamps 16, hexsha id 4, three text kinds 3: 24 bytes per run.
  assert.ok(bytes < 30 * n, `the table takes ${(bytes / n).toFixed(0)} bytes per run`);
});

test('summaries the explored ranges give are not stored as text; other summaries are', () => {
  const n = 1_000_000;
  const traj = new Trajectory('summaries', { add_time: false });
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: Array.from({ length: n }, (_, i) => 0.25 * i) });
  const before = used();
  for (let i = 0; i < n; i++) traj._updateRun(i, { completed: 1, parameter_summary: traj._parameterSummary(i) });
  const bytes = used() - before;
  // Stored as text they took ~13 bytes a run, in a buffer doubling as it fills (W1: ~40 MB at 1M).
  assert.ok(bytes < 4 * n, `the summaries take ${(bytes / n).toFixed(1)} bytes a run`);
  assert.is(traj.f_get_run_information(7).parameter_summary, 'x: 1.75');
  traj._updateRun(8, { parameter_summary: 'x: 2.0 (from another writer)' });
  assert.is(traj.f_get_run_information(8).parameter_summary, 'x: 2.0 (from another writer)');
  assert.is(traj.f_get_run_information(9).parameter_summary, 'x: 2.25');
});

test('reserve makes room for the rows a load appends: the columns are allocated once, at their final size', () => {
  const t = new RunTable();
  t.replaceAll([]);
  t.reserve(1_000);
  const columns = () => ['completed', 'timestamp', 'finish', 'changed'].map((k) => (t as unknown as Record<string, ArrayBufferView>)[k]);
  const before = columns();
  assert.ok(before.every((c) => (c as Float64Array).length === 1_000));
  for (let i = 0; i < 1_000; i++) t.append({ idx: i, name: runName(i), ...done(i) });
  assert.ok(columns().every((c, k) => c === before[k]), 'no column was grown while appending');
  t.fit();
  assert.equal(t.get(999), { idx: 999, name: 'run_00000999', ...done(999) });
  assert.is(t.completedCount(), 1_000);
});

test('a pooled column (the hexsha) keeps every value as its pool passes 256 and 65,536 distinct values', () => {
  const t = new RunTable();
  const n = 70_000;
  t.resize(n);
  for (let i = 0; i < n; i++) t.update(i, { short_environment_hexsha: `h${i}` });
  for (const i of [0, 1, 254, 255, 256, 1000, 65_534, 65_535, 65_536, n - 1]) assert.is(t.get(i).short_environment_hexsha, `h${i}`, `run ${i}`);
  t.update(3, { short_environment_hexsha: 'h65999' });
  assert.is(t.get(3).short_environment_hexsha, 'h65999');
});

test.run();
