/**
 * What a Result read lazily from a run still on disk keeps in memory: W2 (issue 13) collects one
 * result of each of a million runs, so every byte a collected Result retains counts a megabyte.
 * Measured here: 410-470 bytes before a Result kept a single item in its own fields and its full
 * name as its run group's name plus a shared place; 210-280 since (node, state, proxy, the item's
 * value, the returned Map's entry). The bound fails if a Result gets an item map, a typed-value
 * object or a full-name string of its own again, keeps its run's group, or the objects the scan read. On h5wasm the bound is looser: its read cache (`wasm-file.ts`)
 * keeps up to 60,000 objects whole, so the few thousand runs' objects it read are counted too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { tempDir } from '../../helpers.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Result, Trajectory } from '../../../src/index.js';
import { LAZY_RUNS_MIN } from '../../../src/trajectory/lazy-runs.js';
import { engineName } from '../../../src/storage/hdf5/engine/open-file.js';

const dir = tempDir('h5traj-released-mem-');
const N = 3 * LAZY_RUNS_MIN;

const file = path.join(dir, 'runs.hdf5');
{
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [...Array(N).keys()] });
  for (const _ of t.f_iter_runs()) t.f_add_result('out', { a: t.v_idx * 0.5, b: t.v_idx });
  t.f_store();
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** A skeleton of the file, the `out` of every run collected and its item `a` loaded. */
function collect(t: Trajectory): Map<string, Result> {
  const nodes = t.f_get_from_runs('out') as Map<string, Result>;
  t.f_load_items([...nodes.values()], { load_only: ['a'] });
  return nodes;
}

const LIMIT = engineName() === 'native' ? 340 : 6000;

test(`a Result collected by f_get_from_runs and filled by f_load_items keeps under ${LIMIT} bytes`, () => {
  // Once first, so that code compiled and caches filled on first use are not counted.
  const warm = new Trajectory('t', { add_time: false, filename: file });
  warm.f_load({ load_parameters: 2, load_results: 1 });
  collect(warm);
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 1 });
  const before = used();
  const nodes = collect(t);
  const perResult = (used() - before) / N;
  assert.is(nodes.size, N);
  assert.ok([...nodes.values()].every((r, i) => r.f_get('a') === i * 0.5 && !r.f_contains('b')));
  assert.ok(perResult < LIMIT, `${perResult.toFixed(0)} bytes per collected Result`);
});

test.run();
