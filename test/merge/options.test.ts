/**
 * f_merge's checks and options: different parameter spaces are refused with the file untouched;
 * same-file merges, deleting the other trajectory, parameters that become explored,
 * ArrayParameter / PickleParameter ranges, run-set buckets, links, pypet's keep rules for
 * trajectory-level results, ignore_data, backups, and the rewrite used when a table cannot grow.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { ArrayParameter, HDF5StorageService, MergeError, NDArray, PickleParameter, StateError, Trajectory, runName } from '../../src/index.js';
import { throwsKind } from '../helpers.js';
import { bytesOf, loadAll, loadParameters, tempDir } from './merge-helpers.js';

interface Spec {
  x: number[];
  mode?: string[];
  label?: string;
  extra?: boolean;
  xInt?: boolean;
  results?: (t: Trajectory, i: number) => void;
  more?: (t: Trajectory) => void;
}

/** A stored trajectory with x (float) and mode (str) explored and a result z per run. */
function make(file: string, name: string, spec: Spec): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_add_parameter('x', 0.0, spec.xInt ? { dtype: 'int' } : {});
  if (spec.xInt) t.f_get('x').f_unlock();
  t.f_add_parameter('mode', 'a');
  t.f_add_parameter('label', spec.label ?? 'same');
  if (spec.extra) t.f_add_parameter('extra', 1);
  t.f_explore({ x: spec.x, mode: spec.mode ?? spec.x.map(() => 'a') });
  spec.x.forEach((x, i) => {
    t.f_add_result(`runs.${runName(i)}.z`, x * 2, { comment: 'twice x' });
    spec.results?.(t, i);
  });
  spec.more?.(t);
  t.f_store();
  return t;
}

const noLeftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.includes('tmp') || f.endsWith('.lock'));

test('different parameter spaces are refused naming the first difference, and nothing is written', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  make(a, 'A', { x: [1, 2] });
  const cases: [Spec, RegExp][] = [
    [{ x: [3, 4], extra: true }, /'parameters\.extra' is only in 'B'/],
    [{ x: [3, 4], xInt: true }, /'parameters\.x' holds float in 'A' but int in 'B'/],
  ];
  for (const [k, [spec, pattern]] of cases.entries()) {
    const b = path.join(dir, `b${k}.hdf5`);
    make(b, 'B', spec);
    const beforeA = bytesOf(a);
    const beforeB = bytesOf(b);
    throwsKind(() => loadParameters(a, 'A').f_merge(loadParameters(b, 'B')), MergeError, pattern);
    assert.ok(bytesOf(a).equals(beforeA), 'the target file is byte for byte the same');
    assert.ok(bytesOf(b).equals(beforeB), 'the other file is byte for byte the same');
  }
  assert.equal(noLeftovers(dir), []);
  // A trajectory is not merged with itself, and unstored trajectories are refused.
  throwsKind(() => loadParameters(a, 'A').f_merge(loadParameters(a, 'A')), MergeError, /itself/);
  throwsKind(() => loadParameters(a, 'A').f_merge(new Trajectory('fresh', { add_time: false })), StateError, /not stored/);
});

test('remove_duplicates drops only the runs whose values exist already, and reports how many', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1, 2], mode: ['a', 'b'] });
  make(b, 'B', { x: [2, 2, 3], mode: ['b', 'c', 'a'] }); // (2, b) is a duplicate
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  const s = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), { remove_duplicates: true });
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.is(s.duplicates_removed, 1);
  assert.is(s.merged_runs, 2);
  assert.equal(s.others[0]!.run_map, [-1, 2, 3]);
  assert.ok(warnings.some((w) => /1 of the 3 runs of 'B' duplicate runs of 'A'/.test(w)), warnings.join('\n'));
  const t = loadAll(a, 'A');
  assert.equal(t.f_get('x').f_get_range(), [1, 2, 2, 3]);
  assert.equal(t.f_get('mode').f_get_range(), ['a', 'b', 'c', 'a']);
  assert.equal([...t.f_get_from_runs('z', { fast_access: true }).values()], [2, 4, 4, 6]);
  assert.is(t.f_get(`${s.others[0]!.merge_record}.remove_duplicates`).f_get(), true);
});

test('trial parameters must count trials 0…T', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [0, 2] });
  make(b, 'B', { x: [0, 1] });
  const before = bytesOf(a);
  throwsKind(() => loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), { trial_parameter: 'x' }), MergeError, /must hold integers/);
  throwsKind(() => loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), { trial_parameter: 'nope' }), MergeError, /not a parameter/);
  assert.ok(bytesOf(a).equals(before));
});

test('two trajectories in one file: merged in place; delete_other_trajectory removes the other', () => {
  const dir = tempDir();
  const file = path.join(dir, 'both.hdf5');
  make(file, 'A', { x: [1, 2] });
  make(file, 'B', { x: [3, 4, 5] });
  const ta = loadParameters(file, 'A');
  const s = ta.f_merge(loadParameters(file, 'B'));
  assert.is(s.rewrote_file, false);
  let t = loadAll(file, 'A');
  assert.equal(t.f_get('x').f_get_range(), [1, 2, 3, 4, 5]);
  assert.equal([...t.f_get_from_runs('z', { fast_access: true }).values()], [2, 4, 6, 8, 10]);
  assert.equal(new HDF5StorageService(file).listTrajectories(), ['A', 'B']);

  const s2 = loadParameters(file, 'A').f_merge(loadParameters(file, 'B'), { delete_other_trajectory: true, move_nodes: true });
  assert.is(s2.rewrote_file, true);
  t = loadAll(file, 'A');
  assert.is(t.v_length, 8);
  assert.equal([...t.f_get_from_runs('z', { fast_access: true }).values()], [2, 4, 6, 8, 10, 6, 8, 10]);
  assert.equal(new HDF5StorageService(file).listTrajectories(), ['A']);
  assert.equal(noLeftovers(dir), []);
});

test('many runs (the files are re-opened while copying) in one file, with results after the runs', () => {
  const dir = tempDir();
  const file = path.join(dir, 'big.hdf5');
  make(file, 'A', { x: [0, 1], more: (t) => t.f_add_result('alpha', 'A first') });
  const n = 520;
  make(file, 'B', { x: Array.from({ length: n }, (_, i) => 10 + i), more: (t) => t.f_add_result('summary', 'from B') });
  loadParameters(file, 'A').f_merge(loadParameters(file, 'B'));
  const t = loadParameters(file, 'A');
  assert.is(t.v_length, n + 2);
  assert.is(t.f_get('results.summary', { auto_load: true }).f_get(), 'from B');
  const last = t.f_get(`results.runs.${runName(n + 1)}.z`, { auto_load: true });
  t.f_load_item(last);
  assert.is(last.f_get(), 2 * (10 + n - 1));
});

test('delete_other_trajectory on another file rewrites that file without it', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1] });
  make(b, 'B', { x: [2] });
  make(b, 'C', { x: [9] });
  loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), { delete_other_trajectory: true });
  assert.equal(new HDF5StorageService(b).listTrajectories(), ['C']);
  assert.equal(loadAll(b, 'C').f_get('x').f_get_range(), [9]);
  assert.equal(loadAll(a, 'A').f_get('x').f_get_range(), [1, 2]);
});

test('a parameter whose values differ becomes explored; the current trajectory learns it too', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1, 2], label: 'first' });
  make(b, 'B', { x: [3], label: 'second' });
  const ta = loadParameters(a, 'A');
  const s = ta.f_merge(loadParameters(b, 'B'));
  assert.equal(s.newly_explored, ['parameters.label']);
  assert.equal(ta.f_get('label').f_get_range(), ['first', 'first', 'second']);
  assert.ok('parameters.label' in ta.f_get_explored_parameters());
  const t = loadAll(a, 'A');
  assert.equal(t.f_get('label').f_get_range(), ['first', 'first', 'second']);
  assert.is(t.f_get('label').f_get(), 'first', 'the default stays');
  assert.equal(Object.keys(t.f_get_explored_parameters()).sort(), ['parameters.label', 'parameters.mode', 'parameters.x']);
  // The merged run's summary now names the new explored parameter.
  assert.match(t.f_get_run_information(2).parameter_summary, /label: 'second'/);
});

test('ArrayParameter and PickleParameter ranges grow by the other trajectory\'s values', () => {
  const dir = tempDir();
  const vec = (k: number) => new NDArray('float64', [2], new Float64Array([k, k + 0.5]));
  const build = (file: string, name: string, xs: number[]) => {
    const t = new Trajectory(name, { add_time: false, filename: file });
    t.f_add_parameter('x', 0.0);
    t.f_add_parameter('mode', 'a');
    t.f_add_parameter('label', 'same');
    t.f_add_parameter(ArrayParameter, 'vec', vec(0));
    t.f_add_parameter(PickleParameter, 'obj', { k: 0 });
    t.f_explore({ x: xs, mode: xs.map(() => 'a'), vec: xs.map((x) => vec(x)), obj: xs.map((x) => ({ k: x })) });
    xs.forEach((x, i) => t.f_add_result(`runs.${runName(i)}.z`, x * 2));
    t.f_store();
  };
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  build(a, 'A', [1, 2, 1]);
  build(b, 'B', [7, 8, 7]);
  loadParameters(a, 'A').f_merge(loadParameters(b, 'B'));
  const t = loadAll(a, 'A');
  assert.equal(t.f_get('vec').f_get_range().map((v: NDArray) => [...(v.data as Float64Array)]), [[1, 1.5], [2, 2.5], [1, 1.5], [7, 7.5], [8, 8.5], [7, 7.5]]);
  assert.equal(t.f_get('obj').f_get_range(), [{ k: 1 }, { k: 2 }, { k: 1 }, { k: 7 }, { k: 8 }, { k: 7 }]);
});

test('runs in run_set buckets land in the bucket of their new index; links inside runs follow them', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: Array.from({ length: 998 }, (_, i) => i) });
  make(b, 'B', {
    x: [1000, 1001, 1002, 1003],
    results: (t, i) => {
      t.f_add_result(`run_set_00000.${runName(i)}.sq`, i * i);
      t.f_get(`results.runs.${runName(i)}`).f_add_link('again', t.f_get(`results.runs.${runName(i)}.z`));
    },
  });
  loadParameters(a, 'A').f_merge(loadParameters(b, 'B'));
  const t = loadAll(a, 'A');
  assert.is(t.v_length, 1002);
  assert.is(t.f_get('results.run_set_00000.run_00000998.sq').f_get(), 0);
  assert.is(t.f_get('results.run_set_00000.run_00000999.sq').f_get(), 1);
  assert.is(t.f_get('results.run_set_00001.run_00001000.sq').f_get(), 4);
  assert.is(t.f_get('results.run_set_00001.run_00001001.sq').f_get(), 9);
  const link = t.f_get('results.runs.run_00001001.again', { fast_access: false });
  assert.is(link.v_full_name, 'results.runs.run_00001001.z', 'the link points into the renamed run');
});

test("trajectory-level results: missing ones are copied, common ones keep the current trajectory's; ignore_data", () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1], more: (t) => t.f_add_result('common', 'from A') });
  make(b, 'B', {
    x: [2, 3],
    results: (t, i) => t.f_add_result(`runs.${runName(i)}.skipme`, i),
    more: (t) => {
      t.f_add_result('common', 'from B');
      t.f_add_result('only_b.summary', 42);
      t.f_add_result('not_wanted', 1);
    },
  });
  const s = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), {
    ignore_data: ['results.not_wanted', 'results.runs.run_00000001.skipme'],
  });
  assert.ok(s.warnings.some((w) => /results\.common/.test(w)), s.warnings.join('\n'));
  const t = loadAll(a, 'A');
  assert.is(t.f_get('results.common').f_get(), 'from A');
  assert.is(t.f_get('results.only_b.summary').f_get(), 42);
  assert.not.ok(t.f_contains('results.not_wanted'));
  assert.ok(t.f_contains('results.runs.run_00000001.skipme'));
  assert.not.ok(t.f_contains('results.runs.run_00000002.skipme'));
  // ignore_trajectory_results leaves out B's trajectory-level results entirely.
  const c = path.join(dir, 'c.hdf5');
  make(c, 'A', { x: [1] });
  loadParameters(c, 'A').f_merge(loadParameters(b, 'B'), { ignore_trajectory_results: true, keep_info: false, merge_config: false });
  const u = loadAll(c, 'A');
  assert.not.ok(u.f_contains('results.only_b'));
  assert.not.ok(u.f_contains('config.merge'));
  assert.is(u.v_length, 3);
});

test('a string column too narrow for the other values: the file is written anew, other trajectories kept', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1, 2], mode: ['a', 'b'] });
  make(a, 'Other', { x: [5] });
  make(b, 'B', { x: [3, 4], mode: ['a much longer mode', 'c'] });
  const s = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'));
  assert.is(s.rewrote_file, true);
  const t = loadAll(a, 'A');
  assert.equal(t.f_get('mode').f_get_range(), ['a', 'b', 'a much longer mode', 'c']);
  assert.equal([...t.f_get_from_runs('z', { fast_access: true }).values()], [2, 4, 6, 8]);
  assert.equal(loadAll(a, 'Other').f_get('x').f_get_range(), [5]);
  assert.equal(noLeftovers(dir), []);
});

test('derived parameters outside runs are part of the parameter space (pypet): compared, extended, or refused', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  const c = path.join(dir, 'c.hdf5');
  make(a, 'A', { x: [1, 2], more: (t) => t.f_add_derived_parameter('offset', 0.5) });
  make(b, 'B', { x: [3], more: (t) => t.f_add_derived_parameter('offset', 0.75) });
  make(c, 'C', { x: [4], more: (t) => t.f_add_derived_parameter('other', 1.0) });
  throwsKind(() => loadParameters(a, 'A').f_merge(loadParameters(c, 'C')), MergeError, /'derived_parameters\.offset' is only in 'A'/);
  const s = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'));
  assert.ok(s.newly_explored.includes('derived_parameters.offset'));
  assert.equal(loadAll(a, 'A').f_get('derived_parameters.offset').f_get_range(), [0.5, 0.5, 0.75]);
  // ignore_trajectory_derived_parameters leaves them out of the comparison.
  const d = path.join(dir, 'd.hdf5');
  make(d, 'A', { x: [1], more: (t) => t.f_add_derived_parameter('offset', 0.5) });
  assert.is(loadParameters(d, 'A').f_merge(loadParameters(c, 'C'), { ignore_trajectory_derived_parameters: true }).length, 2);
});

test("derived parameters under run_ALL that differ go to the first merged run, linked from the others (pypet)", () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1], more: (t) => t.f_add_derived_parameter('runs.run_ALL.scale', 1.0) });
  make(b, 'B', { x: [2, 3], more: (t) => t.f_add_derived_parameter('runs.run_ALL.scale', 2.0) });
  loadParameters(a, 'A').f_merge(loadParameters(b, 'B'));
  const t = loadAll(a, 'A');
  assert.is(t.f_get('derived_parameters.runs.run_ALL.scale').f_get(), 1.0, 'the current one stays');
  assert.is(t.f_get('derived_parameters.runs.run_00000001.scale').f_get(), 2.0);
  const linked = t.f_get('derived_parameters.runs.run_00000002.scale', { fast_access: false });
  assert.is(linked.v_full_name, 'derived_parameters.runs.run_00000001.scale');
});

test('backups: one file with both trajectories, or one beside each file', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  make(a, 'A', { x: [1] });
  make(b, 'B', { x: [2] });
  const backup = path.join(dir, 'backup.hdf5');
  const s = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), { backup_filename: backup });
  assert.equal(s.backups, [backup]);
  assert.equal(new HDF5StorageService(backup).listTrajectories(), ['A', 'B']);
  assert.equal(loadAll(backup, 'A').f_get('x').f_get_range(), [1], 'the backup holds A before the merge');
  const s2 = loadParameters(a, 'A').f_merge(loadParameters(b, 'B'), { backup_filename: true });
  assert.equal(s2.backups, [path.join(dir, 'backup_A.hdf5'), path.join(dir, 'backup_B.hdf5')]);
  assert.equal(loadAll(s2.backups[0]!, 'A').f_get('x').f_get_range(), [1, 2]);
});

test.run();
