/**
 * Port of pypet's examples/example_08_f_find_idx.py with its Environment and file: the runs are
 * stored, the results loaded again with `f_load({ load_results: LOAD_DATA })`, and `f_find_idx`
 * picks the runs with x == 2 or y == 8. The printed lines are those of the Python original (pypet 0.7.0, Debian's
 * python3.11), and pypet loads the file the port writes as its own.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, LOAD_DATA, cartesian_product, typed } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

test('example_08 prints the runs with x==2 or y==8, from the file it stored', async () => {
  await inTempDir('ex08', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_08.hdf5');
    const env = new Environment({
      trajectory: 'Example08', filename, overwrite_file: true, comment: 'Another example!', progress: 'quiet', // file_title: no meaning here
    });
    const traj = env.trajectory;
    traj.f_add_parameter('x', 1, { dtype: 'int', comment: 'I am the first dimension!' });
    traj.f_add_parameter('y', 1, { dtype: 'int', comment: 'I am the second dimension!' });
    traj.f_explore(cartesian_product({ x: [1, 2, 3, 4], y: [6, 7, 8] }));
    await env.run((traj) => {
      traj.f_add_result('z', typed(traj.x * traj.y, 'int'), { comment: 'I am the product of two reals!' });
    });

    traj.f_load({ load_results: LOAD_DATA });
    const lines = ['The run names and results for parameter combinations with x==2 or y==8:'];
    for (const idx of traj.f_find_idx(['x', 'y'], (x: number, y: number) => x === 2 || y === 8)) {
      traj.v_idx = idx;
      lines.push(`${traj.v_crun}: x=${traj.x}, y=${traj.y}, z=${traj.crun.z}`);
    }
    traj.f_restore_default();
    assert.equal(lines, [
      'The run names and results for parameter combinations with x==2 or y==8:',
      'run_00000002: x=1, y=8, z=8',
      'run_00000003: x=2, y=6, z=12',
      'run_00000004: x=2, y=7, z=14',
      'run_00000005: x=2, y=8, z=16',
      'run_00000008: x=3, y=8, z=24',
      'run_00000011: x=4, y=8, z=32',
    ]);
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
