/**
 * Collecting one result of every run of a large trajectory (pypet's W2: a skeleton load, then
 * `f_get_from_runs` and `f_load_items`) with the native engine reads each run's objects once:
 * the run groups are found once, by `f_get_from_runs`, and `f_load_items` goes straight to the
 * leaves it returned instead of looking their paths up again from the root. The values are those
 * an eager load gives; a file changed in between is looked up afresh.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers.js';
import { Result, Trajectory, runName } from '../../../../src/index.js';
import { groupState, type NNGroupNode } from '../../../../src/tree/group.js';
import { headerReads } from '../../../../src/storage/hdf5/native/read/object-header.js';

const dir = tempDir('h5traj-scan-runs-');
const N = 1500;

/** A stored trajectory of `n` runs, each with result `out` (items a, b, arr) like the W1 benchmark's. */
function storedFile(n: number): string {
  const file = path.join(dir, `t${n}-${Math.random().toString(36).slice(2)}.hdf5`);
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [...Array(n).keys()] });
  for (const _ of t.f_iter_runs()) t.f_add_result('out', { a: t.v_idx * 0.5, b: `r${t.v_idx}`, arr: new Float64Array([t.v_idx, 1]) });
  t.f_store();
  return file;
}

function skeleton(file: string): Trajectory {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_derived_parameters: 1, load_results: 1 });
  return t;
}

/** Object headers the native reader parses while `f` runs. */
function headersRead(f: () => void): number {
  const before = headerReads.count;
  f();
  return headerReads.count - before;
}

const file = storedFile(N);
const inMemory = (t: Trajectory): number => groupState(t.f_get<NNGroupNode>('results.runs', { shortcuts: false })).children.size;

test('f_get_from_runs reads two object headers per run, f_load_items two more, and the values are the stored ones', () => {
  const t = skeleton(file);
  let nodes = new Map<string | number, Result>();
  const found = headersRead(() => (nodes = t.f_get_from_runs('out')));
  assert.is(nodes.size, N);
  // The run's group and its leaf; a few more for the top of the file.
  assert.ok(found <= 2 * N + 20, `${found} headers for ${N} runs`);
  const leaves = [...nodes.values()];
  const loaded = headersRead(() => t.f_load_items(leaves, { load_only: ['a', 'arr'] }));
  // The leaf again (for its children) and each item asked for; not the run groups again.
  assert.ok(loaded <= 3 * N + 20, `${loaded} headers for ${N} runs`);
  assert.ok(leaves.every((r, i) => r.f_get('a') === i * 0.5 && !r.f_contains('b')));
  assert.equal(Array.from(leaves[N - 1]!.f_get('arr') as Float64Array), [N - 1, 1]);
  assert.is(inMemory(t), 0, 'no run group entered the tree');
});

test('the leaves collected read the same items as those of an eager load', () => {
  const t = skeleton(file);
  const nodes = t.f_get_from_runs('out');
  t.f_load_items([...nodes.values()]);
  const eager = new Trajectory('t', { add_time: false, filename: file });
  eager.f_load({ load_parameters: 2, load_results: 2 });
  const all = eager.f_get_from_runs('out');
  assert.equal([...all.keys()], [...nodes.keys()]);
  for (const idx of [0, 1, 777, N - 1]) {
    const a = nodes.get(runName(idx)) as Result;
    const b = all.get(runName(idx)) as Result;
    assert.equal(a.f_keys(), b.f_keys());
    assert.equal(a.f_to_dict(), b.f_to_dict());
    assert.is(a.v_comment, b.v_comment);
  }
});

test('leaves collected before the file changed are looked up afresh, and load their stored values', () => {
  const copy = path.join(dir, 'changed.hdf5');
  fs.copyFileSync(file, copy);
  const t = skeleton(copy);
  const nodes = t.f_get_from_runs('out');
  // Another trajectory object writes the file (a new result in the trajectory group).
  const writer = skeleton(copy);
  writer.f_add_result('extra', 42);
  writer.f_store();
  writer.v_storage_service?.close?.();
  const leaves = [...nodes.values()];
  t.f_load_items(leaves, { load_only: ['b'] });
  assert.ok(leaves.every((r, i) => r.f_get('b') === `r${i}`));
});

test('f_load_items of a single leaf and of leaves outside any scan still works', () => {
  const t = skeleton(file);
  const one = t.f_get_from_runs('out').get(runName(9)) as Result;
  t.f_load_item(one);
  assert.is(one.f_get('a'), 4.5);
  const inTree = t.f_get(`results.runs.${runName(11)}.out`) as Result;
  t.f_load_items([inTree, t.f_get('parameters.x')]);
  assert.is(inTree.f_get('b'), 'r11');
});

test.run();
