/**
 * `h5traj dump --json` on every pypet reference file gives what pypet itself reported (the JSON
 * manifest beside each file): names, classes, comments, annotations, values and dtypes, explored
 * ranges, run names and run information. Pickled objects h5traj cannot decode are listed with
 * their class and an `unsupported` value.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { parseManifest } from '../../src/cli/manifest-values.js';
import { FIXTURES, h5traj } from './cli-helpers.js';
import { tempDir } from '../helpers.js';

const KEYS = ['trajectory', 'explored_parameters', 'run_names', 'run_information', 'groups', 'links', 'leaves'] as const;

/** pypet's `object:<class>` values are `unsupported` in h5traj; keep only the type for comparing. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && (o.type.startsWith('object:') || o.type === 'unsupported')) return { type: 'unsupported' };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

function manifestsOf(m: Record<string, unknown>): Record<string, Record<string, unknown>> {
  if (m.trajectories) return m.trajectories as Record<string, Record<string, unknown>>;
  return { [(m.trajectory as { name: string }).name]: m };
}

const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.hdf5')).sort();

test('there are pypet reference files to compare', () => {
  assert.ok(files.length >= 8, `found ${files.join(', ')}`);
});

for (const file of files) {
  test(`dump --json of ${file} matches pypet's manifest`, () => {
    const r = h5traj(['dump', path.join(FIXTURES, file), '--json']);
    assert.is(r.code, 0, r.stderr);
    const ours = manifestsOf(parseManifest(r.stdout) as Record<string, unknown>);
    const expected = manifestsOf(parseManifest(fs.readFileSync(path.join(FIXTURES, file.replace('.hdf5', '.json')), 'utf8')) as Record<string, unknown>);
    assert.equal(Object.keys(ours).sort(), Object.keys(expected).sort());
    for (const [name, exp] of Object.entries(expected)) {
      for (const key of KEYS) {
        assert.equal(normalize(ours[name]![key]), normalize(exp[key]), `${file} ${name}: ${key}`);
      }
    }
  });
}

test('pickled objects h5traj cannot decode are listed with their class and a reason', () => {
  const r = h5traj(['dump', path.join(FIXTURES, 'results_types.hdf5'), '--json']);
  const m = parseManifest(r.stdout) as { leaves: { full_name: string; class_name: string; value: { type: string; reason: string } }[] };
  const fraction = m.leaves.find((l) => l.full_name === 'parameters.pickled.fraction')!;
  assert.is(fraction.class_name, 'PickleParameter');
  assert.is(fraction.value.type, 'unsupported');
  assert.match(fraction.value.reason, /fractions\.Fraction/);
  const dict = m.leaves.find((l) => l.full_name === 'parameters.pickled.obj')!;
  assert.is(dict.value.type, 'dict');
});

test('bad files: exit 1 and one line on stderr naming the file', () => {
  const dir = tempDir('h5traj-cli-');
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'hello');
  const truncated = path.join(dir, 'cut.hdf5');
  fs.writeFileSync(truncated, fs.readFileSync(path.join(FIXTURES, 'params_basic.hdf5')).subarray(0, 4000));
  for (const [file, pattern] of [
    [text, /not an HDF5 file/],
    [truncated, /truncated|cut short|incomplete/i],
    [path.join(dir, 'missing.hdf5'), /does not exist/],
  ] as const) {
    const r = h5traj(['dump', file, '--json']);
    assert.is(r.code, 1, `${file}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.ok(r.stderr.includes(file), r.stderr);
  }
});

test('a missing trajectory name lists the names found', () => {
  const r = h5traj(['dump', path.join(FIXTURES, 'two_trajectories.hdf5'), '--trajectory', 'third']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no trajectory 'third'; it holds: first, second/);
});

test('usage errors exit 2 with a usage hint', () => {
  const r = h5traj(['dump']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /h5traj --help/);
  const r2 = h5traj(['frobnicate', 'x']);
  assert.is(r2.code, 2);
});

test.run();
