/**
 * Crash safety: `kill -9` of a process running an exploration, at 10 random moments, never loses
 * a run that was reported durable and never leaves a file that h5traj or h5py cannot open; resume
 * then completes the exploration with every run exactly once. The moments are events, not times
 * (a busy machine stretches times): the kill follows a random number of runs reported durable.
 * Every single durable step is covered deterministically by `crash-points.test.ts`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Trajectory } from '../../src/index.js';
import { journalPathFor, readJournal } from '../../src/environment/journal.js';
import { tempDir } from './env-helpers.js';
import { pythonProblem } from '../helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
// More runs than ten kills, each after at most 30 new durable runs, can finish.
const RUNS = 400;
const MAX_RUNS_PER_LIFE = 30;

/** A small seeded PRNG, so a failing schedule can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Runs the child until it exits, or kills it once it has reported `killAfterRuns` runs durable
 * (0: as soon as it starts exploring); returns the durable runs.
 */
function runChild(file: string, killAfterRuns?: number): Promise<{ durable: number[]; finished: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', LOADER, CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    // The child goes on while the signal travels, so the kill lands in whatever it does next:
    // storing, a run, a journal sync or a commit.
    child.stdout.on('data', (d) => {
      out += d;
      const durableSoFar = out.match(/^durable \d+$/gm)?.length ?? 0;
      if (killAfterRuns !== undefined && !killed && /^started$/m.test(out) && durableSoFar >= killAfterRuns) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      const durable = [...out.matchAll(/^durable (\d+)$/gm)].map((m) => Number(m[1]));
      resolve({ durable, finished: /^finished$/m.test(out), stderr: err });
    });
  });
}

/** Empty when h5py opens the file and reads its run table, else why it cannot. */
function h5pyOpens(file: string): string {
  return pythonProblem('import h5py,sys; f=h5py.File(sys.argv[1],"r"); print(len(f["crashy/overview/runs"]))', file);
}

test('h5py is installed for the crash test (apt-get install python3-h5py)', () => {
  assert.is(pythonProblem('import h5py'), '', 'install Debian python3-h5py: the crash test checks files with a real HDF5 reader');
});

test('kill -9 at 10 random moments: files stay readable, durable runs survive, resume finishes exactly once', async () => {
  const seed = Number(process.env.H5TRAJ_CRASH_SEED ?? Date.now() % 100000);
  const random = lcg(seed);
  const dir = tempDir('h5traj-crash-');
  const file = path.join(dir, 'crash.hdf5');
  const durableEver = new Set<number>();
  let kills = 0;
  for (let k = 0; k < 10; k++) {
    // Kills land anywhere from storing the trajectory, through runs, to commits.
    const after = Math.floor(random() * (MAX_RUNS_PER_LIFE + 1));
    const { durable, finished } = await runChild(file, after);
    durable.forEach((i) => durableEver.add(i));
    if (!finished) kills += 1;
    const where = `(seed ${seed}, kill ${k + 1} after ${after} durable runs)`;
    if (!fs.existsSync(file)) {
      assert.is(durableEver.size, 0, `no file, but runs were reported durable ${where}`);
      continue;
    }
    // (a) The file opens in h5traj and in h5py.
    const t = new Trajectory('crashy', { add_time: false, filename: file });
    t.f_load({ name: 'crashy', load_parameters: 2, load_results: 1 });
    assert.is(t.v_length, RUNS, where);
    assert.is(h5pyOpens(file), '', where);
    // (b) Every run reported durable is in the file or in the journal, with its results.
    const inFile = new Set(t.f_get_run_names().filter((n) => t.f_is_completed(n)).map((n) => t.f_idx_to_run(n)));
    for (const idx of inFile) {
      assert.ok(t.f_contains(`results.runs.run_${String(idx).padStart(8, '0')}.z`), `completed run ${idx} has its results ${where}`);
    }
    const journaled = new Set(readJournal(journalPathFor(file, 'crashy', t.v_timestamp)).entries.filter((e) => e.kind === 'run').map((e) => e.idx));
    for (const idx of durableEver) {
      assert.ok(inFile.has(idx) || journaled.has(idx), `durable run ${idx} is lost ${where}`);
    }
    if (finished) break;
  }
  assert.is(kills, 10, `the exploration finished after ${kills} kills (seed ${seed}); it should outlast ten`);
  assert.ok(durableEver.size > 0, `no kill came after a run was durable (seed ${seed})`);
  // Resume to the end, then every run is there exactly once with the right values.
  const last = await runChild(file);
  assert.ok(last.finished, last.stderr);
  const done = new Trajectory('crashy', { add_time: false, filename: file });
  done.f_load({ name: 'crashy', load_parameters: 2, load_results: 2 });
  assert.ok(done.f_is_completed(), `all runs completed (seed ${seed})`);
  const runsGroup = done.f_get('results.runs');
  assert.is(runsGroup.f_children(), RUNS);
  for (const name of done.f_iter_runs()) {
    const z = done.f_get('z');
    assert.equal(z.f_keys().sort(), ['arr', 'z']);
    assert.is(z.z, done.a * done.b, `${name} (seed ${seed})`);
    assert.is(z.arr.at(0), done.v_idx);
  }
  assert.is(h5pyOpens(file), '');
  assert.equal(fs.readdirSync(dir).filter((f) => f !== 'crash.hdf5'), [], 'no journal, lock or temp file is left');
});

test.run();
