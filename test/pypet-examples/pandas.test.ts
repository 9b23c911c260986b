/**
 * pandas values between pypet and h5traj, both ways:
 * - a trajectory h5traj stores with DataFrame and Series results loads in pypet 0.7
 *   (`f_load(load_all=2)` in a Python subprocess) as DataFrames and Series equal to h5traj's dump;
 * - pypet's example 13 (post-processing into a DataFrame), run by pypet itself with a smaller
 *   exploration (scripts/gen-pandas-fixtures.py --example13), loads in h5traj and dumps equal to
 *   pypet's view, the DataFrame included; h5traj can store more into that file.
 * Needs pypet 0.7's source (H5TRAJ_PYPET_SOURCE, default /tmp/ex-pypet; see pypet-view.ts) with python3-pandas and
 * python3-tables; without them this test fails, it is never skipped.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataFrame, Series, Trajectory } from '../../src/index.js';
import { parseManifest } from '../../src/cli/manifest-values.js';
import { PYPET_SOURCE, pypetEnv, pypetTest, pypetViews } from './pypet-view.js';
import { python, tempDir } from '../helpers.js';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
const dir = tempDir('h5traj-pandas-pypet-');

/** What Python prints with pypet importable (throws with Python's stderr when it fails). */
function pypetPython(args: string[]): string {
  return python(args, { env: pypetEnv() });
}

/** The differences between pypet's view of trajectory `name` in `file` and h5traj's dump of it, for the leaves under `prefix`. */
async function differences(file: string, name: string, prefix: string): Promise<string[]> {
  const [view] = await pypetViews([{ file, trajectory: name }]);
  assert.is(view?.error, undefined, `pypet could not load '${name}' of ${file}: ${view?.error}`);
  return (view!.differences ?? []).filter((d) => d.startsWith(prefix));
}

pypetTest('pypet 0.7 can be imported (H5TRAJ_PYPET_SOURCE) with pandas and PyTables', () => {
  try {
    pypetPython(['-c', 'import pypet, pandas, tables']);
  } catch (e) {
    assert.unreachable(`pypet is needed at ${PYPET_SOURCE} (set H5TRAJ_PYPET_SOURCE): ${(e as Error).message}`);
  }
});

pypetTest('DataFrame and Series results h5traj stores load in pypet as DataFrame and Series, equal to h5traj\'s dump', async () => {
  const file = join(dir, 'frames.hdf5');
  const traj = new Trajectory('frames', { add_time: false, filename: file });
  traj.f_add_parameter('n', 3);
  const df = DataFrame.from({ a: [1, 2, 3], b: Float64Array.of(0.5, 1.5, NaN), name: ['x', 'y', 'zé'] }, { index: ['p', 'q', 'r'] });
  traj.f_add_result('tables.mixed', { frame: df, series: new Series(Float64Array.of(1.5, 2.5), { name: 's' }), count: 2 }, { comment: 'pandas items' });
  traj.f_add_result('tables.single', new Series([true, false], { index: [3, 4] }));
  traj.f_store();

  const out = pypetPython(['-c', [
    'import sys, pandas as pd',
    'from pypet import Trajectory',
    't = Trajectory(filename=sys.argv[1]); t.f_load(name="frames", load_all=2, force=True)',
    'm = t.results.tables.mixed',
    'print(type(m.frame).__name__, dict(m.frame.dtypes.astype(str)), list(m.frame.index), m.frame["name"].tolist())',
    'print(type(m.series).__name__, m.series.name, m.series.tolist())',
    's = t.results.tables.single  # fast access: the single item',
    'print(type(s).__name__, s.dtype, list(s.index), s.tolist())',
  ].join('\n'), file]);
  assert.equal(out.trim().split('\n'), [
    "DataFrame {'a': 'int64', 'b': 'float64', 'name': 'object'} ['p', 'q', 'r'] ['x', 'y', 'zé']",
    'Series s [1.5, 2.5]',
    'Series bool [3, 4] [True, False]',
  ]);
  assert.equal(await differences(file, 'frames', 'results.tables'), []);
});

pypetTest("pypet's example 13 file loads in h5traj: the DataFrame of firing rates dumps as pypet's view shows it", async () => {
  const out = join(dir, 'ex13');
  pypetPython([join(SCRIPTS, 'gen-pandas-fixtures.py'), '--example13', out]);
  const file = join(out, 'example13_small.hdf5');
  assert.equal(await differences(file, 'FiringRate', ''), []);
  const traj = new Trajectory('FiringRate', { add_time: false, filename: file });
  traj.f_load({ load_all: 2 });
  const rates = traj.res.summary.firing_rates.rates_frame as DataFrame;
  assert.instance(rates, DataFrame);
  const pypet = parseManifest(readFileSync(join(out, 'example13_small.json'), 'utf8')) as { leaves: { full_name: string; items?: Record<string, unknown> }[] };
  const theirs = pypet.leaves.find((l) => l.full_name === 'results.summary.firing_rates')!.items!.rates_frame as { columns: { values: number[] } };
  assert.equal([...rates.columns.keys()], theirs.columns.values); // tau_ref, as floats
  assert.is(rates.get(5)!.dtype, 'object'); // pypet's frame starts empty, so pandas keeps its values as objects

  // Storing more into pypet's file rewrites its compressed VLArray (heap references cannot be
  // copied as compressed bytes): pypet still reads the frame, and the new result.
  traj.f_add_result('extra', { x: 1.5 });
  traj.f_store();
  const back = pypetPython(['-c', [
    'import json, sys',
    'from pypet import Trajectory',
    't = Trajectory(filename=sys.argv[1]); t.f_load(name="FiringRate", load_all=2, force=True)',
    'f = t.results.summary.firing_rates.rates_frame',
    'print(type(f).__name__, json.dumps(f.values.tolist(), separators=(",", ":")), t.results.extra.x)',
  ].join('\n'), file]);
  const values = rates.index.values.toArray().map((_, r) => [...rates.columns.values()].map((c) => c.at(r)));
  const [kind, json, x] = back.trim().split(' ');
  assert.equal([kind, JSON.parse(json!), x], ['DataFrame', values, '1.5']);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
