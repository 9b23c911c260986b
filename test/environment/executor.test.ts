import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Trajectory, cartesian_product } from '../../src/index.js';
import { executeRun } from '../../src/environment/run-executor.js';
import { runOnWorkers } from '../../src/environment/pool.js';
import { JournalWriter, readJournal, type JournalEntry } from '../../src/environment/journal.js';
import { subtreeRecords } from '../../src/trajectory/records.js';
import { toWire } from '../../src/environment/wire.js';
import { trajectoryState } from '../../src/trajectory/state.js';
import { run, flaky } from './fixtures/multiply.js';
import { tempDir } from '../helpers.js';

const MODULE = fileURLToPath(new URL('./fixtures/multiply.ts', import.meta.url));

function makeTraj(): Trajectory {
  const t = new Trajectory('env', { add_time: false });
  t.f_add_parameter('x', 1, { dtype: 'int' });
  t.f_add_parameter('y', 1.0);
  t.f_explore(cartesian_product({ x: [1, 2, 3], y: [0.5, 1.5] }));
  return t;
}

/**
 * Entries without timing fields, for comparing serial and parallel runs. Groups shared by all
 * runs (`results.runs`) come with the first run of each thread, so they are compared apart.
 */
function comparable(e: JournalEntry): unknown {
  if (e.kind === 'failure') return { kind: e.kind, idx: e.idx, message: e.message };
  const { time, timestamp, finish_timestamp, runtime, ...info } = e.info;
  return { idx: e.idx, info, records: toWire(e.records.filter((r) => r.fullName.includes('.run_'))), returned: e.returned };
}

/** The shared groups the entries record (each may come several times, once per thread). */
function sharedGroups(entries: JournalEntry[]): string[] {
  const names = entries.flatMap((e) => (e.kind === 'run' ? e.records : [])).filter((r) => !r.fullName.includes('.run_')).map((r) => r.fullName);
  return [...new Set(names)].sort();
}

test('runs leave no name-index entries behind (issue 13: memory flat over a million runs)', async () => {
  const t = makeTraj();
  const before = [...trajectoryState(t).index.keys()].sort();
  for (let i = 0; i < 6; i++) assert.is((await executeRun(t, i, run, [], 'abcdef0123')).kind, 'run');
  const after = [...trajectoryState(t).index.keys()].sort();
  // The shared groups (`runs`, its leaves' names are per run) stay; nothing named after a run does.
  assert.equal(after.filter((n) => n.startsWith('run_')), [], 'no run_… entries left');
  assert.equal(after.filter((n) => !before.includes(n)).sort(), ['runs'], 'only the group shared by all runs is new');
  assert.ok([...trajectoryState(t).index.values()].every((s) => s.size > 0), 'no empty entries');
});

test('a run is executed as its run: results land under it, are captured, and leave memory', async () => {
  const t = makeTraj();
  const entry = await executeRun(t, 3, run, [], 'abcdef0123');
  assert.is(entry.kind, 'run');
  if (entry.kind !== 'run') return;
  assert.is(entry.returned, 2 * 1.5); // run 3 is x = 2, y = 1.5
  assert.equal(entry.info.parameter_summary, 'x: 2,   y: 1.5');
  assert.is(entry.info.short_environment_hexsha, 'abcdef0');
  assert.equal(entry.records.map((r) => r.fullName), [
    'results.runs', 'results.runs.run_00000003', 'results.runs.run_00000003.z', 'results.runs.run_00000003.stats',
    'derived_parameters.runs', 'derived_parameters.runs.run_00000003', 'derived_parameters.runs.run_00000003.sum',
  ]);
  assert.not.ok(t.f_contains('results.runs.run_00000003'), 'the run subtree is removed from memory');
  assert.ok(t.f_get('results.runs').v_stored, 'the group shared by all runs stays, recorded once');
  const next = await executeRun(t, 4, run, [], 'abcdef0123');
  assert.equal(next.kind === 'run' && next.records.filter((r) => r.type === 'group').map((r) => r.fullName), [
    'results.runs.run_00000004', 'derived_parameters.runs.run_00000004',
  ], 'the next run records only its own groups');
  assert.is(t.v_idx, -1);
});

test('a throwing run becomes a failure entry with message and stack', async () => {
  const t = makeTraj();
  const entry = await executeRun(t, 2, flaky, [], 'x');
  assert.is(entry.kind, 'failure');
  if (entry.kind === 'failure') {
    assert.is(entry.message, 'run 2 always fails');
    assert.match(entry.stack, /flaky/);
  }
});

test('serial and two worker threads give identical entries', async () => {
  const serial: JournalEntry[] = [];
  const t = makeTraj();
  for (let i = 0; i < t.v_length; i++) serial.push(await executeRun(t, i, run, [10], 'h'));
  const t2 = makeTraj();
  const parallel: JournalEntry[] = [];
  await runOnWorkers(
    2,
    { trajName: t2.v_name, records: toWire(subtreeRecords(t2.parameters)), length: t2.v_length, run: { module: MODULE }, url: pathToFileURL(MODULE).href, args: toWire([10]), hexsha: 'h' },
    [...Array(t2.v_length).keys()],
    (e) => { parallel.push(e); },
    () => false,
  );
  parallel.sort((a, b) => a.idx - b.idx);
  assert.equal(parallel.map(comparable), serial.map(comparable));
  assert.equal(sharedGroups(parallel), sharedGroups(serial));
  assert.equal(sharedGroups(serial), ['derived_parameters.runs', 'results.runs']);
});

test('the journal keeps synced entries and ignores a torn tail', () => {
  const dir = tempDir('h5traj-journal-');
  const file = path.join(dir, 'j.journal');
  const w = new JournalWriter(file);
  const entry: JournalEntry = { kind: 'failure', idx: 1, message: 'm', stack: 's', timestamp: 1 };
  w.append(entry);
  w.append({ ...entry, idx: 2 });
  w.close();
  fs.appendFileSync(file, Buffer.from([50, 0, 0, 0, 1, 2, 3])); // a frame cut short by a crash
  const { entries } = readJournal(file);
  assert.equal(entries.map((e) => e.idx), [1, 2]);
  const w2 = new JournalWriter(file); // reopening cuts the torn tail and appends after it
  w2.append({ ...entry, idx: 3 });
  w2.close();
  assert.equal(readJournal(file).entries.map((e) => e.idx), [1, 2, 3]);
  fs.writeFileSync(file, 'not a journal at all');
  assert.throws(() => readJournal(file), /not an h5traj run journal/);
});

test.run();
