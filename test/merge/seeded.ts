/**
 * An exploration whose results depend on the run index: each run draws numbers from a PRNG
 * seeded by `v_idx` and stores the run name it sees. A shard that renumbered its runs would
 * compute other numbers than one machine, so it is the yardstick for "a shard is the same science".
 * The module is plain ESM text (the built CLI and SLURM jobs import it from a temp dir).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Trajectory } from '../../src/index.js';

/** Runs of the exploration: 10, so that 4 shards are unequal (3, 3, 2, 2). */
export const SEEDED_RUNS = 10;

export const SEEDED_SOURCE = `
export const name = 'seeded';
export const comment = 'results seeded by the run index';
export function setup(traj) {
  traj.f_add_parameter('x', 0, { dtype: 'int', comment: 'position' });
  traj.f_add_parameter('scale', 1.0, { comment: 'scale of the noise' });
  traj.f_explore({ x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scale: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2] });
}
// mulberry32: a small PRNG, seeded here by the run index as simulations commonly are.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function run(traj) {
  if (String(traj.v_idx) === process.env.SEEDED_FAIL_RUN) throw new Error('told to fail');
  const rand = prng(1000003 * (traj.v_idx + 1));
  const draws = Float64Array.from({ length: 4 }, rand);
  traj.f_add_result('draws', draws, { comment: 'numbers drawn with the seed v_idx' });
  traj.f_add_result('z', traj.x + traj.scale * draws[0], { comment: 'x plus seeded noise' });
  traj.f_add_result('runs.$.crun', traj.v_crun, { comment: 'the run name the run saw' });
  traj.f_add_result('seen', traj.v_idx + ' ' + traj.v_crun + ' ' + traj.v_crun_);
  const where = traj.f_add_result('runs.$set.$.where', traj.v_idx);
  globalThis.seededSeen?.push({ idx: traj.v_idx, crun: traj.v_crun, crun_: traj.v_crun_, set: where.v_full_name });
  return draws[0];
}
`;

/** Writes the module into `dir` and returns its path. */
export function writeSeededModule(dir: string): string {
  const file = path.join(dir, 'seeded.mjs');
  fs.writeFileSync(file, SEEDED_SOURCE);
  return file;
}

/** What runs saw, recorded by the module when `globalThis.seededSeen` is an array. */
export interface Seen {
  idx: number;
  crun: string;
  crun_: string;
  set: string;
}

/** The module's exports, imported from `dir`. */
export async function importSeeded(dir: string): Promise<{ setup: (t: Trajectory) => void; run: (t: Trajectory) => number }> {
  return import(pathToFileURL(writeSeededModule(dir)).href);
}
