/**
 * Crash safety of merges: a process killed (SIGKILL) in the middle of a merge — held there by
 * the test hook `H5TRAJ_TEST_MERGE_PAUSE_MS`, or at random durable steps (`H5TRAJ_CRASH_AT`,
 * see `src/storage/durable-step.ts`; every step is covered by `crash-points.test.ts`) — leaves the target file
 * loadable with its old content; the next merge then succeeds (the dead process's lock is taken
 * over) and the file is either the old one or the fully merged one, never anything in between.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Trajectory, runName } from '../../src/index.js';
import { loadAll, loadParameters, tempDir } from './merge-helpers.js';

const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const INDEX = new URL('../../src/index.ts', import.meta.url).href;
/** Runs of the other trajectory: enough that merging them takes about half a second. */
const NB = 90;

/** The child: loads A and B (their files are its arguments) and merges B into A. */
const CHILD = `
import { Trajectory, loadWasmEngine } from ${JSON.stringify(INDEX)};
if (process.env.H5TRAJ_ENGINE === 'wasm') await loadWasmEngine(); // test:wasm's engine, as the suite's preload loads it
const [a, b] = process.argv.slice(-2);
const load = (file, name) => {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_parameters: 2, load_derived_parameters: 0, load_results: 0 });
  return t;
};
const ta = load(a, 'A');
const tb = load(b, 'B');
process.stderr.write('h5traj-test: merging\\n');
const s = ta.f_merge(tb);
console.log('merged ' + s.length);
`;

function make(file: string, name: string, n: number, offset: number): void {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_add_parameter('x', 0.0);
  t.f_explore({ x: Array.from({ length: n }, (_, i) => offset + i) });
  for (let i = 0; i < n; i++) t.f_add_result(`runs.${runName(i)}.out`, { z: (offset + i) * 2, arr: new Float64Array([offset + i, 1, 2]) });
  t.f_store();
}

/**
 * Runs the child; kills it when it announces the pause (`pauseMs`), or lets it kill itself at its
 * durable step `crashAt`. With `countSteps`, returns how many durable steps it took.
 */
function runChild(a: string, b: string, options: { pauseMs?: number; crashAt?: number; countSteps?: boolean }): Promise<{ out: string; err: string; killed: boolean; steps: number }> {
  return new Promise((resolve) => {
    const stepDir = options.crashAt !== undefined || options.countSteps ? tempDir('h5traj-merge-steps-') : undefined;
    const env = {
      ...process.env,
      ...(options.pauseMs ? { H5TRAJ_TEST_MERGE_PAUSE_MS: String(options.pauseMs) } : {}),
      ...(stepDir ? { H5TRAJ_CRASH_STEPS: stepDir } : {}),
      ...(options.crashAt !== undefined ? { H5TRAJ_CRASH_AT: String(options.crashAt) } : {}),
    };
    const child = spawn(process.execPath, ['--import', LOADER, '--input-type=module', '-e', CHILD, a, b], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      if (options.pauseMs && err.includes('h5traj-merge: paused')) kill();
    });
    child.on('exit', (_code, signal) => {
      const steps = stepDir ? fs.readdirSync(stepDir).length : 0;
      if (stepDir) fs.rmSync(stepDir, { recursive: true, force: true });
      resolve({ out, err, killed: killed || signal === 'SIGKILL', steps });
    });
  });
}

/** The target holds either its old 40 runs or all 40 + NB, with the right values. */
function checkTarget(a: string, where: string): number {
  const t = loadAll(a, 'A');
  assert.ok(t.v_length === 40 || t.v_length === 40 + NB, `length ${t.v_length} ${where}`);
  const xs = t.f_get('x').f_get_range() as number[];
  assert.equal(xs, Array.from({ length: t.v_length }, (_, i) => (i < 40 ? i : 1000 + i - 40)), where);
  const z = [...t.f_get_from_runs('out', { use_indices: true }).values()].map((r) => r.z);
  assert.equal(z, xs.map((x) => 2 * x), `results ${where}`);
  return t.v_length;
}

test('SIGKILL while paused inside the merge transaction leaves the old target, and a new merge succeeds', async () => {
  const dir = tempDir('h5traj-merge-crash-');
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', 40, 0);
  make(b, 'B', NB, 1000);
  const before = fs.readFileSync(a);
  const r = await runChild(a, b, { pauseMs: 60_000 });
  assert.ok(r.killed, `the child was killed in its pause (stderr: ${r.err})`);
  assert.not.match(r.out, /merged/);
  assert.ok(fs.readFileSync(a).equals(before), 'the target file is unchanged');
  assert.is(checkTarget(a, 'after the kill'), 40);
  // Beside the target, the killed merge left only its lock and, with h5wasm (which changes a byte
  // copy in place), its half-written copy; the native engine writes its copy only at the end.
  const left = fs.readdirSync(dir).filter((f) => f !== 'a.hdf5' && f !== 'b.hdf5');
  assert.ok(left.includes('a.hdf5.lock') && left.every((f) => f === 'a.hdf5.lock' || f.startsWith('.a.hdf5.h5traj-tmp-')), `left: ${left.join(', ')}`);
  assert.not.ok(left.some((f) => f.split('h5traj-tmp').length > 2), 'no temporary beside a temporary');
  // A new merge (in this process) takes over the dead process's lock, removes the dead
  // process's temporary file, and completes.
  const s = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'));
  assert.is(s.length, 40 + NB);
  assert.is(checkTarget(a, 'after the second merge'), 40 + NB);
  assert.equal(fs.readdirSync(dir).sort(), ['a.hdf5', 'b.hdf5'], 'no temporary or lock file is left');
});

test('SIGKILL at random durable steps: the target is always the old one or the merged one', async () => {
  const seed = Number(process.env.H5TRAJ_CRASH_SEED ?? Date.now() % 100000);
  let s = seed >>> 0;
  const random = () => ((s = (Math.imul(1664525, s) + 1013904223) >>> 0), s / 2 ** 32);
  const dir = tempDir('h5traj-merge-crash-');
  const a0 = path.join(dir, 'a0.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a0, 'A', 40, 0);
  make(b, 'B', NB, 1000);
  // How many durable steps a merge takes (writes, syncs, renames, lock): crashes are drawn
  // among them, so they land anywhere from the lock to the rename whatever the machine's speed.
  const whole = path.join(dir, 'a-whole.hdf5');
  fs.copyFileSync(a0, whole);
  const full = await runChild(whole, b, { countSteps: true });
  assert.ok(!full.killed && full.steps > 3, `a merge left alone finishes (stderr: ${full.err})`);
  assert.is(checkTarget(whole, 'after a merge left alone'), 40 + NB);
  let kills = 0;
  for (let k = 0; k < 6; k++) {
    const a = path.join(dir, `a${k + 1}.hdf5`);
    fs.copyFileSync(a0, a);
    const step = 1 + Math.floor(random() * full.steps);
    const r = await runChild(a, b, { crashAt: step });
    const where = `(seed ${seed}, crash ${k + 1} at durable step ${step} of ${full.steps}${r.killed ? '' : ', finished first'})`;
    const length = checkTarget(a, where);
    if (!r.killed) assert.is(length, 40 + NB, where);
    if (r.killed) kills++;
  }
  assert.is(kills, 6, `every child crashed at its step (seed ${seed})`);
});

test.run();
