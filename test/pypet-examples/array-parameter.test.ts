/**
 * pypet's plain Parameter holds numpy arrays (examples 05 and 13 do `traj.f_add_parameter('w',
 * np.array([...]))`). h5traj's Parameter takes typed arrays and nested arrays, explores them, and
 * stores and loads them as the same values with the class name Parameter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NDArray, Parameter, Trajectory } from '../../src/index.js';

test('a Parameter holds arrays, explores them, and round-trips them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'h5traj-arrays-'));
  const filename = join(dir, 'arrays.hdf5');
  try {
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
