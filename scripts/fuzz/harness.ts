/**
 * Damaged-file fuzzing, shared by the CI test (test/storage/hdf5/native/fuzz.test.ts) and the
 * larger run (scripts/fuzz-mutants.ts): seeded mutants of HDF5 files — one bit flipped in a
 * metadata byte, the file cut short, a 512-byte block of metadata zeroed — each read by the
 * built CLI (`dump --json`) in a child process with a time and heap limit, so that a hang or an
 * unbounded allocation is an outcome, not a stuck test. Every outcome must be a clean error
 * (exit 1, one line, no stack trace) or the original content; where the content differs, h5py
 * (HDF5 1.10) decides: a file it refuses must be refused by h5traj too.
 *
 * "Metadata bytes" are the bytes the native reader reads while parsing the file (recorded by
 * instrumenting its ByteSource), which is what the checksums and bounds checks guard.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteSource } from '../../src/storage/hdf5/native/read/byte-source.js';
import { openNativeFile } from '../../src/storage/hdf5/native/reader.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(ROOT, 'dist/cli/main.js');
const PYTHON = '/usr/bin/python3';

export type MutationKind = 'flip' | 'truncate' | 'zero512';

export interface Mutant {
  source: string;
  file: string;
  kind: MutationKind;
  /** Byte (flip, zero512: block start) or new length (truncate). */
  at: number;
}

export type Outcome =
  | 'same' // read, with the original's content
  | 'error' // refused cleanly: exit 1, one line
  | 'differs-h5py-reads' // read with other content, and h5py reads the file too (damage in data both accept)
  | 'accepted-h5py-rejects' // BAD: read with other content although h5py refuses the file
  | 'unclean-error' // BAD: exit 1 with a stack trace, several lines or "unexpected error"
  | 'hang' // BAD: no answer within the time limit
  | 'crash'; // BAD: killed by a signal, out of memory, or another exit code

export const BAD: readonly Outcome[] = ['accepted-h5py-rejects', 'unclean-error', 'hang', 'crash'];

export interface Result extends Mutant {
  outcome: Outcome;
  detail: string;
}

/** mulberry32: a small seeded generator, so a failing mutant can be made again from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The byte ranges `[start, end)` (absolute) the native reader reads while parsing `file`. */
export function metadataRanges(file: string): [number, number][] {
  const proto = ByteSource.prototype as unknown as { check(this: ByteSource, addr: number, len: number): number };
  const original = proto.check;
  const ranges: [number, number][] = [];
  proto.check = function (addr: number, len: number): number {
    const at = original.call(this, addr, len);
    if (len > 0) ranges.push([at, at + len]);
    return at;
  };
  try {
    openNativeFile(file).close();
  } finally {
    proto.check = original;
  }
  // Merge into disjoint, sorted ranges.
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** A random byte among `ranges`, each byte equally likely. */
function pickByte(ranges: [number, number][], random: () => number): number {
  const total = ranges.reduce((n, [a, b]) => n + b - a, 0);
  let k = Math.floor(random() * total);
  for (const [a, b] of ranges) {
    if (k < b - a) return a + k;
    k -= b - a;
  }
  return ranges[0]![0];
}

/** Writes `count` mutants of `source` into `dir`, cycling through the kinds (flips twice as often). */
export function makeMutants(source: string, dir: string, count: number, seed: number): Mutant[] {
  const bytes = fs.readFileSync(source);
  const ranges = metadataRanges(source);
  const random = prng(seed);
  const kinds: MutationKind[] = ['flip', 'flip', 'truncate', 'zero512'];
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[(i + seed) % kinds.length]!; // (rotated by the seed: every kind, however few per source)
    let data: Buffer;
    let at: number;
    if (kind === 'flip') {
      at = pickByte(ranges, random);
      data = Buffer.from(bytes);
      data[at] = data[at]! ^ (1 << Math.floor(random() * 8));
    } else if (kind === 'truncate') {
      at = Math.floor(random() * bytes.length);
      data = bytes.subarray(0, at);
    } else {
      at = Math.floor(pickByte(ranges, random) / 512) * 512;
      data = Buffer.from(bytes);
      data.fill(0, at, Math.min(at + 512, data.length));
    }
    const file = path.join(dir, `${path.basename(source).replace(/\.\w+$/, '')}-${i}-${kind}-${at}.hdf5`);
    fs.writeFileSync(file, data);
    out.push({ source, file, kind, at });
  }
  return out;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `h5traj dump FILE --json` in a child with a heap limit, killed after `timeoutMs`. */
function dump(file: string, timeoutMs: number, heapMb: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, CLI, 'dump', file, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', H5TRAJ_ENGINE: '' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The dump without the file name, which differs between a mutant and its source. */
const content = (stdout: string, file: string): string => stdout.split(JSON.stringify(file)).join('"FILE"');

/** Whether h5py opens `file` and reads every attribute and dataset in it (in a child: HDF5 may crash). */
export function h5pyReads(file: string, timeoutMs = 60_000): boolean {
  const script = `
import sys, h5py
def visit(name, obj):
    for k in obj.attrs: obj.attrs[k]
    if isinstance(obj, h5py.Dataset): obj[()]
with h5py.File(sys.argv[1], 'r') as f:
    for k in f.attrs: f.attrs[k]
    f.visititems(visit)
`;
  return spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8', timeout: timeoutMs }).status === 0;
}

export interface RunOptions {
  /** Children at once. */
  parallel?: number;
  timeoutMs?: number;
  heapMb?: number;
  /** Also ask h5py about mutants read with the original content (for the report only). */
  h5pyOnSame?: boolean;
}

/** Reads every mutant through the CLI and classifies the outcome. */
export async function runMutants(mutants: Mutant[], opts: RunOptions = {}): Promise<(Result & { h5pyReads?: boolean })[]> {
  const { parallel = 2, timeoutMs = 30_000, heapMb = 256 } = opts;
  const originals = new Map<string, string>();
  for (const source of new Set(mutants.map((m) => m.source))) {
    const r = await dump(source, 120_000, 1024);
    if (r.code !== 0) throw new Error(`the original '${source}' does not dump: ${r.stderr}`);
    originals.set(source, content(r.stdout, source));
  }
  const results: (Result & { h5pyReads?: boolean })[] = new Array(mutants.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < mutants.length; i = next++) {
      const m = mutants[i]!;
      const r = await dump(m.file, timeoutMs, heapMb);
      results[i] = { ...m, ...classify(m, r, originals.get(m.source)!, opts) };
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

function classify(m: Mutant, r: Run, original: string, opts: RunOptions): { outcome: Outcome; detail: string; h5pyReads?: boolean } {
  const err = r.stderr.trim();
  if (r.timedOut) return { outcome: 'hang', detail: `no answer in ${opts.timeoutMs ?? 30_000} ms` };
  if (r.code === 0) {
    if (content(r.stdout, m.file) === original) {
      return opts.h5pyOnSame ? { outcome: 'same', detail: '', h5pyReads: h5pyReads(m.file) } : { outcome: 'same', detail: '' };
    }
    return h5pyReads(m.file)
      ? { outcome: 'differs-h5py-reads', detail: 'other content; h5py reads the file too', h5pyReads: true }
      : { outcome: 'accepted-h5py-rejects', detail: 'other content, and h5py refuses the file', h5pyReads: false };
  }
  if (r.code === 1) {
    const lines = err.split('\n');
    const clean = lines.length === 1 && err.startsWith('h5traj: ') && !/unexpected error/.test(err) && !/\n\s+at /.test(r.stderr) && !/HDF5-DIAG/.test(r.stdout + r.stderr);
    return { outcome: clean ? 'error' : 'unclean-error', detail: clean ? err : err.slice(0, 2000) };
  }
  return { outcome: 'crash', detail: `exit ${r.code} signal ${r.signal}: ${err.slice(0, 500)}` };
}

/** Counts per outcome and per kind, for a JSON report. */
export function summarize(results: Result[]): Record<string, unknown> {
  const count = (xs: Result[]) => {
    const out: Record<string, number> = {};
    for (const x of xs) out[x.outcome] = (out[x.outcome] ?? 0) + 1;
    return out;
  };
  const by = (key: (r: Result) => string) => {
    const groups = new Map<string, Result[]>();
    for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return Object.fromEntries([...groups].map(([k, v]) => [k, count(v)]));
  };
  return {
    mutants: results.length,
    outcomes: count(results),
    by_kind: by((r) => r.kind),
    by_source: by((r) => path.basename(r.source)),
    bad: results.filter((r) => BAD.includes(r.outcome)).map((r) => ({ file: path.basename(r.file), outcome: r.outcome, detail: r.detail })),
  };
}
