/**
 * A million-element explored range, result list and array through the code that once spread
 * them into call arguments (`Math.max(...xs)`, `push(...xs)`), which throws `RangeError: Maximum
 * call stack size exceeded` past ~100k elements (issue 13). The file written here stays small
 * (~10 MB): only the 1M-value tables, no 1M-run trajectory.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxOf, minOf, pushAll } from '../../../src/fold.js';
import { NDArray } from '../../../src/values/ndarray.js';
import type { TypedValue } from '../../../src/values/types.js';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { readLeaf, writeLeaf } from '../../../src/storage/hdf5/layout/nodes.js';
import { readExplorations, writeExplorations } from '../../../src/storage/hdf5/layout/overview.js';
import { readPandas } from '../../../src/storage/hdf5/layout/pandas-read.js';
import { writePandas } from '../../../src/storage/hdf5/layout/pandas-write.js';
import { Series } from '../../../src/values/frame.js';
import { tempDir } from '../../helpers.js';

const N = 1_000_000;
const dir = tempDir('h5traj-large-n-');
const MODES = ['alpha', 'beta', 'gamma', 'delta'];
// The longest value is the last one, so a width computed from a prefix would be too narrow.
const modes = Array.from({ length: N }, (_, i) => (i === N - 1 ? 'epsilon!' : MODES[i % 4]!));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the fold helpers handle a million elements and keep their floor for an empty list', () => {
  const xs = Array.from({ length: N }, (_, i) => (i * 7919) % N);
  assert.is(maxOf(xs, (x) => x), N - 1);
  assert.is(minOf(xs, (x) => x), 0);
  assert.is(maxOf([], (x: number) => x, 1), 1);
  assert.is(minOf([3], (x: number) => x, 2), 2);
  const out = pushAll([-1], xs);
  assert.is(out.length, N + 1);
  assert.is(out[N], xs[N - 1]);
});

test('an explored string parameter with 1M values is written and read back whole', async () => {
  const file = join(dir, 'param.hdf5');
  const f = await openH5(file, 'w');
  const str = (value: unknown): TypedValue => ({ value, type: { kind: 'scalar', scalar: 'str' } });
  writeLeaf(f, 't', 'parameters.mode', { className: 'Parameter', data: { kind: 'parameter', value: str('alpha'), range: modes.map(str) } });
  f.close();
  const back = await openH5(file);
  const data = readLeaf(back, 't', 'parameters.mode', 'Parameter');
  back.close();
  assert.is(data.kind, 'parameter');
  const range = data.kind === 'parameter' ? data.range! : [];
  assert.is(range.length, N);
  assert.is(range[1]!.value, 'beta');
  assert.is(range[N - 1]!.value, 'epsilon!');
});

test('writing a float parameter explored over 1M values fits in 60 MB of heap (no TypedValue per value)', () => {
  // The first store of a million-run exploration wrapped each explored value in a TypedValue
  // (~40 MB more live); V8 then let the heap grow to several times that for the rest of the
  // exploration (issue 13: W1 at 1M runs within 500 MB RSS). The range itself is 24 MB here.
  const child = fileURLToPath(new URL('../fixtures/write-explored.ts', import.meta.url));
  const loader = fileURLToPath(new URL('../../../scripts/loader/register.mjs', import.meta.url));
  const file = join(dir, 'explored-float.hdf5');
  const r = spawnSync(process.execPath, ['--max-old-space-size=60', '--import', loader, child, file, String(N)], { encoding: 'utf8' });
  assert.is(r.status, 0, `the child ran out of heap or failed: ${r.stderr.slice(0, 400)}`);
});

test('storing a float range and summarizing runs leave it unboxed (a million doubles stay 8 MB, not boxed numbers)', () => {
  // The table encoder's element loads, and the parameter summary's, see arrays of every kind; V8
  // answered by generalising the range it read to boxed numbers, for the trajectory's life (issue 13).
  const child = fileURLToPath(new URL('../fixtures/store-range-kind.ts', import.meta.url));
  const loader = fileURLToPath(new URL('../../../scripts/loader/register.mjs', import.meta.url));
  const file = join(dir, 'range-kind.hdf5');
  // The engine does not matter here (the child writes with the default one).
  const { H5TRAJ_ENGINE: _engine, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', loader, child, file, '100000'], { encoding: 'utf8', env });
  assert.is(r.status, 0, r.stderr.slice(0, 400));
  assert.equal(JSON.parse(r.stdout), { before: true, stored: true, summarized: true, length: true });
});

test('a result item holding a list of 1M strings is written and read back whole', async () => {
  const file = join(dir, 'result.hdf5');
  const f = await openH5(file, 'w');
  writeLeaf(f, 't', 'results.names', { className: 'Result', data: { kind: 'result', items: { names: { value: modes, type: { kind: 'list', scalar: 'str' } } } } });
  f.close();
  const back = await openH5(file);
  const data = readLeaf(back, 't', 'results.names', 'Result');
  back.close();
  const names = data.kind === 'result' ? (data.items.names?.value as string[]) : [];
  assert.is(names.length, N);
  assert.is(names[N - 1], 'epsilon!');
});

test('an ndarray of 1M strings gets its width from every element', () => {
  const a = NDArray.fromNested(modes);
  assert.is(a.dtype, '<U8');
  assert.equal(a.shape, [N]);
  const nested = NDArray.fromNested(Array.from({ length: 1000 }, (_, i) => modes.slice(i * 1000, (i + 1) * 1000)));
  assert.equal(nested.shape, [1000, 1000]);
  assert.is(nested.dtype, '<U8');
});

test('overview/explorations takes its width from the longest of many names', async () => {
  const file = join(dir, 'explorations.hdf5');
  const f = await openH5(file, 'w');
  const names = Array.from({ length: 200_000 }, (_, i) => `parameters.p${i}`);
  writeExplorations(f, 't', names);
  f.close();
  const back = await openH5(file);
  const read = readExplorations(back, 't');
  back.close();
  assert.is(read.length, names.length);
  assert.is(read[names.length - 1], names[names.length - 1]);
});

test('a pandas Series indexed by 1M strings gets its index width from every label', async () => {
  const file = join(dir, 'series.hdf5');
  const f = await openH5(file, 'w');
  writePandas(f, '/s', new Series(Float64Array.from({ length: N }, (_, i) => i), { index: modes }), "item 's'");
  f.close();
  const back = await openH5(file);
  const s = readPandas(back, '/s', 's').value as Series;
  back.close();
  assert.is(s.index.values.length, N);
  assert.is(s.index.values.data[N - 1], 'epsilon!');
});

test.run();
