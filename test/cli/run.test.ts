/** `h5traj run`: an exploration module run through the built binary, as a user would. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, h5traj } from './cli-helpers.js';
import { Trajectory } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-run-');
const MODULE = path.join(dir, 'product.mjs');
// A plain ESM module: setup explores x × y, run stores z = x * y (run 4 fails when FAIL_RUN=4;
// SLOW_MS makes each run take that long; with WAIT_FOR_SIGINT=2, run 2 announces itself on stderr
// and waits for the Ctrl-C, so a test can interrupt at a known run instead of after a fixed time).
fs.writeFileSync(MODULE, `
export const name = 'product';
export const summary = ['z'];
export function setup(traj) {
  traj.f_add_parameter('x', 1.0);
  traj.f_add_parameter('y', 1.0);
  traj.f_explore({ x: [1, 1, 1, 2, 2, 2], y: [1, 2, 3, 1, 2, 3] });
}
export async function run(traj) {
  if (String(traj.v_idx) === process.env.FAIL_RUN) throw new Error('told to fail');
  if (String(traj.v_idx) === process.env.WAIT_FOR_SIGINT) {
    const keepAlive = setInterval(() => {}, 1000); // a pending promise alone lets Node exit
    const interrupted = new Promise((resolve) => process.once('SIGINT', resolve));
    process.stderr.write('run ' + traj.v_idx + ' waits for SIGINT\\n');
    await interrupted;
    clearInterval(keepAlive);
  }
  const end = Date.now() + Number(process.env.SLOW_MS ?? 0);
  while (Date.now() < end);
  traj.f_add_result('z', traj.x * traj.y);
  return traj.x * traj.y;
}
`);

function zs(file: string): number[] {
  const t = new Trajectory('product', { add_time: false, filename: file });
  t.f_load({ name: 'product', load_parameters: 2, load_results: 2 });
  return [...t.f_get_from_runs('z', { fast_access: true }).values()];
}

test('run stores every run and prints a summary (JSON with --json)', () => {
  const file = path.join(dir, 'a.hdf5');
  const r = h5traj(['run', MODULE, '--file', file, '--json']);
  assert.is(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal([summary.trajectory, summary.runs, summary.completed, summary.ran_now, summary.failed], ['product', 6, 6, 6, []]);
  assert.equal(zs(file), [1, 2, 3, 2, 4, 6]);
  const human = h5traj(['run', MODULE, '--file', file, '--overwrite', '--quiet']);
  assert.is(human.code, 0);
  assert.match(human.stdout, /product: 6 of 6 runs completed/);
  assert.match(human.stdout, /run_00000005\s+true\s+2\s+3\s+6/);
});

test('an existing file is not replaced without --overwrite; bad options are usage errors', () => {
  const file = path.join(dir, 'b.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', file, '--quiet']).code, 0);
  const again = h5traj(['run', MODULE, '--file', file]);
  assert.is(again.code, 2);
  assert.match(again.stderr, /exists; pass --overwrite to replace it or --resume to continue it/);
  assert.is(h5traj(['run', MODULE, '--file', path.join(dir, 'c.hdf5'), '--shard', '3/2']).code, 2);
  assert.is(h5traj(['run', path.join(dir, 'missing.mjs'), '--file', path.join(dir, 'd.hdf5')]).code, 2);
  assert.is(h5traj(['run', MODULE]).code, 2);
});

test('--shard runs one contiguous block of runs; --ncores 2 gives the same values', () => {
  const shard = path.join(dir, 'shard.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', shard, '--shard', '1/2', '--quiet']).code, 0);
  assert.equal(zs(shard), [2, 4, 6]);
  const par = path.join(dir, 'par.hdf5');
  const r = h5traj(['run', MODULE, '--file', par, '--ncores', '2', '--quiet']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(zs(par), [1, 2, 3, 2, 4, 6]);
});

test('a failing run: exit 1 and a hint; --resume finishes only that run', () => {
  const file = path.join(dir, 'fail.hdf5');
  const r = h5traj(['run', MODULE, '--file', file, '--quiet'], { env: { FAIL_RUN: '4' } });
  assert.is(r.code, 1);
  assert.match(r.stderr, /run 4 failed: told to fail/);
  assert.match(r.stderr, /--resume/);
  assert.equal(zs(file), [1, 2, 3, 2, 6]);
  const again = h5traj(['run', MODULE, '--file', file, '--resume', '--json']);
  assert.is(again.code, 0, again.stderr);
  assert.is(JSON.parse(again.stdout).ran_now, 1);
  assert.equal(zs(file), [1, 2, 3, 2, 4, 6]);
});

test('Ctrl-C stops cleanly with exit code 130; --resume completes every run exactly once', async () => {
  const file = path.join(dir, 'int.hdf5');
  const child = spawn(process.execPath, [BIN, 'run', MODULE, '--file', file], {
    env: { ...process.env, WAIT_FOR_SIGINT: '2', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    // Interrupt while run 2 is in flight: the Environment stops once it is done and stored.
    if (stderr.includes('run 2 waits for SIGINT') && child.signalCode === null && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.is(code, 130, stderr);
  assert.match(stderr, /interrupted/i);
  assert.match(stderr, /--resume/);
  const done = zs(file);
  assert.equal(done, [1, 2, 3], 'runs 0 to 2 finished and were stored before the interrupt took effect');
  const r = h5traj(['run', MODULE, '--file', file, '--resume', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).ran_now, 6 - done.length);
  assert.equal(zs(file), [1, 2, 3, 2, 4, 6]);
  assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('int.hdf5.') || f.startsWith('.int')), [], 'no lock, journal or temp left');
});

/** A module (`.mjs` or `.ts`) whose runs store whether they ran in a worker thread and whether the TypeScript loader was registered there. */
function loaderProbe(ext: 'mjs' | 'ts'): string {
  const file = path.join(dir, `loader-probe.${ext}`);
  const any = ext === 'ts' ? ': any' : '';
  fs.writeFileSync(file, `
import { isMainThread } from 'node:worker_threads';
export const name = 'probe';
export function setup(traj${any}) {
  traj.f_add_parameter('k', 0, { dtype: 'int' });
  traj.f_explore({ k: [0, 1, 2, 3] });
}
export function run(traj${any}) {
  traj.f_add_result('where', { worker: !isMainThread, loader: globalThis[Symbol.for('h5traj.typescript-loader')] === true });
}
`);
  return file;
}

test('--ncores 2: workers register the TypeScript loader only for a TypeScript module (a .mjs one runs without it)', () => {
  // The loader (esbuild's transform) costs each worker ~60 MB; a plain JavaScript module needs none.
  for (const [ext, expected] of [['mjs', false], ['ts', true]] as const) {
    const file = path.join(dir, `loader-${ext}.hdf5`);
    const r = h5traj(['run', loaderProbe(ext), '--file', file, '--ncores', '2', '--quiet']);
    assert.is(r.code, 0, r.stderr);
    const t = new Trajectory('probe', { add_time: false, filename: file });
    t.f_load({ name: 'probe', load_parameters: 2, load_results: 2 });
    const seen = [...t.f_get_from_runs('where').values()].map((w) => [w.f_get('worker'), w.f_get('loader')]);
    assert.equal(seen, [[true, expected], [true, expected], [true, expected], [true, expected]], `${ext} module`);
  }
});

test.run();
