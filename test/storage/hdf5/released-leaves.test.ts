/**
 * The runs of a large trajectory that stay on disk after a skeleton load are read by
 * `f_get_from_runs` in one storage call (`readReleasedLeaves`), on either engine: the native one
 * walks them in a scan, h5wasm looks each up. Both give the leaves an eager load gives, and
 * `f_load_items` fills them with the stored items. (`npm run test:wasm` runs this on h5wasm.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { tempDir } from '../../helpers.js';
import { Result, Trajectory, runName } from '../../../src/index.js';
import { LAZY_RUNS_MIN } from '../../../src/trajectory/lazy-runs.js';

const dir = tempDir('h5traj-released-');
const N = LAZY_RUNS_MIN + 10;

const file = path.join(dir, 'runs.hdf5');
{
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [...Array(N).keys()] });
  for (const _ of t.f_iter_runs()) {
    // Every tenth run has no `out`, and one has it as a group, not a leaf.
    if (t.v_idx % 10 === 3) continue;
    if (t.v_idx === 7) t.f_add_result('out.inner', 1);
    else t.f_add_result('out', { a: t.v_idx * 0.25, s: `s${t.v_idx}` }, { comment: `run ${t.v_idx}` });
  }
  t.f_store();
}

test('f_get_from_runs reads the leaves of runs still on disk: those with the leaf, named and ordered as an eager load names them', () => {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 1 });
  const nodes = t.f_get_from_runs('out');
  const eager = new Trajectory('t', { add_time: false, filename: file });
  eager.f_load({ load_parameters: 2, load_results: 2 });
  const all = eager.f_get_from_runs('out');
  assert.equal([...nodes.keys()], [...all.keys()]);
  assert.not.ok(nodes.has(runName(3)), 'a run without the leaf is left out');
  assert.ok((nodes.get(runName(7)) as unknown) !== undefined, 'a group named like the leaf is what a search finds');
  const leaf = nodes.get(runName(8)) as Result;
  assert.ok(leaf instanceof Result && leaf.v_stored && leaf.f_is_empty());
  assert.is(leaf.v_comment, 'run 8');
  assert.is(leaf.v_full_name, `results.runs.${runName(8)}.out`);
});

test('f_load_items fills the collected leaves with their stored items, load_only respected', () => {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 1 });
  const nodes = t.f_get_from_runs('out', { use_indices: true });
  const leaves = [...nodes].filter(([, n]) => n instanceof Result) as [number, Result][];
  t.f_load_items(leaves.map(([, r]) => r), { load_only: ['s'] });
  assert.ok(leaves.every(([i, r]) => r.f_get('s') === `s${i}` && !r.f_contains('a')));
  t.f_load_items(leaves.map(([, r]) => r));
  assert.ok(leaves.every(([i, r]) => r.f_get('a') === i * 0.25));
});

test('f_load_items passes over the holes of a sparse array', () => {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 1 });
  const nodes = t.f_get_from_runs('out', { use_indices: true });
  const leaf = nodes.get(8) as Result;
  const sparse: Result[] = [];
  sparse[3] = leaf;
  t.f_load_items(sparse, { load_only: ['s'] });
  assert.is(leaf.f_get('s'), 's8');
});

test.run();
