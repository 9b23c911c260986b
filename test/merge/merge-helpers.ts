/** Helpers for the merge tests: temp files, shard runs, and comparable views of trajectories. */
import fs from 'node:fs';
import path from 'node:path';
import { Environment, Trajectory, cartesian_product } from '../../src/index.js';
import { comparableManifest, loadAll } from '../environment/env-helpers.js';

export { loadAll };
import type { RunFunction } from '../../src/environment/run-executor.js';
import { tempDir as removedAtExit } from '../helpers.js';

/** A temp folder removed when the test process exits (see test/helpers.ts). */
export function tempDir(prefix = 'h5traj-merge-'): string {
  return removedAtExit(prefix);
}

/** A trajectory over x (int) × y (float), 3 × 4 = 12 runs, y varying fastest. */
export function grid(name = 'grid'): Trajectory {
  const t = new Trajectory(name, { add_time: false });
  t.f_add_parameter('x', 1, { dtype: 'int', comment: 'first axis' });
  t.f_add_parameter('y', 1.0, { comment: 'second axis' });
  t.f_add_parameter('label', 'fixed');
  t.f_explore(cartesian_product({ x: [1, 2, 3], y: [0.5, 1.5, 2.5, 3.5] }));
  return t;
}

/** Runs `make()`'s exploration with the Environment (whole, or shard [i, n]) into `file`. */
export async function runExploration(make: () => Trajectory, file: string, fn: RunFunction, shard?: [number, number]): Promise<Trajectory> {
  const traj = make();
  const env = new Environment({ trajectory: traj, filename: file, progress: 'quiet', ...(shard ? { shard } : {}) });
  await env.run(fn);
  return traj;
}

/** Loads only what a merge needs in memory: the parameters. */
export function loadParameters(file: string, name: string): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_parameters: 2, load_derived_parameters: 0, load_results: 0, force: true });
  return t;
}

/**
 * A trajectory's manifest without what legitimately differs between two executions of the same
 * exploration (see comparableManifest), nor the merge's config records and the comments of leaves
 * inside runs (pypet keeps a result's comment only on the first run of each file, so a merged
 * shard's first run keeps it too).
 */
export function comparable(t: Trajectory): Record<string, any> {
  const m = comparableManifest(t) as Record<string, any>;
  const mergeRecord = (n: string) => n.startsWith('config.merge');
  m.groups = m.groups.filter((g: { full_name: string }) => !mergeRecord(g.full_name));
  m.leaves = m.leaves
    .filter((l: { full_name: string }) => !mergeRecord(l.full_name))
    .map((l: { full_name: string; comment: string }) => (/\.run_\d{8}\./.test(l.full_name) ? { ...l, comment: '' } : l));
  return m;
}

/** File bytes, for "nothing was written" checks. */
export function bytesOf(file: string): Buffer {
  return fs.readFileSync(file);
}

/** Copies pypet fixture files into a temp dir (writable). */
export function fixtureCopies(dir: string, ...names: string[]): string[] {
  const src = new URL('../fixtures/pypet/', import.meta.url);
  return names.map((n) => {
    const to = path.join(dir, n);
    fs.copyFileSync(new URL(n, src), to);
    fs.chmodSync(to, 0o644);
    return to;
  });
}
