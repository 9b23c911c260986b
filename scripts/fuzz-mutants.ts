/**
 * `node --import ./scripts/loader/register.mjs scripts/fuzz-mutants.ts [--n 300] [--seed 1]
 * [--parallel 2] [--keep DIR]`: the larger damaged-file run (see scripts/fuzz/harness.ts). Makes `n` seeded
 * mutants of the pypet fixtures and of two files h5traj writes, reads each through the built CLI
 * (`npm run build` first) in a child process, and prints the counts per outcome as JSON. The
 * run fails (exit 1) when any outcome is bad: read although h5py refuses the file with other
 * content, a stack trace or unclean error, a hang, or a crash / out-of-memory. `--keep DIR`
 * keeps those mutants (and the ones h5py refuses but h5traj reads unchanged) for a closer look.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BAD, makeMutants, runMutants, summarize } from './fuzz/harness.js';
import { writeBig, writeW1 } from '../test/cli/cli-files.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const n = opt('n', 300);
const seed = opt('seed', 1);
const parallel = opt('parallel', 2);
const keepAt = args.indexOf('--keep');
const keep = keepAt >= 0 ? args[keepAt + 1] : undefined;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h5traj-fuzz-'));
try {
  const fixtures = fileURLToPath(new URL('../test/fixtures/pypet/', import.meta.url));
  const sources = fs.readdirSync(fixtures).filter((f) => f.endsWith('.hdf5')).map((f) => path.join(fixtures, f));
  const w1 = path.join(dir, 'w1.hdf5');
  await writeW1(w1);
  const big = path.join(dir, 'big.hdf5');
  writeBig(big, 40);
  sources.push(w1, big);
  const perSource = Math.ceil(n / sources.length);
  const mutants = sources.flatMap((s, i) => makeMutants(s, dir, perSource, seed * 1000 + i)).slice(0, n);
  const started = Date.now();
  const results = await runMutants(mutants, { parallel, h5pyOnSame: true });
  const sameButH5pyRejects = results.filter((r) => r.outcome === 'same' && r.h5pyReads === false).length;
  console.log(JSON.stringify({ seed, ...summarize(results), same_content_but_h5py_rejects: sameButH5pyRejects, seconds: Math.round((Date.now() - started) / 1000) }, null, 1));
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    for (const r of results) if (BAD.includes(r.outcome) || r.h5pyReads === false) fs.copyFileSync(r.file, path.join(keep, path.basename(r.file)));
  }
  if (results.some((r) => BAD.includes(r.outcome))) process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
