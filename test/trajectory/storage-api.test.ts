/**
 * pypet's storage calls that h5traj lacked (issue 11, gaps 6, 7, 10): annotations set as
 * attributes, f_load({ load_data }), f_load_skeleton, f_store/f_load on groups, overwrite_file on
 * the Trajectory, and a missing output folder.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError, LOAD_DATA, LOAD_NOTHING, LOAD_SKELETON, OVERWRITE_DATA, STORE_DATA_SKIPPING, STORE_NOTHING, Trajectory } from '../../src/index.js';
import { throwsKind, tempDir } from '../helpers.js';

const dir = tempDir('h5traj-storage-api-');
let n = 0;
const fresh = () => join(dir, `f${n++}.hdf5`);

function stored(file: string): Trajectory {
  const traj = new Trajectory('api', { add_time: false, filename: file });
  traj.f_add_parameter('x', 1.5);
  traj.f_add_derived_parameter('d', 2);
  traj.f_add_result('g.r', 3);
  traj.f_store();
  return traj;
}

function reopen(file: string): Trajectory {
  return new Trajectory('api', { add_time: false, filename: file });
}

test('annotations set as attributes are stored and reload, also on nodes stored before', () => {
  const file = fresh();
  const traj = new Trajectory('api', { add_time: false, filename: file });
  traj.f_add_parameter('g.x', 1);
  traj.parameters.g.v_annotations.info = 'hello';
  traj.f_get('x').v_annotations.unit = 'mV';
  traj.v_annotations.who = 'me';
  assert.is(traj.parameters.g.v_annotations.info, 'hello');
  assert.ok('info' in traj.parameters.g.v_annotations);
  traj.f_store();
  traj.parameters.g.v_annotations.later = 3;
  traj.f_get('x').v_annotations.scale = 2.5;
  traj.f_get('x').v_annotations.f_remove('unit');
  traj.f_store();
  const loaded = reopen(file);
  loaded.f_load({ load_data: LOAD_DATA });
  assert.equal(loaded.parameters.g.v_annotations.f_to_dict(), { info: 'hello', later: 3 });
  assert.equal(loaded.f_get('x').v_annotations.f_to_dict(), { scale: 2.5 });
  assert.is(loaded.v_annotations.who, 'me');
  assert.throws(() => loaded.v_annotations.nope, /There is no annotation 'nope'/);
  assert.throws(() => ((loaded.v_annotations as any).f_set = 1), /'f_set' is a member of Annotations/);
});

test('f_load({ load_data }) sets every branch; load_all is its old name', () => {
  const file = fresh();
  stored(file);
  const all = reopen(file);
  all.f_load({ load_data: LOAD_DATA });
  assert.is(all.f_get('results.g.r').f_is_empty(), false);
  assert.is(all.f_get('derived_parameters.d').f_is_empty(), false);
  const none = reopen(file);
  none.f_load({ load_data: LOAD_NOTHING });
  assert.not.ok(none.f_contains('parameters.x'));
  const skeleton = reopen(file);
  skeleton.f_load({ load_data: LOAD_SKELETON, load_parameters: LOAD_DATA });
  assert.ok(skeleton.f_get('parameters.x').f_is_empty(), 'load_data overrides load_parameters');
  throwsKind(() => reopen(file).f_load({ load_data: 2, load_all: 1 }), InvalidArgumentError, /load_all is pypet's old name of load_data/);
});

test('f_load_skeleton loads every node without data', () => {
  const file = fresh();
  stored(file);
  const traj = reopen(file);
  traj.f_load_skeleton();
  for (const name of ['parameters.x', 'derived_parameters.d', 'results.g.r']) assert.ok(traj.f_get(name).f_is_empty(), name);
  assert.is(traj.v_name, 'api');
});

test('f_store and f_load on groups (store_data, load_data, recursive)', () => {
  const file = fresh();
  const traj = stored(file);
  traj.f_add_result('g.s', 4);
  traj.f_add_result('h.t', 5);
  traj.results.g.f_store({ store_data: STORE_NOTHING });
  traj.results.g.f_store();
  traj.results.g.f_store({ store_data: STORE_DATA_SKIPPING });
  const after = reopen(file);
  after.f_load({ load_data: LOAD_DATA });
  assert.is(after.f_get('results.g.s', { fast_access: true }), 4);
  assert.not.ok(after.f_contains('results.h'), 'only the group stored');
  // Overwriting replaces a stored item.
  traj.f_get('results.g.r').f_set(30);
  traj.results.g.f_store({ store_data: OVERWRITE_DATA });
  // A group loads itself and its subtree.
  const partial = reopen(file);
  partial.f_load({ load_data: LOAD_NOTHING });
  partial.results.f_load({ load_data: LOAD_DATA });
  assert.is(partial.f_get('results.g.r', { fast_access: true }), 30);
  assert.is(partial.f_get('results.g.s', { fast_access: true }), 4);
  assert.not.ok(partial.f_contains('parameters.x'));
});

test('Trajectory({ overwrite_file }) replaces the file at the first store', () => {
  const file = fresh();
  writeFileSync(file, 'not an HDF5 file');
  const traj = new Trajectory('api', { add_time: false, filename: file, overwrite_file: true });
  traj.f_add_parameter('x', 1);
  traj.f_store();
  traj.f_add_parameter('y', 2);
  traj.f_store();
  const loaded = reopen(file);
  loaded.f_load({ load_data: LOAD_DATA });
  assert.is(loaded.y, 2);
  assert.is(loaded.x, 1);
});

test('storing creates a missing output folder', () => {
  const file = join(dir, 'new', 'deeper', 'out.hdf5');
  const traj = new Trajectory('api', { add_time: false, filename: file });
  traj.f_add_parameter('x', 1);
  traj.f_store();
  assert.ok(existsSync(file));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
