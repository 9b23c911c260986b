/**
 * Crash-point tests, as SQLite tests its journal: each scenario (storing a new trajectory, a
 * serial and a parallel exploration committing after every run, both again with big runs that
 * skip the journal and are appended straight into the file, `h5traj run` with its one final
 * commit, `--resume` itself, a merge) is first run once to count its durable steps (file
 * writes, fsyncs, renames, removals, journal appends and truncations, lock takes and releases;
 * see `src/storage/durable-step.ts`), then run again once per step k with the process killing
 * itself (SIGKILL) just before step k. After each crash: the file opens in h5traj (and h5py) as
 * the old or the new version; the next store, `resume` or merge completes; every run is there
 * exactly once with the right values; no temporary, lock or journal file is left.
 * The children run the built library (`npm run build`), which starts fastest.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, Trajectory } from '../../src/index.js';
import { leafToRecord } from '../../src/trajectory/records.js';
import { tempDir } from './env-helpers.js';
import { pythonProblem } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/crash-point-child.mjs', import.meta.url));
const RUN_MODULE = fileURLToPath(new URL('./fixtures/crash-point-run.mjs', import.meta.url));
const CLI = path.join(ROOT, 'dist/cli/main.js');
const XS = [1, 2, 3, 4];

interface Outcome {
  crashed: boolean;
  /** The steps the process announced, `kind file` per line, in order. */
  steps: string[];
  stderr: string;
}

/** Runs `node args` with crash-point injection (counting only when `crashAt` is undefined). */
function runWithCrash(args: string[], cwd: string, crashAt?: number): Outcome {
  const stepDir = fs.mkdtempSync(path.join(path.dirname(cwd), 'steps-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, H5TRAJ_CRASH_STEPS: stepDir, NO_COLOR: '1' };
    if (crashAt !== undefined) env.H5TRAJ_CRASH_AT = String(crashAt);
    else delete env.H5TRAJ_CRASH_AT;
    const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
    const crashed = r.signal === 'SIGKILL';
    if (!crashed && r.status !== 0) throw new Error(`node ${args.join(' ')} failed (k=${crashAt}): ${r.stderr}`);
    const steps = fs
      .readdirSync(stepDir)
      .map(Number)
      .sort((a, b) => a - b)
      .map((n) => fs.readFileSync(path.join(stepDir, String(n)), 'utf8').trim().replace(cwd + path.sep, '').replace(cwd, '.'));
    return { crashed, steps, stderr: r.stderr };
  } finally {
    fs.rmSync(stepDir, { recursive: true, force: true });
  }
}

/** h5py opens the file and reads every trajectory's run table (empty when fine). */
function h5pyProblem(file: string): string {
  const code = 'import h5py,sys\nf=h5py.File(sys.argv[1],"r")\nfor t in f: len(f[t]["overview"]["runs"])';
  return pythonProblem(code, file);
}

/** Files in `dir` other than the given ones (temporaries, locks, journals left behind). */
function leftovers(dir: string, keep: string[]): string[] {
  return fs.readdirSync(dir).filter((n) => !keep.includes(n));
}

/** The run function, for resuming in this process. */
const runFn = (traj: Trajectory): void => {
  traj.f_add_result('z', { z: (traj.x as number) * 2, arr: new Float64Array(4).fill(traj.v_idx) });
};

/** Checks a finished exploration: every run completed once, with its own values. */
function assertComplete(file: string, name: string, xs: number[], where: string): void {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_parameters: 2, load_results: 2 });
  assert.is(t.v_length, xs.length, where);
  assert.ok(t.f_is_completed(), `every run completed ${where}`);
  assert.is(t.f_get('results.runs').f_children(), xs.length, `one result group per run ${where}`);
  for (const name of t.f_iter_runs()) {
    const idx = t.v_idx;
    assert.is(t.x, xs[idx], `${name} ${where}`);
    assert.is(t.f_get('z').z, xs[idx]! * 2, `${name} ${where}`);
    // A merged run keeps the array its run computed under its old index (0–3 in its shard).
    const own = idx % XS.length;
    const arr = t.f_get('z').arr as { at(i: number): number; length: number };
    assert.equal([0, 1, 2, 3].map((i) => arr.at(i)), [own, own, own, own], `${name} ${where}`);
  }
  t.f_restore_default();
}

/** The runs the file holds as completed; each must have its results (an old or a new version, never a half). */
function assertConsistent(file: string, name: string, where: string): void {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_parameters: 2, load_results: 1 });
  for (let i = 0; i < t.v_length; i++) {
    const has = t.f_contains(`results.runs.run_${String(i).padStart(8, '0')}.z`);
    assert.is(has, t.f_is_completed(i), `run ${i} is completed exactly when its results are stored ${where}`);
  }
}

async function resumeHere(file: string, name: string): Promise<void> {
  const env = new Environment({ trajectory: name, filename: file, resume: true, progress: 'quiet' });
  await env.run(runFn);
}

async function exploreHere(file: string, name: string, xs: number[]): Promise<void> {
  const env = new Environment({ trajectory: name, filename: file, progress: 'quiet' });
  env.trajectory.f_add_parameter('x', 0.5);
  env.trajectory.f_explore({ x: xs });
  await env.run(runFn);
}

/** Every k of a scenario: `prepare` builds the state before, `check` verifies and finishes after a crash. */
async function everyCrashPoint(
  label: string,
  prepare: (dir: string) => Promise<void> | void,
  args: (dir: string) => string[],
  check: (dir: string, where: string) => Promise<void> | void,
  sampleH5py: (dir: string) => string[],
): Promise<number> {
  const root = tempDir(`h5traj-cp-${label}-`);
  const countDir = path.join(root, 'count');
  fs.mkdirSync(countDir);
  await prepare(countDir);
  const { steps } = runWithCrash(args(countDir), countDir);
  assert.ok(steps.length > 3, `${label}: the scenario announces its durable steps (${steps.length})`);
  for (let k = 1; k <= steps.length; k++) {
    const dir = path.join(root, `k${k}`);
    fs.mkdirSync(dir);
    await prepare(dir);
    const out = runWithCrash(args(dir), dir, k);
    const where = `(${label}, crash at step ${k} of ${steps.length}: ${out.steps[k - 1] ?? 'after the last step'})`;
    // h5py for every fourth crash point and the last ones (it costs a Python start each).
    if (k % 4 === 0 || k > steps.length - 3) for (const f of sampleH5py(dir)) if (fs.existsSync(f)) assert.is(h5pyProblem(f), '', where);
    await check(dir, where);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(root, { recursive: true, force: true });
  return steps.length;
}

const counts: Record<string, number> = {};

test('f_store of a new trajectory into a file holding another: old or new file at every step', async () => {
  counts.store = await everyCrashPoint(
    'store',
    (dir) => {
      const a = new Trajectory('a', { add_time: false, filename: path.join(dir, 'f.hdf5') });
      a.f_add_parameter('y', 7);
      a.f_store();
    },
    (dir) => [CHILD, 'store', path.join(dir, 'f.hdf5')],
    (dir, where) => {
      const file = path.join(dir, 'f.hdf5');
      const a = new Trajectory('a', { add_time: false, filename: file });
      a.f_load({ load_parameters: 2 });
      assert.is(a.y, 7, `the other trajectory is intact ${where}`);
      const names = (a.v_storage_service as unknown as { listTrajectories(): string[] }).listTrajectories();
      if (names.includes('b')) {
        const b = new Trajectory('b', { add_time: false, filename: file });
        b.f_load({ load_parameters: 2, load_results: 2 });
        assert.is(b.v_length, 4, where);
        assert.is(b.f_get('note').note, 'stored whole', where);
      }
      // The next store completes (and clears what the crash left).
      a.f_add_result('after', 1);
      a.f_store();
      assert.equal(leftovers(dir, ['f.hdf5']), [], `no temporary or lock file is left ${where}`);
    },
    (dir) => [path.join(dir, 'f.hdf5')],
  );
});

/** Checks after a crashed exploration: consistent file, resume completes, nothing left over. */
async function checkExploration(dir: string, where: string): Promise<void> {
  const file = path.join(dir, 'e.hdf5');
  if (!fs.existsSync(file)) await exploreHere(file, 'sim', XS); // crashed before the first store: start again
  else {
    assertConsistent(file, 'sim', where);
    await resumeHere(file, 'sim');
  }
  assertComplete(file, 'sim', XS, where);
  assert.equal(leftovers(dir, ['e.hdf5']), [], `no temporary, lock or journal file is left ${where}`);
}

test('a serial exploration committing after every run: resume completes after a crash at every step', async () => {
  counts.serial = await everyCrashPoint('serial', () => {}, (dir) => [CHILD, 'serial', path.join(dir, 'e.hdf5')], checkExploration, (dir) => [path.join(dir, 'e.hdf5')]);
});

test('a parallel exploration (2 worker threads, a writer thread): resume completes after a crash at every step', async () => {
  counts.parallel = await everyCrashPoint('parallel', () => {}, (dir) => [CHILD, 'parallel', path.join(dir, 'e.hdf5')], checkExploration, (dir) => [path.join(dir, 'e.hdf5')]);
});

// Runs with big data skip the journal and are appended straight into the file (issue 13, W5):
// every crash leaves the file's old or new version, and resume runs what was not committed.
test('a serial exploration of big runs, appended straight into the file: resume completes after a crash at every step', async () => {
  counts.serialBig = await everyCrashPoint('serial-big', () => {}, (dir) => [CHILD, 'serial-big', path.join(dir, 'e.hdf5')], checkExploration, (dir) => [path.join(dir, 'e.hdf5')]);
});

test('a parallel exploration of big runs, appended by the writer thread: resume completes after a crash at every step', async () => {
  counts.parallelBig = await everyCrashPoint('parallel-big', () => {}, (dir) => [CHILD, 'parallel-big', path.join(dir, 'e.hdf5')], checkExploration, (dir) => [path.join(dir, 'e.hdf5')]);
});

test('h5traj run (one final commit): resume completes after a crash at every step', async () => {
  const module = (dir: string): string => {
    const m = path.join(dir, '..', 'sim.mjs');
    if (!fs.existsSync(m)) {
      fs.writeFileSync(m, `export { run } from ${JSON.stringify(RUN_MODULE)};\nexport const name = 'sim';\nexport function setup(traj) { traj.f_add_parameter('x', 0.5); traj.f_explore({ x: ${JSON.stringify(XS)} }); }\n`);
    }
    return m;
  };
  counts.final = await everyCrashPoint(
    'final',
    () => {},
    (dir) => [CLI, 'run', module(dir), '--file', path.join(dir, 'e.hdf5'), '--quiet'],
    checkExploration,
    (dir) => [path.join(dir, 'e.hdf5')],
  );
});

test('--resume itself, crashed at every step, is resumed again to the end', async () => {
  // The state to resume: an exploration killed after its third run's journal entry is durable,
  // before the commit that follows it (two runs in the file, one in the journal, one to run).
  const template = tempDir('h5traj-cp-resume-template-');
  const { steps } = runWithCrash([CHILD, 'serial', path.join(template, 'e.hdf5')], template);
  const syncs = steps.flatMap((s, i) => (s.startsWith('journal-sync') ? [i + 1] : []));
  assert.ok(syncs.length >= 3, 'the exploration syncs its journal after each run');
  fs.rmSync(template, { recursive: true });
  fs.mkdirSync(template);
  assert.ok(runWithCrash([CHILD, 'serial', path.join(template, 'e.hdf5')], template, syncs[2]! + 1).crashed);
  const journals = fs.readdirSync(template).filter((n) => n.endsWith('.journal'));
  assert.is(journals.length, 1, 'the crashed exploration left its journal for resume');
  counts.resume = await everyCrashPoint(
    'resume',
    (dir) => {
      for (const n of fs.readdirSync(template)) fs.copyFileSync(path.join(template, n), path.join(dir, n));
    },
    (dir) => [CHILD, 'serial', path.join(dir, 'e.hdf5')],
    checkExploration,
    (dir) => [path.join(dir, 'e.hdf5')],
  );
  fs.rmSync(template, { recursive: true, force: true });
});

test('merge, crashed at every step: the target is the old or the merged file, and merging again completes', async () => {
  const template = tempDir('h5traj-cp-merge-template-');
  await exploreHere(path.join(template, 'a.hdf5'), 'sim', XS);
  await exploreHere(path.join(template, 'b.hdf5'), 'sim', [5, 6, 7, 8]);
  counts.merge = await everyCrashPoint(
    'merge',
    (dir) => {
      for (const n of ['a.hdf5', 'b.hdf5']) fs.copyFileSync(path.join(template, n), path.join(dir, n));
    },
    (dir) => [CHILD, 'merge', path.join(dir, 'a.hdf5'), path.join(dir, 'b.hdf5')],
    (dir, where) => {
      const file = path.join(dir, 'a.hdf5');
      const a = new Trajectory('sim', { add_time: false, filename: file });
      a.f_load({ load_parameters: 2, load_results: 0 });
      assert.ok(a.v_length === 4 || a.v_length === 8, `old or merged length, not ${a.v_length} ${where}`);
      assertConsistent(file, 'sim', where);
      if (a.v_length === 4) {
        const b = new Trajectory('sim', { add_time: false, filename: path.join(dir, 'b.hdf5') });
        b.f_load({ load_parameters: 2, load_results: 0 });
        a.f_merge(b);
      }
      assertComplete(file, 'sim', [...XS, 5, 6, 7, 8], where);
      assertComplete(path.join(dir, 'b.hdf5'), 'sim', [5, 6, 7, 8], `(the source) ${where}`);
      // The next write takes over a lock the crash left and clears its temporary files.
      const again = new Trajectory('sim', { add_time: false, filename: file });
      again.f_load({ load_parameters: 2, load_results: 0 });
      again.f_add_result('after', 1);
      again.f_store();
      assert.equal(leftovers(dir, ['a.hdf5', 'b.hdf5']), [], `no temporary or lock file is left ${where}`);
    },
    (dir) => [path.join(dir, 'a.hdf5')],
  );
  fs.rmSync(template, { recursive: true, force: true });
});

test('a resume that loaded the trajectory before another process finished its runs re-runs none of them', async () => {
  // The window of the "already has the items z" failure: `--resume` loads the run table, then
  // waits for the exploration's lock while the first process (its wrapper killed, not itself)
  // completes the runs; it must then go by the file, not by what it loaded. (The resume loads
  // in `run`, so the window is there; an Environment made before the runs completed is as late.)
  const dir = tempDir('h5traj-cp-late-');
  const file = path.join(dir, 'e.hdf5');
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_add_parameter('x', 0.5);
  t.f_explore({ x: XS });
  t.f_store();
  const late = new Environment({ trajectory: 'sim', filename: file, resume: true, progress: 'quiet' });
  await resumeHere(file, 'sim');
  const ran: number[] = [];
  const results = await late.run((traj: Trajectory) => {
    ran.push(traj.v_idx);
    runFn(traj);
  });
  assert.equal(ran, [], 'no run is computed again');
  assert.equal(results, []);
  assertComplete(file, 'sim', XS, '(late resume)');
  assert.equal(leftovers(dir, ['e.hdf5']), []);
});

test('a commit repeated after a crash writes no run twice (the file decides what is completed)', async () => {
  const dir = tempDir('h5traj-cp-twice-');
  const file = path.join(dir, 'e.hdf5');
  await exploreHere(file, 'sim', XS);
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 0 });
  const info = t.f_get_run_information(1);
  // Memory that (wrongly) believes run 1 is still to commit, as a stale process would.
  const stale = new Trajectory('scratch', { add_time: false }).f_add_result('runs.run_00000001.z', { z: 99 });
  t.v_storage_service!.commit(t, {
    runs: [{ idx: 1, info: { ...info, completed: 1 }, records: [leafToRecord(stale)] }],
    failures: [],
    nodes: [],
  });
  assertComplete(file, 'sim', XS, '(after a repeated commit)');
});

test('h5traj run --resume of a file a crash never let exist starts the exploration', () => {
  const dir = tempDir('h5traj-cp-cli-');
  const m = path.join(dir, 'sim.mjs');
  fs.writeFileSync(m, `export { run } from ${JSON.stringify(RUN_MODULE)};\nexport const name = 'sim';\nexport function setup(traj) { traj.f_add_parameter('x', 0.5); traj.f_explore({ x: ${JSON.stringify(XS)} }); }\n`);
  const file = path.join(dir, 'e.hdf5');
  const r = spawnSync(process.execPath, [CLI, 'run', m, '--file', file, '--resume', '--quiet'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /does not exist yet/);
  assertComplete(file, 'sim', XS, '(resumed from nothing)');
});

test('crash points per scenario', () => {
  // Printed for the record (the report names them); each scenario had several.
  process.stderr.write(`crash points: ${JSON.stringify(counts)}\n`);
  for (const n of Object.values(counts)) assert.ok(n > 3);
});

test.run();
