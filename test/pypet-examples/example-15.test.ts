/**
 * Port of pypet's examples/example_15_more_ways_to_add_data.py: parameters added by assignment
 * (with the empty-name renaming rule and dotted names) and a link added by assignment. The
 * lines are the ones the Python script prints.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Parameter, Trajectory } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

function example15(): { traj: Trajectory; printed: string[] } {
  const printed: string[] = [];
  const traj = new Trajectory('example15', { add_time: false });
  traj.f_add_parameter('x', 1, { comment: 'I am the first dimension!', dtype: 'int' });
  traj.parameters.y = new Parameter('y', 1, { comment: 'I am the second dimension!', dtype: 'int' });
  traj.parameters.t = new Parameter('', 1, { comment: 'Third dimension', dtype: 'int' });
  printed.push('t=' + String(traj.t));
  traj.parameters.subgroup = new Parameter('subgroup.subsubgroup.w', 2, { dtype: 'int' });
  printed.push('w=' + String(traj.par.subgroup.subsubgroup.w));
  traj.mylink = traj.f_get('x');
  printed.push('Linking to x gives: ' + String(traj.mylink));
  return { traj, printed };
}

test('example_15 prints what pypet prints', () => {
  const { printed } = example15();
  assert.equal(printed, ['t=1', 'w=2', 'Linking to x gives: 1']);
});

test('example_15: the assigned parameters and the link are stored and load again', async () => {
  await inTempDir('ex15', async (dir) => {
    const { traj } = example15();
    traj.f_store({ filename: join(dir, 'ex15.hdf5') });
    const loaded = new Trajectory('example15', { add_time: false, filename: join(dir, 'ex15.hdf5') });
    loaded.f_load({ load_all: 2 });
    assert.is(loaded.f_get('parameters.t').v_comment, 'Third dimension');
    assert.is(loaded.f_get('parameters.subgroup.subsubgroup.w', { fast_access: true }), 2);
    assert.is(loaded.mylink, 1);
    assert.is(loaded.f_get('mylink').v_full_name, 'parameters.x');
    await assertSameAsPypet(join(dir, 'ex15.hdf5')); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
