/** The Environment when storing goes wrong: nothing reported durable may be lost. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, FileLockedError, Trajectory } from '../../src/index.js';
import { JournalWriter, journalPathFor, readJournal } from '../../src/environment/journal.js';
import { loadAll, tempDir } from './env-helpers.js';

const MODULE = fileURLToPath(new URL('./fixtures/multiply.ts', import.meta.url));
process.env.H5TRAJ_LOCK_WAIT_MS = '100';

/** Another live writer (this test runner's parent process) takes the file's lock. */
function foreignLock(file: string): void {
  fs.writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid: process.ppid, since: Date.now() / 1000 }));
}

function setup(env: Environment): void {
  env.trajectory.f_add_parameter('x', 1, { dtype: 'int' });
  env.trajectory.f_add_parameter('y', 1.0);
  env.trajectory.f_explore({ x: [1, 2, 3, 4, 5, 6], y: [1, 1, 1, 1, 1, 1] });
}

test('a checkpoint that cannot be written keeps the journal; resume stores every run', async () => {
  const file = path.join(tempDir(), 'ckpt.hdf5');
  const durable: number[] = [];
  const env = new Environment({ trajectory: 'ckpt', filename: file, progress: 'quiet', checkpoint_seconds: 0, journal_sync_ms: 0, on_run: (i) => durable.push(i) });
  setup(env);
  let error: unknown;
  try {
    await env.run((traj) => {
      if (traj.v_idx === 2) foreignLock(file);
      traj.f_add_result('z', traj.x * traj.y);
    });
  } catch (e) {
    error = e;
  }
  assert.instance(error, FileLockedError);
  const journal = journalPathFor(file, 'ckpt', env.trajectory.v_timestamp);
  assert.ok(fs.existsSync(journal), 'the journal is kept');
  const inFile = loadAll(file, 'ckpt');
  for (const i of durable) {
    const stored = inFile.f_is_completed(i) || readJournal(journal).entries.some((e) => e.kind === 'run' && e.idx === i);
    assert.ok(stored, `durable run ${i} is in the file or the journal`);
  }
  fs.rmSync(`${file}.lock`);
  const resumed = new Environment({ trajectory: 'ckpt', filename: file, progress: 'quiet', resume: true });
  await resumed.run((traj) => traj.f_add_result('z', traj.x * traj.y));
  const t = loadAll(file, 'ckpt');
  assert.ok(t.f_is_completed());
  assert.equal([...t.f_get_from_runs('z', { fast_access: true }).values()], [1, 2, 3, 4, 5, 6]);
  assert.not.ok(fs.existsSync(journal));
});

test('a failing writer thread rejects env.run (no crash) and resume finishes', async () => {
  const file = path.join(tempDir(), 'par.hdf5');
  // The foreign lock appears once two runs are durable: mid-exploration, whatever the machine's speed.
  let durable = 0;
  const env = new Environment({ trajectory: 'par', filename: file, progress: 'quiet', ncores: 2, journal_sync_ms: 0, on_run: () => ++durable === 2 && foreignLock(file) });
  setup(env);
  let error: unknown;
  try {
    await env.run({ module: MODULE, export: 'busy' }, 300);
  } catch (e) {
    error = e;
  }
  fs.rmSync(`${file}.lock`, { force: true });
  // The writer thread's error is the storage service's, as in a serial run: same class, same message.
  if (error) {
    assert.instance(error, FileLockedError);
    assert.match((error as Error).message, /being written by/);
  }
  const resumed = new Environment({ trajectory: 'par', filename: file, progress: 'quiet', resume: true });
  await resumed.run((traj) => traj.f_add_result('z', traj.x * traj.y));
  assert.ok(loadAll(file, 'par').f_is_completed());
});

test('a journal of an earlier trajectory of the same name is never folded into a new one', async () => {
  const file = path.join(tempDir(), 'ow.hdf5');
  const stale = new JournalWriter(journalPathFor(file, 'ow', 1_000_000));
  stale.append({ kind: 'run', idx: 0, info: { completed: 1, time: 't', timestamp: 1, finish_timestamp: 2, runtime: '0:00:01', parameter_summary: 'x: 10', short_environment_hexsha: 'old' }, records: [] });
  stale.close();
  const env = new Environment({ trajectory: 'ow', filename: file, progress: 'quiet', overwrite_file: true });
  setup(env);
  const calls: number[] = [];
  await env.run((traj) => {
    calls.push(traj.v_idx);
    traj.f_add_result('z', traj.x * traj.y);
  });
  assert.equal(calls, [0, 1, 2, 3, 4, 5], 'every run ran; none was taken from the stale journal');
  assert.not.ok(fs.existsSync(journalPathFor(file, 'ow', 1_000_000)), 'overwriting removed the stale journal');
  assert.is(loadAll(file, 'ow').f_get_run_information(0).short_environment_hexsha.length, 7);
});

test('a return value that cannot be stored fails that run only', async () => {
  const file = path.join(tempDir(), 'ret.hdf5');
  const env = new Environment({ trajectory: 'ret', filename: file, progress: 'quiet', accept_failures: true });
  setup(env);
  const results = await env.run((traj) => {
    traj.f_add_result('z', traj.x);
    if (traj.v_idx === 1) {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      return cyclic;
    }
    return traj.x;
  });
  assert.is(results.length, 5);
  assert.equal(env.failures.map((f) => f.idx), [1]);
  assert.match(env.failures[0]!.message, /return value cannot be stored: .*cycle/);
  const t = new Trajectory('ret', { add_time: false, filename: file });
  t.f_load({ name: 'ret', load_parameters: 2, load_results: 1 });
  assert.not.ok(t.f_is_completed(1));
  assert.ok(t.f_is_completed(2));
});

test('a second exploration of the same trajectory at the same time is refused', async () => {
  const file = path.join(tempDir(), 'twice.hdf5');
  const first = new Environment({ trajectory: 'twice', filename: file, progress: 'quiet', accept_failures: true });
  setup(first);
  await first.run((traj) => {
    if (traj.v_idx === 0) {
      traj.f_add_result('z', 0);
      throw new Error('leave run 0 for later');
    }
    traj.f_add_result('z', traj.x);
  });
  let refused: unknown;
  const a = new Environment({ trajectory: 'twice', filename: file, progress: 'quiet', resume: true });
  await a.run(async (traj) => {
    // While this resume runs, another one starts on the same trajectory.
    const b = new Environment({ trajectory: 'twice', filename: file, progress: 'quiet', resume: true });
    try {
      await b.run((t) => t.f_add_result('z', -1));
    } catch (e) {
      refused = e;
    }
    traj.f_add_result('z', traj.x);
  });
  assert.instance(refused, FileLockedError);
  assert.match((refused as Error).message, /Another exploration of trajectory 'twice'/);
  const t = loadAll(file, 'twice');
  assert.ok(t.f_is_completed());
  assert.equal([...t.f_get_from_runs('z', { fast_access: true }).values()], [1, 2, 3, 4, 5, 6]);
});

test.run();
