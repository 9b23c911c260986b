/**
 * Port of pypet's examples/example_01_first_steps.py, run against the in-memory trajectory (runs
 * executed with f_iter_runs, as the Environment would); it asserts the lines pypet's script
 * prints. Example 08 is ported with its Environment and file in test/pypet-examples/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Trajectory, cartesian_product, typed } from '../../src/index.js';

function multiply(traj: Trajectory, comment: string): void {
  // pypet's x and y are Python ints, so z is an int too.
  traj.f_add_result('z', typed(traj.x * traj.y, 'int'), { comment });
}

function setUp(name: string, comment: string): Trajectory {
  const traj = new Trajectory(name, { add_time: false, comment });
  traj.f_add_parameter('x', 1, { dtype: 'int', comment: 'I am the first dimension!' });
  traj.f_add_parameter('y', 1, { dtype: 'int', comment: 'I am the second dimension!' });
  traj.f_explore(cartesian_product({ x: [1, 2, 3, 4], y: [6, 7, 8] }));
  return traj;
}

test('example_01_first_steps prints the result of run_00000001', () => {
  const traj = setUp('Multiplication', 'The first example!');
  for (const _ of traj.f_iter_runs()) multiply(traj, 'Result of our simulation!');
  const printed = ['The result of `run_00000001` is: ', String(traj.run_00000001.z)];
  assert.equal(printed, ['The result of `run_00000001` is: ', '7']);
  assert.is(traj.f_get('results.runs.run_00000001.z').v_comment, 'Result of our simulation!');
});

test.run();
