/**
 * Benchmark: `h5traj export --format csv` over a W1 file (x float, y int, mode str explored over
 * N runs; per run a result `out` with float64 items a, b, c and float64[100] arr).
 *
 * The file is built once through the Environment (not timed) and kept in the temp directory;
 * then the built CLI (`npm run build` first) is spawned with stdout to /dev/null. Wall time is
 * measured here; the child's peak RSS comes from `/usr/bin/time -v` when it exists, else from the
 * child itself (H5TRAJ_REPORT_RSS makes the CLI print its peak RSS on stderr at exit).
 *
 * Usage: npm run build && node --import ./scripts/loader/register.mjs scripts/bench-export.ts [n=10000] [file]
 * Prints: {"workload":"export","n":10000,"seconds":…,"max_rss_mb":…}
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, cartesian_product, type Trajectory } from '../src/index.js';

const n = Number(process.argv[2] ?? 10000);
const file = process.argv[3] ?? path.join(os.tmpdir(), `h5traj-bench-w1-${n}.hdf5`);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const TIME = '/usr/bin/time';

/** Explored values for W1: a grid whose product is exactly n (mode × y × x). */
function w1Grid(count: number): { mode: string[]; y: number[]; x: number[] } {
  const modes = count % 2 === 0 ? ['alpha', 'beta'] : ['alpha'];
  const rest = count / modes.length;
  const ys = rest % 10 === 0 ? 10 : 1;
  return {
    mode: modes,
    y: Array.from({ length: ys }, (_, i) => i),
    x: Array.from({ length: rest / ys }, (_, i) => i * 0.001),
  };
}

async function buildW1(target: string, count: number): Promise<void> {
  const env = new Environment({ trajectory: 'w1', filename: target, overwrite_file: true, progress: 'quiet', comment: 'W1 export benchmark' });
  const traj = env.trajectory;
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('y', 0, { dtype: 'int' });
  traj.f_add_parameter('mode', 'alpha');
  traj.f_explore(cartesian_product(w1Grid(count), ['mode', 'y', 'x']));
  await env.run((t: Trajectory) => {
    const arr = new Float64Array(100);
    for (let k = 0; k < 100; k++) arr[k] = t.x + k;
    t.f_add_result('out', { a: t.x * t.y, b: t.x + t.y, c: t.v_idx, arr }, { comment: 'W1 output' });
  });
  if (env.failures.length > 0) throw new Error(`${env.failures.length} runs of the W1 build failed: ${env.failures[0]!.message}`);
}

/** Runs a command, stdout to /dev/null; resolves to its stderr and wall seconds. */
function runTimed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const devnull = fs.openSync('/dev/null', 'w');
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'], env });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(devnull);
      resolve({ code: code ?? -1, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing; run npm run build first.`);
if (!fs.existsSync(file)) {
  const t0 = performance.now();
  await buildW1(file, n);
  process.stderr.write(`built ${file} (${n} runs) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

const cliArgs = [BIN, 'export', file, '--format', 'csv', '--results', 'out.a,out.b,out.c'];
const useTime = fs.existsSync(TIME);
const env = { ...process.env, H5TRAJ_REPORT_RSS: useTime ? undefined : '1' };
const r = useTime ? await runTimed(TIME, ['-v', process.execPath, ...cliArgs], env) : await runTimed(process.execPath, cliArgs, env);
if (r.code !== 0) throw new Error(`export exited with ${r.code}:\n${r.stderr}`);
const rssKb = useTime
  ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1])
  : Number(/max_rss_kb=(\d+)/.exec(r.stderr)?.[1]);

console.log(JSON.stringify({ workload: 'export', n, seconds: +r.seconds.toFixed(3), max_rss_mb: +(rssKb / 1024).toFixed(1) }));
