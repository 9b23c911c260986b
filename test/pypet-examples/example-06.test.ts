/**
 * Port of pypet's examples/example_06_parameter_presetting.py (with example 05's Euler scheme and
 * FunctionParameter): a preset switches the equation, the runs integrate the Roessler attractor
 * from three explored initial conditions, and the results are read back after f_load_skeleton.
 * The numbers are those numpy computes for the Python original (python3 + numpy 2.4, same
 * operation order, so equal to the last bit).
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayParameter, Environment, NDArray, Parameter, type Trajectory } from '../../src/index.js';
import { EX05_IMPORTS, assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

class FunctionParameter extends Parameter {
  override f_set(data: unknown): void {
    super.f_set(typeof data === 'function' ? data.toString() : data);
  }
}

type Diff = (value: ArrayLike<number>, params: Record<string, number>) => Float64Array;

function diffRoessler(value: ArrayLike<number>, { a, c }: Record<string, number>): Float64Array {
  const b = a!;
  const out = new Float64Array(3);
  out[0] = -value[1]! - value[2]!;
  out[1] = value[0]! + a! * value[1]!;
  out[2] = b + value[2]! * (value[0]! - c!);
  return out;
}

function eulerScheme(traj: Trajectory, diffFunc: Diff): void {
  const steps: number = traj.steps;
  const initial = traj.initial_conditions as NDArray;
  const dimension = initial.length;
  const result = new Float64Array(steps * dimension);
  const params = traj.func_params.f_to_dict({ short_names: true, fast_access: true }) as Record<string, number>;
  result.set(initial.toArray() as number[], 0);
  for (let idx = 1; idx < steps; idx++) {
    const prev = result.subarray((idx - 1) * dimension, idx * dimension);
    const diff = diffFunc(prev, params);
    for (let k = 0; k < dimension; k++) result[idx * dimension + k] = diff[k]! * traj.dt + prev[k]!;
  }
  traj.f_add_result('euler_evolution', { data: new NDArray('float64', [steps, dimension], result) }, { comment: 'Our time series data!' });
}

function addParameters(traj: Trajectory): void {
  traj.f_add_parameter('steps', 10000, { comment: 'Number of time steps to simulate', dtype: 'int' });
  traj.f_add_parameter('dt', 0.01, { comment: 'Step size' });
  traj.f_add_parameter(ArrayParameter, 'initial_conditions', new Float64Array([0, 0, 0]), {
    comment: 'Our initial conditions, as default we will start from origin!',
  });
  traj.f_add_parameter('diff_name', 'diff_lorenz', { comment: 'Name of our differential equation' });
  if (traj.diff_name === 'diff_lorenz') {
    traj.f_add_parameter('func_params.sigma', 10.0);
    traj.f_add_parameter('func_params.beta', 8.0 / 3.0);
    traj.f_add_parameter('func_params.rho', 28.0);
  } else if (traj.diff_name === 'diff_roessler') {
    traj.f_add_parameter('func_params.a', 0.1);
    traj.f_add_parameter('func_params.c', 14.0);
  } else {
    throw new Error(`I don't know what ${traj.diff_name} is.`);
  }
}

test('example_06 integrates what numpy integrates', async () => {
  await inTempDir('ex06', async (dir) => {
    const env = new Environment({
      trajectory: 'Example_06_Euler_Integration',
      filename: join(dir, 'hdf5', 'example_06.hdf5'),
      file_title: 'Example_06_Euler_Integration',
      overwrite_file: true,
      comment: 'Go for Euler!',
      progress: 'quiet',
    } as any);
    const traj = env.traj;
    traj.f_preset_parameter('diff_name', 'diff_roessler');
    addParameters(traj);
    assert.is(traj.diff_name, 'diff_roessler');
    const diffEq = diffRoessler;
    traj.f_add_derived_parameter(FunctionParameter, 'diff_eq', diffEq, { comment: 'Source code of our equation!' });
    traj.f_explore({
      initial_conditions: [new Float64Array([0.01, 0.01, 0.01]), new Float64Array([2.02, 0.02, 0.02]), new Float64Array([42.0, 4.2, 0.42])],
    });
    await env.run(eulerScheme, diffEq);
    traj.f_load_skeleton();
    assert.match(traj.diff_eq, /^function diffRoessler\(value, \{ a, c \}\)/);
    const ranges = traj.f_get('initial_conditions').f_get_range().map((a: NDArray) => a.toArray());
    assert.equal(ranges, [[0.01, 0.01, 0.01], [2.02, 0.02, 0.02], [42.0, 4.2, 0.42]]);
    const python = [
      [[4.384643297173065, 1.504642859985349, 0.010519046213483646], [0.22644375131420266, 0.18776346040001857, 0.0072670571459993475]],
      [[4.669679966023593, 15.913235391323749, 0.5852690210126619], [14.790568766059904, 1.3255835690910696, 0.11099399286130328]],
      [[-19.433120379102252, 4.01452006622579, 0.003003461488573317], [-6.095290077791618, 7.739608429329093, 0.005081015848863434]],
    ];
    traj.f_get_run_names().forEach((runName, idx) => {
      const eulerResult = traj.results.f_get(runName).euler_evolution;
      traj.f_load_item(eulerResult);
      const data = eulerResult.data as NDArray;
      assert.equal(data.shape, [10000, 3]);
      assert.equal((data.get(-1) as NDArray).toArray(), python[idx]![0], runName);
      assert.equal((data.get(5000) as NDArray).toArray(), python[idx]![1], runName);
      assert.is(data.get(0, 2), ranges[idx][2]);
      eulerResult.f_empty();
    });
    await assertSameAsPypet(join(dir, 'hdf5', 'example_06.hdf5'), EX05_IMPORTS); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
