/**
 * `npm run bench -- --workload W1 --n 10000 [--reps 3] [--ncores 2] [--dir DIR] [--impl h5traj|h5py|pypet|all]`:
 * runs a workload of docs/benchmarks.md in fresh processes (one configuration per process), and
 * prints one JSON object per implementation with the median of each timing over the repetitions.
 * Workloads: W1 (store through f_store), W1env (through the Environment), W1busy (5 ms of work
 * per run; compare --ncores 1 and 2), W2 (load skeleton + collect `a`; needs the W1 file of the
 * same n and implementation), W2info (`h5traj info` on that file), W3 (20 × 8 MB arrays), W5
 * (the built `h5traj run` of bench/w5_module.mjs, so `npm run build` first: --n runs of a 4 MB
 * result, default 400; serial or --ncores 2). W1/W2 take n = 1000 … 1,000,000 (WORKLOADS.md's grids); at 1,000,000 pass `--reps 1`.
 * `--impl` picks who does the work: h5traj (the default), h5py (raw h5py, WORKLOADS.md's `perrun`
 * floor layout: W1, W2 and W5, whose floor is w5_floor.py) or pypet (pypet 0.7: W1, W2), the peers
 * run by `/usr/bin/python3` (H5TRAJ_PYTHON) with pypet's source on PYTHONPATH (`--pypet DIR`,
 * else H5TRAJ_PYPET_SOURCE, else /tmp/ex-pypet); `all` measures each implementation that has the
 * workload, one after another. h5traj is measured as a user runs it, built: `npm run build` first
 * (a dist/ older than src/ is refused). Each repetition's JSON carries max_rss_mb and the load average,
 * since the machine may be shared. The workloads are described in bench/WORKLOADS.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
const impl = opt('impl', 'h5traj');
const python = process.env.H5TRAJ_PYTHON || '/usr/bin/python3';
const pypetSource = opt('pypet', process.env.H5TRAJ_PYPET_SOURCE || '/tmp/ex-pypet');
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The command line of one measurement: argv[0], its arguments and its environment. */
type Command = { argv: string[]; env: NodeJS.ProcessEnv };

// W2 and W2info read the file W1 wrote for the same n (and implementation).
const fileOf = (prefix: string) => path.join(dir, `${prefix}-bench-${workload.startsWith('W2') ? 'W1' : workload}-${n}.hdf5`);

/** The peers' scripts, per implementation and workload (the Python floors and pypet). */
const PEERS: Record<string, Record<string, () => Command>> = {
  h5py: {
    W1: () => ({ argv: [python, here('./bench/w1_h5py.py'), n, fileOf('h5py')], env: process.env }),
    W2: () => ({ argv: [python, here('./bench/w2_h5py.py'), n, fileOf('h5py')], env: process.env }),
    W5: () => ({ argv: [python, here('./bench/w5_floor.py'), dir, n], env: process.env }),
  },
  pypet: {
    W1: () => ({ argv: [python, here('./bench/w1_pypet.py'), n, fileOf('pypet')], env: pypetEnv() }),
    W2: () => ({ argv: [python, here('./bench/w2_pypet.py'), n, fileOf('pypet')], env: pypetEnv() }),
  },
};

function pypetEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [pypetSource, process.env.PYTHONPATH].filter(Boolean).join(':') };
}

/**
 * Why the built library cannot be measured, or '' when it can: h5traj's measurements run dist/
 * (what a user runs, see bench/measure.mjs), so a dist/ missing or older than a file of src/ would
 * give figures of other code than the sources.
 */
function builtLibraryProblem(): string {
  const index = here('../dist/index.js');
  if (!fs.existsSync(index)) return `${index} is missing: the benchmark measures the built library, so run npm run build first.`;
  const built = fs.statSync(index).mtimeMs;
  const src = here('../src');
  const newer = (fs.readdirSync(src, { recursive: true }) as string[]).find((f) => fs.statSync(path.join(src, f)).mtimeMs > built);
  return newer === undefined ? '' : `${index} is older than src/${newer}: the benchmark measures the built library, so run npm run build first.`;
}

function h5trajCommand(): Command {
  return {
    argv: [process.execPath, here('./bench/measure.mjs'), workload, n, fileOf('h5traj'), ncores],
    env: workload === 'W5' ? { ...process.env, NRUNS: n } : process.env, // w5_module.mjs reads its run count from NRUNS
  };
}

function commandFor(which: string): Command | undefined {
  if (which === 'h5traj') return h5trajCommand();
  return PEERS[which]?.[workload]?.();
}

/** Runs `reps` fresh processes of one implementation and prints the median of each figure. */
function measure(which: string, command: Command): void {
  const results: Record<string, unknown>[] = [];
  for (let r = 0; r < reps; r++) {
    const [exe, ...rest] = command.argv;
    const child = spawnSync(exe!, rest, { encoding: 'utf8', maxBuffer: 1 << 26, env: command.env });
    if (child.status !== 0) {
      process.stderr.write(child.stderr ?? '');
      console.error(`${which} ${workload} n=${n} failed (${child.error?.message ?? `exit code ${child.status}`}): ${command.argv.join(' ')}`);
      process.exit(1);
    }
    results.push({ impl: which, ...(JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>) });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const out: Record<string, unknown> = { ...results[0], reps };
  for (const key of Object.keys(results[0]!)) {
    if (typeof results[0]![key] === 'number' && key !== 'n' && key !== 'ncores') out[key] = median(results.map((x) => x[key] as number));
  }
  out.runs = results.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => k.endsWith('_s'))));
  console.log(JSON.stringify(out));
}

const impls = impl === 'all' ? ['h5traj', ...Object.keys(PEERS)].filter((which) => commandFor(which) !== undefined) : [impl];
for (const which of impls) {
  if (which !== 'h5traj' && !(which in PEERS)) {
    console.error(`unknown --impl ${which}; use h5traj, ${Object.keys(PEERS).join(', ')} or all`);
    process.exit(2);
  }
  const command = commandFor(which);
  const problem = which === 'h5traj' && command ? builtLibraryProblem() : '';
  if (problem) {
    console.error(problem);
    process.exit(2);
  }
  if (!command) {
    console.error(`--impl ${which} has no ${workload}; it has ${Object.keys(PEERS[which]!).join(', ')}`);
    process.exit(2);
  }
  measure(which, command);
}
