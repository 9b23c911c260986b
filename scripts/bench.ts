/**
 * `npm run bench -- --workload W1 --n 10000 [--reps 3] [--ncores 2]`: runs a workload of
 * docs/benchmarks.md in fresh processes (one configuration per process), and prints
 * one JSON object with the median of each timing over the repetitions.
 * Workloads: W1 (store through f_store), W1env (through the Environment), W1busy (5 ms of work
 * per run; compare --ncores 1 and 2), W2 (load skeleton + collect `a`; needs the W1 file of the
 * same n), W2info (`h5traj info` on that file), W3 (20 × 8 MB arrays), W5 (`h5traj run` of bench/w5_module.mjs: --n runs of a 4 MB
 * result, default 400; serial or --ncores 2). W1/W2 take n = 1000 … 1,000,000 (WORKLOADS.md's
 * grids); at 1,000,000 pass `--reps 1`. Each repetition's JSON carries max_rss_mb and the load
 * average, since the machine may be shared. The workloads are described in bench/WORKLOADS.md.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const workload = opt('workload', 'W1');
const n = opt('n', workload === 'W5' ? '400' : '1000');
const reps = Number(opt('reps', '3'));
const ncores = opt('ncores', '1');
const dir = opt('dir', os.tmpdir());
const measure = fileURLToPath(new URL('./bench/measure.ts', import.meta.url));
const loader = fileURLToPath(new URL('./loader/register.mjs', import.meta.url));
// W2 and W2info read the file W1 wrote for the same n.
const file = path.join(dir, `h5traj-bench-${workload.startsWith('W2') ? 'W1' : workload}-${n}.hdf5`);

const results: Record<string, unknown>[] = [];
for (let r = 0; r < reps; r++) {
  const child = spawnSync(process.execPath, ['--import', loader, measure, workload, n, file, ncores], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: workload === 'W5' ? { ...process.env, NRUNS: n } : process.env, // w5_module.mjs reads its run count from NRUNS
  });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const out: Record<string, unknown> = { ...results[0], reps };
for (const key of Object.keys(results[0]!)) {
  if (typeof results[0]![key] === 'number' && key !== 'n' && key !== 'ncores') out[key] = median(results.map((x) => x[key] as number));
}
out.runs = results.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => k.endsWith('_s'))));
console.log(JSON.stringify(out));
