/**
 * The trajectory side of a million runs (issue 13): explores `--n` points (a cartesian product
 * of two ranges, x floats and label strings), stores the skeleton (parameters and run table, no
 * run data) with the native engine, marks the last run completed and stores again (the stored
 * run table is compared with memory a block at a time), then loads the file into a new
 * trajectory. Prints JSON: time, RSS and heap after a full GC at each step, and the heap the
 * exploration (ranges plus run table) took. Run with `--expose-gc` for the heap figures; at 1M
 * run it under the big-memory lock:
 *
 *   flock /tmp/h5traj-bigmem.lock node --expose-gc --max-old-space-size=6000 \
 *     --import ./scripts/loader/register.mjs scripts/bench-skeleton.ts [--n 1000000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOAD_DATA, LOAD_SKELETON, Trajectory, cartesian_product, formatRuntime } from '../src/index.js';

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const n = Number(opt('n', '1000000'));
const side = Math.round(Math.sqrt(n));
if (!(n >= 4) || side * side !== n) {
  process.stderr.write('usage: bench-skeleton.ts [--n N] (N a square ≥ 4, e.g. 1000000)\n');
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;
const MB = (bytes: number) => Math.round(bytes / 1e5) / 10;
/** RSS, and the heap (plus array buffers) after two full GCs when `--expose-gc` is given. */
function memory(): { rss_mb: number; heap_mb?: number } {
  if (!gc) return { rss_mb: MB(process.memoryUsage().rss) };
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss_mb: MB(m.rss), heap_mb: MB(m.heapUsed + m.arrayBuffers) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h5traj-bench-skeleton-'));
const file = path.join(dir, 'skeleton.hdf5');
const steps: Record<string, { seconds: number; rss_mb: number; heap_mb?: number }> = {};
let t0 = performance.now();
function step(name: string): void {
  const seconds = Math.round(performance.now() - t0) / 1000;
  steps[name] = { seconds, ...memory() };
  t0 = performance.now();
}

try {
  step('start');
  const xs = Array.from({ length: side }, (_, i) => i / 4);
  const labels = Array.from({ length: side }, (_, i) => `l${i}`);
  const traj = new Trajectory('skeleton', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('label', 'a');
  traj.f_explore(cartesian_product({ x: xs, label: labels }));
  step('explore');
  traj.f_store();
  step('store');
  const last = n - 1;
  traj._updateRun(last, {
    completed: 1, time: '2026_12_03_13h00m00s', timestamp: 1000, finish_timestamp: 1001.5, runtime: formatRuntime(1.5),
    parameter_summary: traj._parameterSummary(last), short_environment_hexsha: 'abcdef0',
  });
  traj.f_store();
  step('store_update');
  const back = new Trajectory('skeleton', { add_time: false, filename: file });
  back.f_load({ load_parameters: LOAD_DATA, load_derived_parameters: LOAD_SKELETON, load_results: LOAD_SKELETON });
  step('load');
  const ok = back.v_length === n && back.f_is_completed(last) && back.f_get('label').f_get_range()[last] === labels[side - 1];
  const explored = steps.explore!.heap_mb !== undefined ? Math.round((steps.explore!.heap_mb - steps.start!.heap_mb!) * 10) / 10 : undefined;
  process.stdout.write(
    JSON.stringify({ n, ok, file_mb: MB(fs.statSync(file).size), explored_heap_mb: explored, steps, runs_in_memory: [traj.v_length, back.v_length] }, null, 2) + '\n',
  );
  if (!ok) process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
