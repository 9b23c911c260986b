/**
 * pypet's examples/example_05_custom_parameter.py: a FunctionParameter that keeps a function's
 * source (its constructor goes through f_set, its class name is stored, and loading finds the
 * class again through dynamic_imports given to the Trajectory or f_load), and the whole script:
 * Euler integration of the Lorenz attractor from three explored initial conditions.
 *
 * The numbers of the last test are those of the Python original (pypet 0.7.0 at a95aabf, Debian's
 * python3.11 + numpy 1.24 + tables 3.7), read from the file it writes with f_load(load_all=2):
 * rows 9999 and 5000 of each run's `euler_evolution.data`. The port does the same float
 * operations in the same order, so they agree to the last bit.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayParameter, Environment, NDArray, Parameter, Trajectory } from '../../src/index.js';
import { EX05_IMPORTS, assertSameAsPypet } from './pypet-view.js';
import { inTempDir, tempDir } from '../helpers.js';

class FunctionParameter extends Parameter {
  override f_set(data: unknown): void {
    super.f_set(typeof data === 'function' ? data.toString() : data);
  }
}

function diffLorenz(value: number[], sigma: number, beta: number, rho: number): number[] {
  const [x, y, z] = value as [number, number, number];
  return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z];
}

test('a custom parameter class converts its default in f_set and keeps its class name', () => {
  const traj = new Trajectory('example05', { add_time: false });
  traj.f_add_derived_parameter(FunctionParameter, 'diff_eq', diffLorenz, { comment: 'Source code of our equation!' });
  const p = traj.f_get('diff_eq');
  assert.ok(p instanceof FunctionParameter);
  assert.is(p.f_get_class_name(), 'FunctionParameter');
  assert.match(traj.diff_eq, /^function diffLorenz\(value, sigma, beta, rho\)/);
  assert.match(String(p), /^FunctionParameter derived_parameters\.diff_eq \(`Source code of our equation!`\): 'function diffLorenz/);
});

test('loading finds the class again through dynamic_imports', () => {
  const dir = tempDir('h5traj-ex05-');
  const filename = join(dir, 'example_05.hdf5');
  try {
    const traj = new Trajectory('example05', { add_time: false, filename });
    traj.f_add_derived_parameter(FunctionParameter, 'diff_eq', diffLorenz, { comment: 'Source code of our equation!' });
    traj.f_store();
    const source = traj.diff_eq;

    const viaTrajectory = new Trajectory('example05', { add_time: false, filename, dynamic_imports: [FunctionParameter] });
    viaTrajectory.f_load({ load_data: 2 });
    assert.ok(viaTrajectory.f_get('diff_eq') instanceof FunctionParameter);
    assert.is(viaTrajectory.diff_eq, source);

    const viaLoad = new Trajectory('example05', { add_time: false, filename });
    viaLoad.f_load({ load_data: 2, dynamic_imports: [FunctionParameter] });
    assert.ok(viaLoad.f_get('diff_eq') instanceof FunctionParameter);

    // Without the class, the leaf loads as pypet's base class and keeps the stored class name.
    const without = new Trajectory('example05', { add_time: false, filename });
    without.f_load({ load_data: 2 });
    assert.not.ok(without.f_get('diff_eq') instanceof FunctionParameter);
    assert.is(without.f_get('diff_eq').f_get_class_name(), 'FunctionParameter');
    assert.is(without.diff_eq, source);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type Diff = (value: ArrayLike<number>, params: Record<string, number>) => Float64Array;

/** pypet's euler_scheme(traj, diff_func). */
function eulerScheme(traj: Trajectory, diffFunc: Diff): void {
  const steps: number = traj.steps;
  const initialConditions = traj.initial_conditions as NDArray;
  const dimension = initialConditions.length;
  const resultArray = new Float64Array(steps * dimension);
  const funcParamsDict = traj.func_params.f_to_dict({ short_names: true, fast_access: true }) as Record<string, number>;
  resultArray.set(initialConditions.toArray() as number[], 0);
  for (let idx = 1; idx < steps; idx++) {
    const prev = resultArray.subarray((idx - 1) * dimension, idx * dimension);
    const diff = diffFunc(prev, funcParamsDict);
    for (let k = 0; k < dimension; k++) resultArray[idx * dimension + k] = diff[k]! * traj.dt + prev[k]!;
  }
  traj.f_add_result('euler_evolution', { data: new NDArray('float64', [steps, dimension], resultArray) }, { comment: 'Our time series data!' });
}

function addParameters(traj: Trajectory): void {
  traj.f_add_parameter('steps', 10000, { comment: 'Number of time steps to simulate', dtype: 'int' });
  traj.f_add_parameter('dt', 0.01, { comment: 'Step size' });
  traj.f_add_parameter(ArrayParameter, 'initial_conditions', new Float64Array([0.0, 0.0, 0.0]), {
    comment: 'Our initial conditions, as default we will start from origin!',
  });
  traj.f_add_parameter('func_params.sigma', 10.0);
  traj.f_add_parameter('func_params.beta', 8.0 / 3.0);
  traj.f_add_parameter('func_params.rho', 28.0);
  traj.func_params.v_annotations.info =
    'This group contains as default the original values chosen ' +
    'by Edward Lorenz in 1963. Check it out on wikipedia ' +
    '(https://en.wikipedia.org/wiki/Lorenz_attractor)!';
}

/** pypet's diff_lorenz(value_array, sigma, beta, rho). */
function diffLorenzArray(valueArray: ArrayLike<number>, { sigma, beta, rho }: Record<string, number>): Float64Array {
  const diffArray = new Float64Array(3);
  diffArray[0] = sigma! * (valueArray[1]! - valueArray[0]!);
  diffArray[1] = valueArray[0]! * (rho! - valueArray[2]!) - valueArray[1]!;
  diffArray[2] = valueArray[0]! * valueArray[1]! - beta! * valueArray[2]!;
  return diffArray;
}

test('example_05 integrates the Lorenz attractor as numpy does', async () => {
  await inTempDir('ex05', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_05.hdf5');
    const env = new Environment({
      trajectory: 'Example_05_Euler_Integration',
      filename,
      file_title: 'Example_05_Euler_Integration',
      overwrite_file: true,
      comment: 'Go for Euler!',
      progress: 'quiet',
    } as any);
    let traj = env.trajectory;
    const trajectoryName = traj.v_name;
    addParameters(traj);
    traj.f_add_derived_parameter(FunctionParameter, 'diff_eq', diffLorenzArray, { comment: 'Source code of our equation!' });
    traj.f_explore({
      initial_conditions: [new Float64Array([0.01, 0.01, 0.01]), new Float64Array([2.02, 0.02, 0.02]), new Float64Array([42.0, 4.2, 0.42])],
    });
    await env.run(eulerScheme, diffLorenzArray);

    // pypet raises ImportError here ("Could not create the class named `FunctionParameter`");
    // h5traj loads the leaf as its base class (see the test above), so the script's retry with
    // the class is what counts.
    traj = new Trajectory(undefined, { filename, dynamic_imports: [FunctionParameter] });
    traj.f_load({ name: trajectoryName, load_parameters: 2, load_derived_parameters: 2, load_results: 1 });
    assert.match(traj.diff_eq, /^function diffLorenzArray\(valueArray, \{ sigma, beta, rho \}\)/);
    assert.match(traj.func_params.v_annotations.info, /^This group contains as default the original values chosen by Edward Lorenz in 1963/);
    const initialConditionsExplorationArray = traj.f_get('initial_conditions').f_get_range().map((a: NDArray) => a.toArray());
    assert.equal(initialConditionsExplorationArray, [[0.01, 0.01, 0.01], [2.02, 0.02, 0.02], [42.0, 4.2, 0.42]]);
    const python = [
      [[9.691260877798623, 12.946765661238988, 23.903639843145395], [5.485248217037435, 3.62709855944263, 26.241855351299865]],
      [[-7.029851111835278, -9.859024995785328, 21.026151612310684], [-1.9925867309214098, 3.799195314545468, 28.638166682557777]],
      [[5.378668503922272, 3.287017799562172, 26.45183446054125], [-7.681425003050007, -10.310227141251717, 21.781739910273068]],
    ];
    traj.f_get_run_names().forEach((runName, idx) => {
      const eulerResult = traj.results.f_get(runName).euler_evolution;
      assert.ok(eulerResult.f_is_empty(), 'load_results=1 loads the skeleton only');
      traj.f_load_item(eulerResult);
      const eulerData = eulerResult.data as NDArray;
      assert.equal(eulerData.shape, [10000, 3]);
      assert.equal((eulerData.get(-1) as NDArray).toArray(), python[idx]![0], runName);
      assert.equal((eulerData.get(5000) as NDArray).toArray(), python[idx]![1], runName);
      eulerResult.f_empty();
    });
    await assertSameAsPypet(filename, EX05_IMPORTS); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
