/**
 * `node --import ./scripts/loader/register.mjs scripts/check-1m.ts FILE [options]`: the reader
 * checks of issue 13 on a big W1 file (made by `node scripts/bench/measure.mjs W1 1000000 FILE`), each in
 * a fresh process under `/usr/bin/time`, printed as one JSON object: wall seconds, peak RSS, exit
 * code, and what each reader reported. It measures, it does not judge; the goals (info ≤ 1 s and
 * ≤ 500 MB, h5py lookup ≤ 50 ms) are printed beside the figures.
 *
 * Steps: `h5traj info` (the built CLI, dist/; run `npm run build` first), `h5dump -H` of one run
 * group and of the whole file (output counted, not kept; on a million runs that is ~5 GB of text and
 * more than half an hour, so `--skip h5dump` for a quick check; h5dump walks every object of the
 * file first even with -g), h5py opening one run by name, pypet 0.7
 * loading the trajectory far enough to list its runs and read one run's result, and `h5traj find`,
 * `get`, `export` over a small selection.
 *
 * Options: --run NAME (default: the middle run), --where EXPR (repeatable; default W1's
 * `x<0.8 mode=alpha y=3`, 2 runs), --skip STEP (repeatable), --timeout SECONDS per step (default
 * 1200), --lock PATH (default /tmp/h5traj-bigmem.lock: every step holds it, since on a 1M-run file
 * any of them may take gigabytes; `--lock ''` for none), --pypet PATH (pypet's source, default
 * /tmp/ex-pypet), --python (default /usr/bin/python3).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const file = args[0];
if (!file || file.startsWith('--')) {
  console.error('usage: check-1m.ts FILE [--run run_00500000] [--where EXPR]... [--skip STEP]... [--timeout S] [--lock PATH]');
  process.exit(2);
}
const all = (name: string) => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] !== undefined ? [args[i + 1]!] : []));
const opt = (name: string, fallback: string) => all(name).at(-1) ?? fallback;
const where = all('where').length > 0 ? all('where') : ['x<0.8', 'mode=alpha', 'y=3'];
const skip = new Set(all('skip'));
const timeout = opt('timeout', '1200');
const lock = opt('lock', '/tmp/h5traj-bigmem.lock');
const python = opt('python', '/usr/bin/python3');
const pypetPath = opt('pypet', '/tmp/ex-pypet');
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist/cli/main.js');
const helper = (name: string) => fileURLToPath(new URL(`./check-1m/${name}`, import.meta.url));

interface Step {
  exit_code: number | null;
  wall_s: number;
  max_rss_mb: number;
  stdout_bytes: number;
  stdout_head: string;
  stderr_tail: string;
  command: string;
}

/**
 * Runs `command` as `[flock LOCK] /usr/bin/time -f '%e %M' timeout S command` so that the figures
 * are the command's own (the wait for the lock is not counted). Stdout is counted and its first
 * 2 kB kept: `h5dump -H` of a million groups prints hundreds of megabytes.
 */
function measure(command: string[], env: NodeJS.ProcessEnv = process.env): Promise<Step> {
  const stats = path.join(os.tmpdir(), `check-1m-${process.pid}-${Date.now()}.time`);
  const timed = ['/usr/bin/time', '-o', stats, '-f', '%e %M', 'timeout', timeout, ...command];
  const full = lock ? ['flock', lock, ...timed] : timed;
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let head = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < 2048) head += chunk.toString('utf8', 0, Math.min(chunk.length, 2048 - head.length));
    });
    child.stderr.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2048)));
    child.on('error', reject);
    child.on('close', (code) => {
      process.stderr.write(`check-1m: ${command.slice(0, 3).join(' ')} … exit ${code}\n`); // progress: a 1M-run check takes many minutes
      const [wall = 'NaN', rssKb = 'NaN'] = fs.existsSync(stats) ? fs.readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ') : [];
      fs.rmSync(stats, { force: true });
      resolve({
        exit_code: code,
        wall_s: Number(wall),
        max_rss_mb: Math.round(Number(rssKb) / 1024),
        stdout_bytes: bytes,
        stdout_head: head,
        stderr_tail: tail.trim(),
        command: command.join(' '),
      });
    });
  });
}

/** The last line of a step's stdout as JSON (the Python helpers print one object), or undefined. */
function reported(step: Step): unknown {
  try {
    return JSON.parse(step.stdout_head.trim().split('\n').pop() ?? '');
  } catch {
    return undefined;
  }
}

// The machine may be shared: the load average before and after tells how far wall times stand for it.
const out: Record<string, unknown> = { file, file_bytes: fs.statSync(file).size, where, lock: lock || null, load_avg_1m_start: os.loadavg()[0] };
const steps: Record<string, unknown> = {};
out.steps = steps;

const info = await measure(['node', cli, 'info', file, '--json']);
const infoJson = (() => {
  try {
    return JSON.parse(info.stdout_head.length < 2048 ? info.stdout_head : '') as { trajectories: { name: string; runs: number }[] };
  } catch {
    return undefined;
  }
})();
steps.info = { ...info, goal: 'wall_s <= 1, max_rss_mb <= 500' };
const traj = infoJson?.trajectories.at(-1);
if (!traj) {
  console.log(JSON.stringify({ ...out, problem: 'h5traj info gave no trajectory; the other steps need its name and run count' }, null, 2));
  process.exit(1);
}
out.trajectory = traj.name;
out.runs = traj.runs;
const run = opt('run', `run_${String(Math.floor(traj.runs / 2)).padStart(8, '0')}`);
out.run = run;
const runGroup = `/${traj.name}/results/runs/${run}`;

if (!skip.has('h5dump-run')) steps['h5dump-run'] = await measure(['h5dump', '-H', '-g', runGroup, file]);
if (!skip.has('h5dump')) {
  const s = await measure(['h5dump', '-H', file]);
  steps.h5dump = { ...s, stdout_head: s.stdout_head.slice(0, 200) };
}
if (!skip.has('h5py')) {
  const s = await measure([python, helper('h5py_lookup.py'), file, runGroup, 'out/c']);
  steps.h5py = { ...s, reported: reported(s), goal: 'reported.lookup_s <= 0.05 (lookup_cpu_s: without the wait for disk and cores)' };
}
if (!skip.has('pypet')) {
  const env = { ...process.env, PYTHONPATH: pypetPath };
  const s = await measure([python, helper('pypet_load.py'), file, run, 'out'], env);
  steps.pypet = { ...s, reported: reported(s) };
}
const selection = where.flatMap((w) => ['--where', w]);
if (!skip.has('find')) steps.find = await measure(['node', cli, 'find', file, ...selection, '--json']);
if (!skip.has('get')) steps.get = await measure(['node', cli, 'get', file, 'out.a', ...selection, '--json']);
if (!skip.has('export')) steps.export = await measure(['node', cli, 'export', file, '--format', 'csv', '-r', 'out.a,out.b', ...selection]);
out.load_avg_1m_end = os.loadavg()[0];
console.log(JSON.stringify(out, null, 2));
