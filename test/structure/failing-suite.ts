/**
 * A suite that makes temp folders the shared ways and then fails (an assertion, then an uncaught
 * error), run by temp-dirs.test.ts in a fresh TMPDIR to show the folders go even then. Not a test
 * of its own: its name does not end in `.test.ts`, so the suite runs it only through that test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inTempDir, tempDir } from '../helpers.js';

test('a failing test leaves no temp folder', () => {
  fs.writeFileSync(path.join(tempDir('h5traj-failing-'), 'x.hdf5'), 'data');
  inTempDir('failing-inner', (dir) => {
    fs.writeFileSync(path.join(dir, 'y'), 'data');
    assert.unreachable('this suite fails on purpose');
  });
});

test('an error thrown from a test', () => {
  tempDir('h5traj-failing-thrown-');
  throw new Error('thrown on purpose');
});

test.run();
