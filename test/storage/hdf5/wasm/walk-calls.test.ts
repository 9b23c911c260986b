/**
 * The h5wasm adapter decides by itself when to list a subtree in one call (a walk over a group's
 * children): loading a trajectory costs a number of listing calls that does not grow with its
 * runs, and no more h5wasm calls than the old explicit `listTree` hint cost.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { LOAD_DATA, LOAD_SKELETON, Trajectory, cartesian_product } from '../../../../src/index.js';
import { loadWasmEngine } from '../../../../src/storage/hdf5/engine/open-file.js';
import { h5wasmCalls } from '../../../../src/storage/hdf5/wasm/diagnostics.js';
import { inTempDir } from '../../../helpers.js';

await loadWasmEngine();

/** Runs `f` with h5wasm as the engine, whatever the suite's engine is. */
function underWasm<T>(f: () => T): T {
  const before = process.env.H5TRAJ_ENGINE;
  process.env.H5TRAJ_ENGINE = 'wasm';
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.H5TRAJ_ENGINE;
    else process.env.H5TRAJ_ENGINE = before;
  }
}

/** The h5wasm calls `f` makes, by function name. */
function callsOf(f: () => void): Map<string, number> {
  const before = h5wasmCalls();
  f();
  const out = new Map<string, number>();
  for (const [name, n] of h5wasmCalls()) if (n - (before.get(name) ?? 0) > 0) out.set(name, n - (before.get(name) ?? 0));
  return out;
}

/** A stored trajectory of `runs` runs, each with two results (one in a group), written by h5wasm. */
function written(dir: string, runs: number): string {
  const file = join(dir, `walk-${runs}.hdf5`);
  underWasm(() => {
    const traj = new Trajectory('walk', { add_time: false, filename: file });
    traj.f_add_parameter('x', 0);
    traj.f_add_parameter('g.y', 1.5);
    traj.f_explore(cartesian_product({ x: Array.from({ length: runs }, (_, i) => i) }));
    for (let i = 0; i < runs; i++) {
      traj.f_as_run(i);
      traj.f_add_result('z', i);
      traj.f_add_result('grp.w', 2 * i);
    }
    traj.f_restore_default();
    traj.f_store();
  });
  return file;
}

/** Calls that list children or ask for a link target: what the adapter's walk listing saves. */
const listing = (calls: Map<string, number>) => (calls.get('get_names') ?? 0) + (calls.get('get_symbolic_link') ?? 0);
/** Calls into HDF5 proper (h5wasm's own heap allocations left out). */
const total = (calls: Map<string, number>) => [...calls].reduce((sum, [name, n]) => (name.startsWith('_') ? sum : sum + n), 0);

/**
 * The same loads of the 32-run file cost this many calls while scanTree told the adapter to list
 * each branch (`H5File.listTree`, before the adapter decided by itself): 8 listing calls and 377
 * calls in all for the skeleton, 8 and 917 with data.
 */
const WITH_LIST_TREE = { skeleton: { listing: 8, total: 377 }, data: { listing: 8, total: 917 } };

for (const [what, loadData] of [['skeleton', LOAD_SKELETON], ['data', LOAD_DATA]] as const) {
  test(`loading (${what}) lists the file in a number of calls that does not grow with the runs`, () => {
    const load = (file: string) => {
      let loaded: Trajectory | undefined;
      const calls = callsOf(() => underWasm(() => {
        loaded = new Trajectory('walk', { add_time: false, filename: file });
        loaded.f_load({ name: 'walk', load_all: loadData });
      }));
      return { calls, loaded: loaded! };
    };
    const { small, large } = inTempDir('walk-calls', (dir) => ({ small: load(written(dir, 8)), large: load(written(dir, 32)) }));
    assert.is(large.loaded.f_len(), 32);
    assert.is(large.loaded.f_get_from_runs('z').size, 32, 'every run result was found');
    assert.is(listing(large.calls), listing(small.calls), `listing calls: ${listing(small.calls)} for 8 runs, ${listing(large.calls)} for 32`);
    assert.ok(listing(large.calls) <= WITH_LIST_TREE[what].listing, `${listing(large.calls)} listing calls`);
    assert.ok(total(large.calls) <= WITH_LIST_TREE[what].total, `${total(large.calls)} calls in all`);
  });
}

test.run();
