/**
 * What the native file does to stay small when a trajectory writes hundreds of thousands of
 * objects (issue 13): small datasets share slabs, repeated attribute texts share one value,
 * objects with the same attributes share one attribute set, and the path cache is emptied when full. Each must stay invisible: the values read back are the
 * ones written, and changing one object never changes another.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { attrText, stringAttr } from '../../../../src/storage/hdf5/engine/h5file.js';
import { F64, I64 } from '../../../../src/storage/hdf5/engine/h5types.js';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { openLazyNativeFile } from '../../../../src/storage/hdf5/native/lazy-graph.js';
import { headerReads } from '../../../../src/storage/hdf5/native/read/object-header.js';
import { tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-native-memory-');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const f64 = (x: number) => new Uint8Array(new Float64Array([x]).buffer);
const valueOf = (f: NativeH5File, path: string) => new Float64Array(Uint8Array.from(f.readDataset(path).bytes).buffer)[0];

test('30,000 small datasets (more than the path cache holds) keep their own values through a write and a reopen', () => {
  const file = join(dir, 'small.h5');
  const f = NativeH5File.open(file, 'w');
  const n = 30_000;
  for (let i = 0; i < n; i++) {
    f.createGroup(`/g${i}`);
    f.createDataset(`/g${i}/v`, { type: F64, shape: [], data: f64(i + 0.5) });
  }
  // a row dataset next to others in its slab: writing it must not touch its neighbours
  f.createDataset('/row', { type: I64, shape: [2], data: new Uint8Array(16) }, { chunks: [2], maxshape: [null] });
  f.createDataset('/after', { type: F64, shape: [], data: f64(-1) });
  f.writeRows('/row', 1, new Uint8Array(new BigInt64Array([7n]).buffer));
  f.resize('/row', [3]);
  assert.is(valueOf(f, '/after'), -1);
  assert.is(valueOf(f, '/g0/v'), 0.5);
  f.close();
  const back = NativeH5File.open(file, 'r');
  for (const i of [0, 1, 12_345, n - 1]) assert.is(valueOf(back, `/g${i}/v`), i + 0.5, `dataset ${i}`);
  assert.equal([...new BigInt64Array(Uint8Array.from(back.readDataset('/row').bytes).buffer)], [0n, 7n, 0n]);
  assert.is(valueOf(back, '/after'), -1);
  back.close();
});

test('a repeated attribute text is one shared value, and replacing it on one object leaves the others', () => {
  assert.is(stringAttr('ARRAY'), stringAttr('ARRAY'));
  const file = join(dir, 'attrs.h5');
  const f = NativeH5File.open(file, 'w');
  for (const g of ['/a', '/b']) {
    f.createGroup(g);
    f.writeAttr(g, 'SRVC_STORE', stringAttr('ARRAY'));
  }
  f.writeAttr('/a', 'SRVC_STORE', stringAttr('TABLE'));
  f.close();
  const back = NativeH5File.open(file, 'r');
  assert.is(attrText(back, '/a', 'SRVC_STORE'), 'TABLE');
  assert.is(attrText(back, '/b', 'SRVC_STORE'), 'ARRAY');
  back.close();
});

test('objects on a shared attribute set part ways when one gets its own value or loses an attribute', () => {
  const file = join(dir, 'attr-sets.h5');
  const f = NativeH5File.open(file, 'w');
  const paths = ['/d0', '/d1', '/d2', '/d3'];
  for (const p of paths) {
    f.createDataset(p, { type: F64, shape: [], data: f64(1) });
    for (const [name, text] of [['SRVC_STORE', 'ARRAY'], ['SRVC_DATA_COLL_TYPE', 'COLL_SCALAR'], ['SRVC_DATA_SCALAR_TYPE', 'float']] as const) {
      f.writeAttr(p, name, stringAttr(text));
    }
  }
  f.writeAttr('/d1', 'n', { type: I64, shape: [], data: new Uint8Array(new BigInt64Array([5n]).buffer) });
  f.deleteAttr('/d2', 'SRVC_DATA_COLL_TYPE');
  f.writeAttr('/d3', 'SRVC_STORE', stringAttr('ARRAY')); // re-written: moves last, as in HDF5
  assert.equal(f.attrNames('/d0'), ['SRVC_STORE', 'SRVC_DATA_COLL_TYPE', 'SRVC_DATA_SCALAR_TYPE']);
  assert.equal(f.attrNames('/d1'), ['SRVC_STORE', 'SRVC_DATA_COLL_TYPE', 'SRVC_DATA_SCALAR_TYPE', 'n']);
  assert.equal(f.attrNames('/d2'), ['SRVC_STORE', 'SRVC_DATA_SCALAR_TYPE']);
  assert.equal(f.attrNames('/d3'), ['SRVC_DATA_COLL_TYPE', 'SRVC_DATA_SCALAR_TYPE', 'SRVC_STORE']);
  f.close();
  const back = NativeH5File.open(file, 'r');
  assert.equal(back.attrNames('/d0'), ['SRVC_DATA_COLL_TYPE', 'SRVC_DATA_SCALAR_TYPE', 'SRVC_STORE']); // read back sorted by name
  assert.not.ok(back.hasAttr('/d0', 'n'));
  assert.ok(back.hasAttr('/d0', 'SRVC_DATA_COLL_TYPE'));
  assert.not.ok(back.hasAttr('/d2', 'SRVC_DATA_COLL_TYPE'));
  assert.is(attrText(back, '/d1', 'SRVC_DATA_SCALAR_TYPE'), 'float');
  back.close();
});

/** A file of `n` run groups below /runs, each holding the scalar dataset `v` = i + 0.5, plus a small /info group. */
function writeRuns(file: string, n: number): void {
  const f = NativeH5File.open(file, 'w');
  f.createGroup('/info');
  f.createDataset('/info/n', { type: I64, shape: [], data: new Uint8Array(new BigInt64Array([BigInt(n)]).buffer) });
  f.createGroup('/runs');
  for (let i = 0; i < n; i++) {
    const run = `/runs/run_${String(i).padStart(8, '0')}`;
    f.createGroup(run);
    f.createDataset(`${run}/v`, { type: F64, shape: [], data: f64(i + 0.5) });
  }
  f.close();
}

const runs20k = join(dir, 'runs-20k.h5');
writeRuns(runs20k, 20_000);

test('opening a 20,000-run file for reading and reading one run parses a bounded number of object headers, not every run', () => {
  const before = headerReads.count;
  const f = NativeH5File.open(runs20k, 'r');
  const atOpen = headerReads.count - before;
  assert.is(valueOf(f, '/runs/run_00012345/v'), 12_345.5);
  assert.is(f.childNames('/runs').length, 20_000);
  const total = headerReads.count - before;
  f.close();
  // Eagerly parsed, the file has 40,004 objects; on demand, open checks the top (the runs group
  // has too many links to be listed at open) and the read touches the run group and its dataset.
  assert.ok(atOpen <= 10, `${atOpen} headers parsed at open`);
  assert.ok(total <= atOpen + 2, `${total - atOpen} headers parsed to read one run`);
});

test('a scan over every run with a small metadata cache reads each value right and parses each object about once', () => {
  const src = openLazyNativeFile(runs20k, { cacheBytes: 256 * 1024 });
  try {
    const runs = src.root.links.get('runs');
    assert.ok(runs?.kind === 'hard' && runs.node.kind === 'group');
    const before = headerReads.count;
    let i = 0;
    for (const [name, link] of runs.node.links) {
      assert.is(name, `run_${String(i).padStart(8, '0')}`);
      const run = link.kind === 'hard' ? link.node : undefined;
      const v = run?.kind === 'group' ? run.links.get('v') : undefined;
      const d = v?.kind === 'hard' ? v.node : undefined;
      assert.ok(d?.kind === 'dataset');
      assert.is(new Float64Array(Uint8Array.from(d.data.read().bytes).buffer)[0], i + 0.5);
      i++;
    }
    assert.is(i, 20_000);
    // Two headers a run; the runs group itself stays cached (re-reading its 20,000 links per run
    // would show as one more header each).
    assert.ok(headerReads.count - before <= 2 * 20_000 + 10, `${headerReads.count - before} headers parsed`);
    // Looked up again after the scan: evicted objects are parsed again and read the same.
    const again = runs.node.links.get('run_00000007');
    assert.ok(again?.kind === 'hard' && again.node.kind === 'group');
    assert.equal([...again.node.links.keys()], ['v']);
  } finally {
    src.close();
  }
});

test('a file opened for reading is not changed through its graph', () => {
  const src = openLazyNativeFile(runs20k);
  try {
    const link = src.root.links.get('runs');
    const runs = link?.kind === 'hard' ? link.node : undefined;
    assert.ok(runs?.kind === 'group');
    assert.throws(() => runs.links.set('x', { kind: 'soft', target: '/' }), /opened for reading is not changed/);
  } finally {
    src.close();
  }
});

test.run();
