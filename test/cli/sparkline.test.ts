/**
 * Sparklines: numeric arrays in `get` and `tree` are drawn as `▁▃▆█ 4 values, 0…3` when stdout is
 * a terminal (run under `script`, which gives the program a pseudo-terminal), and stay plain
 * values when piped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { numericSeries, sparkline, sparkPreview } from '../../src/cli/sparkline.js';
import { NDArray } from '../../src/index.js';
import { BIN, h5traj } from './cli-helpers.js';
import { tempDir } from './cli-files.js';

test('sparkline: scaled between minimum and maximum, averaged down to the width, gaps for NaN', () => {
  assert.is(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.is(sparkline([3, 3, 3]), '▁▁▁');
  assert.is(sparkline([0, NaN, 7]), '▁ █');
  assert.is(sparkline(Array.from({ length: 100 }, (_, i) => i), 4), '▁▃▆█');
  assert.is(sparkPreview([0, 0.5, 1000.4]), '▁▁█ 3 values, 0…1000');
});

test('numericSeries: 1-D numeric arrays of two or more values only', () => {
  assert.equal(numericSeries(new Float64Array([1, 2])), [1, 2]);
  assert.equal(numericSeries([1, 2, 3]), [1, 2, 3]);
  assert.equal(numericSeries(new NDArray('float64', [3], new Float64Array([1, 2, 3]))), [1, 2, 3]);
  assert.is(numericSeries([1]), undefined);
  assert.is(numericSeries(['a', 'b']), undefined);
  assert.is(numericSeries(new NDArray('float64', [2, 2], new Float64Array(4))), undefined);
  assert.is(numericSeries(5), undefined);
});

const dir = tempDir();
const FILE = path.join(dir, 'curves.hdf5');
const MODULE = path.join(dir, 'curves.mjs');
fs.writeFileSync(MODULE, `
export function setup(traj) { traj.f_add_parameter('weights', [0.0, 1.0, 2.0, 3.0]); traj.f_add_parameter('k', 1.0); traj.f_explore({ k: [1.0, 2.0] }); }
export function run(traj) { traj.f_add_result('curve', { y: Float64Array.from({ length: 50 }, (_, i) => traj.k * i) }); }
`);

test.before(() => {
  const r = h5traj(['run', MODULE, '--file', FILE, '--quiet']);
  assert.is(r.code, 0, r.stderr);
});

/** Runs h5traj on a pseudo-terminal; returns what it showed, without colours and carriage returns. */
function onTerminal(args: string[]): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout);
  return r.stdout.replace(/\r/g, '').replace(/\x1b\[[0-9;]*m/g, '');
}

test('get and tree draw arrays as sparklines on a terminal, and print values when piped', () => {
  const got = onTerminal(['get', FILE, 'curve.y']);
  assert.match(got, /run_00000000 {2}0 {4}▁▁▂▂▂▂▃▃▃▄▄▄▅▅▅▆▆▆▆▇▇▇██ 50 values, 0…49\n/);
  assert.match(got, /run_00000001 {2}1 {4}▁[▁-█]+ 50 values, 0…98\n/);
  assert.match(h5traj(['get', FILE, 'curve.y']).stdout, /run_00000000 {2}0 {4}\[0,1,2,3,4,5,/);
  assert.match(onTerminal(['tree', FILE, 'parameters']), /weights = ▁▃▆█ 4 values, 0…3 {2}Parameter/);
  assert.match(h5traj(['tree', FILE, 'parameters']).stdout, /weights = \[0\.0, 1\.0, 2\.0, 3\.0\] {2}Parameter/);
});

test('a preview of a million values stays within the argument limit (no spread over the values)', () => {
  const values = Array.from({ length: 1_000_000 }, (_, i) => i / 2);
  assert.match(sparkPreview(values), / 1000000 values, 0…5e\+05$|1000000 values, 0…500000$/);
});

test.run();
