/**
 * pypet's plain Parameter holds numpy arrays (examples 05 and 13 do `traj.f_add_parameter('w',
 * np.array([...]))`). h5traj's Parameter takes typed arrays, nested arrays, lists and tuples,
 * explores them, and stores them in pypet's own layout for such a Parameter: the value is one
 * cell of an HDF5 array column of the `data` table, one cell per run in `explored_data`. Checked
 * both ways against pypet 0.7: pypet loads h5traj's file with the same numpy values and dtypes,
 * and h5traj loads the file pypet writes for the same parameters.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayParameter, NDArray, Parameter, StorageError, Trajectory, tuple, typed } from '../../src/index.js';
import { inTempDir, throwsKind } from '../helpers.js';
import { PYTHON, assertSameAsPypet, pypetEnv, pypetTest, run } from './pypet-view.js';

test('a Parameter holds arrays, explores them, and round-trips them', async () => {
  await inTempDir('arrays', async (dir) => {
    const filename = join(dir, 'arrays.hdf5');
    const traj = new Trajectory('arrays', { add_time: false, filename });
    const w = traj.f_add_parameter('w', new Float64Array([0.5, 1.5, 2.5]), { comment: 'weights' });
    assert.ok(w instanceof Parameter);
    assert.equal(w.v_value_type, { kind: 'ndarray', dtype: 'float64' });
    traj.f_add_parameter('m', [[1, 2], [3, 4]], { dtype: 'int32' });
    assert.is(traj.m.get(1, 0), 3);
    traj.f_explore({ w: [new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])] });
    traj.f_store();

    const loaded = new Trajectory('arrays', { add_time: false, filename });
    loaded.f_load({ load_data: 2 });
    const lw = loaded.f_get('w');
    assert.is(lw.f_get_class_name(), 'Parameter');
    assert.ok(lw instanceof Parameter);
    assert.equal((loaded.w as NDArray).toArray(), [0.5, 1.5, 2.5]);
    assert.equal(lw.f_get_range().map((a: NDArray) => a.toArray()), [[1, 2, 3], [4, 5, 6]]);
    loaded.v_idx = 1;
    assert.equal([...(loaded.w as NDArray)], [4, 5, 6]);
    loaded.f_restore_default();
    assert.equal(loaded.m.toArray(), [[1, 2], [3, 4]]);
    assert.is(loaded.m.dtype, 'int32');
    await assertSameAsPypet(filename);
  });
});

// What pypet loads from h5traj's file, value by value (type, dtype, shape, repr).
const PYPET_READS = String.raw`
import json, sys
from pypet import Trajectory
t = Trajectory(filename=sys.argv[1]); t.f_load(name='arrays', load_all=2)
out = {}
for p in t.f_iter_leaves():
    if not p.v_full_name.startswith('parameters.'): continue
    v = p.f_get()
    out[p.v_name] = {'class': p.f_get_class_name(), 'type': type(v).__name__, 'dtype': str(getattr(v, 'dtype', '')),
                     'repr': repr(v), 'range': [repr(x) for x in p.f_get_range()] if p.v_explored else None}
print(json.dumps(out))
`;

pypetTest('pypet loads the Parameter arrays h5traj writes with numpy values and dtypes, in its own layout', async () => {
  await inTempDir('arrays', async (dir) => {
    const filename = join(dir, 'arrays.hdf5');
    const traj = new Trajectory('arrays', { add_time: false, filename });
    traj.f_add_parameter('w', new Float64Array([1, 2, 3]), { comment: 'weights' });
    traj.f_add_parameter('m', NDArray.fromNested([[1, 2], [3, 4]], 'int32'));
    traj.f_add_parameter('flags', new NDArray('bool', [2], [true, false]));
    traj.f_add_parameter('names', new NDArray('<U3', [2], ['ab', 'cde']));
    traj.f_add_parameter('ints', typed([1, 2, 3], 'int'));
    traj.f_add_parameter('pair', tuple(1.5, 2.5));
    traj.f_add_parameter('words', ['x', 'yy']);
    traj.f_add_parameter('e', new Float64Array([0, 0]));
    traj.f_explore({ e: [new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([1, 2])] });
    // boolean arrays elsewhere too (PyTables' b8, so pypet's view below sees bool, not uint8)
    traj.f_add_parameter(ArrayParameter, 'bools', new NDArray('bool', [2], [false, true]));
    traj.f_add_result('r', { flags: new NDArray('bool', [2, 2], [true, false, false, true]) });
    traj.f_store();

    const r = await run(PYTHON, ['-c', PYPET_READS, filename], pypetEnv());
    assert.is(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as Record<string, { class: string; type: string; dtype: string; repr: string; range: string[] | null }>;
    assert.equal(seen.w, { class: 'Parameter', type: 'ndarray', dtype: 'float64', repr: 'array([1., 2., 3.])', range: null });
    assert.equal(seen.m, { class: 'Parameter', type: 'ndarray', dtype: 'int32', repr: 'array([[1, 2],\n       [3, 4]], dtype=int32)', range: null });
    assert.equal(seen.flags, { class: 'Parameter', type: 'ndarray', dtype: 'bool', repr: 'array([ True, False])', range: null });
    assert.equal(seen.names, { class: 'Parameter', type: 'ndarray', dtype: '<U3', repr: "array(['ab', 'cde'], dtype='<U3')", range: null });
    assert.equal(seen.ints, { class: 'Parameter', type: 'list', dtype: '', repr: '[1, 2, 3]', range: null });
    assert.equal(seen.pair, { class: 'Parameter', type: 'tuple', dtype: '', repr: '(1.5, 2.5)', range: null });
    assert.equal(seen.words, { class: 'Parameter', type: 'list', dtype: '', repr: "['x', 'yy']", range: null });
    assert.equal(seen.e?.range, ['array([1., 2.])', 'array([3., 4.])', 'array([1., 2.])']);
    assert.equal(seen.bools, { class: 'ArrayParameter', type: 'ndarray', dtype: 'bool', repr: 'array([False,  True])', range: null });
    // h5traj prints what pypet prints for the same parameter
    assert.is(String(traj.f_get('m')), 'Parameter parameters.m: array([[1, 2],\n       [3, 4]], dtype=int32)');
    assert.is(String(traj.f_get('w')), 'Parameter parameters.w (`weights`): array([1., 2., 3.])');
    await assertSameAsPypet(filename);
  });
});

test('values pypet cannot keep in one table column use the ArrayParameter layout, which pypet loads as the same values', async () => {
  await inTempDir('arrays', async (dir) => {
    const filename = join(dir, 'arrays.hdf5');
    const traj = new Trajectory('arrays', { add_time: false, filename });
    traj.f_add_parameter('empty', []); // pypet refuses an empty list in its Parameter
    traj.f_add_parameter('ragged', new Float64Array([0]));
    traj.f_explore({ ragged: [new Float64Array([1]), new Float64Array([1, 2])] }); // one column has one shape
    traj.f_store();
    const loaded = new Trajectory('arrays', { add_time: false, filename });
    loaded.f_load({ load_data: 2 });
    assert.is(loaded.f_get('ragged').f_get_class_name(), 'Parameter', 'h5traj reads back the class it was given');
    assert.equal(loaded.f_get('ragged').f_get_range().map((a: NDArray) => a.toArray()), [[1], [1, 2]]);
    // pypet sees the same values in its ArrayParameter: the class name is the one difference
    await assertSameAsPypet(filename, {}, [
      'parameters.empty class_name: pypet "ArrayParameter", h5traj "Parameter"',
      'parameters.ragged class_name: pypet "ArrayParameter", h5traj "Parameter"',
    ]);
  });
});

test('an explored array Parameter grows in place with f_expand; a value of another shape is refused, the file kept', async () => {
  await inTempDir('arrays', async (dir) => {
    const filename = join(dir, 'arrays.hdf5');
    const traj = new Trajectory('arrays', { add_time: false, filename });
    traj.f_add_parameter('e', new Float64Array([0, 0]));
    traj.f_add_parameter('names', ['a', 'b']);
    traj.f_explore({ e: [new Float64Array([1, 2]), new Float64Array([3, 4])], names: [['a', 'b'], ['c', 'd']] });
    traj.f_store();
    traj.f_expand({ e: [new Float64Array([5, 6])], names: [['e', 'f']] });
    traj.f_store();
    const loaded = new Trajectory('arrays', { add_time: false, filename });
    loaded.f_load({ load_data: 2 });
    assert.equal(loaded.f_get('e').f_get_range().map((a: NDArray) => a.toArray()), [[1, 2], [3, 4], [5, 6]]);
    assert.equal(loaded.f_get('names').f_get_range(), [['a', 'b'], ['c', 'd'], ['e', 'f']]);
    await assertSameAsPypet(filename);

    loaded.f_expand({ e: [new Float64Array([7, 8, 9])], names: [['g', 'h']] });
    throwsKind(() => loaded.f_store(), StorageError, /'parameters\.e' \(its explored values\) is array\[3\] of float64, but its stored column is array\[2\] of float64.*one table column/);
    const again = new Trajectory('arrays', { add_time: false, filename });
    again.f_load({ load_data: 2 });
    assert.is(again.f_get('e').f_get_range_length(), 3, 'the stored file is unchanged');
    assert.is(again.f_get('names').f_get_range_length(), 3, 'the stored file is unchanged');
    assert.is(again.v_length, 3);

    const longer = new Trajectory('arrays', { add_time: false, filename });
    longer.f_load({ load_data: 2 });
    longer.f_expand({ e: [new Float64Array([7, 8])], names: [['a much longer string', 'x']] });
    throwsKind(() => longer.f_store(), StorageError, /longer than its stored column/);
  });
});

// pypet writes the same kinds of Parameters (examples 05, 13: `f_add_parameter('w', np.array(...))`).
const PYPET_WRITES = String.raw`
import sys
import numpy as np
from pypet import Trajectory
traj = Trajectory('ref', filename=sys.argv[1], overwrite_file=True, add_time=False)
traj.f_add_parameter('w', np.array([1., 2., 3.]), comment='weights')
traj.f_add_parameter('m', np.array([[1, 2], [3, 4]], dtype=np.int32))
traj.f_add_parameter('l', [1, 2, 3])
traj.f_add_parameter('t', (1.5, 2.5))
traj.f_add_parameter('s', np.array(['ab', 'c']))
traj.f_add_parameter('b', np.array([True, False]))
traj.f_add_parameter('bl', [True, False])
traj.f_add_parameter('c', np.array([1+2j, 3j]))
traj.f_add_parameter('e', np.array([0., 0.]))
traj.f_explore({'e': [np.array([1., 2.]), np.array([3., 4.]), np.array([1., 2.])]})
traj.f_store()
`;

pypetTest('h5traj loads the array-valued Parameters pypet writes as pypet loads them', async () => {
  await inTempDir('arrays', async (dir) => {
    const filename = join(dir, 'ref.hdf5');
    const r = await run(PYTHON, ['-c', PYPET_WRITES, filename], pypetEnv());
    assert.is(r.code, 0, r.stderr);
    const traj = new Trajectory('ref', { add_time: false, filename });
    traj.f_load({ load_data: 2 });
    assert.is(traj.f_get('w').f_get_class_name(), 'Parameter');
    assert.equal(traj.w.dtype, 'float64');
    assert.equal(traj.m.dtype, 'int32');
    assert.equal(traj.m.toNested(), [[1, 2], [3, 4]]);
    assert.equal(traj.s.dtype, '<U2');
    assert.equal(traj.b.dtype, 'bool');
    assert.equal(traj.l, [1, 2, 3]);
    assert.equal(traj.f_get('e').f_get_range().map((a: NDArray) => a.toArray()), [[1, 2], [3, 4], [1, 2]]);
    // and everything equals pypet's own view, values and dtypes included
    await assertSameAsPypet(filename);
  });
});

test.run();
