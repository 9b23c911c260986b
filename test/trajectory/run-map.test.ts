/**
 * The Map f_get_from_runs returns for many runs (run-map.ts) answers every read as a Map of the
 * same entries would, moves its entries into the Map on the first change, and prints as a Map.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { RUN_MAP_MIN, runMap } from '../../src/trajectory/run-map.js';
import { runName } from '../../src/tree/names.js';
import { Trajectory } from '../../src/index.js';

const RUNS = 3 * RUN_MAP_MIN + 500;
// Every third run has the item.
const idxs = Array.from({ length: RUNS }, (_, i) => i).filter((i) => i % 3 === 0);

function both<K extends string | number>(key: (i: number) => K): [Map<K, number>, Map<K, number>] {
  const plain = new Map(idxs.map((i) => [key(i), i * 2] as [K, number]));
  return [runMap(idxs.map(key), idxs.map((i) => i * 2), RUNS), plain];
}

function sameReads<K>(m: Map<K, number>, plain: Map<K, number>, probes: unknown[]): void {
  assert.is(m.size, plain.size);
  assert.equal([...m], [...plain]);
  assert.equal([...m.keys()], [...plain.keys()]);
  assert.equal([...m.values()], [...plain.values()]);
  assert.equal([...m.entries()], [...plain.entries()]);
  const seen: [K, number][] = [];
  m.forEach((v, k, map) => {
    assert.is(map, m);
    seen.push([k, v]);
  });
  assert.equal(seen, [...plain]);
  for (const p of probes) {
    assert.is(m.get(p as K), plain.get(p as K), String(p));
    assert.is(m.has(p as K), plain.has(p as K), String(p));
  }
  assert.instance(m, Map);
}

test('keyed by run name: reads as a Map of the same entries would, missing and odd keys included', () => {
  const [m, plain] = both(runName);
  assert.is(m.constructor === Map, false, 'many runs are kept in arrays');
  sameReads(m, plain, ['run_00000000', 'run_00000001', 'run_00000003', runName(RUNS - 1), runName(RUNS + 5), 'run_3', 'run_000000003', 'x', 3, undefined]);
});

test('keyed by index (use_indices): the same', () => {
  const [m, plain] = both((i) => i);
  sameReads(m, plain, [0, 1, 3, 3.5, -3, RUNS - 1, RUNS + 5, '3', runName(3)]);
});

test('a change moves the entries into the Map, which answers from then on', () => {
  for (const change of [
    (m: Map<string, number>) => m.set('extra', 1),
    (m: Map<string, number>) => m.set('run_00000003', -1),
    (m: Map<string, number>) => m.delete('run_00000006'),
    (m: Map<string, number>) => m.clear(),
  ]) {
    const [m, plain] = both(runName);
    change(m);
    change(plain);
    sameReads(m, plain, ['extra', 'run_00000003', 'run_00000006', 'run_00000009']);
  }
});

test('prints as the Map it stands for', () => {
  const [m, plain] = both(runName);
  assert.is(inspect(m, { maxArrayLength: 3 }), inspect(plain, { maxArrayLength: 3 }));
});

test('few runs get a plain Map', () => {
  assert.is(runMap(['run_00000000'], [1], 5).constructor, Map);
});

test('f_get_from_runs over many runs gives each run its own leaf, by name and by index', () => {
  const t = new Trajectory('t', { add_time: false });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: Array.from({ length: RUNS }, (_, i) => i) });
  for (const _ of t.f_iter_runs()) if (t.v_idx % 3 === 0) t.f_add_result('z', t.v_idx * 2);
  const byName = t.f_get_from_runs('z', { fast_access: true });
  const byIdx = t.f_get_from_runs('z', { fast_access: true, use_indices: true });
  const [expectName, expectIdx] = [both(runName)[1], both((i) => i)[1]];
  sameReads(byName as Map<string, number>, expectName, ['run_00000003', 'run_00000004']);
  sameReads(byIdx as Map<number, number>, expectIdx, [3, 4]);
});

test.run();
