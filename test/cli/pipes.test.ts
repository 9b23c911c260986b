/**
 * Long outputs end quietly when the reader goes away (`h5traj export … | head`): exit 0 and
 * nothing on stderr, for streamed CSV, the tree as text and as JSON.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { tempDir, writeBig } from './cli-files.js';
import { h5trajClosingEarly } from './cli-spawn.js';

let BIG = '';

test.before(() => {
  BIG = path.join(tempDir(), 'big.hdf5');
  writeBig(BIG, 3000);
});

for (const args of [
  ['export', '--format', 'csv'],
  ['export', '--format', 'jsonl', '--results', 'z'],
  ['tree'],
  ['tree', 'parameters', '--json'],
  ['find'],
]) {
  test(`${args.join(' ')}: a reader that closes after the first chunk ends it quietly`, async () => {
    const [command, ...rest] = args;
    const r = await h5trajClosingEarly([command!, BIG, ...rest]);
    assert.is(r.code, 0, `signal ${r.signal}; stderr: ${r.stderr}`);
    assert.is(r.stderr, '');
    assert.ok(r.stdout.length > 0);
  });
}

test.run();
