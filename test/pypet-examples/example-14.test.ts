/**
 * Port of pypet's examples/example_14_links.py: parameters added by assignment, a link at the
 * root and one in a group, both read by natural naming inside the runs (the second found by a
 * shortcut), then stored and loaded again.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, Parameter, Trajectory, typed } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

test('example_14 prints what pypet prints and computes its z', async () => {
  await inTempDir('ex14', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_14.hdf5');
    const env = new Environment({
      trajectory: 'Multiplication',
      filename,
      file_title: 'Example_14_Links',
      overwrite_file: true,
      comment: 'How to use links',
      progress: 'quiet',
    } as any);
    const traj = env.trajectory;
    traj.par.x = new Parameter('x', 1, { comment: 'I am the first dimension!', dtype: 'int' });
    traj.par.y = new Parameter('y', 1, { comment: 'I am the second dimension!', dtype: 'int' });
    traj.f_explore({ x: [3, 4] });
    traj.f_add_link('mylink1', traj.f_get('x'));
    const printed = ['x=' + String(traj.mylink1), String(traj.f_get('mylink1'))];
    traj.f_add_link('parameters.mynewgroup.mylink2', traj.f_get('y'));
    await env.run((traj) => {
      const z = typed(traj.mylink1 * traj.mylink2, 'int'); // Python ints: z is an int
      traj.f_add_result('runs.$.z', z, { comment: 'Result of our simulation!' });
    });
    assert.equal(printed, ['x=1', 'Parameter parameters.x (len:2, `I am the first dimension!`): 1']);

    const loaded = new Trajectory('Multiplication', { add_time: false, filename });
    loaded.f_load({ load_data: 2 });
    assert.equal([...loaded.f_get_from_runs('z', { fast_access: true }).values()], [3, 4]);
    assert.is(loaded.f_get('results.runs.run_00000001.z').f_val_to_str(), 'z=4'); // a Python int, as in pypet's file
    assert.is(loaded.f_get('mylink1').v_full_name, 'parameters.x');
    assert.is(loaded.f_get('mylink2').v_full_name, 'parameters.y');
    assert.is(loaded.par.mylink2, 1);
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
