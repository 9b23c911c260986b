/**
 * Benchmark W4 "merge" (`docs/benchmarks.md`): two W1-style files, A with runs
 * 0…N/2-1 (modes alpha, beta) and B with runs N/2…N-1 (gamma, delta, named locally from
 * run_00000000), written by the Environment as shards [0, 2] and [1, 2] of one exploration (not
 * timed; written by a child process, so the peak RSS reported is the merge's). Timed: loading both trajectories (parameters only; the merge reads the rest from the
 * files) and merging B into A, so that A holds all N runs in order, until A's file is closed.
 * Median of 3 repetitions on fresh copies; prints one JSON object, which also gives
 * `copy_floor_s`: the time to copy B's run groups alone into an empty file (h5wasm has no
 * H5Ocopy, so this object-by-object copy is the floor of any merge across files).
 *
 * Usage: node --import ./scripts/loader/register.mjs scripts/bench-merge.ts [n=10000] [--keep]
 * (the repository's loader; under `--import tsx` the process starts ~0.55 GB larger, which would
 * swamp the reported peak RSS).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, Result, Trajectory, cartesian_product, runName } from '../src/index.js';
import { copyTree } from '../src/storage/hdf5/transactions/copy.js';
import { openH5Sync } from '../src/storage/hdf5/engine/open-file.js';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10000);
const keep = process.argv.includes('--keep');
const REPS = 3;

// W1's deterministic data.
const U = new Float64Array(100);
{
  let s = 12345;
  for (let k = 0; k < 100; k++) {
    s = (1664525 * s + 1013904223) % 2 ** 32;
    U[k] = s / 2 ** 32;
  }
}
const NM = 4;
const NY = n <= 1000 ? 10 : 25;
const NX = n / (NM * NY);
const MODES = ['alpha', 'beta', 'gamma', 'delta'];

/** W1's run: the global run index comes from the parameters, so shards store the same numbers. */
function w1(traj: Trajectory): void {
  const x = traj.x as number;
  const y = traj.y as number;
  const i = MODES.indexOf(traj.mode as string) * NX * NY + y * NX + (x - 0.5) / 0.25;
  const arr = new Float64Array(100);
  for (let k = 0; k < 100; k++) arr[k] = i + U[k]!;
  traj.f_add_result('out', { a: x * y, b: x + y / 8, c: i / 3, arr }, { comment: 'W1 result' });
}

async function shard(dir: string, i: number): Promise<string> {
  const filename = path.join(dir, `w1_shard${i}.hdf5`);
  const traj = new Trajectory('W1', { add_time: false });
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('y', 0, { dtype: 'int' });
  traj.f_add_parameter('mode', 'alpha');
  const grid = { mode: MODES, y: Array.from({ length: NY }, (_, k) => k), x: Array.from({ length: NX }, (_, k) => 0.5 + 0.25 * k) };
  traj.f_explore(cartesian_product(grid, ['mode', 'y', 'x']));
  const env = new Environment({ trajectory: traj, filename, shard: [i, 2], progress: 'quiet', overwrite_file: true });
  await env.run(w1);
  return filename;
}

// The two files are written by a child process, so that this process's peak RSS is the merge's.
const buildInto = process.argv.indexOf('--build-into');
if (buildInto > 0) {
  const into = process.argv[buildInto + 1]!;
  await shard(into, 0);
  await shard(into, 1);
  process.exit(0);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h5traj-bench-merge-'));
const tBuild = performance.now();
const built = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(n), '--build-into', dir], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('building the W1 files failed');
const fileA = path.join(dir, 'w1_shard0.hdf5');
const fileB = path.join(dir, 'w1_shard1.hdf5');
const buildSeconds = (performance.now() - tBuild) / 1000;

const times: number[] = [];
let bytes = 0;
for (let rep = 0; rep < REPS; rep++) {
  const a = path.join(dir, `a${rep}.hdf5`);
  const b = path.join(dir, `b${rep}.hdf5`);
  fs.copyFileSync(fileA, a);
  fs.copyFileSync(fileB, b);
  const t0 = performance.now();
  const ta = new Trajectory('W1', { add_time: false, filename: a });
  ta.f_load({ name: 'W1', load_parameters: 2, load_derived_parameters: 0, load_results: 0 });
  const tb = new Trajectory('W1', { add_time: false, filename: b });
  tb.f_load({ name: 'W1', load_parameters: 2, load_derived_parameters: 0, load_results: 0 });
  ta.f_merge(tb);
  times.push((performance.now() - t0) / 1000);
  // Not timed: the merged trajectory holds all N runs in order, with the right values.
  const check = new Trajectory('W1', { add_time: false, filename: a });
  check.f_load({ name: 'W1', load_parameters: 2, load_results: 0 });
  const xs = check.f_get('x').f_get_range() as number[];
  const modes = check.f_get('mode').f_get_range() as string[];
  if (check.v_length !== n || xs.length !== n || modes[n - 1] !== 'delta' || check.f_get_run_names()[n - 1] !== `run_${String(n - 1).padStart(8, '0')}`) {
    throw new Error(`the merged trajectory is wrong: length ${check.v_length}`);
  }
  const lastOut = check.f_get(`results.runs.${runName(n - 1)}.out`, { auto_load: true }) as Result;
  check.f_load_item(lastOut);
  if (lastOut.f_get('c') !== (n - 1) / 3) throw new Error('the last run has the wrong result');
  bytes = fs.statSync(a).size;
  fs.rmSync(b);
  if (rep < REPS - 1) fs.rmSync(a);
}
times.sort((x, y) => x - y);

// The floor, for comparison: copying B's run groups into an empty file with nothing else (no
// checks, tables, renaming or transaction): what h5wasm's object-by-object copy costs by itself.
const floorFile = path.join(dir, 'floor.hdf5');
const t1 = performance.now();
const from = openH5Sync(fileB, 'r');
const to = openH5Sync(floorFile, 'w');
copyTree(from, '/W1/results/runs', to, '/runs');
from.close();
to.close();
const floorSeconds = (performance.now() - t1) / 1000;

console.log(JSON.stringify({
  workload: 'W4',
  n,
  merge_s: Number(times[Math.floor(REPS / 2)]!.toFixed(3)),
  file_bytes: bytes,
  max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  all_s: times.map((t) => Number(t.toFixed(3))),
  copy_floor_s: Number(floorSeconds.toFixed(3)),
  build_s: Number(buildSeconds.toFixed(1)),
}));
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
