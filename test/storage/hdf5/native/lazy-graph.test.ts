/**
 * The on-demand reader of read-only files (`lazy-graph.ts`) and its byte-bounded cache: what
 * open still decides (a file needing h5wasm is refused at once when the need shows near the
 * top), and what a need found later is (a typed error naming the object and the way out).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { UnsupportedDataError } from '../../../../src/errors.js';
import { MetadataCache, RecentObjects } from '../../../../src/storage/hdf5/native/read/metadata-cache.js';
import { addressList, openLazyNativeFile } from '../../../../src/storage/hdf5/native/lazy-graph.js';
import { NativeUnsupportedError } from '../../../../src/storage/hdf5/native/model.js';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { runH5py, tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-lazy-graph-');
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the cache evicts the least recently used entries past its budget, keeps the newest, and follows resizes', () => {
  const c = new MetadataCache<number, string>(100);
  c.set(1, 'a', 40);
  c.set(2, 'b', 40);
  assert.is(c.get(1), 'a'); // 1 is now the most recent
  c.set(3, 'c', 40); // 120 > 100: evicts 2, the least recently used
  assert.is(c.get(2), undefined);
  assert.is(c.get(1), 'a');
  assert.is(c.get(3), 'c');
  assert.is(c.bytes, 80);
  c.resize(3, 90); // 130: evicts 1
  assert.is(c.get(1), undefined);
  assert.is(c.size, 1);
  c.set(4, 'd', 500); // larger than the budget alone: kept, everything else goes
  assert.is(c.get(4), 'd');
  assert.is(c.size, 1);
  assert.ok(c.delete(4));
  assert.not.ok(c.delete(4));
  assert.is(c.bytes, 0);
});

test('a scan keeps the objects it parsed last in a ring: the oldest goes when a new one comes, a deleted one is gone', () => {
  const r = new RecentObjects<string>(3);
  r.set(10, 'a');
  r.set(20, 'b');
  r.set(30, 'c');
  assert.equal([r.get(10), r.get(20), r.get(30)], ['a', 'b', 'c']);
  r.set(40, 'd'); // overwrites the oldest, 10
  assert.is(r.get(10), undefined);
  assert.equal([r.get(20), r.get(30), r.get(40)], ['b', 'c', 'd']);
  assert.ok(r.delete(30));
  assert.not.ok(r.delete(30));
  assert.is(r.get(30), undefined);
  assert.is(r.get(-1), undefined, 'an empty slot answers no key');
  r.set(50, 'e'); // the slot after 40's: 20 goes
  assert.equal([r.get(20), r.get(40), r.get(50)], [undefined, 'd', 'e']);
});

// A chunked, growable dataset in a file whose format floor is HDF5 1.10 gets a version-4 layout,
// which the native engine does not read. Here it lies below a group of 40 links (dense storage),
// which open does not list.
await h5wasm.ready;
const deep = join(dir, 'deep-v110.h5');
{
  const f = new h5wasm.File(deep, 'w', { libver: ['v110', 'v200'] } as never);
  f.create_group('top');
  f.create_dataset({ name: 'top/n', data: new Float64Array([7]) });
  f.create_group('many');
  for (let i = 0; i < 40; i++) f.create_group(`many/g${i}`);
  f.create_dataset({ name: 'many/g3/grow', data: new Float64Array([1, 2, 3]), maxshape: [null], chunks: [2] });
  f.close();
}
const shallow = join(dir, 'shallow-v110.h5');
{
  const f = new h5wasm.File(shallow, 'w', { libver: ['v110', 'v200'] } as never);
  f.create_dataset({ name: 'grow', data: new Float64Array([1, 2, 3]), maxshape: [null], chunks: [2] });
  f.close();
}

test('a feature only h5wasm reads, near the top of the file, is refused at open (so h5wasm is chosen)', () => {
  assert.throws(() => openLazyNativeFile(shallow), (e: unknown) => e instanceof NativeUnsupportedError && /chunked storage/.test((e as Error).message));
});

test('a feature only h5wasm reads, deep in a large group, is an UnsupportedDataError naming it when reached; the rest reads', () => {
  const f = NativeH5File.open(deep, 'r');
  try {
    assert.equal([...new Float64Array(Uint8Array.from(f.readDataset('/top/n').bytes).buffer)], [7]);
    assert.is(f.childNames('/many').length, 40);
    assert.is(f.typeOf('/many/g3'), 'group');
    let error: unknown;
    try {
      f.typeOf('/many/g3/grow');
    } catch (e) {
      error = e;
    }
    assert.instance(error, UnsupportedDataError);
    assert.match((error as Error).message, /Cannot read '\/many\/g3\/grow' in '.*deep-v110\.h5': h5traj's native HDF5 engine does not handle chunked storage/);
    assert.match((error as Error).message, /Set H5TRAJ_ENGINE=wasm/);
  } finally {
    f.close();
  }
});

test("a big group's link addresses are kept in 32 bits while they fit, exactly as doubles past 4 GiB", () => {
  const small = addressList([0, 96, 2 ** 31 + 5, 2 ** 32 - 1]);
  assert.ok(small instanceof Uint32Array);
  assert.equal([...small], [0, 96, 2 ** 31 + 5, 2 ** 32 - 1]);
  const large = addressList([96, 2 ** 32, 2 ** 40 + 3]);
  assert.ok(large instanceof Float64Array);
  assert.equal([...large], [96, 2 ** 32, 2 ** 40 + 3]);
  assert.ok(addressList([96, -1]) instanceof Float64Array, 'nothing negative is kept in 32 bits without sign');
});

test("a big group with a soft link keeps its addresses in 32 bits, and both kinds of link resolve", () => {
  const file = join(dir, 'soft-in-big.h5');
  runH5py(`
import h5py, numpy as np
with h5py.File(${JSON.stringify(file)}, 'w') as f:
    g = f.create_group('runs')
    for i in range(40):
        g.create_dataset('run_%08d' % i, data=np.float64(i))
    g['alias'] = h5py.SoftLink('/runs/run_00000007')
`);
  const src = openLazyNativeFile(file);
  try {
    const runs = src.root.links.get('runs')!;
    assert.is(runs.kind, 'hard');
    const links = (runs as { node: { links: Map<string, { kind: string; target?: string; node?: unknown }> } }).node.links;
    assert.is(links.size, 41);
    assert.ok((links as unknown as { addrs: unknown }).addrs instanceof Uint32Array, 'the soft link did not turn the addresses into doubles');
    assert.equal(links.get('alias'), { kind: 'soft', target: '/runs/run_00000007' });
    const d = links.get('run_00000039')!.node as { kind: string; data: { read(): { bytes: Uint8Array } } };
    assert.is(d.kind, 'dataset');
    assert.is(new Float64Array(Uint8Array.from(d.data.read().bytes).buffer)[0], 39);
  } finally {
    src.close();
  }
});

test.run();
