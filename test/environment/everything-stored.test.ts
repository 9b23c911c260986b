/**
 * Issue 10 §1 and §2: everything a run, the postprocessing hook or the caller after `env.run` adds
 * is stored, wherever it goes in the tree — serially, on worker threads, and after a kill and
 * resume; and a failed run makes `env.run` reject with RunsFailedError unless failures are accepted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, RunsFailedError, Trajectory, runName, type NNGroupNode } from '../../src/index.js';
import { journalPathFor, type CompletedRunEntry } from '../../src/environment/journal.js';
import { SharedNodeClaims } from '../../src/environment/run-executor.js';
import { comparableManifest, loadAll, tempDir } from './env-helpers.js';
import { runH5py } from '../helpers.js';
import { flaky, postprocess, run } from './fixtures/probe.js';

const MODULE = fileURLToPath(new URL('./fixtures/probe.ts', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/probe-child.ts', import.meta.url));
const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));

function probeEnv(file: string, options: Partial<ConstructorParameters<typeof Environment>[0]> = {}, runs = 4): Environment {
  const env = new Environment({ trajectory: 'probe', filename: file, progress: 'quiet', ...options });
  env.trajectory.f_add_parameter('x', 1, { dtype: 'int' });
  env.trajectory.f_explore({ x: Array.from({ length: runs }, (_, i) => i + 1) });
  env.add_postprocessing(postprocess);
  return env;
}

/** Every item the probe adds, for every completed run, exactly once; plus the summary. */
function assertProbeStored(file: string, runs: number, x: (idx: number) => number, skip: number[] = [], ranAs = (idx: number) => idx): Trajectory {
  const t = loadAll(file, 'probe');
  const done = Array.from({ length: runs }, (_, i) => i).filter((i) => !skip.includes(i));
  for (const i of done) {
    const rn = runName(i);
    const v = x(i);
    assert.ok(t.f_is_completed(i), `${rn} is completed`);
    assert.is(t.f_get(`results.neuron.${rn}`, { fast_access: true }), v * 2, `results.neuron.${rn}`);
    assert.is(t.f_get(`results.other.${rn}.q`, { fast_access: true }), v * 3, `results.other.${rn}.q`);
    assert.is(t.f_get(`results.runs.${rn}.z`, { fast_access: true }), v * 4, `results.runs.${rn}.z`);
    assert.is(t.f_get(`derived_parameters.dp.${rn}`, { fast_access: true }), v * 5, `derived_parameters.dp.${rn}`);
    assert.is(t.f_get(`results.run_set_00000.${rn}.w`, { fast_access: true }), v * 6, `results.run_set_00000.${rn}.w ($set)`);
    assert.equal(t.f_get(`results.${rn}`).v_annotations.f_get('note'), `run ${ranAs(i)}`, 'annotations set on a new group in the run');
    const links = t.f_get('results.links') as NNGroupNode;
    assert.is(links.f_get_links()[rn]?.v_full_name, `results.neuron.${rn}`, `the link results.links.${rn}`);
  }
  // pypet keeps a comment repeated in every run only on the first leaf written.
  const comments = done.map((i) => t.f_get(`results.${runName(i)}.tagged`).v_comment).filter((c) => c !== '');
  assert.equal(comments, ['annotated in the run']);
  for (const i of skip) assert.not.ok(t.f_contains(`results.neuron.${runName(i)}`), `failed ${runName(i)} stored nothing`);
  assert.is(t.f_get('results.neuron').f_children(), done.length, 'each run once');
  assert.is(t.f_get('derived_parameters.dp').f_children(), done.length);
  assert.is(t.f_get('results.summary.total', { fast_access: true }), 10, 'the postprocessing result is stored');
  return t;
}

test('serially: every node a run adds anywhere is stored, and memory keeps none of the runs', async () => {
  const file = path.join(tempDir(), 'serial.hdf5');
  const env = probeEnv(file);
  const results = await env.run(run);
  assert.equal(results, [[0, 1], [1, 2], [2, 3], [3, 4]]);
  const traj = env.trajectory;
  assert.is(traj.f_get('results.neuron').f_children(), 0, 'the runs left memory; the shared group stays');
  assert.not.ok(traj.f_contains('results.runs.run_00000000'));
  assert.equal((traj.f_get('results.links') as NNGroupNode).f_get_links(), {}, 'links to run nodes left memory too');
  // Code after env.run adds results and stores them.
  traj.f_add_result('analysis.mean', 2.5);
  traj.f_store();
  const t = assertProbeStored(file, 4, (i) => i + 1);
  assert.is(t.f_get('results.analysis.mean', { fast_access: true }), 2.5, 'what the caller added after env.run is stored');
});

test('on two worker threads: the same file contents as serially', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'parallel.hdf5');
  const env = probeEnv(file, { ncores: 2 }, 9);
  const results = await env.run({ module: MODULE });
  assert.equal(results.map(([i]) => i), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  env.trajectory.f_add_result('analysis.mean', 2.5);
  env.trajectory.f_store();
  const t = assertProbeStored(file, 9, (i) => i + 1);
  assert.is(t.f_get('results.analysis.mean', { fast_access: true }), 2.5);
  const serialFile = path.join(dir, 'serial.hdf5');
  const serial = probeEnv(serialFile, {}, 9);
  await serial.run(run);
  serial.trajectory.f_add_result('analysis.mean', 2.5);
  serial.trajectory.f_store();
  assert.equal(comparableManifest(t), comparableManifest(loadAll(serialFile, 'probe')));
  // pypet's f_get_from_runs('neuron') finds results.neuron.run_X on the reloaded trajectory.
  const lazy = new Trajectory('probe', { add_time: false, filename: file });
  lazy.f_load({ name: 'probe', load_parameters: 2, load_results: 0, load_derived_parameters: 0 });
  assert.equal([...lazy.f_get_from_runs('neuron', { fast_access: true, auto_load: true }).values()], [2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.equal([...lazy.f_get_from_runs('dp', { where: 'd', fast_access: true, auto_load: true }).values()], [5, 10, 15, 20, 25, 30, 35, 40, 45]);
  assert.equal([...lazy.f_get_from_runs('z', { fast_access: true, auto_load: true }).values()], [4, 8, 12, 16, 20, 24, 28, 32, 36], 'runs.$ names still resolve');
  assert.equal([...lazy.f_get_from_runs('other.q', { fast_access: true, auto_load: true }).values()], [3, 6, 9, 12, 15, 18, 21, 24, 27], "'other.q' finds results.other.run_X.q");
  assert.equal([...lazy.f_get_from_runs('neuron', { use_indices: true, fast_access: true }).keys()], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});

test('reuse takes over everything an equal run stored, wherever it is', async () => {
  const file = path.join(tempDir(), 'reuse.hdf5');
  const env = probeEnv(file, { reuse: true }, 2);
  await env.run(run);
  env.trajectory.f_expand({ x: [1] });
  env.add_postprocessing(() => undefined); // the summary is stored already
  await env.run(run);
  assert.equal(env.reused, [2]);
  assertProbeStored(file, 3, (i) => [1, 2, 1][i]!, [], (i) => [0, 1, 0][i]!);
});

test('h5py sees results/neuron/run_00000000 in pypet layout', async () => {
  const file = path.join(tempDir(), 'h5py.hdf5');
  await probeEnv(file).run(run);
  const script = [
    'import h5py, sys',
    'f = h5py.File(sys.argv[1], "r")',
    'g = f["probe/results/neuron/run_00000000"]',
    'a = lambda n, k: n.attrs[k].decode() if isinstance(n.attrs[k], bytes) else str(n.attrs[k])',
    'print(a(g, "SRVC_INIT_CLASS_NAME"), a(g, "SRVC_LEAF"), float(g["run_00000000"][()]))',
    'print(a(f["probe/derived_parameters/dp/run_00000001"], "SRVC_INIT_CLASS_NAME"), a(f["probe/results/summary/total"], "SRVC_INIT_CLASS_NAME"))',
    'print(sorted(f["probe/results"].keys()))',
  ].join('\n');
  assert.equal(runH5py(script, file).trim().split('\n'), [
    'Result 1 2.0',
    'Parameter Result',
    "['links', 'neuron', 'other', 'run_00000000', 'run_00000001', 'run_00000002', 'run_00000003', 'run_set_00000', 'runs', 'summary']",
  ]);
});

/** Starts the probe child and kills it (SIGKILL) once a run is durable; resolves with what it printed. */
function killAtFirstDurableRun(file: string, runs: number): Promise<{ durable: number[]; finished: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', LOADER, CHILD, file, String(runs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      // Killed after a few runs are durable: some are committed to the file, some only journaled.
      if ((out.match(/^durable \d+ completed$/gm) ?? []).length >= 3) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      const durable = [...out.matchAll(/^durable (\d+) completed$/gm)].map((m) => Number(m[1]));
      resolve({ durable, finished: /^finished$/m.test(out), stderr: err });
    });
  });
}

test('after SIGKILL mid-exploration (worker threads) and resume, everything is stored exactly once', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'killed.hdf5');
  const runs = 100; // 2 s of work on two threads; the kill comes after the third run
  const { durable, finished, stderr } = await killAtFirstDurableRun(file, runs);
  assert.not.ok(finished, `the exploration outran the kill: ${stderr}`);
  assert.ok(durable.length >= 3, stderr);
  const resumed = new Environment({ trajectory: 'probe', filename: file, progress: 'quiet', resume: true });
  resumed.add_postprocessing(postprocess);
  const results = await resumed.run({ module: MODULE });
  for (const i of durable) assert.not.ok(results.some(([j]) => j === i), `durable run ${i} is not run again`);
  assertProbeStored(file, runs, (i) => i);
  assert.equal(fs.readdirSync(dir).filter((f) => f !== 'killed.hdf5'), [], 'no journal or lock is left');
  assert.not.ok(fs.existsSync(journalPathFor(file, 'probe', resumed.trajectory.v_timestamp)));
});

test('a failed run rejects env.run with RunsFailedError after the other runs are stored', async () => {
  for (const ncores of [1, 2]) {
    const file = path.join(tempDir(), `failed-${ncores}.hdf5`);
    const env = probeEnv(file, { ncores });
    const error = await env.run({ module: MODULE, export: 'flaky' }).then(() => undefined, (e: unknown) => e);
    assert.instance(error, RunsFailedError, `ncores ${ncores}`);
    const e = error as RunsFailedError;
    assert.is(e.code, 'RUNS_FAILED');
    assert.equal(e.failures, [{ idx: 1, message: 'run 1 fails on purpose' }]);
    assert.equal(e.results, [[0, 1], [2, 3], [3, 4]], 'the completed results come with the error');
    assert.is(e.message, "1 run failed: run_00000001 (run 1 fails on purpose). Every run that completed is stored; resume to run the failed ones again, or pass accept_failures: true to get the results without this error.");
    assertProbeStored(file, 4, (i) => i + 1, [1]);
  }
});

test('accept_failures: env.run resolves with the completed results; failures stay in env.failures', async () => {
  const file = path.join(tempDir(), 'accepted.hdf5');
  const env = probeEnv(file, { accept_failures: true });
  const results = await env.run(flaky);
  assert.equal(results, [[0, 1], [2, 3], [3, 4]]);
  assert.equal(env.failures.map((f) => [f.idx, f.message]), [[1, 'run 1 fails on purpose']]);
  assert.not.ok(env.trajectory.f_contains('results.neuron.run_00000001'), 'a failed run leaves nothing in memory');
  assertProbeStored(file, 4, (i) => i + 1, [1]);
});

test('the error names how many runs failed and the first three', async () => {
  const file = path.join(tempDir(), 'many.hdf5');
  const env = probeEnv(file, {}, 6);
  const error = (await env.run((traj) => {
    if (traj.v_idx > 0) throw new Error(`bad ${traj.v_idx}`);
    return run(traj);
  }).then(() => undefined, (e: unknown) => e)) as RunsFailedError;
  assert.instance(error, RunsFailedError);
  assert.equal(error.failures.map((f) => f.idx), [1, 2, 3, 4, 5]);
  assert.match(error.message, /^5 runs failed: run_00000001 \(bad 1\), run_00000002 \(bad 2\), run_00000003 \(bad 3\) and 2 more\./);
  assert.equal(error.results, [[0, 1]]);
});

test('a run that changes a result stored before it fails and says why; the stored value is kept', async () => {
  for (const ncores of [1, 2]) {
    const file = path.join(tempDir(), `changes-${ncores}.hdf5`);
    const env = probeEnv(file, { ncores, accept_failures: true }, 2);
    env.trajectory.f_add_result('tally', 0, { comment: 'stored before the runs' });
    await env.run({ module: MODULE, export: 'changesStored' });
    assert.equal(env.failures.map((f) => f.idx), [0, 1], `ncores ${ncores}`);
    assert.is(
      env.failures[0]!.message,
      "The result 'results.tally' was stored before this run, and a run stores only what it adds, so item 'tally' set during run_00000000 would be lost; add a new result instead (for example 'results.runs.$.tally').",
    );
    assert.is(loadAll(file, 'probe').f_get('results.tally', { fast_access: true }), 0, `ncores ${ncores}`);
  }
});

test('a leaf outside the runs\' own groups can be added by one run only: the second run fails and says so', async () => {
  const file = path.join(tempDir(), 'shared.hdf5');
  const env = probeEnv(file, { accept_failures: true }, 2);
  await env.run((traj) => {
    traj.f_add_result('results.shared', traj.x);
  });
  assert.equal(env.failures.map((f) => f.idx), [1]);
  assert.match(env.failures[0]!.message, /'results\.shared' already exists/);
  assert.is(loadAll(file, 'probe').f_get('results.shared', { fast_access: true }), 1);
});

test('shared nodes across threads and resumes: the second run to add one fails, the commit never does', async () => {
  // What the main thread sees when two worker threads each added `results.shared`.
  const info = { completed: 1 as const, time: 't', timestamp: 1, finish_timestamp: 2, runtime: '0:00:01', parameter_summary: '', short_environment_hexsha: 'h' };
  const entry = (idx: number, names: string[]): CompletedRunEntry => ({
    kind: 'run', idx, info, records: names.map((fullName) => ({ type: 'leaf', fullName, className: 'Result', comment: '', annotations: [], data: undefined })),
  });
  const claims = new SharedNodeClaims((name) => name === 'results.on_disk');
  assert.is(claims.check(entry(0, ['results.shared', 'results.neuron.run_00000000'])).kind, 'run');
  const second = claims.check(entry(1, ['results.neuron.run_00000001', 'results.shared']));
  assert.is(second.kind, 'failure');
  assert.match(second.kind === 'failure' ? second.message : '', /^the run added 'results\.shared', but run_00000000 added it too: .* such as 'results\.shared\.\$'/);
  assert.is(claims.check(entry(2, ['results.on_disk'])).kind, 'failure');
  assert.is(claims.check(entry(3, ['results.neuron.run_00000003'])).kind, 'run');
  // A resumed exploration (results not in memory) adding a leaf the file holds.
  const file = path.join(tempDir(), 'resumed-shared.hdf5');
  const env = probeEnv(file, { accept_failures: true }, 3);
  await env.run((traj) => {
    if (traj.v_idx === 0) traj.f_add_result('results.shared', 1);
    else throw new Error('later');
  });
  const resumed = new Environment({ trajectory: 'probe', filename: file, progress: 'quiet', resume: true, accept_failures: true });
  await resumed.run((traj) => {
    if (traj.v_idx === 1) traj.f_add_result('results.shared', 2);
    else traj.f_add_result('z', 3);
  });
  assert.equal(resumed.failures.map((f) => f.idx), [1]);
  assert.match(resumed.failures[0]!.message, /'results\.shared', but the file holds it already/);
  const t = loadAll(file, 'probe');
  assert.is(t.f_get('results.shared', { fast_access: true }), 1);
  assert.ok(t.f_is_completed(2) && !t.f_is_completed(1));
});

test.run();
