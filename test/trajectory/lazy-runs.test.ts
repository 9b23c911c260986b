/**
 * Run groups that stay in storage until used: after a skeleton load of a trajectory with many
 * runs, only the run groups the tree is asked for are in memory; what they hold reads as stored;
 * f_get_from_runs over every run gives what an eager load gives without filling the tree; a full
 * iteration, f_get_all and a search while viewing a run see every run, as before.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Result, Trajectory, runName } from '../../src/index.js';
import { groupState, type NNGroupNode } from '../../src/tree/group.js';
import { LAZY_RUNS_MIN } from '../../src/trajectory/lazy-runs.js';
import { trajectoryState } from '../../src/trajectory/state.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-lazy-runs-');
const N = 2000;

/** A stored trajectory of `n` runs, each with result `out` (items a, b) like the W1 benchmark's. */
function storedFile(n: number): string {
  const file = path.join(dir, `t${n}-${Math.random().toString(36).slice(2)}.hdf5`);
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [...Array(n).keys()] });
  for (const _ of t.f_iter_runs()) t.f_add_result('out', { a: t.v_idx * 0.5, b: `r${t.v_idx}` }, { comment: 'per run' });
  t.f_store();
  return file;
}

const big = storedFile(N);

function skeleton(file: string): Trajectory {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_derived_parameters: 1, load_results: 1 });
  return t;
}

const runsOf = (t: Trajectory): NNGroupNode => t.f_get('results.runs', { shortcuts: false });
const inMemory = (t: Trajectory): number => groupState(runsOf(t)).children.size;

test('a skeleton load lists the runs without putting their groups in memory', () => {
  assert.ok(N >= LAZY_RUNS_MIN);
  const t = skeleton(big);
  assert.is(inMemory(t), 0);
  assert.is(runsOf(t).f_children(), N);
  assert.ok(runsOf(t).f_has_children());
});

test('only the run groups touched are loaded, and they read as stored', () => {
  const t = skeleton(big);
  const out = t.results.runs[runName(5)].out as Result;
  assert.is(out.v_full_name, `results.runs.${runName(5)}.out`);
  assert.ok(out.v_stored);
  assert.ok(out.f_is_empty(), 'a skeleton has no data');
  t.f_load_items([out]);
  assert.equal(out.f_get('a', 'b'), [2.5, 'r5']);
  assert.is(t.f_get(`results.runs.${runName(17)}.out`).v_name, 'out');
  assert.is(inMemory(t), 2);
  assert.is(runsOf(t).f_children(), N, 'loaded or not, every run counts once');
});

test('f_get_from_runs over every run gives the stored values and leaves the tree as it was', () => {
  const t = skeleton(big);
  t.results.runs[runName(3)].out; // one run in memory already: its own node comes back
  const nodes = t.f_get_from_runs('out');
  assert.is(nodes.size, N);
  assert.is([...nodes.keys()][N - 1], runName(N - 1));
  assert.is(nodes.get(runName(3)), t.f_get(`results.runs.${runName(3)}.out`));
  assert.is(inMemory(t), 1, 'only the run touched before is in memory');
  const leaves = [...nodes.values()] as Result[];
  assert.ok(leaves.every((r, i) => r instanceof Result && r.v_full_name === `results.runs.${runName(i)}.out` && r.v_stored && r.f_is_empty()));
  t.f_load_items(leaves, { load_only: ['a'] });
  assert.ok(leaves.every((r, i) => r.f_get('a') === i * 0.5 && !r.f_contains('b')));

  // The same as a trajectory loaded with all its data, in memory.
  const eager = new Trajectory('t', { add_time: false, filename: big });
  eager.f_load({ load_parameters: 2, load_results: 2 });
  const all = eager.f_get_from_runs('out', { fast_access: false });
  assert.equal([...all.keys()], [...nodes.keys()]);
  assert.equal([...all.values()].map((r: Result) => r.f_get('a')), leaves.map((r) => r.f_get('a')));
});

test('f_get_from_runs with fast access and auto-load reads the values; a name no run has loads nothing for good', () => {
  const t = skeleton(big);
  const values = t.f_get_from_runs('out', { fast_access: true, auto_load: true });
  assert.is(values.size, N);
  assert.equal((values.get(runName(9)) as Result).f_get('b'), 'r9', 'two items: the leaf itself, with its data');
  assert.is(t.f_get_from_runs('nothing_here').size, 0);
  assert.is(inMemory(t), 0, 'run groups loaded to look for a missing name went back to storage');
  assert.is(runsOf(t).f_children(), N);
});

test('a search while viewing a run finds that run\'s nodes; f_get_all and iteration see every run', () => {
  const t = skeleton(big);
  t.f_as_run(7);
  assert.is((t.f_get('out') as Result).v_full_name, `results.runs.${runName(7)}.out`);
  assert.is(t.out.v_full_name, `results.runs.${runName(7)}.out`, 'natural naming too');
  t.f_restore_default();
  assert.is(inMemory(t), 1);
  assert.is(t.f_get_all('out').length, N);
  assert.is(inMemory(t), N);
  const t2 = skeleton(big);
  assert.is([...t2.results.f_iter_leaves()].length, N);
});

test('adding below a run group still in storage loads it instead of making a second one; storing writes only the new leaf', () => {
  const file = path.join(dir, 'added.hdf5');
  fs.copyFileSync(big, file);
  const t = skeleton(file);
  t.f_add_result(`results.runs.${runName(4)}.extra`, 42);
  assert.is(inMemory(t), 1);
  assert.is(runsOf(t).f_children(), N);
  assert.equal(Object.keys(t.results.runs[runName(4)].f_get_children()), ['out', 'extra']);
  t.f_store();
  const back = skeleton(file);
  const run4 = back.results.runs[runName(4)];
  back.f_load_items([run4.out, run4.extra]);
  assert.equal([run4.out.f_get('a'), run4.extra], [2, 42]);
});

test('f_get_from_runs reads the stored runs a bounded block per storage call, each run once', () => {
  const t = skeleton(big);
  const service = t.v_storage_service!;
  const read = service.readReleasedLeaves!.bind(service);
  const blocks: number[] = [];
  const given = new Set<string>();
  service.readReleasedLeaves = (traj, under, groups, relative, withData) => {
    blocks.push(groups.length);
    const leaves = read(traj, under, groups, relative, withData);
    for (const g of groups) given.add(g);
    return leaves;
  };
  // Run 5's group is in memory: the tree answers for it, storage is not asked.
  t.f_get(`results.runs.${runName(5)}.out`);
  const values = t.f_get_from_runs('out', { fast_access: false });
  assert.is(values.size, N);
  const last = values.get(runName(1999)) as Result;
  t.f_load_items([last], { load_only: ['a'] });
  assert.equal([last.v_full_name, last.a], [`results.runs.${runName(1999)}.out`, 999.5]);
  // Blocks of a few hundred runs (their run names die young), together every stored run once.
  assert.ok(blocks.length > 1 && Math.max(...blocks) <= 512, `blocks of ${blocks.join(', ')} runs`);
  assert.is(blocks.reduce((a, b) => a + b, 0), N - 1);
  assert.not.ok(given.has(runName(5)));
  assert.ok(given.has(runName(1234)) && values.has(runName(1234)), 'run 1234 was read through storage');
});

test('a run group loaded while a run executes is not recorded as something the run added', () => {
  const t = skeleton(big);
  const state = trajectoryState(t);
  state.singleRun = true;
  try {
    t.f_get(`results.runs.${runName(6)}.out`);
  } finally {
    state.singleRun = false;
  }
  assert.equal(state.runAdded.nodes, []);
});

test('a loaded run table derives the stored summaries (explored parameters in the file\'s order) instead of holding their text', () => {
  const file = path.join(dir, 'summaries.hdf5');
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0.5);
  t.f_add_parameter('mode', 'a');
  // Explored as x, then mode: a load rebuilds the explored parameters in tree order (mode, x).
  t.f_explore({ x: [0.5, 1, 0.5, 1], mode: ['a', 'a', 'b', 'b'] });
  for (const _ of t.f_iter_runs()) t._updateRun(t.v_idx, { completed: 1, timestamp: 1e9, finish_timestamp: 1e9 + 1.5, parameter_summary: t._parameterSummary(t.v_idx) });
  t._updateRun(3, { parameter_summary: 'written by hand' });
  t.f_store();
  const back = skeleton(file);
  const summaries = [0, 1, 2, 3].map((i) => back.f_get_run_information(i).parameter_summary);
  assert.equal(summaries, ["x: 0.5,   mode: 'a'", "x: 1.0,   mode: 'a'", "x: 0.5,   mode: 'b'", 'written by hand']);
  assert.is(back._parameterSummary(0), "mode: 'a',   x: 0.5", 'runs after the load list them in tree order, as pypet');
  assert.is(trajectoryState(back).runs.storedTextBytes(), 'written by hand'.length, 'only the summary not derived is held as text');
});

test('results collected from runs still in storage hold no objects of their own besides the result', () => {
  const t = skeleton(big);
  const nodes = [...t.f_get_from_runs('out').values()] as Result[];
  t.f_load_items(nodes, { load_only: ['a'] });
  assert.equal([nodes[10]!.a, nodes[11]!.f_get('a')], [5, 5.5]);
  // The objects reachable within a few steps from one result and not from another one.
  const near = (from: object): Set<object> => {
    const seen = new Set<object>();
    let layer: object[] = [from];
    for (let depth = 0; depth < 4; depth++) {
      const next: object[] = [];
      for (const o of layer) {
        if (seen.has(o) || ArrayBuffer.isView(o)) continue;
        seen.add(o);
        for (const key of Reflect.ownKeys(o)) {
          const v = Object.getOwnPropertyDescriptor(o, key)?.value as unknown;
          if (v !== null && (typeof v === 'object' || typeof v === 'function')) next.push(v as object);
        }
      }
      layer = next;
    }
    return seen;
  };
  const shared = near(nodes[11]!);
  const own = [...near(nodes[10]!)].filter((o) => !shared.has(o));
  // The result (its Proxy), which is its own node state: no state object, no item map, no item
  // object (issue 13: a million collected results each held five objects, ~450 bytes, then two).
  assert.is(own.length, 1, `objects of one result: ${own.map((o) => o.constructor?.name).join(', ')}`);
});

test('below the threshold a skeleton load puts every run group in memory, as pypet does', () => {
  const t = skeleton(storedFile(5));
  assert.is(inMemory(t), 5);
  assert.is(groupState(runsOf(t)).lazy, undefined);
});

test.run();
