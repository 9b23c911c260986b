/**
 * `npm run bench -- --workload W5` measures what a user runs (WORKLOADS.md: `h5traj run
 * w5_module.mjs --file F [--ncores 2]`): the built CLI in a child process, whose own peak RSS is
 * reported, not the benchmark process started from the TypeScript sources, whose worker threads
 * inherited its TypeScript loader (538 MB at `--ncores 2` against 407 MB for the CLI). Small
 * runs here (8 runs, 1 ms of work each); the script is run as a child (tests never import scripts/).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../helpers.js';

const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const BENCH = fileURLToPath(new URL('../../scripts/bench.ts', import.meta.url));
const dir = tempDir('h5traj-w5-bench-');

function w5(ncores: number): Record<string, unknown> {
  const args = ['--import', LOADER, BENCH, '--workload', 'W5', '--n', '8', '--ncores', String(ncores), '--reps', '1', '--dir', dir];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, WORK_MS: '1' } });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

test('W5 serially: the built CLI stores all runs; compute and storage overhead are reported', () => {
  const line = w5(1);
  assert.is(line.measured, 'h5traj run (dist/cli/main.js)');
  assert.equal([line.workload, line.ncores, line.n_runs, line.correct], ['W5', 1, 8, true]);
  assert.ok((line.compute_s as number) > 0 && typeof line.overhead_s === 'number', JSON.stringify(line));
  assert.ok((line.max_rss_mb as number) > 10, JSON.stringify(line));
});

test('W5 with --ncores 2: the built CLI with two workers; the peak RSS is its own', () => {
  const line = w5(2);
  assert.is(line.measured, 'h5traj run (dist/cli/main.js)');
  assert.equal([line.workload, line.ncores, line.n_runs, line.correct], ['W5', 2, 8, true]);
  assert.is(line.compute_s, undefined);
  assert.ok((line.max_rss_mb as number) > 10, JSON.stringify(line));
});

test.run();
