/**
 * h5traj-written files for the CLI tests, made with the library API in a temp folder.
 */
import { Environment, Trajectory, cartesian_product } from '../../src/index.js';
import { tempDir as removedAtExit } from '../helpers.js';

/** A fresh temp folder for one test file, removed when the test process exits. */
export function tempDir(): string {
  return removedAtExit('h5traj-cli-');
}

/**
 * A small W1-style exploration run by the Environment (12 completed runs): x ∈ {0.5, 1.0, 1.5}
 * (float) × y ∈ {1, 2} (int) × mode ∈ {alpha, beta} (str, varying slowest), each run storing
 * `out` with a = x·y, b = x + y, c = idx and arr = [x, x+1, x+2]; plus an unexplored `n = 7`.
 */
export async function writeW1(file: string): Promise<void> {
  const env = new Environment({ trajectory: 'w1', filename: file, progress: 'quiet', comment: 'W1 for the CLI tests' });
  const traj = env.trajectory;
  traj.f_add_parameter('x', 0.0, { comment: 'first axis' });
  traj.f_add_parameter('y', 0, { dtype: 'int' });
  traj.f_add_parameter('mode', 'alpha');
  traj.f_add_parameter('n', 7, { dtype: 'int' });
  traj.f_explore(cartesian_product({ mode: ['alpha', 'beta'], y: [1, 2], x: [0.5, 1.0, 1.5] }, ['mode', 'y', 'x']));
  await env.run((t: Trajectory) => {
    t.f_add_result('out', { a: t.x * t.y, b: t.x + t.y, c: t.v_idx, arr: new Float64Array([t.x, t.x + 1, t.x + 2]) }, { comment: 'W1 output' });
  });
  if (env.failures.length > 0) throw new Error(`writeW1: ${env.failures[0]!.message}`);
}

/**
 * A trajectory with many runs and little data, for output that outgrows a pipe's buffer:
 * x explored over `n` values (x = i / 10), each run holding result `z` = 2x; never run by an
 * Environment, so no run is marked completed.
 */
export function writeBig(file: string, n: number): void {
  const traj = new Trajectory('big', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: Array.from({ length: n }, (_, i) => i / 10) });
  for (const _ of traj.f_iter_runs()) traj.f_add_result('z', traj.x * 2, { comment: 'twice x' });
  traj.f_store();
}

/** Completed runs that stored nothing (the function adds no result): what verify must flag. */
export async function writeEmptyRuns(file: string): Promise<void> {
  const env = new Environment({ trajectory: 'hollow', filename: file, progress: 'quiet' });
  env.trajectory.f_add_parameter('x', 0.0);
  env.trajectory.f_explore({ x: [1.0, 2.0, 3.0] });
  await env.run(() => undefined);
}
