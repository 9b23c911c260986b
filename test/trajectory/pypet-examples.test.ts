/**
 * Ports of pypet's examples/example_01_first_steps.py and examples/example_08_f_find_idx.py,
 * run against the in-memory trajectory (runs executed with f_iter_runs, as the Environment
 * would). They assert the lines pypet's scripts print.
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

test('example_08_f_find_idx prints the runs with x==2 or y==8', () => {
  const traj = setUp('Example08', 'Another example!');
  for (const _ of traj.f_iter_runs()) multiply(traj, 'I am the product of two reals!');
  const predicate = (x: number, y: number) => x === 2 || y === 8;
  const lines = ['The run names and results for parameter combinations with x==2 or y==8:'];
  for (const idx of traj.f_find_idx(['x', 'y'], predicate)) {
    traj.v_idx = idx;
    lines.push(`${traj.v_crun}: x=${traj.x}, y=${traj.y}, z=${traj.f_get('crun.z', { fast_access: true })}`);
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
});

test.run();
