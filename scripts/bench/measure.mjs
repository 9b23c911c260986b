/**
 * One measurement of one workload in this process (spawned by scripts/bench.ts):
 * `node measure.mjs WORKLOAD N FILE [NCORES]` prints one JSON object, with the peak RSS and the
 * machine's 1-minute load average at the end (the benchmark machine is shared, so a figure needs
 * its load). Plain JavaScript on the built library (dist/, which bench.ts checks is newer than
 * src/), with the data of data.mjs: what a user runs. Run from the sources, this process needed
 * the TypeScript loader (a hooks thread with esbuild, transformed sources with inline source
 * maps), which a user does not pay: importing dist/index.js peaks at 61 MB, the sources at 113 MB.
 * `ts_loader` in the JSON says whether the loader was active, so a test notices it coming back.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Environment, Trajectory, cartesian_product } from '../../dist/index.js';
import { engineName } from '../../dist/storage/hdf5/engine/open-file.js';
import { uniform, w1Parameters, w1Run } from './data.mjs';

const [workload = 'W1', nText = '1000', file = '/tmp/h5traj-bench.hdf5', ncoresText = '1'] = process.argv.slice(2);
const n = Number(nText);
/** Whether scripts/loader/register.mjs ran in this process (it sets this flag). */
const tsLoader = () => globalThis[Symbol.for('h5traj.typescript-loader')] === true;
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;
const seconds = (t0) => (performance.now() - t0) / 1000;

async function w1Store() {
  fs.rmSync(file, { force: true });
  const t0 = performance.now();
  const traj = new Trajectory('W1', { add_time: false, filename: file });
  w1Parameters(traj, n);
  const started = Date.now() / 1000;
  for (const _ of traj.f_iter_runs()) {
    w1Run(traj);
    traj._updateRun(traj.v_idx, { completed: 1, timestamp: started, finish_timestamp: Date.now() / 1000, parameter_summary: traj._parameterSummary(traj.v_idx) });
  }
  traj.f_store();
  return { store_s: seconds(t0), file_bytes: fs.statSync(file).size };
}

async function w1Environment(runExport) {
  fs.rmSync(file, { force: true });
  const t0 = performance.now();
  const env = new Environment({ trajectory: 'W1', filename: file, progress: 'quiet', ncores: Number(ncoresText) });
  w1Parameters(env.trajectory, n);
  const module = fileURLToPath(new URL('./data.mjs', import.meta.url));
  await env.run({ module, export: runExport });
  return { store_s: seconds(t0), ncores: Number(ncoresText), file_bytes: fs.statSync(file).size };
}

async function w2() {
  const t0 = performance.now();
  const traj = new Trajectory('W1', { add_time: false, filename: file });
  traj.f_load({ load_parameters: 2, load_derived_parameters: 1, load_results: 1 });
  const t1 = performance.now();
  const nodes = traj.f_get_from_runs('out');
  traj.f_load_items([...nodes.values()], { load_only: ['a'] });
  // (Filled in place: Float64Array.from(iterator, fn) first gathers a million boxed numbers.)
  const a = new Float64Array(nodes.size);
  let k = 0;
  for (const r of nodes.values()) a[k++] = r.f_get('a');
  const t2 = performance.now();
  // The check reads the ranges in place (pypet's copy=False): copies would add 16 MB at 1M runs
  // to the peak this process reports.
  const x = traj.f_get('x').f_get_range(false);
  const y = traj.f_get('y').f_get_range(false);
  const ok = a.length === n && a.every((v, i) => v === x[i] * Number(y[i]));
  return { open_skeleton_s: (t1 - t0) / 1000, collect_s: (t2 - t1) / 1000, total_s: (t2 - t0) / 1000, correct: ok };
}

/**
 * `h5traj info FILE --json` on the W1 file, in this process (the CLI's modules are imported
 * before the clock starts; stdout is discarded): issue 13 wants ≤ 1 s on a 1M-run file.
 */
async function w2Info() {
  const { runCli } = await import('../../dist/cli/app.js');
  const write = process.stdout.write;
  let printed = 0;
  process.stdout.write = (chunk) => ((printed += chunk.length), true);
  const t0 = performance.now();
  let code;
  try {
    code = await runCli(['info', file, '--json']);
  } finally {
    process.stdout.write = write;
  }
  return { info_s: seconds(t0), correct: code === 0 && printed > 0 };
}

async function w3() {
  fs.rmSync(file, { force: true });
  const u = uniform(1_000_000);
  const arrays = Array.from({ length: 20 }, (_, i) => u.map((v) => i + v));
  const t0 = performance.now();
  const traj = new Trajectory('W3', { add_time: false, filename: file });
  traj.f_add_parameter('idx', 0, { dtype: 'int' });
  traj.f_explore(cartesian_product({ idx: [...Array(20).keys()] }));
  for (const _ of traj.f_iter_runs()) traj.f_add_result('big', { arr: arrays[traj.v_idx] });
  traj.f_store();
  const store = seconds(t0);
  const t1 = performance.now();
  const back = new Trajectory('W3', { add_time: false, filename: file });
  back.f_load({ load_parameters: 2, load_results: 2 });
  let sum = 0;
  for (const [, r] of back.f_get_from_runs('big')) sum += r.f_get('arr').size;
  const read = seconds(t1);
  const mb = (20 * 8e6) / 1e6;
  return { store_s: store, read_s: read, store_mb_s: mb / store, read_mb_s: mb / read, correct: sum === 20_000_000, file_bytes: fs.statSync(file).size };
}

/**
 * W5 as WORKLOADS.md defines it: the built CLI, `h5traj run scripts/bench/w5_module.mjs --file F
 * [--ncores 2]` (400 runs × a 4 MB result; NRUNS and WORK_MS in the environment change that), in
 * a child process whose wall time and peak RSS (the CLI reports it: H5TRAJ_REPORT_RSS) are the
 * figures: what a user runs, without this process's TypeScript loader, which worker threads of a
 * process started from the sources inherit (it added ~130 MB to the `--ncores 2` peak).
 * Serially, compute_s is the time the module's run function takes for the same runs without
 * storing anything (measured here, before the CLI runs), so overhead_s = store_s − compute_s
 * is the storage's share; with workers only the wall time is reported.
 */
async function w5() {
  fs.rmSync(file, { force: true });
  const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: W5 measures the built CLI, so run npm run build first.`);
  const modulePath = fileURLToPath(new URL('./w5_module.mjs', import.meta.url));
  const ncores = Number(ncoresText);
  const env = { ...process.env, NRUNS: String(n), H5TRAJ_REPORT_RSS: '1' };
  const compute = ncores > 1 ? undefined : await w5Compute(modulePath);
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [cli, 'run', modulePath, '--file', file, '--ncores', String(ncores), '--quiet'], { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = seconds(t0);
  if (child.status !== 0) throw new Error(`h5traj run exited with ${child.status ?? child.signal}: ${child.stderr}`);
  const rssKb = Number(/max_rss_kb=(\d+)/.exec(child.stderr)?.[1]);
  const info = spawnSync(process.execPath, [cli, 'info', file, '--json'], { encoding: 'utf8' });
  const runs = JSON.parse(info.stdout).trajectories[0]?.completed;
  const serial = compute === undefined ? {} : { compute_s: compute, overhead_s: wall - compute };
  return { store_s: wall, ...serial, ncores, n_runs: runs, correct: runs === n, file_bytes: fs.statSync(file).size, max_rss_mb: Math.round(rssKb / 1024), measured: 'h5traj run (dist/cli/main.js)' };
}

/** Seconds the W5 module's run function takes for runs k = 0 … n-1 when nothing is stored. */
async function w5Compute(modulePath) {
  const mod = await import(modulePath);
  const t0 = performance.now();
  for (let k = 0; k < n; k++) mod.run({ k, f_add_result: () => undefined });
  return seconds(t0);
}

const run = {
  W1: w1Store,
  W1env: () => w1Environment('w1Run'),
  W1busy: () => w1Environment('w1BusyRun'),
  W2: w2,
  W2info: w2Info,
  W3: w3,
  W5: w5,
};
const fn = Object.hasOwn(run, workload) ? run[workload] : undefined;
if (!fn) {
  console.error(`unknown workload ${workload}; use ${Object.keys(run).join(', ')}`);
  process.exit(2);
}
const result = await fn();
const [load1] = os.loadavg();
// W5's peak is its child's (the CLI); every other workload's is this process's.
console.log(JSON.stringify({ workload, n, engine: engineName(), ...result, max_rss_mb: result.max_rss_mb ?? Math.round(maxRssMb()), ts_loader: tsLoader(), load_avg_1m: Number(load1.toFixed(2)) }));
