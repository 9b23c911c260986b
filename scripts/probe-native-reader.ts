/**
 * Probe: the native reader on the W1 file (10,000 runs in pypet's layout, written by h5wasm).
 * Times parsing all metadata (the first parse in the process, then the best of a few more) and
 * reading dataset `a` of every run, and prints one JSON object. CPU seconds are printed too:
 * on a busy machine wall time says more about the neighbours than about the reader.
 *
 * Usage: node --import ./scripts/loader/register.mjs scripts/probe-native-reader.ts [file] [repeats=3]
 * Make the file first: npm run bench -- --workload W1 --n 10000 --reps 1 --dir /tmp/bench
 */
import fs from 'node:fs';
import type { NGroup, NNode } from '../src/storage/hdf5/native/model.js';
import { openNativeFile } from '../src/storage/hdf5/native/reader.js';

const file = process.argv[2] ?? '/tmp/bench/h5traj-bench-W1-10000.hdf5';
const repeats = Number(process.argv[3] ?? 3);
if (!fs.existsSync(file)) {
  process.stderr.write(`${file} does not exist; make it with: npm run bench -- --workload W1 --n 10000 --reps 1 --dir /tmp/bench\n`);
  process.exit(1);
}

/** Wall and CPU seconds of `fn`. */
function timed<T>(fn: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const cpu = process.cpuUsage(c0);
  return { value, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const child = (g: NGroup, name: string): NNode => {
  const link = g.links.get(name);
  if (link?.kind !== 'hard') throw new Error(`no object '${name}'`);
  return link.node;
};
const asGroup = (n: NNode): NGroup => {
  if (n.kind !== 'group') throw new Error('not a group');
  return n;
};

function countObjects(root: NGroup): { objects: number; attributes: number } {
  const seen = new Set<NNode>();
  let attributes = 0;
  const visit = (n: NNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    attributes += n.attrs.size;
    if (n.kind === 'group') for (const l of n.links.values()) if (l.kind === 'hard') visit(l.node);
  };
  visit(root);
  return { objects: seen.size, attributes };
}

const first = timed(() => openNativeFile(file));
const source = first.value;
let best = first.seconds;
for (let i = 1; i < repeats; i++) {
  const again = timed(() => openNativeFile(file));
  again.value.close();
  best = Math.min(best, again.seconds);
}

const traj = asGroup(child(source.root, [...source.root.links.keys()][0]!));
const runs = asGroup(child(asGroup(child(traj, 'results')), 'runs'));
const read = timed(() => {
  let sum = 0;
  for (const link of runs.links.values()) {
    if (link.kind !== 'hard') continue;
    const a = child(asGroup(child(asGroup(link.node), 'out')), 'a');
    if (a.kind !== 'dataset') throw new Error('a is not a dataset');
    const { bytes } = a.data.read();
    sum += new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0, true);
  }
  return sum;
});
source.close();

console.log(
  JSON.stringify({
    file,
    bytes: fs.statSync(file).size,
    ...countObjects(source.root),
    runs: runs.links.size,
    parseSeconds: +first.seconds.toFixed(3),
    parseCpuSeconds: +first.cpuSeconds.toFixed(3),
    parseBestOfRepeatsSeconds: +best.toFixed(3),
    readAllASeconds: +read.seconds.toFixed(3),
    readAllACpuSeconds: +read.cpuSeconds.toFixed(3),
    sumOfA: read.value,
    loadAverage: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
  }),
);
