/**
 * The one walk to a run's group: what is in memory is found as it is; what is only on disk is
 * loaded node by node or as a whole skeleton, as asked, and reported as loaded so the caller can
 * drop it again; nothing is loaded when loading is off or the trajectory is not stored.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Trajectory, runName } from '../../src/index.js';
import { runGroup, runsGroup } from '../../src/trajectory/run-groups.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-run-groups-');

function storedFile(): string {
  const file = path.join(dir, `t${Math.random().toString(36).slice(2)}.hdf5`);
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [1, 2, 3] });
  for (let i = 0; i < 3; i++) t.f_add_result(`runs.${runName(i)}.out`, { a: i, b: 10 * i });
  t.f_store();
  return file;
}

function loadedSkeletonless(file: string): Trajectory {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ name: 't', load_parameters: 2, load_results: 0 });
  return t;
}

test('in memory: found, not loaded', () => {
  const t = new Trajectory('t', { add_time: false });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [1, 2] });
  t.f_add_result(`runs.${runName(1)}.z`, 5);
  const runs = runsGroup(t, 'results', false)!;
  assert.is(runs.v_full_name, 'results.runs');
  const found = runGroup(t, runs, 1, 'subtree');
  assert.is(found?.group.v_full_name, `results.runs.${runName(1)}`);
  assert.is(found?.loaded, false);
  assert.is(runGroup(t, runs, 0, 'node'), undefined, 'a run without a group, on a trajectory never stored');
  assert.is(runsGroup(t, 'derived_parameters', 'node'), undefined);
});

test('on disk only: nothing without loading; node by node, or the whole skeleton, reported as loaded', () => {
  const file = storedFile();
  const t = loadedSkeletonless(file);
  assert.is(runsGroup(t, 'results', false), undefined, 'not loaded when loading is off');
  const runs = runsGroup(t, 'results', 'node')!;
  assert.is(runs.v_full_name, 'results.runs');
  assert.is(runGroup(t, runs, 2, false), undefined);

  const byNode = runGroup(t, runs, 2, 'node')!;
  assert.is(byNode.loaded, true);
  assert.equal(Object.keys(byNode.group.f_get_children()), [], 'node by node: the run group alone');
  runs._detach(byNode.group);

  const whole = runGroup(t, runs, 2, 'subtree')!;
  assert.is(whole.loaded, true);
  assert.equal(Object.keys(whole.group.f_get_children()), ['out'], 'the skeleton below the run group too');
  assert.is(runGroup(t, runs, 2, 'subtree')?.loaded, false, 'found in memory the second time');
  assert.is(runGroup(t, runs, 7, 'subtree'), undefined, 'a run the file does not hold');
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test.run();
