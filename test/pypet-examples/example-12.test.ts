/**
 * Port of pypet's examples/example_12_sharing_data_between_processes.py. pypet's workers write
 * into a `multiprocessing.Manager().list()`; h5traj's worker threads share memory the JavaScript
 * way, through a typed array over a SharedArrayBuffer passed as the run's extra argument (a
 * BigInt64Array: pypet's np.array of Python ints is int64). `continuable=False` is pypet's name
 * for h5traj's `resume: false`.
 *
 * The expected values are what the Python original prints (pypet 0.7.0 at a95aabf, Debian's
 * python3.11 + numpy 1.24 + tables 3.7): `[ 6  7  8 12 14 16 18 21 24 24 28 32]`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, NDArray, Trajectory, cartesian_product } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

const RUN_MODULE = fileURLToPath(new URL('./runs/example-12.ts', import.meta.url));

test('example_12: worker threads fill a shared list, stored afterwards as an int64 array', async () => {
  await inTempDir('ex12', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_12.hdf5');
    const env = new Environment({
      trajectory: 'Multiplication',
      filename,
      file_title: 'Example_12_Sharing_Data',
      overwrite_file: true,
      comment: 'The first example!',
      resume: false,
      multiproc: true,
      ncores: 2,
      progress: 'quiet',
    } as any); // file_title and multiproc are pypet options without meaning here
    const traj = env.trajectory;
    traj.f_add_parameter('x', 1, { comment: 'I am the first dimension!', dtype: 'int' });
    traj.f_add_parameter('y', 1, { comment: 'I am the second dimension!', dtype: 'int' });
    traj.f_explore(cartesian_product({ x: [1, 2, 3, 4], y: [6, 7, 8] }));

    const resultList = new BigInt64Array(new SharedArrayBuffer(8 * traj.f_len()));
    await env.run({ module: RUN_MODULE, export: 'multiply' }, resultList);

    traj.f_add_result('z', resultList);
    // pypet prints numpy's str of the array; h5traj has no numpy text for arrays, so the port
    // compares the values.
    assert.equal((traj.z as NDArray).toArray(), [6, 7, 8, 12, 14, 16, 18, 21, 24, 24, 28, 32]);
    traj.f_store(); // not in the original, which only prints z: the port checks the file too

    const loaded = new Trajectory(undefined, { filename });
    loaded.f_load({ index: -1, load_data: 2 });
    const z = loaded.z as NDArray;
    assert.is(z.dtype, 'int64');
    assert.equal(z.toArray(), [6, 7, 8, 12, 14, 16, 18, 21, 24, 24, 28, 32]);
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
