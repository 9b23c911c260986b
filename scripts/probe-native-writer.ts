/**
 * Probe: how fast the native writer stores a W1-like graph (pypet's per-run results layout).
 *
 * The graph: `results/runs/run_%08d/out` for N runs, each `out` holding float64 scalars a, b, c
 * and a float64[100] `arr`, with a few string attributes (fixed UTF-8 like h5traj's, and one
 * variable-length) on `out`. The graph is built beforehand; only `writeNativeFile` is timed.
 * Prints JSON: runs, seconds (wall clock), cpuSeconds, file bytes.
 *
 * Usage: node --import ./scripts/loader/register.mjs scripts/probe-native-writer.ts [n=10000] [file]
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { F64, type H5Type } from '../src/storage/hdf5/engine/h5types.js';
import { type NDataset, type NGroup, type NValue, memoryData, newGroup } from '../src/storage/hdf5/native/model.js';
import { writeNativeFile } from '../src/storage/hdf5/native/writer.js';
import { runName } from '../src/tree/names.js';

const utf8 = (s: string): NValue => {
  const bytes = Buffer.from(s, 'utf8');
  return { type: { class: 'string', size: bytes.length, vlen: false, cset: 'utf8', pad: 'spacepad' }, shape: [], bytes };
};
const VLEN: H5Type = { class: 'string', size: 16, vlen: true, cset: 'utf8', pad: 'nullterm' };
const f64Dataset = (values: number[], shape: number[]): NDataset => ({
  kind: 'dataset', attrs: new Map(), type: F64, shape, maxshape: null, chunks: null,
  data: memoryData(new Uint8Array(Float64Array.from(values).buffer)),
});

/** A root with `results/runs/run_…/out/{a,b,c,arr}` for `n` runs. */
export function buildW1Graph(n: number): NGroup {
  const root = newGroup();
  const results = newGroup();
  const runs = newGroup();
  root.links.set('results', { kind: 'hard', node: results });
  results.links.set('runs', { kind: 'hard', node: runs });
  for (let i = 0; i < n; i++) {
    const out = newGroup();
    out.attrs.set('class_name', utf8('Result'));
    out.attrs.set('SRVC_LEAF', utf8('1'));
    out.attrs.set('comment', { type: VLEN, shape: [], bytes: new Uint8Array(0), strings: [Buffer.from(`run ${i} output`)] });
    out.links.set('a', { kind: 'hard', node: f64Dataset([i], []) });
    out.links.set('b', { kind: 'hard', node: f64Dataset([i * 0.5], []) });
    out.links.set('c', { kind: 'hard', node: f64Dataset([-i], []) });
    out.links.set('arr', { kind: 'hard', node: f64Dataset(Array.from({ length: 100 }, (_, k) => i + k / 100), [100]) });
    const run = newGroup();
    run.links.set('out', { kind: 'hard', node: out });
    runs.links.set(runName(i), { kind: 'hard', node: run });
  }
  return root;
}

/**
 * Writes the W1-like graph for `n` runs to `file`; returns wall-clock seconds, CPU seconds of the
 * process (all threads: a busy machine inflates the first, much less the second) and file size.
 */
export function timeW1Write(n: number, file: string): { runs: number; seconds: number; cpuSeconds: number; bytes: number } {
  const root = buildW1Graph(n);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  writeNativeFile(file, root);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const round = (x: number) => Number(x.toFixed(3));
  return { runs: n, seconds: round(seconds), cpuSeconds: round((cpu.user + cpu.system) / 1e6), bytes: statSync(file).size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 10000);
  const file = process.argv[3] ?? join(tmpdir(), `h5traj-probe-native-${process.pid}.h5`);
  timeW1Write(Math.min(n, 100), file); // warm up the JIT outside the timing
  const result = timeW1Write(n, file);
  if (!process.argv[3]) rmSync(file, { force: true });
  console.log(JSON.stringify(result));
}
