/**
 * Long outputs end quietly when the reader goes away (`h5traj export … | head`): exit 0 and
 * nothing on stderr, for streamed CSV, the tree as text and as JSON, `find`, and `get` (table and
 * JSON, written as the runs are read).
 *
 * Each output must be far longer than what the pipe buffers (64 KiB on Linux) plus the chunk the
 * reader takes, or the command finishes writing before the reader leaves and the test proves
 * nothing (or, for `find`, sees its closing summary on stderr). The test checks that premise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { tempDir, writeBig } from './cli-files.js';
import { h5trajClosingEarly } from './cli-spawn.js';
import { h5traj } from './cli-helpers.js';

const PIPE_BUFFER = 65536;
let BIG = '';

test.before(() => {
  BIG = path.join(tempDir(), 'big.hdf5');
  writeBig(BIG, 20000);
});

for (const args of [
  ['export', '--format', 'csv'],
  ['export', '--format', 'jsonl', '--results', 'z'],
  ['tree'],
  ['tree', 'parameters', '--json'],
  ['find'],
  ['get', 'z'],
  ['get', 'z', '--json'],
]) {
  test(`${args.join(' ')}: a reader that closes after the first chunk ends it quietly`, async () => {
    const [command, ...rest] = args;
    const whole = h5traj([command!, BIG, ...rest]);
    assert.ok(whole.stdout.length > 4 * PIPE_BUFFER, `the whole output is only ${whole.stdout.length} bytes`);
    const r = await h5trajClosingEarly([command!, BIG, ...rest]);
    assert.is(r.code, 0, `signal ${r.signal}; stderr: ${r.stderr}`);
    assert.is(r.stderr, '');
    assert.ok(r.stdout.length > 0);
  });
}

test.run();
