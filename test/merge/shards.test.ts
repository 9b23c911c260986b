/**
 * Sharded explorations merged back: running an exploration as 2 or 4 shards (Environment
 * `shard: [i, n]`, each in its own file) and merging the shards gives the trajectory a single
 * machine writes — the same runs in the same order, the same results, derived parameters and
 * run information (times, hashes and provenance aside).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { run as multiply } from '../environment/fixtures/multiply.js';
import { comparable, grid, loadAll, loadParameters, runExploration, tempDir } from './merge-helpers.js';

test('two shards merged with f_merge equal a single-machine run', async () => {
  const dir = tempDir();
  const single = path.join(dir, 'single.hdf5');
  await runExploration(grid, single, multiply);
  const shards = [0, 1].map((i) => path.join(dir, `shard${i}.hdf5`));
  for (const [i, file] of shards.entries()) await runExploration(grid, file, multiply, [i, 2]);

  const a = loadParameters(shards[0]!, 'grid');
  const b = loadParameters(shards[1]!, 'grid');
  assert.is(a.v_length, 6);
  const summary = a.f_merge(b);
  assert.is(summary.merged_runs, 6);
  assert.is(summary.length, 12);
  assert.equal(summary.others[0]!.run_map, [6, 7, 8, 9, 10, 11]);
  assert.is(summary.rewrote_file, false);
  // The trajectory in memory is up to date too.
  assert.is(a.v_length, 12);
  assert.equal(a.f_get('x').f_get_range(), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);

  const merged = loadAll(shards[0]!, 'grid');
  const expected = loadAll(single, 'grid');
  assert.equal(comparable(merged), comparable(expected));
  assert.equal([...merged.f_get_from_runs('z', { fast_access: true, use_indices: true }).entries()], [...expected.f_get_from_runs('z', { fast_access: true, use_indices: true }).entries()]);
  assert.ok(merged.f_is_completed());
  assert.equal(fs.readdirSync(dir).filter((f) => f.includes('tmp') || f.endsWith('.lock')), [], 'no temp or lock file is left');
});

test('four shards merged with f_merge_many (one write) equal a single-machine run', async () => {
  const dir = tempDir();
  const single = path.join(dir, 'single.hdf5');
  await runExploration(grid, single, multiply);
  const shards = [0, 1, 2, 3].map((i) => path.join(dir, `shard${i}.hdf5`));
  for (const [i, file] of shards.entries()) await runExploration(grid, file, multiply, [i, 4]);

  const a = loadParameters(shards[0]!, 'grid');
  const summary = a.f_merge_many(shards.slice(1).map((f) => loadParameters(f, 'grid')));
  assert.equal(summary.others.map((o) => o.merged_runs), [3, 3, 3]);
  assert.equal(summary.others.map((o) => o.run_map[0]), [3, 6, 9]);
  assert.is(summary.length, 12);

  const merged = loadAll(shards[0]!, 'grid');
  assert.equal(comparable(merged), comparable(loadAll(single, 'grid')));
  // One merge record per merged trajectory, each with pypet's fields.
  const records = merged.f_get('config.merge').f_children();
  assert.is(records, 3);
  const first = summary.others[0]!.merge_record!;
  assert.is(merged.f_get(`${first}.merged_runs`).f_get(), 3);
  assert.is(merged.f_get(`${first}.length_before_merge`).f_get(), 3);
  assert.is(merged.f_get(`${first}.other_trajectory.name`).f_get(), 'grid');
  assert.is(merged.f_get(`${first}.other_trajectory.length`).f_get(), 3);
  assert.is(merged.f_get(`${first}.remove_duplicates`).f_get(), false);
  assert.match(merged.f_get(`${first}.hexsha`).f_get(), /^[0-9a-f]{40}$/);
  // The shards' environment records were merged into config.environment.
  const environments = merged.f_get('config.environment').f_children();
  assert.ok(environments >= 1);
});

test('shards of unequal size (10 runs as 3 shards) merge back in order', async () => {
  const dir = tempDir();
  const make = () => {
    const t = grid('ten');
    t.f_shrink({ force: true });
    t.f_explore({ x: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4], y: [0.5, 1.5, 2.5, 0.5, 1.5, 2.5, 0.5, 1.5, 2.5, 0.5] });
    return t;
  };
  const single = path.join(dir, 'single.hdf5');
  await runExploration(make, single, multiply);
  const shards = [0, 1, 2].map((i) => path.join(dir, `s${i}.hdf5`));
  for (const [i, file] of shards.entries()) await runExploration(make, file, multiply, [i, 3]);
  const a = loadParameters(shards[0]!, 'ten');
  a.f_merge_many([loadParameters(shards[1]!, 'ten'), loadParameters(shards[2]!, 'ten')]);
  assert.equal(comparable(loadAll(shards[0]!, 'ten')), comparable(loadAll(single, 'ten')));
});

test.run();
