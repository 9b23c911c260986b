/**
 * A large exploration through the trajectory and the native engine (issue 13, "no recursion or
 * spread over N"): 300,000 explored points (a 600 × 500 cartesian product) are stored as a
 * skeleton (parameters and run table, no run data) and loaded back. At 1M the same path once threw `RangeError: Maximum call stack size exceeded`;
 * 300k keeps this test to seconds, and `scripts/bench-skeleton.ts` runs it at 1,000,000.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOAD_DATA, LOAD_SKELETON, Trajectory, cartesian_product, formatRuntime } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-large-exploration-');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const NX = 600;
const NY = 500;
const N = NX * NY;

test(`${N.toLocaleString('en')} explored runs: f_store of the skeleton, an updated run, f_load back`, () => {
  const file = join(dir, 'big.hdf5');
  const traj = new Trajectory('big', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('label', 'a');
  const xs = Array.from({ length: NX }, (_, i) => i / 4);
  const labels = Array.from({ length: NY }, (_, i) => `l${i}`);
  traj.f_explore(cartesian_product({ x: xs, label: labels }));
  assert.is(traj.v_length, N);
  const last = N - 1;
  traj._updateRun(last, {
    completed: 1, time: '2026_12_03_13h00m00s', timestamp: 1000, finish_timestamp: 1001.5, runtime: formatRuntime(1.5),
    parameter_summary: traj._parameterSummary(last), short_environment_hexsha: 'abcdef0',
  });
  traj.f_store();

  const back = new Trajectory('big', { add_time: false, filename: file });
  back.f_load({ load_parameters: LOAD_DATA, load_derived_parameters: LOAD_SKELETON, load_results: LOAD_SKELETON });
  assert.is(back.v_length, N);
  assert.is(back.f_get('x').f_get_range().length, N);
  assert.is(back.f_get('x').f_get_range()[last], xs[NX - 1]);
  assert.is(back.f_get('label').f_get_range()[last], labels[NY - 1]);
  const info = back.f_get_run_information(last);
  assert.is(info.completed, 1);
  assert.is(info.runtime, '0:00:01.500000');
  assert.is(info.parameter_summary, `x: 149.75,   label: 'l499'`);
  assert.is(back.f_get_run_information(N - 2).parameter_summary, 'Not yet my friend!');
  assert.is(back.f_get_run_names()[last], 'run_00299999');
  assert.not.ok(back.f_is_completed());
});

test.run();
