/**
 * The cost of a commit as the file grows (issue 13: the last commit into a big file should cost
 * at most 1.5× the first into an empty one, the same runs added). Stores an exploration of
 * `--commits × --runs-per-commit` runs (or `--runs`, more), then commits W1's runs (result `out`:
 * a, b, c and 100 floats) in order, `--runs-per-commit` at a time, timing each commit, and prints
 * JSON: the first and last commits' times (and the medians of the first and last three), their
 * ratio, the bytes the file grew by in each, and the final file size.
 *
 *   node --import ./scripts/loader/register.mjs scripts/bench-commit-cost.ts \
 *     [--commits 100] [--runs-per-commit 100] [--runs N] [--mode append|rewrite] [--via held|service]
 *
 * `--runs` explores more runs than the commits complete: `overview/runs` gets all N rows at the
 * first store, so each commit changes rows in the middle of a big table (a long exploration's
 * early commits; 1M runs: 21,740 chunks of 46 rows).
 *
 * `--mode` sets `H5TRAJ_COMMITS` (append: copy-on-write commits; rewrite: the whole file per
 * commit). `--via held` commits as the Environment's writer thread does (the parsed file is kept
 * between commits); `--via service` through `StorageService.commit`, as a serial Environment does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Trajectory } from '../src/index.js';
import { HeldFileWriter } from '../src/storage/hdf5/transactions/held-writer.js';
import type { OverviewMemory } from '../src/storage/hdf5/layout/overview-tables.js';
import { writeCommit } from '../src/storage/hdf5/store.js';
import { leafToRecord } from '../src/trajectory/records.js';
import type { Commit } from '../src/trajectory/storage-service.js';
import { uniform } from './bench/data.mjs';

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const commits = Number(opt('commits', '100'));
const perCommit = Number(opt('runs-per-commit', '100'));
const n = Number(opt('runs', String(commits * perCommit)));
const mode = opt('mode', 'append');
const via = opt('via', 'held');
if (!['append', 'rewrite'].includes(mode) || !['held', 'service'].includes(via) || !(commits >= 2) || !(perCommit >= 1) || !(n >= commits * perCommit)) {
  process.stderr.write('usage: bench-commit-cost.ts [--commits N≥2] [--runs-per-commit N≥1] [--runs N≥commits×runs-per-commit] [--mode append|rewrite] [--via held|service]\n');
  process.exit(2);
}
process.env.H5TRAJ_COMMITS = mode;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h5traj-commit-cost-'));
const file = path.join(dir, 'commits.hdf5');
const U100 = uniform(100);

const traj = new Trajectory('W1', { add_time: false, filename: file });
traj.f_add_parameter('x', 0.0);
traj.f_explore({ x: Array.from({ length: n }, (_, i) => 0.5 + 0.25 * i) });
traj.f_store();

/** The commit of runs [from, from + perCommit): W1's result for each, as the Environment hands it over. */
function commitOf(from: number): Commit {
  const scratch = new Trajectory('scratch', { add_time: false });
  const runs = [];
  for (let i = from; i < from + perCommit; i++) {
    const x = 0.5 + 0.25 * i;
    const arr = new Float64Array(100);
    for (let k = 0; k < 100; k++) arr[k] = i + U100[k]!;
    const leaf = scratch.f_add_result(`runs.run_${String(i).padStart(8, '0')}.out`, { a: x * 3, b: x + 3 / 8, c: i / 3, arr }, { comment: 'W1 result' });
    const now = Date.now() / 1000;
    runs.push({ idx: i, info: { ...traj.f_get_run_information(i), completed: 1 as const, timestamp: now, finish_timestamp: now }, records: [leafToRecord(leaf)] });
  }
  return { runs, failures: [], nodes: [] };
}

const writer = new HeldFileWriter();
const memory: OverviewMemory = new Map();
const seconds: number[] = [];
const grew: number[] = [];
try {
  // The held writer parses the file on its first write: not part of any commit's cost.
  if (via === 'held') writer.write(file, () => {});
  for (let c = 0; c < commits; c++) {
    const commit = commitOf(c * perCommit);
    const size = fs.statSync(file).size;
    const t0 = process.hrtime.bigint();
    if (via === 'held') writer.write(file, (f) => writeCommit(f, 'W1', commit, memory));
    else traj.v_storage_service!.commit(traj, commit);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    grew.push(fs.statSync(file).size - size);
  }
} finally {
  writer.close();
}

const median3 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
const first3 = median3(seconds.slice(0, 3));
const last3 = median3(seconds.slice(-3));
console.log(
  JSON.stringify({
    mode,
    via,
    commits,
    runs_per_commit: perCommit,
    runs: n,
    first_commit_s: seconds[0],
    last_commit_s: seconds[seconds.length - 1],
    first3_median_s: first3,
    last3_median_s: last3,
    ratio_last_to_first: Number((last3 / first3).toFixed(2)),
    first_commit_bytes: grew[0],
    last_commit_bytes: grew[grew.length - 1],
    median_commit_bytes: [...grew].sort((a, b) => a - b)[grew.length >> 1],
    file_bytes: fs.statSync(file).size,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    load_avg_1m: Number(os.loadavg()[0]!.toFixed(2)),
  }),
);
fs.rmSync(dir, { recursive: true, force: true });
