/**
 * pypet's load constant OVERWRITE_DATA (3): the data on disk replaces what is in memory, for
 * `traj.f_load` and for a group's `f_load` (pypet's example 16 reloads `results` this way).
 * A number that is no load mode is refused instead of loading a skeleton silently.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError, LOAD_DATA, OVERWRITE_DATA, Trajectory } from '../../src/index.js';
import { tempDir } from '../helpers.js';

function stored(dir: string): Trajectory {
  const traj = new Trajectory('ow', { add_time: false, filename: join(dir, 'ow.hdf5') });
  traj.f_add_parameter('x', 1.5);
  traj.f_add_result('r', 'on disk');
  traj.f_store();
  return traj;
}

test('group f_load with OVERWRITE_DATA replaces the values in memory; LOAD_DATA keeps them', () => {
  const dir = tempDir('h5traj-ow-');
  try {
    const traj = stored(dir);
    traj.r = 'in memory';
    traj.results.f_load({ load_data: LOAD_DATA });
    assert.is(traj.r, 'in memory');
    traj.results.f_load({ load_data: OVERWRITE_DATA });
    assert.is(traj.r, 'on disk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('traj.f_load with OVERWRITE_DATA replaces results and parameters in memory', () => {
  const dir = tempDir('h5traj-ow-');
  try {
    const traj = stored(dir);
    traj.r = 'in memory';
    traj.f_get('x').f_unlock();
    traj.f_get('x').f_set(2.5);
    traj.f_load({ load_data: OVERWRITE_DATA });
    assert.is(traj.r, 'on disk');
    assert.is(traj.x, 1.5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a number that is no load mode is refused, naming the modes', () => {
  const dir = tempDir('h5traj-ow-');
  try {
    const traj = stored(dir);
    assert.throws(() => traj.results.f_load({ load_data: 4 }), (e: unknown) => e instanceof InvalidArgumentError && /^4 is not one of pypet's load modes: .*3 \(OVERWRITE_DATA\)/.test(e.message));
    assert.throws(() => traj.f_load({ load_data: 7 as any }), (e: unknown) => e instanceof InvalidArgumentError && /^7 is not one of pypet's load modes/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
