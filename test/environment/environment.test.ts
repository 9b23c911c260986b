import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { throwsKind } from '../helpers.js';
import { Environment, Trajectory, RunError, RunsFailedError, InvalidArgumentError, PresettingError, shardIndices, typed } from '../../src/index.js';
import { comparableManifest, explore, loadAll, tempDir } from './env-helpers.js';
import { run as multiply } from './fixtures/multiply.js';

const MODULE = fileURLToPath(new URL('./fixtures/multiply.ts', import.meta.url));

test('env.run stores every run with its results and run information, and returns [idx, value] pairs', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'serial.hdf5');
  const env = new Environment({ trajectory: 'grid', filename: file, progress: 'quiet', comment: 'an exploration' });
  explore(env.trajectory);
  const results = await env.run(multiply, 10);
  assert.equal(results.map(([i]) => i), [...Array(12).keys()]);
  assert.equal(results[5], [5, 2 * 1.5 * 10]); // run 5 is x = 2, y = 1.5
  const t = loadAll(file, 'grid');
  assert.is(t.v_comment, 'an exploration');
  assert.ok(t.f_is_completed());
  const info = t.f_get_run_information(5);
  assert.is(info.parameter_summary, 'x: 2,   y: 1.5');
  assert.match(info.runtime, /^0:00:00\.\d{6}$|^0:00:00$/);
  assert.ok(info.finish_timestamp >= info.timestamp);
  assert.equal([...t.f_get_from_runs('z', { fast_access: true, use_indices: true }).values()].slice(0, 4), [5, 15, 25, 35]);
  assert.is(t.f_get('results.runs.run_00000000.z').v_comment, 'the product');
  assert.is(t.f_get('results.runs.run_00000001.z').v_comment, '', "pypet's purge_duplicate_comments: only the first run keeps the comment");
  assert.equal(t.f_get('results.runs.run_00000004.stats').label, 'x2');
  const env_ = t.f_get('config.environment');
  const provenance = [...env_.f_iter_leaves()].map((l: { v_name: string }) => l.v_name);
  for (const k of ['h5traj_version', 'node_version', 'h5wasm_version', 'git_commit', 'git_dirty', 'host', 'command_line', 'timestamp', 'finish_timestamp']) {
    assert.ok(provenance.includes(k), `provenance has ${k}`);
  }
  assert.not.ok(fs.existsSync(`${file}.lock`), 'the lock is released');
  assert.equal(fs.readdirSync(dir).filter((f) => f.includes('journal') || f.includes('tmp')), [], 'no journal or temp file is left');
});

test('serial and ncores: 2 give identical stored trajectories', async () => {
  const dir = tempDir();
  const files = [path.join(dir, 'serial.hdf5'), path.join(dir, 'parallel.hdf5')];
  for (const [i, file] of files.entries()) {
    const env = new Environment({ trajectory: 'same', filename: file, progress: 'quiet', ncores: i === 0 ? 1 : 2 });
    explore(env.trajectory);
    const results = await env.run({ module: MODULE, export: 'run' }, 3);
    assert.is(results.length, 12);
  }
  assert.equal(comparableManifest(loadAll(files[1]!, 'same')), comparableManifest(loadAll(files[0]!, 'same')));
});

test('with ncores > 1 a closure is refused with a sentence explaining the module form', async () => {
  const env = new Environment({ trajectory: 't', filename: path.join(tempDir(), 'c.hdf5'), progress: 'quiet', ncores: 2 });
  explore(env.trajectory);
  try {
    await env.run((traj) => traj.x);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, InvalidArgumentError);
    assert.match((e as Error).message, /module: "\/path\/run\.js", export: "run"/);
  }
});

test('a bad run module is the same error, class and message, serially and with ncores: 2', async () => {
  const dir = tempDir();
  const bad = [
    { module: MODULE, export: 'nothing_by_this_name' },
    { module: path.join(dir, 'no-such-module.mjs') },
  ];
  for (const ref of bad) {
    const errors: unknown[] = [];
    for (const ncores of [1, 2]) {
      const env = new Environment({ trajectory: 'bad', filename: path.join(dir, `bad-${errors.length}-${bad.indexOf(ref)}.hdf5`), progress: 'quiet', ncores });
      explore(env.trajectory);
      errors.push(await env.run(ref, 3).then(() => undefined, (e: unknown) => e));
      assert.ok(fs.existsSync(env.filename), 'the trajectory is stored all the same');
      assert.equal(fs.readdirSync(dir).filter((f) => f.includes('journal') || f.endsWith('.lock')), [], 'no journal or lock is left');
    }
    const [serial, parallel] = errors as Error[];
    assert.instance(serial, InvalidArgumentError);
    assert.is(parallel!.constructor, serial!.constructor, `${ref.module}: ${parallel?.constructor.name} in parallel, ${serial?.constructor.name} serially`);
    assert.is(parallel!.message, serial!.message);
    assert.match(serial!.message, ref.export ? /has no exported function 'nothing_by_this_name'/ : /no-such-module\.mjs' cannot be loaded/);
  }
});

test('failing runs are recorded, not completed, and finished by resume; every run exactly once', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'flaky.hdf5');
  const env = new Environment({ trajectory: 'flaky', filename: file, progress: 'quiet' });
  explore(env.trajectory);
  const failed = await env.run({ module: MODULE, export: 'flaky' }).then(() => undefined, (e: unknown) => e);
  assert.instance(failed, RunsFailedError, 'env.run rejects when a run failed');
  const error = failed as RunsFailedError;
  assert.equal(error.failures, [{ idx: 2, message: 'run 2 always fails' }]);
  assert.is(error.runIdx, 2);
  assert.equal(error.results.map(([i]) => i), [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'the completed results come with the error');
  assert.is(error.results[0]![1], 0.5);
  assert.match(error.message, /^1 run failed: run_00000002 \(run 2 always fails\)\. Every run that completed is stored/);
  assert.equal(env.failures.map((f) => [f.idx, f.message]), [[2, 'run 2 always fails']]);
  const t = loadAll(file, 'flaky');
  assert.not.ok(t.f_is_completed(2));
  assert.is(t.f_get_run_information(2).time, '>>Maybe time`s gone ');
  assert.equal((t.v_storage_service as any).readFailures(t).map((f: { idx: number; stack: string }) => [f.idx, /flaky/.test(f.stack)]), [[2, true]]);
  const calls: number[] = [];
  const resumed = new Environment({ trajectory: 'flaky', filename: file, progress: 'quiet', resume: true });
  const second = await resumed.resume((traj, ...args) => {
    calls.push(traj.v_idx);
    return multiply(traj, ...(args as []));
  });
  assert.equal(calls, [2], 'only the failed run is run again');
  assert.equal(second.map(([i]) => i), [2]);
  const done = loadAll(file, 'flaky');
  assert.ok(done.f_is_completed());
  assert.is(done.f_get_from_runs('z').size, 12);
  assert.equal((done.v_storage_service as any).readFailures(done), [], 'a failure of a run completed later is no longer reported');
});

test('stop_on_error rejects with the first failure after storing what completed', async () => {
  const file = path.join(tempDir(), 'stop.hdf5');
  const env = new Environment({ trajectory: 'stop', filename: file, progress: 'quiet', stop_on_error: true });
  explore(env.trajectory);
  try {
    await env.run({ module: MODULE, export: 'flaky' });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, RunsFailedError);
    assert.is((e as RunError).runIdx, 2);
    assert.equal((e as RunsFailedError).failures, [{ idx: 2, message: 'run 2 always fails' }]);
    assert.equal((e as RunsFailedError).results.map(([i]) => i), [0, 1]);
    assert.match((e as Error).message, /^1 run failed: run_00000002 \(run 2 always fails\)/);
  }
  const t = loadAll(file, 'stop');
  assert.ok(t.f_is_completed(0) && t.f_is_completed(1));
  assert.not.ok(t.f_is_completed(3), 'nothing after the failure was run');
});

test('sharding: the shard file keeps every run and completes its contiguous block', async () => {
  assert.equal(shardIndices(10, [0, 3]), [0, 1, 2, 3]);
  assert.equal(shardIndices(10, [2, 3]), [7, 8, 9]);
  throwsKind(() => shardIndices(10, [3, 3]), InvalidArgumentError, /0 <= i < n/);
  const file = path.join(tempDir(), 'shard1.hdf5');
  const env = new Environment({ trajectory: 'sharded', filename: file, progress: 'quiet', shard: [1, 2] });
  explore(env.trajectory);
  const results = await env.run(multiply);
  assert.equal(results.map(([i]) => i), [6, 7, 8, 9, 10, 11]);
  const t = loadAll(file, 'sharded');
  assert.is(t.v_length, 12);
  assert.equal(Array.from({ length: 12 }, (_, i) => t.f_is_completed(i)), [...new Array(6).fill(false), ...new Array(6).fill(true)]);
  assert.equal(t.f_get('x').f_get_range(), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  assert.equal(t.f_get('config.environment').f_get_all('shard').map((l: any) => l.f_get()), [[1, 2]]);
});

test('postprocessing can expand the trajectory for another round', async () => {
  const file = path.join(tempDir(), 'post.hdf5');
  const env = new Environment({ trajectory: 'post', filename: file, progress: 'quiet' });
  explore(env.trajectory);
  let rounds = 0;
  env.add_postprocessing((traj, results) => {
    rounds += 1;
    if (rounds === 1) {
      assert.is(results.length, 12);
      traj.f_expand({ x: [4, 4], y: [0.5, 1.5] });
    }
  });
  const results = await env.run(multiply);
  assert.is(rounds, 2);
  assert.is(results.length, 14);
  const t = loadAll(file, 'post');
  assert.is(t.v_length, 14);
  assert.ok(t.f_is_completed());
  assert.equal(t.f_get('x').f_get_range().slice(-2), [4, 4]);
});

test('unused presets stop a run before anything is stored', async () => {
  const file = path.join(tempDir(), 'preset.hdf5');
  const env = new Environment({ trajectory: 'p', filename: file, progress: 'quiet' });
  env.trajectory.f_preset_parameter('nope', 1);
  explore(env.trajectory);
  try {
    await env.run(multiply);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PresettingError);
  }
  assert.not.ok(fs.existsSync(file));
});

test('a second writer gets a clear error instead of a corrupted file', async () => {
  const file = path.join(tempDir(), 'locked.hdf5');
  const env = new Environment({ trajectory: 'l', filename: file, progress: 'quiet' });
  explore(env.trajectory);
  let other: unknown;
  await env.run((traj) => {
    if (traj.v_idx === 0) {
      // While this exploration holds the file, another process-like writer tries to store.
      const intruder = new Trajectory('intruder', { add_time: false, filename: file });
      try {
        intruder.f_store();
      } catch (e) {
        other = e;
      }
    }
    traj.f_add_result('z', typed(1, 'int'));
  });
  assert.ok(other === undefined || (other as Error).constructor.name === 'FileLockedError');
  assert.ok(loadAll(file, 'l').f_is_completed());
});

test.run();
