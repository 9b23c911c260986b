/**
 * What the native reader makes while parsing an object header must be allocated young, whatever
 * it parsed before. V8 pretenures an allocation site (an object or array literal) whose objects
 * have mostly survived the scavenges it saw: opening a file keeps the first objects it parses
 * (the metadata cache), so the literals of the parser were seen to survive, were pretenured, and
 * a scan over a million runs then made every run's link records straight in the old generation,
 * as garbage that only a full collection frees, keeping young strings they point to alive. W2 at
 * 1M runs (issue 13) peaked at 1.5 GB in two runs of three instead of 0.6 GB.
 *
 * The test trains V8 as opening a file does (many parsed objects kept across scavenges), then
 * parses two other objects and checks that each object of their parse that is not shared between
 * them (shared ones are the parser's caches: types, interned values) is in the young generation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { tempDir } from '../../../helpers.js';
import { inYoungGeneration, trainSurvival } from '../../../young.js';
import { Trajectory } from '../../../../src/index.js';
import { ByteSource } from '../../../../src/storage/hdf5/native/read/byte-source.js';
import { ObjectReader } from '../../../../src/storage/hdf5/native/read/object-reader.js';
import { openLazyNativeFile } from '../../../../src/storage/hdf5/native/lazy-graph.js';
import type { NGroup } from '../../../../src/storage/hdf5/native/model.js';

const RUNS = 1200;
const file = path.join(tempDir('h5traj-young-parse-'), 'runs.hdf5');
{
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: [...Array(RUNS).keys()] });
  for (const _ of t.f_iter_runs()) t.f_add_result('out', { a: t.v_idx * 0.5, b: t.v_idx });
  t.f_store();
}

/** The header addresses of every run's group, its `out` group and the dataset `out/a`. */
function addresses(): number[][] {
  const src = openLazyNativeFile(file);
  try {
    const child = (g: NGroup, name: string) => g.links.get(name) as unknown as { addr: number; node: NGroup };
    const runs = ['t', 'results', 'runs'].reduce((g, name) => child(g, name).node, src.root);
    return Array.from({ length: RUNS }, (_, i) => {
      const run = child(runs, `run_${String(i).padStart(8, '0')}`);
      const out = child(run.node, 'out');
      return [run.addr, out.addr, child(out.node, 'a').addr];
    });
  } finally {
    src.close();
  }
}

/** Every object reachable from `root` (not into typed arrays' buffers), with its path. */
function reachable(root: object): Map<object, string> {
  const found = new Map<object, string>();
  const visit = (o: unknown, at: string): void => {
    if (o === null || typeof o !== 'object' || found.has(o)) return;
    found.set(o, at);
    if (ArrayBuffer.isView(o)) return;
    if (o instanceof Map) for (const [k, v] of o) visit(v, `${at}.get(${String(k)})`);
    for (const [k, v] of Object.entries(o)) visit(v, Array.isArray(o) ? `${at}[]` : `${at}.${k}`);
  };
  visit(root, '');
  return found;
}

test('objects parsed from headers are young after V8 saw many parsed objects survive', () => {
  const addrs = addresses();
  const src = new ByteSource(file);
  try {
    const reader = new ObjectReader(src);
    const parse = (i: number) => addrs[i]!.map((addr) => reader.read(addr, `/t/results/runs/${i}`));
    // What opening a file does: parsed objects kept (a cache) while scavenges run.
    const kept = trainSurvival(parse, RUNS - 2);
    const a = reachable(parse(RUNS - 2));
    const b = reachable(parse(RUNS - 1));
    const old = [...a].filter(([o]) => !b.has(o) && !inYoungGeneration(o)).map(([, at]) => at);
    assert.equal(old, [], `made in the old generation: ${[...new Set(old)].join(', ')}`);
    assert.ok(kept.length > 0);
  } finally {
    src.close();
  }
});

test.run();
