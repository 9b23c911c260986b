/**
 * The two engines behind `H5File` — native and h5wasm — must be interchangeable: the same
 * operations give the same answers, and each reads what the other wrote.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError, UnsupportedDataError } from '../../../src/errors.js';
import { readDataChild } from '../../../src/storage/hdf5/layout/items.js';
import { WasmH5File } from '../../../src/storage/hdf5/wasm/wasm-file.js';
import { type H5Data, type H5File, stringAttr } from '../../../src/storage/hdf5/engine/h5file.js';
import { F64, I64, compoundType, encodeColumns, fixedString, intType } from '../../../src/storage/hdf5/engine/h5types.js';
import { NativeH5File } from '../../../src/storage/hdf5/native/native-file.js';
import { loadWasmEngine, openH5Copy, openH5Sync } from '../../../src/storage/hdf5/engine/open-file.js';
import { runH5py, tempDir } from '../../helpers.js';

const dir = tempDir('h5traj-engines-');
// Both engines are compared, so h5wasm is loaded up front (it loads only on demand otherwise).
await loadWasmEngine();

type Engine = 'native' | 'wasm';
function withEngine<T>(engine: Engine, f: () => T): T {
  const before = process.env.H5TRAJ_ENGINE;
  process.env.H5TRAJ_ENGINE = engine;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.H5TRAJ_ENGINE;
    else process.env.H5TRAJ_ENGINE = before;
  }
}

const f64 = (...xs: number[]) => new Uint8Array(Float64Array.from(xs).buffer);
const ROW = compoundType([
  ['name', fixedString(8)],
  ['idx', I64],
]);
const rows = (names: string[], first: number) =>
  encodeColumns({ name: names.map((n) => Buffer.from(n)), idx: names.map((_, i) => BigInt(first + i)) }, ROW as never, names.length);

/** The same sequence of writes on either engine. */
function writeSample(f: H5File): void {
  f.ensureGroup('/t/results/runs');
  f.createGroup('/t/parameters');
  f.writeAttr('/t', 'CLASS', stringAttr('GROUP'));
  f.writeAttr('/t', 'empty', stringAttr(''));
  f.writeAttr('/t', 'unicode', stringAttr('ünïcødé ✓'));
  f.writeAttr('/t/parameters', 'numbers', { type: I64, shape: [3], data: new Uint8Array(BigInt64Array.from([1n, -2n, 2n ** 60n]).buffer) });
  for (let i = 0; i < 12; i++) {
    const run = `/t/results/runs/run_${String(i).padStart(8, '0')}`;
    f.createGroup(run);
    f.writeAttr(run, 'SRVC_LEAF', { type: intType(1, false), shape: [], data: Uint8Array.of(1) });
    f.createDataset(`${run}/a`, { type: F64, shape: [], data: f64(i * 0.5) });
    f.createDataset(`${run}/arr`, { type: F64, shape: [2, 3], data: f64(i, NaN, Infinity, -Infinity, -0, 1e300) });
  }
  f.createSoftLink('/t/link', '/t/results/runs/run_00000003/a');
  f.createSoftLink('/t/dangling', '/t/nowhere');
  f.createDataset('/t/table', { type: ROW, shape: [3], data: rows(['a', 'bb', 'ccc'], 0) }, { maxshape: [null], chunks: [2] });
  f.resize('/t/table', [5]);
  f.writeRows('/t/table', 3, rows(['dddd', 'eeeee'], 3));
  f.writeAttr('/t/table', 'NROWS', { type: I64, shape: [], data: new Uint8Array(BigInt64Array.of(5n).buffer) });
  f.writeAttr('/t/table', 'NROWS', { type: I64, shape: [], data: new Uint8Array(BigInt64Array.of(6n).buffer) });
  f.deleteAttr('/t', 'CLASS');
}

const plain = (d: H5Data | undefined) =>
  d && { type: d.type, shape: d.shape, bytes: [...d.bytes], strings: d.strings?.map((s) => s.toString('utf8')) };

/** Everything a reader of the sample can ask, as plain data. */
function describe(f: H5File): unknown {
  const out: Record<string, unknown> = {};
  const walk = (path: string) => {
    for (const name of f.childNames(path)) {
      const p = path === '/' ? `/${name}` : `${path}/${name}`;
      const type = f.typeOf(p);
      const entry: Record<string, unknown> = { type, link: f.linkTarget(p) };
      if (type === 'group' || type === 'dataset') {
        entry.attrs = Object.fromEntries([...f.attrNames(p)].sort().map((a) => [a, plain(f.readAttr(p, a))]));
      }
      if (type === 'dataset') {
        const info = f.datasetInfo(p);
        entry.info = { ...info, maxshape: info.maxshape?.map((m) => (m >= 2 ** 63 ? 'unlimited' : m)) };
        entry.data = plain(f.readDataset(p));
        if (info.shape && info.shape.length > 0) entry.rows = plain(f.readDataset(p, [1, 3]));
      }
      out[p] = entry;
      if (type === 'group' && f.linkTarget(p) === null) walk(p);
    }
  };
  out['/@attrs'] = [...f.attrNames('/t')].sort();
  walk('/');
  return out;
}

test('native and h5wasm give the same answers, and read each other’s files', () => {
  const written: Record<Engine, string> = { native: join(dir, 'native.h5'), wasm: join(dir, 'wasm.h5') };
  for (const engine of ['native', 'wasm'] as const) {
    withEngine(engine, () => {
      const f = openH5Sync(written[engine], 'w');
      assert.ok(engine === 'native' ? f instanceof NativeH5File : f instanceof WasmH5File, `${engine} engine in use`);
      writeSample(f);
      f.close();
    });
  }
  const views = (['native', 'wasm'] as const).flatMap((reader) =>
    (['native', 'wasm'] as const).map((writer) =>
      withEngine(reader, () => {
        const f = openH5Sync(written[writer], 'r');
        assert.ok(reader === 'native' ? f instanceof NativeH5File : f instanceof WasmH5File, `${reader} reads ${writer}'s file`);
        try {
          return { who: `${reader} reading ${writer}`, view: describe(f) };
        } finally {
          f.close();
        }
      }),
    ),
  );
  const first = views[0]!;
  assert.is(((first.view as Record<string, { data?: unknown }>)['/t/link']!.data as { bytes: number[] }).bytes.length, 8);
  if (process.env.H5TRAJ_DEBUG_ENGINES) for (const v of views) writeFileSync(join(tmpdir(), `engines-${v.who.replace(/ /g, '_')}.json`), JSON.stringify(v.view, null, 1));
  for (const v of views.slice(1)) {
    assert.equal(v.view, first.view, `${v.who} agrees with ${first.who}`);
  }
});

test('h5wasm with caches that turn over every two entries writes and reads the sample as the native engine does', () => {
  const nativeFile = join(dir, 'native-small-caches.h5');
  const wasmFile = join(dir, 'wasm-small-caches.h5');
  const expected = withEngine('native', () => {
    const f = openH5Sync(nativeFile, 'w');
    writeSample(f);
    f.close();
    const r = openH5Sync(nativeFile, 'r');
    try {
      return describe(r);
    } finally {
      r.close();
    }
  });
  process.env.H5TRAJ_TEST_WASM_CACHE_LIMIT = '2';
  try {
    withEngine('wasm', () => {
      const f = openH5Sync(wasmFile, 'w');
      writeSample(f);
      f.close();
      const r = openH5Sync(wasmFile, 'r');
      try {
        // describe() walks the tree: the adapter lists subtrees in one call, and the caches drop
        // those listings' entries while the walk uses them.
        assert.equal(describe(r), expected);
      } finally {
        r.close();
      }
    });
  } finally {
    delete process.env.H5TRAJ_TEST_WASM_CACHE_LIMIT;
  }
});

test('native changes reach the file on close, atomically, and leave the source of a copy alone', () => {
  const p = join(dir, 'change.h5');
  withEngine('native', () => {
    const f = openH5Sync(p, 'w');
    f.ensureGroup('/t/a');
    f.close();
    const copy = join(dir, 'copy.h5');
    const c = openH5Copy(p, copy);
    c.createGroup('/t/b');
    c.close();
    const g = openH5Sync(p, 'a');
    g.createGroup('/t/c');
    assert.equal(withEngine('wasm', () => {
      const r = openH5Sync(p, 'r');
      try {
        return [...r.childNames('/t')];
      } finally {
        r.close();
      }
    }), ['a'], 'nothing reaches the file before close');
    g.close();
    const r = openH5Sync(p, 'r');
    assert.equal([...r.childNames('/t')], ['a', 'c']);
    r.close();
    const rc = openH5Sync(copy, 'r');
    assert.equal([...rc.childNames('/t')], ['a', 'b']);
    rc.close();
    assert.equal(readdirSync(dir).filter((n) => n.includes('h5traj-tmp')), [], 'no temporary files left');
  });
});

test('native misuse gets the same sentences as h5wasm', () => {
  for (const engine of ['native', 'wasm'] as const) {
    withEngine(engine, () => {
      const f = openH5Sync(join(dir, `misuse-${engine}.h5`), 'w');
      f.createGroup('/g');
      assert.throws(() => f.createGroup('/g'), (e: unknown) => e instanceof StorageError && /Cannot create a group: the name is taken/.test((e as Error).message));
      assert.throws(() => f.createGroup('/x/y'), /the parent group does not exist/);
      assert.throws(() => f.readDataset('/g'), /No such dataset/);
      f.createDataset('/d', { type: F64, shape: [2], data: f64(1, 2) });
      assert.throws(() => f.resize('/d', [3]), /not chunked/);
      assert.throws(() => f.writeRows('/d', 1, f64(1, 2)), /Cannot write 2 rows at row 1: the dataset has 2 rows/);
      f.close();
      const r = openH5Sync(join(dir, `misuse-${engine}.h5`), 'r');
      assert.throws(() => r.createGroup('/h'), /open read-only/);
      r.close();
    });
  }
});

test('data compressed with a filter h5traj lacks: a typed error naming it, and an unsupported item', () => {
  const p = join(dir, 'lzf.h5');
  runH5py(`
import h5py, numpy as np
with h5py.File(${JSON.stringify(p)}, 'w') as f:
    f.create_dataset('t/x', data=np.arange(100.0), chunks=(10,), compression='lzf')
    f.create_dataset('t/y', data=np.arange(5.0), chunks=(5,), compression='gzip')
`);
  withEngine('native', () => {
    const f = openH5Sync(p, 'r');
    try {
      assert.ok(f instanceof NativeH5File, 'the file opens natively (only the data is undecodable)');
      assert.equal([...new Float64Array(Uint8Array.from(f.readDataset('/t/y').bytes).buffer)], [0, 1, 2, 3, 4]);
      assert.throws(() => f.readDataset('/t/x'), (e: unknown) => e instanceof UnsupportedDataError && /dataset '\/t\/x' .*lzf\.h5'.*filter 32000/.test((e as Error).message));
      const v = readDataChild(f, '/t/x', "item 'x'");
      assert.is(v.type.kind, 'unsupported');
      assert.match((v.type as { reason: string }).reason, /item 'x'.*filter 32000/);
    } finally {
      f.close();
    }
  });
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
