/**
 * Journals beside a file: only that file's own, and an overwrite removes them only once the new
 * file is in place (a failed overwrite keeps runs a crash left only in a journal).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Environment, ReadOnlyFileError, Trajectory } from '../../src/index.js';
import { journalsBeside } from '../../src/environment/journal.js';
import { explore, tempDir } from './env-helpers.js';

test("a file's journals, not those of a file whose name starts with its name", () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.hdf5');
  for (const name of ['a.hdf5.T.17.journal', 'a.hdf5.x.hdf5.T.18.journal', 'a.hdf5.T.17.journal.lock', 'b.hdf5.T.1.journal']) {
    fs.writeFileSync(path.join(dir, name), '');
  }
  assert.equal(journalsBeside(a), [path.join(dir, 'a.hdf5.T.17.journal')]);
});

test('an overwrite that fails leaves the old journals; one that succeeds removes them', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'o.hdf5');
  const old = new Trajectory('old', { add_time: false, filename: file });
  explore(old);
  old.f_store();
  const journal = path.join(dir, 'o.hdf5.old.1234.journal');
  fs.writeFileSync(journal, 'runs a crash left only here');
  fs.chmodSync(file, 0o444);
  const t = new Trajectory('fresh', { add_time: false });
  explore(t);
  const env = new Environment({ trajectory: t, filename: file, overwrite_file: true, progress: 'quiet' });
  try {
    await env.run((traj: Trajectory) => traj.f_add_result('z', 1));
    assert.unreachable('a read-only file is not overwritten');
  } catch (e) {
    assert.instance(e, ReadOnlyFileError);
  }
  assert.ok(fs.existsSync(journal), 'the journal of the file that is still there is kept');
  fs.chmodSync(file, 0o644);
  const t2 = new Trajectory('fresh', { add_time: false });
  explore(t2);
  await new Environment({ trajectory: t2, filename: file, overwrite_file: true, progress: 'quiet' }).run((traj: Trajectory) => traj.f_add_result('z', 1));
  assert.not.ok(fs.existsSync(journal), 'gone with the file it belonged to');
});

test.run();
