/**
 * Port of pypet's examples/example_04_multiprocessing.py: 400 runs on 4 worker threads (pypet's
 * pool of 4 processes). pypet's process options (`use_pool`, `freeze_input`, `wrap_mode`,
 * `graceful_exit`, `log_stdout`) are accepted and have no meaning here; the run function comes
 * from a module because closures cannot cross threads.
 *
 * The expected numbers were read from the file the Python original writes (pypet 0.7.0 at
 * a95aabf, Debian's python3.11 + numpy 1.24 + tables 3.7), loaded with f_load(load_all=2):
 * 400 runs, z is a float, sum 36100.0, z of runs 0, 21 and 399: 0.0, 1.0, 361.0.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, Trajectory, cartesian_product } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

const RUN_MODULE = fileURLToPath(new URL('./runs/example-04.ts', import.meta.url));

test('example_04: 400 runs on 4 threads give pypet\'s products', async () => {
  await inTempDir('ex04', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_04.hdf5');
    const env = new Environment({
      trajectory: 'Example_04_MP',
      filename,
      file_title: 'Example_04_MP',
      log_stdout: true,
      comment: 'Multiprocessing example!',
      multiproc: true,
      ncores: 4,
      use_pool: true,
      freeze_input: true,
      wrap_mode: 'QUEUE',
      graceful_exit: true,
      overwrite_file: true,
      progress: 'quiet',
    } as any);
    const traj = env.trajectory;
    traj.f_add_parameter('x', 1.0, { comment: 'I am the first dimension!' });
    traj.f_add_parameter('y', 1.0, { comment: 'I am the second dimension!' });
    const range20 = Array.from({ length: 20 }, (_, i) => i);
    traj.f_explore(cartesian_product({ x: range20, y: range20 }));
    await env.run({ module: RUN_MODULE, export: 'multiply' });

    const loaded = new Trajectory(undefined, { filename });
    loaded.f_load({ index: -1, load_all: 2 });
    const zs = loaded.f_get_run_names().map((r) => loaded.results.runs.f_get(r).z as number);
    assert.is(zs.length, 400);
    assert.is(zs.reduce((a, b) => a + b, 0), 36100.0);
    assert.equal([zs[0], zs[21], zs[399]], [0.0, 1.0, 361.0]);
    // pypet's z is a Python float: its text is `z=361.0`.
    assert.is(loaded.f_get('results.runs.run_00000399.z').f_val_to_str(), 'z=361.0');
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
