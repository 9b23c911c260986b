/**
 * Probe: the W1 workload in pypet's layout, through the HDF5 layer's writer and reader API.
 *
 * Write: one open file; overview tables with N placeholder runs; per run a group
 * `results/runs/run_%08d` with the leaf `out` (class Result; comment only on the first run, as
 * pypet's purge_duplicate_comments does) holding float64 scalars a, b, c and float64[100] arr;
 * run rows marked completed in batches. Read: a skeleton scan of `results.runs`, then item `a`
 * of every run. Prints JSON (seconds are HDF5 time: the values are computed beforehand).
 *
 * Usage: node --import ./scripts/loader/register.mjs scripts/probe-w1-layout.ts [n=10000] [file]
 */
import { statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NDArray } from '../src/values/ndarray.js';
import type { TypedValue } from '../src/values/types.js';
import { openH5 } from '../src/storage/hdf5/engine/open-file.js';
import { readLeaf, scanTree, writeGroupNode, writeLeaf } from '../src/storage/hdf5/layout/nodes.js';
import { toRunRow } from '../src/storage/hdf5/layout/convert.js';
import { type RunInfo, createRuns, updateRuns, writeExplorations, writeInfo } from '../src/storage/hdf5/layout/overview.js';
import { placeholderRun } from '../src/trajectory/runs.js';
import { runName } from '../src/tree/names.js';

const n = Number(process.argv[2] ?? 10000);
const file = process.argv[3] ?? join(tmpdir(), `h5traj-probe-w1-${process.pid}.h5`);
const T = 'w1';
const time = '2024_01_01_00h00m00s';
const float = (v: number): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'float' } });

// Inputs prepared up front so that only HDF5 work is timed.
const items = Array.from({ length: n }, (_, i) => ({
  a: float(i),
  b: float(i * 0.5),
  c: float(-i),
  arr: { value: new NDArray('float64', [100], Float64Array.from({ length: 100 }, (_, k) => i + k / 100)), type: { kind: 'ndarray', dtype: 'float64' } } as TypedValue,
}));
const done = (i: number): RunInfo => ({
  ...toRunRow(placeholderRun(i)), time, timestamp: 1.7e9 + i, finish_timestamp: 1.7e9 + i + 0.01, runtime: '0:00:00.010000',
  parameter_summary: `x: ${i}`, short_environment_hexsha: 'abcdef0', completed: true,
});
const finished = Array.from({ length: n }, (_, i) => done(i));

await openH5(join(tmpdir(), 'h5traj-probe-warmup.h5'), 'w').then((f) => f.close()); // load the wasm outside the timing
rmSync(join(tmpdir(), 'h5traj-probe-warmup.h5'), { force: true });

const t0 = performance.now();
const f = await openH5(file, 'w');
writeInfo(f, T, { name: T, time, timestamp: 1.7e9, comment: 'W1 probe', length: n, version: '0.7.0', python: '3.11.2' });
createRuns(f, T, Array.from({ length: n }, (_, i) => toRunRow(placeholderRun(i))), time);
writeExplorations(f, T, ['parameters.x']);
writeGroupNode(f, T, 'results.runs');
const BATCH = 1000;
for (let i = 0; i < n; i++) {
  writeLeaf(
    f, T, `results.runs.${runName(i)}.out`,
    { className: 'Result', comment: 'W1 output', data: { kind: 'result', items: items[i]! } },
    { skipComment: i > 0 },
  );
  if ((i + 1) % BATCH === 0 || i === n - 1) updateRuns(f, T, finished.slice(i - (i % BATCH), i + 1));
}
f.close();
const writeSeconds = (performance.now() - t0) / 1000;

const t1 = performance.now();
const r = await openH5(file, 'r');
const nodes = scanTree(r, T, 'results.runs', true);
const leaves = nodes.filter((x) => x.kind === 'leaf');
const t2 = performance.now();
let sum = 0;
for (const leaf of leaves) {
  const d = readLeaf(r, T, leaf.fullName, leaf.className ?? 'Result', { loadOnly: ['a'] });
  if (d.kind === 'result') sum += d.items.a?.value as number;
}
const t3 = performance.now();
r.close();

const expected = (n * (n - 1)) / 2;
console.log(JSON.stringify({
  n,
  seconds: +writeSeconds.toFixed(3),
  file_bytes: statSync(file).size,
  read: {
    leaves: leaves.length,
    scan_seconds: +((t2 - t1) / 1000).toFixed(3),
    read_a_seconds: +((t3 - t2) / 1000).toFixed(3),
    seconds: +((t3 - t1) / 1000).toFixed(3),
    sum_ok: sum === expected,
  },
}));
if (!process.argv[3]) rmSync(file, { force: true });
