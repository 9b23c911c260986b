/**
 * Port of pypet's examples/example_09_large_results.py: a result with two large random
 * matrices (100×100×100 and 1000×1000) is stored, emptied, given one more item, stored item by
 * item, loaded back as a skeleton, and then only two of its three items are loaded.
 *
 * The Python original (pypet 0.7.0 at a95aabf, Debian's python3.11 + numpy 1.24 + tables 3.7)
 * prints, apart from its random numbers: "As promised: Nothing there!", "Told you!", the value of
 * mat1 at [10,10,10] again after loading, and "And do not forget: Always look on the bright side
 * of life!". Its matrices are unseeded random numbers, so the port checks that the value printed
 * after loading is the one printed before storing.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOAD_SKELETON, NDArray, Trajectory } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

/** numpy's `np.random.rand(*shape)`. */
function rand(...shape: number[]): NDArray {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random();
  return new NDArray('float64', shape, data);
}

/** Python's `'%f' % x`. */
const pct = (x: number) => x.toFixed(6);

test('example_09 stores and loads large results in parts', async () => {
  const printed: string[] = [];
  let first = '';
  await inTempDir('ex09', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_09.hdf5');
    let traj = new Trajectory('example_09_huge_data', { filename, overwrite_file: true });
    traj.f_add_result('huge_matrices', { mat1: rand(100, 100, 100), mat2: rand(1000, 1000) });
    let valMat1 = traj.huge_matrices.mat1.get(10, 10, 10) as number;
    const valMat2 = traj.huge_matrices.mat2.get(42, 13) as number;
    first = pct(valMat1);
    printed.push(`mat1 contains ${pct(valMat1)} at position [10,10,10]`);
    printed.push(`mat2 contains ${pct(valMat2)} at position [42,13]`);
    traj.f_store();

    traj.huge_matrices.f_empty();
    printed.push(traj.huge_matrices.f_is_empty() ? 'As promised: Nothing there!' : 'What a disappointing peace of crap this software is!');
    traj.huge_matrices.f_set({ monty: 'Always look on the bright side of life!' });
    traj.f_store_item('huge_matrices');

    const oldTrajName = traj.v_name;
    assert.match(oldTrajName, /^example_09_huge_data_\d{4}_\d\d_\d\d_\d\dh\d\dm\d\ds$/);
    traj = new Trajectory(undefined, { filename });
    traj.f_load({ name: oldTrajName, load_results: LOAD_SKELETON });
    printed.push(traj.huge_matrices.f_is_empty() ? 'Told you!' : 'Unbelievable, this sucks!');

    traj.f_load_item('huge_matrices', { load_only: ['monty', 'mat1'] });
    if ('monty' in traj.huge_matrices && 'mat1' in traj.huge_matrices && !('mat2' in traj.huge_matrices)) {
      valMat1 = traj.huge_matrices.mat1.get(10, 10, 10) as number;
      printed.push(`mat1 contains ${pct(valMat1)} at position [10,10,10]`);
      printed.push(`And do not forget: ${traj.huge_matrices.monty}`);
    } else {
      printed.push("That's it, I quit! I cannot work like this!");
    }
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
  assert.equal(printed.slice(2), [
    'As promised: Nothing there!',
    'Told you!',
    `mat1 contains ${first} at position [10,10,10]`,
    'And do not forget: Always look on the bright side of life!',
  ]);
});

test.run();
