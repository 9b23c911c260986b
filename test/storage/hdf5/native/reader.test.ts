/**
 * The native reader sees what h5wasm sees: every name, link, attribute (type and bytes), dataset
 * description and dataset content of pypet's reference files (PyTables: superblock v0, symbol
 * tables, zlib-compressed tables), of a file h5wasm writes (superblock v2, dense links and
 * attributes, chunked resizable compound tables, vlen strings) and of files h5py writes with
 * HDF5 1.10 (superblocks v0, v2 and v3, creation order, filters, shared and cyclic hard links).
 * Features it does not handle are refused with NativeUnsupportedError naming them; damaged
 * files give an error naming the file. h5py (python3-h5py) is required, as in h5py-compat.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, StateError } from '../../../../src/errors.js';
import { WasmH5File, initH5 } from '../../../../src/storage/hdf5/wasm/wasm-file.js';
import { type H5Data, stringAttr } from '../../../../src/storage/hdf5/engine/h5file.js';
import { compoundType, decodeNumeric, F64, I32, I64, encodeElements, fixedString, typedArrayClassOf } from '../../../../src/storage/hdf5/engine/h5types.js';
import { type NGroup, type NNode, NativeUnsupportedError, sourceTypeBytes } from '../../../../src/storage/hdf5/native/model.js';
import { openNativeFile } from '../../../../src/storage/hdf5/native/reader.js';
import { runH5py, throwsKind, tempDir } from '../../../helpers.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/pypet/', import.meta.url));
const dir = tempDir('h5traj-native-reader-');
await initH5();

// ---------------------------------------------------------------------------------------------
// Comparing the native graph with h5wasm's view, path by path

const H5S_UNLIMITED = 18446744073709551615;
const join2 = (p: string, name: string) => (p === '/' ? `/${name}` : `${p}/${name}`);
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const byteOrder = (names: string[]) => [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

interface Seen {
  groups: number;
  datasets: number;
  attributes: number;
  links: number;
}

function sameValue(wasm: H5Data, native: H5Data, what: string): void {
  assert.equal(native.type, wasm.type, `${what}: type`);
  assert.equal(native.shape, wasm.shape, `${what}: shape`);
  assert.is(hex(native.bytes), hex(wasm.bytes), `${what}: bytes`);
  if (typedArrayClassOf(native.type) && native.bytes.length > 0) {
    // What callers do with numbers: this catches bytes in a pooled Buffer, whose .buffer is shared.
    const n = native.bytes.length / native.type.size;
    const numbers = (b: Uint8Array) => [...(decodeNumeric(b, native.type, n) as Iterable<number | bigint>)];
    assert.equal(numbers(native.bytes), numbers(wasm.bytes), `${what}: numbers`);
  }
  // h5wasm reads vlen strings as C strings (up to the first NUL); the files here have none.
  assert.equal(native.strings?.map(String), wasm.strings?.map(String), `${what}: strings`);
}

/** Walks the native graph and h5wasm's view of `file` together and asserts they agree. */
function compareWithWasm(file: string): Seen {
  const seen: Seen = { groups: 0, datasets: 0, attributes: 0, links: 0 };
  const wasm = WasmH5File.openSync(file, 'r');
  const native = openNativeFile(file);
  const visited = new Set<NNode>();
  const attrs = (path: string, node: NNode) => {
    const names = [...node.attrs.keys()];
    assert.equal(names, byteOrder(names), `${path}: attributes in byte order`);
    // h5wasm lists attributes in creation order when it is indexed; compare as sets.
    assert.equal(names, byteOrder([...wasm.attrNames(path)]), `${path}: attribute names`);
    for (const [name, value] of node.attrs) {
      sameValue(wasm.readAttr(path, name)!, value, `${path} @${name}`);
      assert.ok(sourceTypeBytes.has(value.type), `${path} @${name}: source type bytes kept`);
      seen.attributes++;
    }
  };
  const walk = (path: string, node: NNode) => {
    assert.is(wasm.typeOf(path), node.kind, `${path}: kind`);
    if (visited.has(node)) return; // a second hard link to it, or a cycle
    visited.add(node);
    attrs(path, node);
    if (node.kind === 'dataset') {
      seen.datasets++;
      const info = wasm.datasetInfo(path);
      assert.equal(node.type, info.type, `${path}: type`);
      assert.ok(sourceTypeBytes.has(node.type), `${path}: source type bytes kept`);
      assert.equal(node.shape, info.shape, `${path}: shape`);
      assert.equal(node.maxshape, info.maxshape?.map((d) => (d >= H5S_UNLIMITED ? null : d)) ?? null, `${path}: maxshape`);
      assert.equal(node.chunks, info.chunks, `${path}: chunks`);
      sameValue(wasm.readDataset(path), { type: node.type, shape: node.shape, ...node.data.read() }, `${path}: data`);
      const rows = node.shape?.[0] ?? 0;
      if (node.shape && node.shape.length > 0 && rows > 1) {
        const [start, end] = [Math.floor(rows / 3), Math.ceil((2 * rows) / 3) + 1];
        const part = node.data.readRows!(start, end);
        sameValue(wasm.readDataset(path, [start, end]), { type: node.type, shape: [Math.min(end, rows) - start, ...node.shape.slice(1)], ...part }, `${path}: rows ${start}..${end}`);
      }
      return;
    }
    seen.groups++;
    const names = [...node.links.keys()];
    assert.equal(names, byteOrder(names), `${path}: links in byte order`);
    assert.equal(names, byteOrder([...wasm.childNames(path)]), `${path}: link names`);
    for (const [name, link] of node.links) {
      const child = join2(path, name);
      seen.links++;
      if (link.kind === 'soft') assert.is(wasm.linkTarget(child), link.target, `${child}: soft link target`);
      else if (link.kind === 'external') assert.is(wasm.typeOf(child), 'external', `${child}: external link`);
      else {
        assert.is(wasm.linkTarget(child), null, `${child}: hard link`);
        walk(child, link.node);
      }
    }
  };
  try {
    walk('/', native.root);
  } finally {
    native.close();
    wasm.close();
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// Files: pypet's references, one written by h5wasm, several written by h5py

const pypetFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.hdf5')).sort();

function writeWasmFile(path: string): void {
  const f = WasmH5File.openSync(path, 'w');
  // More than 8 links and 8 attributes: HDF5 moves them to dense storage (fractal heap + v2 B-tree).
  f.createGroup('/dense');
  for (let i = 0; i < 12; i++) f.createGroup(`/dense/g${String(i).padStart(2, '0')}`);
  for (let i = 0; i < 11; i++) f.writeAttr('/dense', `attr_${i}`, { type: I64, shape: [], data: encodeElements([BigInt(i * 1000)], I64) });
  f.writeAttr('/dense', 'text', stringAttr('a string attribute'));
  f.writeAttr('/dense', 'empty', stringAttr('')); // vlen (a fixed string needs a byte)
  f.writeAttr('/dense', 'vlen_list', { vlenStrings: ['alpha', '', 'gamma δ'], shape: [3] });
  f.writeAttr('/', 'root_attr', { type: F64, shape: [2], data: encodeElements([1.5, -2.25], F64) });
  // A chunked, resizable compound table grown in two steps, as h5traj's overview tables are.
  const table = compoundType([['name', fixedString(12, 'utf8')], ['idx', I64], ['x', F64]]);
  const rows = (from: number, n: number) => encodeElements(Array.from({ length: n }, (_, i) => ({ name: `run_${from + i}`, idx: BigInt(from + i), x: (from + i) / 3 })), table);
  f.createDataset('/dense/table', { type: table, shape: [5], data: rows(0, 5) }, { maxshape: [null], chunks: [4] });
  f.resize('/dense/table', [11]);
  f.writeRows('/dense/table', 5, rows(5, 6));
  f.writeAttr('/dense/table', 'CLASS', stringAttr('TABLE'));
  f.createDataset('/scalar', { type: F64, shape: [], data: encodeElements([3.25], F64) });
  f.createDataset('/matrix', { type: I32, shape: [3, 4], data: encodeElements(Array.from({ length: 12 }, (_, i) => i - 5), I32) });
  f.createDataset('/grid', { type: I32, shape: [5, 3], data: encodeElements(Array.from({ length: 15 }, (_, i) => i), I32) }, { maxshape: [null, 3], chunks: [2, 2] });
  f.createDataset('/empty_rows', { type: F64, shape: [0], data: new Uint8Array(0) }, { maxshape: [null], chunks: [8] });
  f.createSoftLink('/to_dense', '/dense');
  f.createSoftLink('/dangling', '/nowhere');
  f.close();
}

const H5PY_SCRIPT = String.raw`
import h5py, numpy as np, sys
d = sys.argv[1]

def common(f):
    g = f.create_group('g')
    g.attrs['vlen'] = 'hello'
    g.attrs.create('vlen_ascii', ['a', 'bcd', ''], dtype=h5py.string_dtype('ascii'))
    g.attrs['fixed'] = np.bytes_(b'abc\0d')
    g.attrs['bool'] = np.bool_(True)
    g.attrs.create('enum16', 3, dtype=h5py.enum_dtype({'A': 1, 'B': 3, 'C': -2}, basetype='i2'))
    g.attrs['cmp'] = np.array([(1, 2.5, b'xy')], dtype=[('a', '<i4'), ('b', '<f8'), ('c', 'S3')])
    g.attrs['cmp_array'] = np.array([(1, [1, 2, 3])], dtype=[('a', '<u2'), ('b', '<f4', (3,))])
    g.attrs['opaque'] = np.void(b'\x01\x02\x03')
    g.attrs['half'] = np.float16(1.5)
    g.attrs['null'] = h5py.Empty('f8')
    g.attrs['u64'] = np.uint64(2**63 + 5)
    g.attrs['bytes2d'] = np.array([[b'a', b'bb'], [b'ccc', b'']])
    f.create_dataset('vlen_ds', data=np.array(['x', 'yy', 'zzz', 'four'], dtype=object), dtype=h5py.string_dtype())
    f.create_dataset('gzip', data=np.arange(600, dtype='<i4').reshape(30, 20), chunks=(7, 6), maxshape=(None, 20),
                     compression='gzip', shuffle=True, fletcher32=True)
    f.create_dataset('cmp_chunked', data=np.array([(i, i / 2) for i in range(9)], dtype=[('a', '<i4'), ('b', '<f8')]), chunks=(2,), maxshape=(None,))
    f.create_dataset('partial', shape=(10,), dtype='<f8', chunks=(3,), fillvalue=-1.5)  # no chunk written: fill value
    f['partial'][4] = 7.0
    f.create_dataset('unwritten', shape=(3,), dtype='<i2', fillvalue=9)
    f.create_dataset('scalar', data=3.25)
    f.create_dataset('null_ds', data=h5py.Empty('<i4'))
    f['soft'] = h5py.SoftLink('/g')
    f['external'] = h5py.ExternalLink('other.h5', '/x')
    f['alias'] = g            # a second hard link to the same group
    f['scalar_alias'] = f['scalar']
    g['up'] = f['/']          # a cycle back to the root
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    ds = h5py.h5d.create(f.id, b'compact', h5py.h5t.STD_I16LE, h5py.h5s.create_simple((4,)), dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([1, -2, 3, -4], dtype='<i2'))

with h5py.File(d + '/h5py_v0.h5', 'w') as f:
    common(f)
    many = f.create_group('many_old_style')
    for i in range(40):
        many.create_group('m%02d' % i)

with h5py.File(d + '/h5py_v2.h5', 'w', libver=('v108', 'v108'), track_order=True) as f:
    common(f)
    many = f.create_group('many', track_order=True)
    for i in range(30):
        many.create_group('m%02d' % (29 - i))
        many.attrs['a%02d' % (29 - i)] = i
    many.attrs['long'] = np.arange(2000.0)  # bigger than compact attribute storage allows

with h5py.File(d + '/h5py_v3.h5', 'w', libver=('v110', 'v110')) as f:
    f.create_dataset('contiguous', data=np.arange(10.0))
    ds = h5py.h5d.create(f.id, b'compact', h5py.h5t.STD_I16LE, h5py.h5s.create_simple((2,)),
                         dcpl=(lambda p: (p.set_layout(h5py.h5d.COMPACT), p)[1])(h5py.h5p.create(h5py.h5p.DATASET_CREATE)))
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([7, 8], dtype='<i2'))
    for i in range(10):
        f.attrs['attr%d' % i] = 'v%d' % i
    f.create_group('sub').attrs['x'] = 1

# Features the native engine refuses.
with h5py.File(d + '/reference.h5', 'w') as f:
    f.create_group('target')
    f.attrs['ref'] = f['target'].ref
with h5py.File(d + '/layout4.h5', 'w', libver='latest') as f:
    f.create_dataset('chunked', data=np.arange(10), chunks=(5,), maxshape=(None,))
with h5py.File(d + '/committed.h5', 'w') as f:
    f['mytype'] = np.dtype('<i4')
    f.create_dataset('uses_it', data=np.arange(3, dtype='<i4'), dtype=f['mytype'])
with h5py.File(d + '/bigendian.h5', 'w') as f:
    f.create_dataset('be', data=np.arange(3, dtype='>i4'))
with h5py.File(d + '/family%d.h5', 'w', driver='family', memb_size=1024 * 1024) as f:
    f.create_dataset('x', data=np.arange(3))
with h5py.File(d + '/vlen_sequence.h5', 'w') as f:
    seq = np.empty(1, dtype=object)
    seq[0] = np.arange(3, dtype='<i4')
    f.attrs.create('seq', seq, dtype=h5py.vlen_dtype('<i4'))
`;

runH5py(H5PY_SCRIPT, dir); // h5py writes the test files (python3-h5py is required)
const wasmFile = join(dir, 'h5wasm.h5');
writeWasmFile(wasmFile);

// ---------------------------------------------------------------------------------------------
// 1. Agreement with h5wasm

for (const name of pypetFiles) {
  test(`pypet reference ${name}: the native graph agrees with h5wasm`, () => {
    const seen = compareWithWasm(join(FIXTURES, name));
    assert.ok(seen.datasets > 0 && seen.attributes > 0, `walked ${JSON.stringify(seen)}`);
  });
}

test('a file h5wasm writes (dense links and attributes, chunked compound table, vlen strings) agrees with h5wasm', () => {
  const seen = compareWithWasm(wasmFile);
  assert.ok(seen.links >= 17 && seen.attributes >= 16, `walked ${JSON.stringify(seen)}`);
  const src = openNativeFile(wasmFile);
  const dense = src.root.links.get('dense');
  assert.ok(dense?.kind === 'hard' && dense.node.kind === 'group');
  assert.is(dense.node.links.size, 13);
  assert.equal(dense.node.attrs.get('vlen_list')?.strings?.map(String), ['alpha', '', 'gamma δ']);
  const table = dense.node.links.get('table');
  assert.ok(table?.kind === 'hard' && table.node.kind === 'dataset');
  assert.equal(table.node.shape, [11]);
  assert.equal(table.node.maxshape, [null]);
  assert.is(table.node.data.rawChunks, undefined, 'rawChunks only for filtered chunks');
  src.close();
});

for (const name of ['h5py_v0.h5', 'h5py_v2.h5', 'h5py_v3.h5']) {
  test(`h5py file ${name} agrees with h5wasm`, () => {
    const seen = compareWithWasm(join(dir, name));
    assert.ok(seen.datasets > 0, `walked ${JSON.stringify(seen)}`);
  });
}

test('hard links to one object give one JS object, also around a cycle', () => {
  const src = openNativeFile(join(dir, 'h5py_v0.h5'));
  const g = src.root.links.get('g');
  const alias = src.root.links.get('alias');
  assert.ok(g?.kind === 'hard' && alias?.kind === 'hard');
  assert.ok(g.node === alias.node);
  const up = (g.node as NGroup).links.get('up');
  assert.ok(up?.kind === 'hard' && up.node === src.root);
  const [scalar, scalarAlias] = [src.root.links.get('scalar'), src.root.links.get('scalar_alias')];
  assert.ok(scalar?.kind === 'hard' && scalarAlias?.kind === 'hard' && scalar.node === scalarAlias.node);
  src.close();
});

test('filtered chunks: decoded by read(), kept as stored by rawChunks()', () => {
  const src = openNativeFile(join(dir, 'h5py_v0.h5'));
  const link = src.root.links.get('gzip');
  assert.ok(link?.kind === 'hard' && link.node.kind === 'dataset');
  const { data } = link.node;
  const values = new Int32Array(new Uint8Array(data.read().bytes).buffer);
  assert.equal(Array.from(values), Array.from({ length: 600 }, (_, i) => i));
  const raw = data.rawChunks!();
  assert.is(raw.chunks.length, 5 * 4); // 30×20 in chunks of 7×6
  assert.ok(raw.chunks.every((c) => c.offset.length === 2 && c.bytes.length > 0 && c.bytes.length < 7 * 6 * 4 + 4));
  assert.is(raw.filterPipeline[0], 1, 'pipeline message body, version 1');
  src.close();
});

test('reading data after close() throws a StateError naming the file', () => {
  const src = openNativeFile(join(dir, 'h5py_v0.h5'));
  const link = src.root.links.get('scalar');
  assert.ok(link?.kind === 'hard' && link.node.kind === 'dataset');
  const { data } = link.node;
  src.close();
  throwsKind(() => data.read(), StateError, /h5py_v0\.h5' is closed/);
});

// ---------------------------------------------------------------------------------------------
// 2. Refused features

const refused: [string, RegExp][] = [
  ['reference.h5', /reference/],
  ['layout4.h5', /data layout version 4/],
  ['committed.h5', /committed|shared/],
  ['bigendian.h5', /big-endian/],
  ['vlen_sequence.h5', /variable-length sequence/],
  ['family0.h5', /family, multi or split driver/],
];
for (const [name, feature] of refused) {
  test(`${name} is refused with NativeUnsupportedError naming the feature`, () => {
    throwsKind(() => openNativeFile(join(dir, name)), NativeUnsupportedError, feature);
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Damaged files

test('truncated and garbage files give an Error naming the file, never a RangeError', () => {
  const original = readFileSync(join(FIXTURES, 'params_basic.hdf5'));
  const cut = join(dir, 'cut.h5');
  writeFileSync(cut, original.subarray(0, 4000));
  throwsKind(() => openNativeFile(cut), FormatError, /cut\.h5' is truncated/);
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not HDF5 at all\n');
  throwsKind(() => openNativeFile(text), FormatError, /notes\.txt' is not an HDF5 file/);
  // A valid superblock in front of garbage: every structure it points at is nonsense.
  for (const seed of [1, 2, 3, 4, 5]) {
    const bad = Buffer.from(original);
    let x = seed * 2654435761;
    for (let i = 96; i < bad.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bad[i] = x >>> 24;
    }
    const garbage = join(dir, `garbage${seed}.h5`);
    writeFileSync(garbage, bad);
    throwsKind(() => openNativeFile(garbage), FormatError, new RegExp(`garbage${seed}\\.h5' cannot be read as HDF5: .+`));
  }
  // Damage in the middle of a valid file: a B-tree or heap signature overwritten.
  const wasmBytes = readFileSync(wasmFile);
  for (const sig of ['BTHD', 'FRHP', 'BTLF', 'OCHK']) {
    const at = wasmBytes.indexOf(sig);
    if (at < 0) continue;
    const damaged = Buffer.from(wasmBytes);
    damaged.write('XXXX', at, 'latin1');
    const file = join(dir, `damaged-${sig}.h5`);
    writeFileSync(file, damaged);
    // (the signature is under the structure's checksum, which fails first)
    throwsKind(() => openNativeFile(file), FormatError, new RegExp(`damaged-${sig}\\.h5'( cannot be read as HDF5| fails its checksum)`));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
