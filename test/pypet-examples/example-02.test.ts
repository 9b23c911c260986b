/**
 * Port of pypet's examples/example_02_trajectory_access_and_storage.py, line by line: natural
 * naming, shortcuts, a NotUniqueNodeError, str() of a parameter, the func/vars aliases,
 * overwrite_file on the Trajectory, storing single items and loading them later. The lines are
 * those the Python script prints (the repr of the exception aside).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NotUniqueNodeError, Trajectory } from '../../src/index.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir, tempDir } from '../helpers.js';

test('example_02 prints what pypet prints', async () => {
  const dir = tempDir('h5traj-ex02-');
  const printed: string[] = [];
  try {
    const filename = join(dir, 'hdf5', 'example_02.hdf5');
    let traj = new Trajectory('Example', { filename, overwrite_file: true, comment: 'Access and Storage!' });
    traj.f_add_parameter('starwars.characters.han_solo', 'Harrison Ford');
    let characters = traj.parameters.starwars.characters;
    characters = traj.characters;
    characters = traj.f_get('characters');
    characters = traj['characters'];
    characters.f_add_parameter('luke_skywalker', 'Mark Hamill', { comment: 'May the force be with you!' });
    printed.push(`The full name of the new Skywalker Parameter is ${traj.f_get('luke_skywalker').v_full_name}`);
    traj.f_add_parameter_group('spaceballs.characters');
    try {
      traj.characters;
    } catch (e) {
      if (!(e instanceof NotUniqueNodeError)) throw e;
      printed.push('Damn it, there are two characters groups in the trajectory');
      assert.equal(e.candidates, ['parameters.spaceballs.characters', 'parameters.starwars.characters']);
    }
    characters = traj.starwars.characters;
    printed.push(`The name of the actor playing Luke is ${traj.luke_skywalker}.`);
    traj.v_fast_access = false;
    printed.push(`The object found for luke_skywalker is \`${String(traj.luke_skywalker)}\`.`);
    traj.f_store();
    traj.f_add_result('starwars.gross_income_of_film', { amount: 10.1 ** 11, currency: '$$$' }, { comment: 'George Lucas is rich, dude!' });
    traj.f_store_item('gross_income_of_film');
    traj.gross_income_of_film.f_empty();
    traj.func.add_result('starwars.robots', { c3p0: 'android', r2d2: 'beeep!' }, { comment: 'Help me Obiwan!' });
    printed.push(traj.results.starwars.robots.vars.comment);

    traj = new Trajectory(undefined, { filename });
    traj.f_load({ index: -1, load_parameters: 2, load_results: 1 });
    printed.push(traj.gross_income_of_film.f_is_empty() ? 'Nothing there!' : 'I found something!');
    traj.f_load_item('gross_income_of_film');
    printed.push(
      traj.gross_income_of_film.f_is_empty()
        ? 'Still empty :-('
        : `George Lucas earned ${String(traj.gross_income_of_film.amount)}${traj.gross_income_of_film.currency}!`,
    );
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(printed, [
    'The full name of the new Skywalker Parameter is parameters.starwars.characters.luke_skywalker',
    'Damn it, there are two characters groups in the trajectory',
    'The name of the actor playing Luke is Mark Hamill.',
    "The object found for luke_skywalker is `Parameter parameters.starwars.characters.luke_skywalker (`May the force be with you!`): 'Mark Hamill'`.",
    'Help me Obiwan!',
    'Nothing there!',
    'George Lucas earned 111566834666.53162$$$!', // python3: str(10.1**11)
  ]);
});

test('example_02: overwrite_file replaces what was in the file', () => {
  inTempDir('ex02', (dir) => {
    const filename = join(dir, 'example_02.hdf5');
    writeFileSync(filename, 'an old, unreadable file');
    const traj = new Trajectory('Example', { add_time: false, filename, overwrite_file: true });
    traj.f_add_parameter('x', 1);
    traj.f_store();
    const loaded = new Trajectory(undefined, { filename });
    loaded.f_load({ index: -1, load_data: 2 });
    assert.is(loaded.v_name, 'Example');
  });
});

test.run();
