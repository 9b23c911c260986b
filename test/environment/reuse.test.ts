import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { Environment, Trajectory, runHash, cartesian_product } from '../../src/index.js';
import { loadAll, tempDir } from './env-helpers.js';

function counting() {
  const calls: number[] = [];
  const fn = (traj: Trajectory) => {
    calls.push(traj.x);
    traj.f_add_result('sq', { sq: traj.x * traj.x, label: `x=${traj.x}` }, { comment: 'square' });
    return traj.x * traj.x;
  };
  return { calls, fn };
}

test('runHash depends on every parameter value, not on the trajectory', () => {
  const a = new Trajectory('a', { add_time: false });
  a.f_add_parameter('x', 1.0);
  a.f_add_parameter('k', 5, { dtype: 'int' });
  a.f_explore({ x: [1.0, 2.0, 1.0] });
  const b = new Trajectory('b', { add_time: false });
  b.f_add_parameter('k', 5, { dtype: 'int' });
  b.f_add_parameter('x', 0.0);
  b.f_explore({ x: [2.0] });
  assert.is(runHash(a, 0), runHash(a, 2));
  assert.is(runHash(a, 1), runHash(b, 0));
  assert.is.not(runHash(a, 0), runHash(a, 1));
  assert.match(runHash(a, 0), /^[0-9a-f]{40}$/);
});

test('reuse: true takes over results of equal runs after f_expand instead of running them again', async () => {
  const file = path.join(tempDir(), 'r.hdf5');
  const env = new Environment({ trajectory: 'reuse', filename: file, progress: 'quiet', reuse: true });
  env.trajectory.f_add_parameter('x', 0.0);
  env.trajectory.f_explore({ x: [1, 2] });
  const { calls, fn } = counting();
  await env.run(fn);
  env.trajectory.f_expand({ x: [1, 3] });
  const second = await env.run(fn);
  assert.equal(calls, [1, 2, 3], 'x = 1 was not run a second time');
  assert.equal(env.reused, [2]);
  assert.equal(second, [[3, 9]]);
  const t = loadAll(file, 'reuse');
  assert.ok(t.f_is_completed());
  assert.equal([...t.f_get_from_runs('sq', { fast_access: true }).values()].map((r: any) => r.sq ?? r), [1, 4, 1, 9]);
  assert.is(t.f_get('results.runs.run_00000002.sq').label, 'x=1');
  assert.is(t.f_get_run_information(2).parameter_summary, 'x: 1.0');
});

test('reuse: [files] takes over completed runs of other trajectory files', async () => {
  const dir = tempDir();
  const first = path.join(dir, 'first.hdf5');
  const a = new Environment({ trajectory: 'first', filename: first, progress: 'quiet' });
  a.trajectory.f_add_parameter('x', 0.0);
  a.trajectory.f_explore(cartesian_product({ x: [1, 2, 3] }));
  await a.run(counting().fn);
  const second = path.join(dir, 'second.hdf5');
  const b = new Environment({ trajectory: 'second', filename: second, progress: 'quiet', reuse: [first] });
  b.trajectory.f_add_parameter('x', 0.0);
  b.trajectory.f_explore({ x: [2, 3, 4] });
  const { calls, fn } = counting();
  await b.run(fn);
  assert.equal(calls, [4]);
  assert.equal(b.reused, [0, 1]);
  const t = loadAll(second, 'second');
  assert.ok(t.f_is_completed());
  assert.equal([...t.f_get_from_runs('sq').values()].map((r: any) => r.sq), [4, 9, 16]);
});

test.run();
