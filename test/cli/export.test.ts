/**
 * `h5traj export`: the records of f_to_records, streamed as CSV or JSON lines, to stdout or
 * atomically to a file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Trajectory } from '../../src/index.js';
import { FIXTURES, h5traj } from './cli-helpers.js';
import { tempDir, writeBig, writeW1 } from './cli-files.js';
import { INTERRUPT_PAUSE_ENV } from '../../src/cli/interrupt.js';
import { h5trajInterrupted } from './cli-spawn.js';

const ENV_RUN = path.join(FIXTURES, 'env_run.hdf5');
const GRID = path.join(FIXTURES, 'explored_grid.hdf5');
let dir = '';
let W1 = '';
let BIG = '';

test.before(async () => {
  dir = tempDir();
  W1 = path.join(dir, 'w1.hdf5');
  await writeW1(W1);
  BIG = path.join(dir, 'big.hdf5');
  writeBig(BIG, 3000);
});

/** Splits simple CSV (no quoted commas in these files) into objects by the header. */
function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trimEnd().split('\n');
  const cols = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i]!, v])));
}

test('CSV of W1: a header, one line per run, the items asked for', () => {
  const r = h5traj(['export', W1, '--format', 'csv', '--results', 'out.a,out.b,out.c']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const header = r.stdout.split('\n')[0]!.split(',');
  assert.equal(header.slice(0, 3), ['run', 'idx', 'completed']);
  assert.equal(header.slice(3, 6).sort(), ['mode', 'x', 'y']);
  assert.equal(header.slice(6), ['out.a', 'out.b', 'out.c']);
  const rows = parseCsv(r.stdout);
  assert.is(rows.length, 12);
  assert.equal(rows[4], { run: 'run_00000004', idx: '4', completed: 'true', mode: 'alpha', x: '1', y: '2', 'out.a': '2', 'out.b': '3', 'out.c': '4' });
  assert.equal(rows.map((row) => Number(row['out.a'])), rows.map((row) => Number(row.x) * Number(row.y)));
});

test('JSON lines are exactly the library\'s f_to_records (auto_load) records', () => {
  const results = ['out.a', 'out.b', 'out.c', 'out.arr', 'out'];
  const r = h5traj(['export', W1, '--format', 'jsonl', '--results', results.join(',')]);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const traj = new Trajectory('w1', { add_time: false, filename: W1 });
  traj.f_load({ load_parameters: 2, load_derived_parameters: 0, load_results: 0, load_other_data: 0 });
  const expected = [...traj.f_to_records({ results: results.slice(0, 4), auto_load: true })];
  assert.is(lines.length, expected.length);
  lines.forEach((line, i) => {
    const { out, ...rest } = line;
    assert.equal(rest, JSON.parse(JSON.stringify(expected[i])));
    // The whole multi-item result is a cell of text holding its items.
    assert.equal(Object.keys(JSON.parse(out as string)).sort(), ['a', 'arr', 'b', 'c']);
  });
  assert.equal(lines[2]!['out.arr'], '[1.5,2.5,3.5]');
});

test('--json is --format jsonl', () => {
  const a = h5traj(['export', ENV_RUN, '--json', '--results', 'z']);
  const b = h5traj(['export', ENV_RUN, '--format', 'jsonl', '--results', 'z']);
  assert.is(a.code, 0, a.stderr);
  assert.is(a.stdout, b.stdout);
  assert.equal(a.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).z), [1, 2, 3, 2, 4, 6]);
});

test('--where filters runs (expressions or JSON, repeatable)', () => {
  const r = h5traj(['export', W1, '--format', 'csv', '--where', 'mode=beta', '--where', 'x<1', '--results', 'out.c']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(parseCsv(r.stdout).map((row) => row['out.c']), ['6', '9']);
  const j = h5traj(['export', W1, '--json', '--where', '{"y": 2, "x": {"$gte": 1.5}}']);
  assert.equal(j.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).idx), [5, 11]);
});

test('pypet files: results of env_run; a grid never run has no result to export', () => {
  const env = parseCsv(h5traj(['export', ENV_RUN, '--format', 'csv', '--results', 'z,stats.mean,stats.label']).stdout);
  assert.equal(env.map((row) => [row.z, row['stats.mean'], row['stats.label']]), [
    ['1', '1', 'x=1.0 y=1'], ['2', '1.5', 'x=1.0 y=2'], ['3', '2', 'x=1.0 y=3'],
    ['2', '1.5', 'x=2.0 y=1'], ['4', '2', 'x=2.0 y=2'], ['6', '2.5', 'x=2.0 y=3'],
  ]);
  const none = h5traj(['export', GRID, '--format', 'csv', '--results', 'z']);
  assert.is(none.code, 1);
  assert.match(none.stderr, /^h5traj: No run of '[^']+' has 'z' \(looked below results\.runs and derived_parameters\.runs\); the runs have no results stored\.\n$/);
  const grid = parseCsv(h5traj(['export', GRID, '--format', 'csv']).stdout);
  assert.is(grid.length, 12);
  assert.ok(grid.every((row) => row.completed === 'false'));
  assert.equal(grid.map((row) => `${row.x}/${row.y}`).slice(0, 5), ['0.5/10', '0.5/20', '0.5/30', '0.5/40', '1/10']);
});

test('runs shaped differently (items missing, results deeper, no results) each export their own values', () => {
  // The export resolves names once per run shape and reads runs shaped the same straight from
  // the file; every change of shape must be noticed.
  const file = path.join(dir, 'shapes.hdf5');
  const traj = new Trajectory('shapes', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0);
  traj.f_explore({ x: [0, 1, 2, 3, 4, 5] });
  for (const _ of traj.f_iter_runs()) {
    const i = traj.v_idx;
    if (i === 2) traj.f_add_result('out', { a: 20 });
    else if (i === 3) traj.f_add_result('g.out', { a: 30, b: 31 });
    else if (i !== 4) traj.f_add_result('out', { a: 10 * i, b: 10 * i + 1 });
  }
  traj.f_store();
  const r = h5traj(['export', file, '--format', 'csv', '--results', 'out.a,out.b']);
  assert.is(r.code, 0, r.stderr);
  const rows = parseCsv(r.stdout);
  assert.equal(rows.map((row) => [row['out.a'], row['out.b']]), [['0', '1'], ['10', '11'], ['20', ''], ['30', '31'], ['', ''], ['50', '51']]);
});

test('no matching run: CSV still has its header', () => {
  const r = h5traj(['export', W1, '--format', 'csv', '--where', 'x>10', '--results', 'out.a']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split('\n').length, 1);
  assert.match(r.stdout, /^run,idx,completed,.*out\.a\n$/);
});

test('--out writes the file atomically and nothing to stdout', () => {
  const target = path.join(dir, 'w1.csv');
  const r = h5traj(['export', W1, '--format', 'csv', '--results', 'out.a', '--out', target]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.is(fs.readFileSync(target, 'utf8'), h5traj(['export', W1, '--format', 'csv', '--results', 'out.a']).stdout);
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('--out into a missing folder fails (exit 1) and leaves nothing behind', () => {
  const r = h5traj(['export', W1, '--format', 'csv', '--out', path.join(dir, 'no', 'such', 'x.csv')]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /folder .* does not exist/);
});

test('a failed export leaves an existing --out file as it was', () => {
  const target = path.join(dir, 'keep.csv');
  fs.writeFileSync(target, 'old\n');
  const r = h5traj(['export', W1, '--format', 'csv', '--where', 'nope=1', '--out', target]);
  assert.is(r.code, 1);
  assert.is(fs.readFileSync(target, 'utf8'), 'old\n');
});

test('Ctrl-C stops an export with exit 130, no temporary file and no partial output file', async () => {
  const target = path.join(dir, 'interrupted.csv');
  // The export waits after its first chunk until the signal comes (INTERRUPT_PAUSE_ENV): the
  // test sends it on that event, with part of the output already in the temporary file.
  const streaming = (stderr: string) =>
    stderr.includes('h5traj: waiting for Ctrl-C') &&
    fs.readdirSync(dir).some((f) => f.startsWith('.interrupted.csv.') && (fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0) > 0);
  const r = await h5trajInterrupted(['export', BIG, '--format', 'csv', '--results', 'z', '--out', target], streaming, { [INTERRUPT_PAUSE_ENV]: '600000' });
  assert.is(r.code, 130, `${r.code} ${r.signal} ${r.stderr}`);
  assert.match(r.stderr, /interrupted/);
  assert.not.ok(fs.existsSync(target));
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('usage errors: no format, an unknown format, --json with csv, an empty result name', () => {
  for (const args of [
    ['export', W1],
    ['export', W1, '--format', 'xml'],
    ['export', W1, '--json', '--format', 'csv'],
    ['export', W1, '--format', 'csv', '--results', 'out.a,,out.b'],
  ]) {
    const r = h5traj(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
  }
});

test.run();
