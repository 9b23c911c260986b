/**
 * pypet's `env.pipeline(fn)`: the forms of fn's answer, the arguments handed to the run function
 * and to the postprocessing, and the errors for answers pypet would not take either.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, InvalidArgumentError, Trajectory } from '../../src/index.js';
import { readPipeline } from '../../src/environment/pipeline.js';

const run = (traj: Trajectory) => traj.x;

test('readPipeline takes the forms pypet takes', () => {
  assert.equal(readPipeline(run), { run, args: [] });
  assert.equal(readPipeline([run, [1, 2]]), { run, args: [1, 2] });
  assert.equal(readPipeline([run, [1], {}]), { run, args: [1] });
  const post = () => undefined;
  assert.equal(readPipeline([[run, [3]], [post, ['a'], {}]]), { run, args: [3], postproc: { fn: post, args: ['a'] } });
  assert.equal(readPipeline([[run], []]), { run, args: [] });
  const mod = { module: '/x/run.js', export: 'run' };
  assert.equal(readPipeline([[mod, [], {}], [post]]), { run: mod, args: [], postproc: { fn: post, args: [] } });
});

test('readPipeline refuses answers it cannot run, saying why', () => {
  assert.throws(() => readPipeline(undefined), (e: unknown) => e instanceof InvalidArgumentError && /must return the run function.*not nothing/.test(e.message));
  assert.throws(() => readPipeline([run, [], { seed: 1 }]), (e: unknown) => e instanceof InvalidArgumentError && /keyword arguments must be empty/.test(e.message));
  assert.throws(() => readPipeline([run, 5]), (e: unknown) => e instanceof InvalidArgumentError && /arguments must be an array, not number/.test(e.message));
  assert.throws(() => readPipeline([[run, [], {}, 1], []]), (e: unknown) => e instanceof InvalidArgumentError && /at most three/.test(e.message));
  assert.throws(() => readPipeline([[run], ['post']]), (e: unknown) => e instanceof InvalidArgumentError && /postprocessing tuple must be a function/.test(e.message));
});

test('env.pipeline sets up the trajectory, runs with the arguments and postprocesses with its own', async () => {
  const env = new Environment({ trajectory: 'pipe', filename: `/tmp/h5traj-pipeline-${process.pid}/p.hdf5`, overwrite_file: true, progress: 'quiet' });
  const seen: unknown[] = [];
  try {
    const results = await env.pipeline((traj) => {
      traj.f_add_parameter('x', 1, { dtype: 'int' });
      traj.f_explore({ x: [1, 2, 3] });
      const runfunc = (t: Trajectory, factor: number) => t.x * factor;
      const postproc = (t: Trajectory, res: [number, unknown][], label: string) => {
        seen.push(label, res);
        t.f_add_result('summary', res.length);
      };
      return [[runfunc, [10], {}], [postproc, ['done'], {}]];
    });
    assert.equal(results, [[0, 10], [1, 20], [2, 30]]);
    assert.equal(seen, ['done', [[0, 10], [1, 20], [2, 30]]]);
    assert.is(env.traj.f_get('results.summary', { fast_access: true }), 3);
  } finally {
    (await import('node:fs')).rmSync(`/tmp/h5traj-pipeline-${process.pid}`, { recursive: true, force: true });
  }
});

test.run();
