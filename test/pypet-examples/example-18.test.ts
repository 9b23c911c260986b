/**
 * Port of pypet's examples/example_18_many_runs.py: 2500 runs on 2 worker threads, results
 * grouped into sets of 1000 runs with `$set`, read back with auto loading through the `crunset`
 * / `crun` wildcards and the `rts_X` / `r_X` shortcuts.
 *
 * The expected values are what the Python original prints (pypet 0.7.0 at a95aabf, Debian's
 * python3.11 + numpy 1.24 + tables 3.7): 1680 for run 2042 and 1760 for run 2044; and, read
 * from its file with f_load(load_all=2), 2500 runs whose z sum to 1500625.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, Trajectory, cartesian_product } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

const RUN_MODULE = fileURLToPath(new URL('./runs/example-18.ts', import.meta.url));
const range50 = Array.from({ length: 50 }, (_, i) => i);

test('example_18: 2500 runs in sets of 1000 give pypet\'s results', async () => {
  await inTempDir('ex18', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_18.hdf5');
    const env = new Environment({
      trajectory: 'Multiplication',
      filename,
      file_title: 'Example_18_Many_Runs',
      overwrite_file: true,
      comment: 'Contains many runs',
      multiproc: true,
      use_pool: true,
      freeze_input: true,
      ncores: 2,
      wrap_mode: 'QUEUE',
      progress: 'quiet',
    } as any);
    const traj = env.trajectory;
    traj.f_add_parameter('x', 1, { comment: 'I am the first dimension!', dtype: 'int' });
    traj.f_add_parameter('y', 1, { comment: 'I am the second dimension!', dtype: 'int' });
    traj.f_explore(cartesian_product({ x: range50, y: range50 }));
    await env.run({ module: RUN_MODULE, export: 'multiply' });

    const printed: string[] = [];
    traj.v_auto_load = true;
    traj.v_idx = 2042;
    printed.push(`The result of run ${traj.v_idx} is: `);
    printed.push(String(traj.res.crunset.crun.z));
    traj.v_idx = -1;
    printed.push(`The result of run ${2044} is: `);
    printed.push(String(traj.res.rts_2044.r_2044.z));
    assert.equal(printed, ['The result of run 2042 is: ', '1680', 'The result of run 2044 is: ', '1760']);
    // pypet's z is a Python int (x and y are): its text is `z=1680`, not `z=1680.0`.
    assert.is(traj.f_get('results.run_set_00002.run_00002042.z').f_val_to_str(), 'z=1680');

    const loaded = new Trajectory(undefined, { filename });
    loaded.f_load({ index: -1, load_all: 2 });
    assert.is(loaded.f_len(), 2500);
    let sum = 0;
    for (let i = 0; i < loaded.f_len(); i++) sum += loaded.res.f_get(`rts_${i}`).f_get(`r_${i}`).z as number;
    assert.is(sum, 1500625);
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
