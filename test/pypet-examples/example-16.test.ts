/**
 * pypet's examples/example_16_multiproc_context.py, replaced. pypet's MultiprocContext wraps the
 * storage service in a lock so that 4 pool processes can each overwrite `results` in the one HDF5
 * file; 50 manipulations later the file holds the name of the process that stored last
 * (pypet prints e.g. "The last process to manipulate the trajectory was: `ForkPoolWorker-2`" — the
 * name depends on scheduling, so there is no fixed number to compare).
 *
 * h5traj needs no lock: worker threads never write the file. Each run hands what it adds to the
 * Environment's single writer, which stores the runs one after the other in the order they finish
 * (`on_run` reports that order). So the port runs the 50 manipulations as 50 runs on 4 threads, and
 * then does in the main thread what the last worker did in pypet: sets `last_process_name` to the
 * process that finished last and overwrites `results` on disk (`f_store({ store_data: 3 })`), and
 * reloads it as pypet's script does (`traj.results.f_load({ load_data: 3 })`).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, Parameter, Trajectory } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

const RUN = { module: fileURLToPath(new URL('./runs/example-16.ts', import.meta.url)), export: 'manipulateMultiprocSafe' };

test('example_16 (replaced): the single writer stores what 4 workers did, in the order they finished', async () => {
  await inTempDir('ex16', async (dir) => {
    const filename = join(dir, 'hdf5', 'example_16.hdf5');
    const traj = new Trajectory(undefined, { filename, overwrite_file: true });
    traj.f_add_result('last_process_name', 'N/A', { comment: 'Name of the last process that manipulated the trajectory' });
    traj.f_add_parameter('x', 0, { dtype: 'int' });
    traj.f_explore({ x: Array.from({ length: 50 }, (_, x) => x) }); // pypet: (traj for x in range(50))

    const finished: number[] = [];
    const env = new Environment({ trajectory: traj, ncores: 4, progress: 'quiet', on_run: (idx) => finished.push(idx) });
    const results = new Map(await env.run(RUN));
    assert.is(finished.length, 50);
    assert.is(results.size, 50);
    const names = new Set(results.values());
    assert.ok(names.size >= 1 && names.size <= 4, [...names].join(', '));
    for (const name of names) assert.match(name as string, /^Worker-\d+$/);

    traj.last_process_name = results.get(finished[finished.length - 1]!);
    traj.results.f_store({ store_data: 3 });
    traj.last_process_name = 'changed in memory only';
    traj.results.f_load({ load_data: 3 });
    const printed = `The last process to manipulate the trajectory was: \`${traj.last_process_name}\``;
    assert.is(printed, `The last process to manipulate the trajectory was: \`${results.get(finished[49]!)}\``);

    const loaded = new Trajectory(undefined, { filename });
    loaded.f_load({ index: -1, load_all: 2 });
    assert.is(loaded.last_process_name, results.get(finished[49]!));
    assert.equal(loaded.f_get_run_names().map((r) => loaded.f_get(`results.process_names.${r}`, { fast_access: true })), [...results.values()]);
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test('worker threads see the results added before env.run and root links, as pypet\'s workers see the whole trajectory', async () => {
  await inTempDir('ex16', async (dir) => {
    const traj = new Trajectory('shared', { add_time: false, filename: join(dir, 'shared.hdf5') });
    traj.f_add_result('last_process_name', 'N/A');
    traj.f_add_parameter('x', 0, { dtype: 'int' });
    traj.f_explore({ x: [0, 1, 2, 3] });
    traj.mylink = traj.f_get('x');
    const env = new Environment({ trajectory: traj, ncores: 2, progress: 'quiet' });
    const results = await env.run({ ...RUN, export: 'readShared' });
    assert.equal(results, [[0, 'N/A 0'], [1, 'N/A 1'], [2, 'N/A 2'], [3, 'N/A 3']]);
  });
});

test('worker threads read leaves of the user\'s classes (which cannot cross threads) as their base class', async () => {
  class FunctionParameter extends Parameter {
    override f_set(data: unknown): void {
      super.f_set(typeof data === 'function' ? data.toString() : data);
    }
  }
  await inTempDir('ex16', async (dir) => {
    const traj = new Trajectory('custom', { add_time: false, filename: join(dir, 'custom.hdf5'), dynamic_imports: [FunctionParameter] });
    traj.f_add_parameter('x', 0, { dtype: 'int' });
    traj.f_explore({ x: [0, 1] });
    traj.f_add_derived_parameter(FunctionParameter, 'diff_eq', function lorenz() {}, { comment: 'Source code' });
    const env = new Environment({ trajectory: traj, ncores: 2, progress: 'quiet' });
    const results = await env.run({ ...RUN, export: 'readCustom' });
    const source = traj.diff_eq as string;
    assert.match(source, /^function lorenz\(\)/);
    assert.equal(results, [[0, `FunctionParameter: ${source}`], [1, `FunctionParameter: ${source}`]]);
  });
});

test.run();
