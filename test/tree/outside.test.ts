/**
 * Nodes read from storage outside the tree (a run's result collected by f_get_from_runs) keep
 * their full name as a group name plus a place shared by the nodes of one read: every name
 * property reads as for a node in the tree, and attaching the node gives it its own full name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Result, Trajectory } from '../../src/index.js';

test('a node placed outside the tree reads its full name, location, branch, depth and run branch from the place', () => {
  const place = { under: 'results.runs', relative: 'group.out' };
  const a = new Result('results.runs.run_00000003.group.out', 1);
  const b = new Result('results.runs.run_00000004.group.out', 2);
  a._placeOutside(place, 'run_00000003');
  b._placeOutside(place, 'run_00000004');
  assert.is(a.v_full_name, 'results.runs.run_00000003.group.out');
  assert.is(b.v_full_name, 'results.runs.run_00000004.group.out');
  assert.is(a.v_name, 'out');
  assert.is(a.v_location, 'results.runs.run_00000003.group');
  assert.is(a.v_branch, 'results');
  assert.is(a.v_depth, 5);
  assert.is(a.v_run_branch, 'run_00000003');
  assert.not.ok(a.v_is_root);
  assert.is(String(a), 'Result results.runs.run_00000003.group.out: out=1.0');
});

test('attaching a node placed outside the tree gives it the full name of where it is attached', () => {
  const t = new Trajectory('t', { add_time: false });
  const r = new Result('results.runs.run_00000003.out', 7);
  r._placeOutside({ under: 'results.runs', relative: 'out' }, 'run_00000003');
  t.results.f_add_group('kept')._attachChild(r, 'out');
  assert.is(r.v_full_name, 'results.kept.out');
  assert.is(t.f_get('results.kept.out'), r);
  assert.is(r.v_run_branch, 'trajectory');
});

test.run();
