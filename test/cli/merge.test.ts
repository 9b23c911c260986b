/**
 * `h5traj merge`: shards written by `h5traj run --shard` join, in a new file, into what one
 * machine writes — `h5traj dump` equal except config (provenance, merge records) and times —
 * for an exploration whose results depend on the run index; the order of the parts does not
 * matter; a missing shard is reported; `h5traj info` says which block a shard file holds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { h5traj } from './cli-helpers.js';
import { writeSeededModule } from '../merge/seeded.js';
import { scienceDump } from './science-dump.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-merge-cli-');
const MODULE = path.join(dir, 'sim.mjs');
fs.writeFileSync(MODULE, `
export const name = 'sim';
export function setup(traj) {
  traj.f_add_parameter('x', 1.0);
  traj.f_add_parameter('y', 1.0);
  traj.f_explore({ x: [1, 1, 2, 2, 3, 3, 4], y: [1, 2, 1, 2, 1, 2, 1] });
}
export function run(traj) { traj.f_add_result('z', traj.x * 10 + traj.y, { comment: 'z' }); }
`);
const SEEDED = writeSeededModule(dir);

function run(args: string[]): void {
  const r = h5traj(['run', ...args, '--quiet']);
  assert.is(r.code, 0, r.stderr);
}

const single = path.join(dir, 'single.hdf5');
run([SEEDED, '--file', single]);

/** Runs the seeded exploration as n shards into `<tag>/shard-K-of-N.hdf5`. */
function shards(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, k) => {
    const file = path.join(dir, tag, `shard-${k}-of-${n}.hdf5`);
    run([SEEDED, '--file', file, '--shard', `${k}/${n}`]);
    return file;
  });
}

for (const n of [2, 4]) {
  test(`${n} shards merged into a new file equal one machine's file (h5traj dump)`, () => {
    const parts = shards(n, `p${n}`);
    const out = path.join(dir, `merged${n}`, 'sim.hdf5');
    assert.not.ok(fs.existsSync(out));
    const m = h5traj(['merge', out, ...parts, '--json']);
    assert.is(m.code, 0, m.stderr);
    const summary = JSON.parse(m.stdout);
    assert.equal([summary.created, summary.length, summary.incomplete_runs, summary.missing_shards], [true, 10, [], []]);
    assert.equal(summary.others.map((o: { mode: string }) => o.mode), new Array(n - 1).fill('filled'));
    assert.equal(scienceDump(out), scienceDump(single));
    const human = h5traj(['merge', path.join(dir, `merged${n}b.hdf5`), ...parts]);
    assert.is(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`seeded: ${n} part\\(s\\) merged \\(new file, from shard-0-of-${n}.hdf5\\): 10 of 10 runs completed`));
    assert.is(human.stderr, '');
  });
}

test('parts given out of order give the same file as in order', () => {
  const parts = shards(4, 'order');
  const inOrder = path.join(dir, 'in-order.hdf5');
  const outOfOrder = path.join(dir, 'out-of-order.hdf5');
  assert.is(h5traj(['merge', inOrder, ...parts]).code, 0);
  const r = h5traj(['merge', outOfOrder, parts[2]!, parts[3]!, parts[0]!, parts[1]!]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /from shard-0-of-4\.hdf5/, 'the new file starts from the first shard, not the first file given');
  assert.equal(scienceDump(outOfOrder), scienceDump(inOrder));
  assert.equal(scienceDump(outOfOrder), scienceDump(single));
});

test('a missing shard: a partial file, with the missing runs and shard named', () => {
  const parts = shards(4, 'gap');
  const out = path.join(dir, 'gap.hdf5');
  const r = h5traj(['merge', out, parts[0]!, parts[1]!, parts[3]!]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /8 of 10 runs completed/);
  assert.match(r.stderr, /warning: runs 6–7 of 10 are not completed in .*gap\.hdf5 \(shard 2 of 4 not merged\)/);
  const info = h5traj(['info', out]);
  assert.match(info.stdout, /seeded: merged from shards 0, 1, 3 of 4; runs 6–7 not completed \(shard 2 missing\)/);
  const json = JSON.parse(h5traj(['info', out, '--json']).stdout).trajectories[0];
  assert.equal([json.completed, json.missing_shards, json.not_completed], [8, [2], '6–7']);
  // One part alone into a new file: a copy of that shard, reported as such.
  const solo = h5traj(['merge', path.join(dir, 'solo.hdf5'), parts[1]!, '--json']);
  assert.is(solo.code, 0, solo.stderr);
  assert.equal(JSON.parse(solo.stdout).missing_shards, [0, 2, 3]);
  assert.match(solo.stderr, /runs 0–2, 6–9 of 10 are not completed .*\(shards 0, 2, 3 of 4 not merged\)/);
  assert.match(h5traj(['info', path.join(dir, 'solo.hdf5')]).stdout, /seeded: shard 1 of 4: runs 3–5 \(3 of 10\), all completed/);
  // The late shard merged into the partial file completes it.
  const late = h5traj(['merge', out, parts[2]!, '--json']);
  assert.is(late.code, 0, late.stderr);
  assert.equal(JSON.parse(late.stdout).incomplete_runs, []);
  assert.equal(scienceDump(out), scienceDump(single));
});

test('info on a shard file says which block of how many it holds; --resume finishes only that block', () => {
  const file = path.join(dir, 'one-shard.hdf5');
  run([SEEDED, '--file', file, '--shard', '1/2']);
  const info = h5traj(['info', file]);
  assert.is(info.code, 0, info.stderr);
  assert.match(info.stdout, /seeded: shard 1 of 2: runs 5–9 \(5 of 10\), all completed/);
  const json = JSON.parse(h5traj(['info', file, '--json']).stdout).trajectories[0];
  assert.equal(json.shards, [{ index: 1, count: 2, length: 10, start: 5, end: 10 }]);
  assert.equal([json.runs, json.completed], [10, 5]);
  const again = h5traj(['run', SEEDED, '--file', file, '--resume', '--json']);
  assert.is(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stdout);
  assert.equal([summary.ran_now, summary.completed, summary.shard], [0, 5, { index: 1, count: 2, start: 5, end: 10 }]);
  const wrong = h5traj(['run', SEEDED, '--file', file, '--resume', '--shard', '0/2']);
  assert.is(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /holds shard 1\/2, not shard 0\/2/);
});

test('trajectories of another exploration are appended as in pypet', () => {
  const a = path.join(dir, 'append-a.hdf5');
  const b = path.join(dir, 'append-b.hdf5');
  run([MODULE, '--file', a]);
  run([MODULE, '--file', b]);
  const m = h5traj(['merge', a, b, '--json']);
  assert.is(m.code, 0, m.stderr);
  const summary = JSON.parse(m.stdout);
  assert.equal([summary.length_before, summary.merged_runs, summary.length, summary.others[0].mode], [7, 7, 14, 'appended']);
});

test('a source in another parameter space is refused and the target is unchanged', () => {
  const target = path.join(dir, 't.hdf5');
  run([MODULE, '--file', target]);
  const other = path.join(dir, 'other.mjs');
  fs.writeFileSync(other, `
export const name = 'sim';
export function setup(traj) { traj.f_add_parameter('x', 1.0); traj.f_add_parameter('w', 'text'); traj.f_explore({ x: [5] }); }
export function run(traj) { traj.f_add_result('z', 1); }
`);
  const source = path.join(dir, 'o.hdf5');
  run([other, '--file', source]);
  const before = fs.readFileSync(target);
  const r = h5traj(['merge', target, source]);
  assert.is(r.code, 1);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /parameter/);
  assert.ok(fs.readFileSync(target).equals(before), 'the target file is byte for byte unchanged');
  // A missing file is exit 1 here as in every other command (info, get, …).
  const missing = h5traj(['merge', target, path.join(dir, 'missing.hdf5')]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /^h5traj: The file '.*missing\.hdf5' does not exist\.\n$/);
});

test.run();
