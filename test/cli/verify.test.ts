/**
 * `h5traj verify`: OK (exit 0, one line) for sound files, one line per problem (exit 1)
 * otherwise; `--json` gives { ok, problems }.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { openH5 } from '../../src/storage/hdf5/engine/open-file.js';
import { resizeRuns } from '../../src/storage/hdf5/layout/overview.js';
import { FIXTURES, h5traj } from './cli-helpers.js';
import { tempDir, writeEmptyRuns, writeW1 } from './cli-files.js';
import { runH5pyJson } from '../helpers.js';

let dir = '';
let W1 = '';
let HOLLOW = '';
let SHRUNK = '';

test.before(async () => {
  dir = tempDir();
  W1 = path.join(dir, 'w1.hdf5');
  await writeW1(W1);
  HOLLOW = path.join(dir, 'hollow.hdf5');
  await writeEmptyRuns(HOLLOW);
  // A damaged copy of W1: its run table cut to 10 rows, so 12 explored values and two run
  // groups no longer have runs.
  SHRUNK = path.join(dir, 'shrunk.hdf5');
  fs.copyFileSync(W1, SHRUNK);
  const f = await openH5(SHRUNK, 'a');
  resizeRuns(f, 'w1', 10);
  f.close();
});

/** Object-header addresses of the datasets under `prefix` (h5py's view), so a test damages data it reads. */
function datasetHeaders(file: string, prefix: string): Map<string, number> {
  const script = `import h5py, json, sys
out = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset) and name.startswith(sys.argv[2]): out['/' + name] = h5py.h5o.get_info(obj.id).addr
with h5py.File(sys.argv[1], 'r') as f: f.visititems(visit)
print(json.dumps(out))`;
  return new Map(Object.entries(runH5pyJson<Record<string, number>>(script, file, prefix)));
}

interface Report { ok: boolean; problems: string[]; trajectories: { name: string; runs: number; completed: number; explored: number }[] }

test('every pypet reference file verifies', () => {
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.hdf5'))) {
    const r = h5traj(['verify', path.join(FIXTURES, file)]);
    assert.is(r.code, 0, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^OK: /);
    assert.is(r.stdout.trimEnd().split('\n').length, 1);
  }
});

test('an h5traj-written file verifies, with its counts in the OK line and in JSON', () => {
  const r = h5traj(['verify', W1]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.stdout, 'OK: w1 (12 runs, 12 completed, 3 explored parameters).\n');
  const j = h5traj(['verify', W1, '--json']);
  assert.equal(JSON.parse(j.stdout), { ok: true, file: W1, problems: [], trajectories: [{ name: 'w1', runs: 12, completed: 12, explored: 3 }] });
});

test('completed runs that stored nothing: one problem line per run, exit 1', () => {
  const r = h5traj(['verify', HOLLOW]);
  assert.is(r.code, 1);
  assert.equal(r.stdout.trimEnd().split('\n'), [0, 1, 2].map((i) =>
    `hollow: run_0000000${i} is marked completed, but neither results.runs.run_0000000${i} nor derived_parameters.runs.run_0000000${i} exists.`));
  assert.match(r.stderr, /3 problems found/);
  const j = JSON.parse(h5traj(['verify', HOLLOW, '--json']).stdout) as Report;
  assert.is(j.ok, false);
  assert.is(j.problems.length, 3);
});

test('a run table shorter than the explored ranges: ranges and orphaned run groups are named', () => {
  const r = h5traj(['verify', SHRUNK, '--json']);
  assert.is(r.code, 1);
  const j = JSON.parse(r.stdout) as Report;
  assert.is(j.ok, false);
  assert.ok(j.problems.includes('w1: results.runs.run_00000010 belongs to no run in the overview\'s run table (the trajectory has 10 runs).'), j.problems.join('\n'));
  assert.ok(j.problems.includes('w1: results.runs.run_00000011 belongs to no run in the overview\'s run table (the trajectory has 10 runs).'));
  for (const p of ['mode', 'x', 'y']) assert.ok(j.problems.includes(`w1: parameters.${p} is explored over 12 values, but the trajectory has 10 runs.`), j.problems.join('\n'));
  assert.is(j.problems.length, 5);
});

test('files that do not open are problems too: missing, not HDF5, truncated', () => {
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'hello');
  const cut = path.join(dir, 'cut.hdf5');
  fs.writeFileSync(cut, fs.readFileSync(path.join(FIXTURES, 'params_basic.hdf5')).subarray(0, 4000));
  for (const [file, pattern] of [[path.join(dir, 'missing.hdf5'), /does not exist/], [text, /not an HDF5 file/], [cut, /truncated|cut short|incomplete/i]] as const) {
    const r = h5traj(['verify', file]);
    assert.is(r.code, 1, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, pattern);
    const j = JSON.parse(h5traj(['verify', file, '--json']).stdout) as Report;
    assert.is(j.ok, false);
    assert.match(j.problems[0]!, pattern);
  }
});

test('--trajectory checks one trajectory of a file that holds several', () => {
  const file = path.join(FIXTURES, 'two_trajectories.hdf5');
  assert.match(h5traj(['verify', file]).stdout, /^OK: first \(2 runs, 0 completed, 1 explored parameter\); second \(1 run, 0 completed, 0 explored parameters\)\.\n$/);
  assert.match(h5traj(['verify', file, '--trajectory', 'second']).stdout, /^OK: second /);
  const r = h5traj(['verify', file, '--trajectory', 'third']);
  assert.is(r.code, 1);
  assert.match(r.stdout, /third: it cannot be loaded: .*no trajectory 'third'/);
});

test('a file with damaged object headers: one problem per damaged object, naming it, and exit 1', () => {
  // The object headers of three datasets of different runs, a byte changed in their messages
  // past the prefix (datasets, so that no damaged object hides another one below it).
  const bytes = fs.readFileSync(W1);
  const runData = datasetHeaders(W1, 'w1/results/runs/');
  const damaged = ['run_00000002', 'run_00000005', 'run_00000009'].map((run) => [...runData].find(([p]) => p.includes(`/${run}/`))![1]);
  for (const at of damaged) assert.is(bytes.toString('latin1', at, at + 4), 'OHDR', `an object header at ${at}`);
  for (const at of damaged) bytes[at + 20] = bytes[at + 20]! ^ 0x10;
  const file = path.join(dir, 'damaged.hdf5');
  fs.writeFileSync(file, bytes);
  const r = h5traj(['verify', file]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, 3, r.stdout);
  for (const at of damaged) assert.ok(lines.some((l) => new RegExp(`^The object header at address ${at} \\(/w1/[^)]+\\) in '.*damaged\\.hdf5' fails its checksum: the file is corrupt\\.$`).test(l)), `${at}: ${r.stdout}`);
  assert.match(r.stderr, /3 problems found/);
  const j = JSON.parse(h5traj(['verify', file, '--json']).stdout) as Report;
  assert.is(j.ok, false);
  assert.is(j.problems.length, 3);
});

test('h5wasm (H5TRAJ_ENGINE=wasm) on a damaged file: one sentence naming it, no HDF5-DIAG, no "unexpected error"', () => {
  const bytes = fs.readFileSync(W1);
  // The run table, which every command reads (not, say, an overview table that dump skips).
  const at = datasetHeaders(W1, 'w1/overview/runs').get('/w1/overview/runs')!;
  bytes[at + 20] = bytes[at + 20]! ^ 0x10;
  const file = path.join(dir, 'damaged-wasm.hdf5');
  fs.writeFileSync(file, bytes);
  for (const command of ['dump', 'info', 'verify']) {
    const r = h5traj([command, file], { env: { H5TRAJ_ENGINE: 'wasm' } });
    assert.is(r.code, 1, `${command}: ${r.stdout}${r.stderr}`);
    const all = r.stdout + r.stderr;
    assert.not.match(all, /HDF5-DIAG|unexpected error|\n\s+at /, `${command}: ${all}`);
    assert.match(all, /HDF5 cannot read '.*damaged-wasm\.hdf5': .*checksum.*\. The file is damaged or not a complete HDF5 file\./, `${command}: ${all}`);
    const lines = all.trimEnd().split('\n');
    assert.ok(lines.length <= 2, `${command}: ${all}`); // verify adds its count line on stderr
  }
});

test.run();
