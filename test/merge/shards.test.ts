/**
 * Sharded explorations: a shard (Environment `shard: [i, n]`) keeps the whole exploration and
 * completes only its block, so its runs see their global `v_idx` / `v_crun`; merging the shards
 * fills in the completed runs and gives the trajectory one machine writes — the same runs, the
 * same results (those seeded by `v_idx` included), the same comments and run information (times,
 * hashes and provenance aside), whatever the order of the shards. A missing shard leaves a
 * clearly reported partial trajectory that `resume` completes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Environment, MergeError, StateError, Trajectory, runName } from '../../src/index.js';
import { describeRuns, shardBlock, shardIndices } from '../../src/environment/shard.js';
import { run as multiply } from '../environment/fixtures/multiply.js';
import { comparableManifest } from '../environment/env-helpers.js';
import { bytesOf, grid, loadAll, loadParameters, runExploration, tempDir } from './merge-helpers.js';
import { SEEDED_RUNS, importSeeded, type Seen } from './seeded.js';
import { runH5py, runH5pyJson } from '../helpers.js';

const dir = tempDir('h5traj-shards-');
const seeded = await importSeeded(dir);
const seededTrajectory = (): Trajectory => {
  const t = new Trajectory('seeded', { add_time: false });
  seeded.setup(t);
  return t;
};

/** Everything but config (provenance, merge records) and the times of trajectory and runs. */
function science(file: string, name = 'seeded'): unknown {
  const m = comparableManifest(loadAll(file, name)) as Record<string, any>;
  m.groups = m.groups.filter((g: { full_name: string }) => !g.full_name.startsWith('config'));
  m.leaves = m.leaves.filter((l: { full_name: string }) => !l.full_name.startsWith('config'));
  return m;
}

/** Runs the seeded exploration as shard [i, n] (or whole) into a new file. */
async function runSeeded(file: string, shard?: [number, number]): Promise<void> {
  await runExploration(seededTrajectory, file, seeded.run, shard);
}

const single = path.join(dir, 'single.hdf5');
await runSeeded(single);

async function shardFiles(n: number, tag: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `${tag}-${i}-of-${n}.hdf5`);
    await runSeeded(file, [i, n]);
    files.push(file);
  }
  return files;
}

function completedRuns(file: string, name = 'seeded'): number[] {
  const t = loadParameters(file, name);
  return Array.from({ length: t.v_length }, (_, i) => i).filter((i) => t.f_is_completed(i));
}

test('shard arithmetic: contiguous blocks, the first ones larger', () => {
  assert.equal(shardIndices(10, [0, 3]), [0, 1, 2, 3]);
  assert.equal(shardIndices(10, [2, 3]), [7, 8, 9]);
  assert.equal(shardBlock(10, [1, 4]), { start: 3, end: 6 });
  assert.equal(shardIndices(2, [3, 4]), [], 'more shards than runs: the last ones are empty');
  assert.throws(() => shardIndices(10, [3, 3]), /0 <= i < n/);
  assert.is(describeRuns([9, 3, 4, 5, 4]), '3–5, 9');
  assert.is(describeRuns([0, 2, 4, 6], 2), '0, 2 … and 2 more range(s)');
});

test('a run in a shard sees its global v_idx, v_crun, v_crun_ and $set names', async () => {
  const seen: Seen[] = [];
  (globalThis as { seededSeen?: Seen[] }).seededSeen = seen;
  const file = path.join(dir, 'seen.hdf5');
  try {
    await runSeeded(file, [1, 2]);
  } finally {
    delete (globalThis as { seededSeen?: Seen[] }).seededSeen;
  }
  assert.equal(seen.map((s) => s.idx), [5, 6, 7, 8, 9]);
  for (const s of seen) {
    const name = `run_${String(s.idx).padStart(8, '0')}`;
    assert.is(s.crun, name);
    assert.is(s.crun_, name);
    assert.is(s.set, `results.runs.run_set_00000.${name}.where`);
  }
  // The file keeps the whole exploration; only the shard's block is completed.
  const t = loadAll(file, 'seeded');
  assert.is(t.v_length, SEEDED_RUNS);
  assert.equal(t.f_get('x').f_get_range(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(completedRuns(file), [5, 6, 7, 8, 9]);
  assert.equal(t.f_get('config.environment').f_get_all('shard').map((l: any) => l.f_get()), [[1, 2]]);
  assert.equal(t.f_get('config.environment').f_get_all('shard_length').map((l: any) => l.f_get()), [10]);
  // The seeded results are the ones one machine computes for the same runs.
  const one = loadAll(single, 'seeded');
  for (const i of [5, 6, 7, 8, 9]) {
    t.v_idx = i;
    one.v_idx = i;
    assert.is(t.f_get('results.runs.$.z').f_get(), one.f_get('results.runs.$.z').f_get(), `z of run ${i}`);
    assert.is(t.f_get('results.runs.$.seen').f_get(), `${i} run_${String(i).padStart(8, '0')} run_${String(i).padStart(8, '0')}`);
  }
});

test('a shard on two worker threads computes what one machine computes', async () => {
  const file = path.join(dir, 'parallel-shard.hdf5');
  const env = new Environment({ trajectory: seededTrajectory(), filename: file, progress: 'quiet', shard: [0, 2], ncores: 2 });
  const ran = await env.run({ module: path.join(dir, 'seeded.mjs'), export: 'run' });
  assert.equal(ran.map(([i]) => i), [0, 1, 2, 3, 4]);
  const other = path.join(dir, 'parallel-shard-1.hdf5');
  await runSeeded(other, [1, 2]);
  loadParameters(file, 'seeded').f_merge(loadParameters(other, 'seeded'));
  // Comments of leaves in runs are left out here: with worker threads, which run's leaf keeps a
  // repeated comment follows the order of the commits (pypet's "first written" rule), a property
  // of parallel writing, not of shards.
  const blank = (m: any) => ({ ...m, leaves: m.leaves.map((l: any) => (/\.run_\d{8}\./.test(l.full_name) ? { ...l, comment: '' } : l)) });
  assert.equal(blank(science(file)), blank(science(single)));
  assert.is(loadAll(file, 'seeded').v_crun_, 'run_ALL', 'outside a run, v_crun_ is run_ALL');
});

for (const n of [2, 4]) {
  test(`${n} shards merged with f_merge_many equal one machine's trajectory`, async () => {
    const files = await shardFiles(n, `merge${n}`);
    const target = loadParameters(files[0]!, 'seeded');
    const summary = target.f_merge_many(files.slice(1).map((f) => loadParameters(f, 'seeded')));
    assert.equal([summary.length_before, summary.length, summary.incomplete_runs], [SEEDED_RUNS, SEEDED_RUNS, []]);
    assert.equal(summary.others.map((o) => o.mode), new Array(n - 1).fill('filled'));
    assert.equal(summary.others.map((o) => o.merged_runs), files.slice(1).map((_, k) => shardIndices(SEEDED_RUNS, [k + 1, n]).length));
    assert.equal(summary.others[0]!.run_map.filter((i) => i >= 0), shardIndices(SEEDED_RUNS, [1, n]), 'runs keep their global index');
    assert.ok(target.f_is_completed(), 'the trajectory in memory is up to date');
    assert.equal(science(files[0]!), science(single));
    // Every shard's environment record is kept, so the file says where each block ran.
    const merged = loadAll(files[0]!, 'seeded');
    assert.equal(merged.f_get('config.environment').f_get_all('shard').map((l: any) => l.f_get()[0]).sort(), Array.from({ length: n }, (_, i) => i));
  });
}

test('shards merged out of order give the same trajectory as in order', async () => {
  const files = await shardFiles(4, 'order');
  const inOrder = path.join(dir, 'in-order.hdf5');
  const outOfOrder = path.join(dir, 'out-of-order.hdf5');
  fs.copyFileSync(files[0]!, inOrder);
  fs.copyFileSync(files[2]!, outOfOrder);
  loadParameters(inOrder, 'seeded').f_merge_many([1, 2, 3].map((i) => loadParameters(files[i]!, 'seeded')));
  loadParameters(outOfOrder, 'seeded').f_merge_many([3, 0, 1].map((i) => loadParameters(files[i]!, 'seeded')));
  assert.equal(science(outOfOrder), science(inOrder));
  assert.equal(science(outOfOrder), science(single));
});

test('with purge_duplicate_comments off, a shard merge keeps every comment, as one machine does', async () => {
  const run = async (file: string, shard?: [number, number]): Promise<void> => {
    const env = new Environment({ trajectory: seededTrajectory(), filename: file, progress: 'quiet', purge_duplicate_comments: false, ...(shard ? { shard } : {}) });
    await env.run(seeded.run);
  };
  const whole = path.join(dir, 'keep-single.hdf5');
  await run(whole);
  const parts = [path.join(dir, 'keep-0.hdf5'), path.join(dir, 'keep-1.hdf5')];
  await run(parts[0]!, [0, 2]);
  await run(parts[1]!, [1, 2]);
  loadParameters(parts[0]!, 'seeded').f_merge(loadParameters(parts[1]!, 'seeded'));
  const comments = (file: string) => {
    const t = loadAll(file, 'seeded');
    return Array.from({ length: SEEDED_RUNS }, (_, i) => t.f_get(`results.runs.${runName(i)}.z`).v_comment);
  };
  assert.equal(comments(parts[0]!), Array(SEEDED_RUNS).fill('x plus seeded noise'), 'every run keeps its comment');
  assert.equal(science(parts[0]!), science(whole));
});

test('2 shards merged in either order: the comments and the summary tables are what one machine writes (h5py view)', async () => {
  // A comment seen only in the second shard's runs, one in both, one on derived parameters.
  const make = (): Trajectory => {
    const t = new Trajectory('comments', { add_time: false });
    t.f_add_parameter('x', 0, { dtype: 'int' });
    t.f_explore({ x: [0, 1, 2, 3, 4, 5] });
    return t;
  };
  const fn = (traj: Trajectory): void => {
    traj.f_add_result('z', traj.x * 2, { comment: 'twice x' });
    if (traj.v_idx >= 4) traj.f_add_result('late', traj.x, { comment: 'only in late runs' });
    traj.f_add_derived_parameter('d', traj.x + 1, { comment: 'x plus one' });
  };
  const whole = path.join(dir, 'comments-single.hdf5');
  await runExploration(make, whole, fn);
  const parts = [0, 1].map((i) => path.join(dir, `comments-${i}.hdf5`));
  for (const [i, file] of parts.entries()) await runExploration(make, file, fn, [i, 2]);
  const forward = path.join(dir, 'comments-forward.hdf5');
  const backward = path.join(dir, 'comments-backward.hdf5');
  fs.copyFileSync(parts[0]!, forward);
  fs.copyFileSync(parts[1]!, backward);
  loadParameters(forward, 'comments').f_merge(loadParameters(parts[1]!, 'comments'));
  loadParameters(backward, 'comments').f_merge(loadParameters(parts[0]!, 'comments'));
  const view = (file: string): string => {
    const code = [
      'import h5py, json, sys',
      't = h5py.File(sys.argv[1], "r")["comments"]',
      'out = {k: [[c.decode() for c in r] for r in t["overview"][k][:]] for k in ("results_summary", "derived_parameters_summary")}',
      'found = []',
      'def visit(name, obj):',
      '    if "SRVC_INIT_COMMENT" in obj.attrs and name.split("/")[0] in ("results", "derived_parameters"):',
      '        found.append([name, obj.attrs["SRVC_INIT_COMMENT"].decode()])',
      't.visititems(visit)',
      'out["comments"] = sorted(found)',
      'print(json.dumps(out))',
    ].join('\n');
    return runH5py(code, file);
  };
  const expected = view(whole);
  assert.match(expected, /run_00000004\/late/, 'the late comment is kept on run 4');
  assert.is(view(forward), expected, 'shard 1 merged into shard 0');
  assert.is(view(backward), expected, 'shard 0 merged into shard 1');
});

test('h5py reads a shard file and a merged file as pypet lays them out', async () => {
  const files = await shardFiles(2, 'h5py');
  const script = (file: string) => `
import h5py, json
t = h5py.File(${JSON.stringify(file)}, 'r')['seeded']
runs = t['overview/runs'][:]
z = [k for k in range(len(runs)) if f'run_{k:08d}' in t['results/runs']]
comments = [k for k in z if 'SRVC_INIT_COMMENT' in t[f'results/runs/run_{k:08d}/z'].attrs]
print(json.dumps({'completed': runs['completed'].tolist(), 'x': t['parameters/x/explored_data'][:]['data'].tolist(), 'z': z, 'comments': comments}))
`;
  const read = (file: string) => runH5pyJson(script(file));
  const shard = read(files[1]!);
  assert.equal(shard.completed, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.equal(shard.x, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal([shard.z, shard.comments], [[5, 6, 7, 8, 9], [5]]);
  loadParameters(files[1]!, 'seeded').f_merge(loadParameters(files[0]!, 'seeded'));
  const merged = read(files[1]!);
  assert.equal(merged.completed, new Array(10).fill(1));
  assert.equal([merged.z, merged.comments], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0]], 'the comment stays only on the first run, as one machine writes it');
});

test('a missing shard: the merge reports the runs that are not completed; the late shard or resume completes them', async () => {
  const files = await shardFiles(4, 'gap');
  const partial = path.join(dir, 'gap-partial.hdf5');
  const summary = loadParameters(files[0]!, 'seeded').f_merge_many([files[1]!, files[3]!].map((f) => loadParameters(f, 'seeded')));
  assert.equal(summary.incomplete_runs, shardIndices(SEEDED_RUNS, [2, 4]));
  assert.equal(completedRuns(files[0]!), [0, 1, 2, 3, 4, 5, 8, 9]);
  fs.copyFileSync(files[0]!, partial);
  // The late shard merged afterwards fills the gap: the file one machine writes.
  const late = loadParameters(files[0]!, 'seeded').f_merge(loadParameters(files[2]!, 'seeded'));
  assert.equal(late.incomplete_runs, []);
  assert.equal(science(files[0]!), science(single));
  // A file merged from several shards is no longer one shard: resume runs every missing run.
  const env = new Environment({ trajectory: 'seeded', filename: partial, resume: true, progress: 'quiet' });
  const ran = await env.run(seeded.run);
  assert.equal(ran.map(([i]) => i), [6, 7]);
  assert.equal(completedRuns(partial), Array.from({ length: SEEDED_RUNS }, (_, i) => i));
  const zs = (file: string) => [...loadAll(file, 'seeded').f_get_from_runs('z', { fast_access: true }).values()];
  assert.equal(zs(partial), zs(single));
});

test('a shard merged twice is refused and the file is left as it was', async () => {
  const files = await shardFiles(2, 'twice');
  loadParameters(files[0]!, 'seeded').f_merge(loadParameters(files[1]!, 'seeded'));
  const before = bytesOf(files[0]!);
  try {
    loadParameters(files[0]!, 'seeded').f_merge(loadParameters(files[1]!, 'seeded'));
    assert.unreachable('merging the same shard twice must fail');
  } catch (e) {
    assert.instance(e, MergeError);
    assert.match((e as Error).message, /runs 5–9 are completed in both .*merged twice/);
  }
  assert.ok(bytesOf(files[0]!).equals(before));
});

test('resume of a shard file finishes only its own block', async () => {
  const file = path.join(dir, 'resume-shard.hdf5');
  const failing = (traj: Trajectory): number => {
    if (traj.v_idx === 7) throw new Error('run 7 fails once');
    return seeded.run(traj);
  };
  const env = new Environment({ trajectory: seededTrajectory(), filename: file, progress: 'quiet', shard: [1, 2], accept_failures: true });
  await env.run(failing);
  assert.equal(env.failures.map((f) => f.idx), [7]);
  assert.equal(completedRuns(file), [5, 6, 8, 9]);
  const again = new Environment({ trajectory: 'seeded', filename: file, resume: true, progress: 'quiet' });
  const ran = await again.run(seeded.run);
  assert.equal(ran.map(([i]) => i), [7], 'only the missing run of the block, not runs 0–4');
  assert.equal(completedRuns(file), [5, 6, 7, 8, 9]);
  try {
    await new Environment({ trajectory: 'seeded', filename: file, resume: true, progress: 'quiet', shard: [0, 2] }).run(seeded.run);
    assert.unreachable('resuming with another shard must fail');
  } catch (e) {
    assert.match((e as Error).message, /holds shard 1\/2, not shard 0\/2/);
  }
});

test('postprocessing that adds runs in a shard is an error, not runs nobody runs', async () => {
  const file = path.join(dir, 'post-shard.hdf5');
  const env = new Environment({ trajectory: seededTrajectory(), filename: file, progress: 'quiet', shard: [0, 2] });
  env.add_postprocessing((traj) => traj.f_expand({ x: [10], scale: [1] }));
  try {
    await env.run(seeded.run);
    assert.unreachable('expanding in a shard must fail');
  } catch (e) {
    assert.instance(e, StateError);
    assert.match((e as Error).message, /Postprocessing added 1 run\(s\).*runs 0–4/);
  }
  assert.equal(completedRuns(file), [0, 1, 2, 3, 4], "the shard's own runs are stored");
});

test('the older grid fixture: two shards merge back into the single-machine trajectory', async () => {
  const single12 = path.join(dir, 'grid-single.hdf5');
  await runExploration(grid, single12, multiply);
  const shards = [0, 1].map((i) => path.join(dir, `grid-${i}.hdf5`));
  for (const [i, file] of shards.entries()) await runExploration(grid, file, multiply, [i, 2]);
  const a = loadParameters(shards[0]!, 'grid');
  assert.is(a.v_length, 12);
  const summary = a.f_merge(loadParameters(shards[1]!, 'grid'));
  assert.equal([summary.merged_runs, summary.length, summary.rewrote_file], [6, 12, false]);
  assert.equal(science(shards[0]!, 'grid'), science(single12, 'grid'));
  assert.equal(fs.readdirSync(dir).filter((f) => f.includes('tmp') || f.endsWith('.lock')), [], 'no temp or lock file is left');
});

test.run();
