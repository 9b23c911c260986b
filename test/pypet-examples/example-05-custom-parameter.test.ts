/**
 * pypet's examples/example_05_custom_parameter.py, its custom-class part: a FunctionParameter
 * that keeps a function's source. Its constructor goes through f_set, its class name is stored,
 * and loading finds the class again through dynamic_imports (given to the Trajectory or f_load).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Parameter, Trajectory } from '../../src/index.js';

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
  const dir = mkdtempSync(join(tmpdir(), 'h5traj-ex05-'));
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

test.run();
