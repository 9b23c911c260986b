/**
 * Damaged files, seeded (scripts/fuzz/harness.ts): bit flips in metadata, truncations and zeroed
 * 512-byte blocks of each pypet reference file and of a file h5traj writes, each read by the
 * built CLI (`dump --json`) in a child process with a time and heap limit. Every outcome must be
 * a clean one-line error or the original content; other content only where h5py reads the file
 * too. A hang, crash, out-of-memory or stack trace fails the test, naming the mutant and seed.
 * scripts/fuzz-mutants.ts runs the same with 300 mutants.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BAD, type MutationKind, makeMutants, runMutants, summarize } from '../../../../scripts/fuzz/harness.js';
import { tempDir, writeW1 } from '../../../cli/cli-files.js';

const SEED = 20261203;
const PER_SOURCE = 3;

test('every damaged file is refused in one line or read with its original content', async () => {
  const dir = tempDir();
  const fixtures = fileURLToPath(new URL('../../../fixtures/pypet/', import.meta.url));
  const sources = fs.readdirSync(fixtures).filter((f) => f.endsWith('.hdf5')).map((f) => path.join(fixtures, f));
  const written = path.join(dir, 'w1.hdf5');
  await writeW1(written);
  sources.push(written);
  const mutants = sources.flatMap((s, i) => makeMutants(s, dir, PER_SOURCE, SEED + i));
  const kinds = new Set<MutationKind>(mutants.map((m) => m.kind));
  assert.equal([...kinds].sort(), ['flip', 'truncate', 'zero512'], 'every kind of damage is tried');

  const results = await runMutants(mutants, { parallel: 2, timeoutMs: 60_000, heapMb: 256 });
  const bad = results.filter((r) => BAD.includes(r.outcome));
  assert.equal(bad, [], `seed ${SEED}: ${JSON.stringify(summarize(results), null, 1)}`);
  // The damage is real: most mutants are refused (a flip in an unused byte may change nothing).
  assert.ok(results.filter((r) => r.outcome === 'error').length >= mutants.length / 2, JSON.stringify(summarize(results)));
});

test.run();
