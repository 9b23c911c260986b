/**
 * h5traj's merge of two pypet-written trajectories dumps like pypet's own merge of the same
 * inputs (`merge_plain.hdf5`): the same runs, values and order; times and the details of the
 * `config.merge` record aside. Compared through the built `h5traj dump --json`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { parseManifest } from '../../src/cli/manifest-values.js';
import { FIXTURES, h5traj } from '../cli/cli-helpers.js';
import { fixtureCopies, loadAll, loadParameters, tempDir } from './merge-helpers.js';

type Manifest = Record<string, any>;

function dump(file: string): Manifest {
  const r = h5traj(['dump', file, '--json']);
  assert.is(r.code, 0, r.stderr);
  return parseManifest(r.stdout) as Manifest;
}

const notMerge = (x: { full_name: string }) => !x.full_name.startsWith('config.merge');

/**
 * pypet rewrites the summary of merged runs with the explored parameters in its load order
 * (`trial: 0,   x: 3.0`); h5traj keeps the order they were explored in (`x: 3.0,   trial: 0`).
 * The same parts either way.
 */
const summaryParts = (s: string) => s.split(',   ').sort();

test('merging merge_plain_b into merge_plain dumps like pypet merge_plain.hdf5', () => {
  const dir = tempDir();
  const [a, b] = fixtureCopies(dir, 'merge_plain_a.hdf5', 'merge_plain_b.hdf5');
  const ta = loadParameters(a!, 'merge_plain');
  const summary = ta.f_merge(loadParameters(b!, 'merge_plain_b'));
  assert.is(summary.merged_runs, 2);
  assert.equal(summary.changed_parameters.sort(), ['parameters.trial', 'parameters.x']);

  const ours = dump(a!);
  const expected = parseManifest(fs.readFileSync(path.join(FIXTURES, 'merge_plain.json'), 'utf8')) as Manifest;
  assert.equal(ours.trajectory, expected.trajectory);
  assert.equal(ours.explored_parameters, expected.explored_parameters);
  assert.equal(ours.run_names, expected.run_names);
  assert.equal(ours.links, expected.links);
  const runs = (m: Manifest) => m.run_information.map((r: Record<string, any>) => ({ ...r, parameter_summary: summaryParts(r.parameter_summary) }));
  assert.equal(runs(ours), runs(expected));
  assert.equal(ours.groups.filter(notMerge), expected.groups.filter(notMerge));
  assert.equal(ours.leaves.filter(notMerge), expected.leaves.filter(notMerge));

  // The merge record has pypet's entries; its SHA-1 is pypet's (same names and timestamps).
  const record = (m: Manifest) =>
    Object.fromEntries(m.leaves.filter((l: { full_name: string }) => !notMerge(l)).map((l: Manifest) => [l.full_name.split('.').slice(3).join('.'), l]));
  const mine = record(ours);
  const theirs = record(expected);
  assert.equal(Object.keys(mine).sort(), Object.keys(theirs).sort());
  for (const key of ['hexsha', 'merged_runs', 'remove_duplicates', 'other_trajectory.name', 'other_trajectory.length', 'other_trajectory.timestamp']) {
    assert.equal(mine[key].value, theirs[key].value, key);
    assert.is(mine[key].comment, theirs[key].comment, key);
  }
  // pypet 0.7 records len(self) *after* the merge here; h5traj records what the name says.
  assert.equal(mine.length_before_merge.value, { type: 'int', value: 2 });
  assert.equal(ours.groups.find((g: { full_name: string }) => g.full_name === 'config.merge').comment, 'Settings and information of the different merges');
});

test('the merged pypet trajectory loads with every run and result in the library', () => {
  const dir = tempDir();
  const [a, b] = fixtureCopies(dir, 'merge_plain_a.hdf5', 'merge_plain_b.hdf5');
  loadParameters(a!, 'merge_plain').f_merge(loadParameters(b!, 'merge_plain_b'));
  const t = loadAll(a!, 'merge_plain');
  assert.equal(t.f_get('x').f_get_range(), [1, 2, 3, 4]);
  assert.equal(t.f_get('trial').f_get_range(), [0, 0, 0, 0]);
  assert.equal([...t.f_get_from_runs('out', { fast_access: true }).values()], [10, 20, 30, 40]);
  assert.equal([...t.f_get_from_runs('dbl', { where: 'derived_parameters', fast_access: true }).values()], [2, 4, 6, 8]);
  // The other trajectory's environment record came along (merge_config).
  assert.is(t.f_get('config.environment').f_children(), 2);
});

test('a trial parameter renumbers the other trajectory\'s trials (pypet\'s merged_trial)', () => {
  const dir = tempDir();
  const [a, b] = fixtureCopies(dir, 'merge_plain_a.hdf5', 'merge_plain_b.hdf5');
  const ta = loadParameters(a!, 'merge_plain');
  const summary = ta.f_merge(loadParameters(b!, 'merge_plain_b'), { trial_parameter: 'trial' });
  assert.is(summary.merged_runs, 2);
  assert.equal(ta.f_get('trial').f_get_range(), [0, 0, 1, 1]);
  const t = loadAll(a!, 'merge_plain');
  assert.equal(t.f_get('trial').f_get_range(), [0, 0, 1, 1]);
  assert.equal(t.f_get('x').f_get_range(), [1, 2, 3, 4]);
  assert.is(t.f_get_run_information(3).parameter_summary, 'x: 4.0,   trial: 1');
  const record = summary.others[0]!.merge_record!;
  assert.is(t.f_get(`${record}.trial_parameter`).f_get(), 'parameters.trial');
});

test('remove_duplicates drops the runs of a trajectory merged with a copy of itself, and says so', () => {
  const dir = tempDir();
  const [a] = fixtureCopies(dir, 'merge_plain_a.hdf5');
  const copy = path.join(dir, 'copy.hdf5');
  fs.copyFileSync(a!, copy);
  const [b] = fixtureCopies(dir, 'merge_plain_b.hdf5');
  const ta = loadParameters(a!, 'merge_plain');
  // The copy only duplicates: nothing would be merged, so the merge is refused.
  const before = fs.readFileSync(a!);
  assert.throws(() => ta.f_merge(loadParameters(copy, 'merge_plain'), { remove_duplicates: true }), /would add no run/);
  assert.ok(fs.readFileSync(a!).equals(before), 'nothing was written');
  // First b (2 new runs), then the copy of a plus b's runs: all 4 are duplicates now → refused;
  // merging b again with duplicates removed is refused as well.
  const s1 = ta.f_merge(loadParameters(b!, 'merge_plain_b'), { remove_duplicates: true });
  assert.is(s1.merged_runs, 2);
  assert.is(s1.duplicates_removed, 0);
  assert.throws(() => ta.f_merge(loadParameters(b!, 'merge_plain_b'), { remove_duplicates: true }), /would add no run/);
});

test.run();
