/**
 * The native writer's files, checked with independent readers: h5py (Debian's, on HDF5 1.10)
 * reads every link, attribute and dataset of a graph holding one of everything; h5dump accepts
 * the file; h5wasm (HDF5 1.14) reads it and then modifies it — converting a group to dense link
 * storage, adding attributes, growing chunked datasets — after which h5py still reads all of it.
 * Also: large groups and a 10,000-run trajectory layout (timings printed), and the errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm, { type File as WasmFile, Module } from 'h5wasm/node';
import { buildW1Graph, runName } from '../../../../scripts/probe-native-writer.js';
import { StorageError } from '../../../../src/errors.js';
import { F64, intType } from '../../../../src/storage/hdf5/h5types.js';
import { newGroup } from '../../../../src/storage/hdf5/native/model.js';
import { writeNativeFile } from '../../../../src/storage/hdf5/native/writer.js';
import { throwsKind } from '../../../helpers.js';
import { ROW, TABLE_ROWS, dataset, numbers, sampleGraph, tableBytes, tableRow } from './sample-graph.js';

const PYTHON = '/usr/bin/python3';
const DUMP = join(dirname(fileURLToPath(import.meta.url)), 'h5py_dump.py');
const dir = mkdtempSync(join(tmpdir(), 'h5traj-native-writer-'));
await h5wasm.ready;

type Items = Record<string, any>;

/** Everything h5py sees in `file` (see h5py_dump.py). */
function h5pyDump(file: string): Items {
  const r = spawnSync(PYTHON, [DUMP, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, `h5py could not read ${file}: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as Items;
}

function h5dumpOk(file: string): void {
  const r = spawnSync('h5dump', [file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, `h5dump failed on ${file}: ${r.stderr || r.error?.message}`);
  assert.not.match(r.stdout + r.stderr, /h5dump error/);
}

// What h5py reports, by kind of value.
const attr = (dtype: unknown, cls: number, size: number, shape: number[] | null, value: unknown) => ({ dtype, h5type: { class: cls, size }, shape, value });
const str = (cset: 0 | 1, pad: number, size: number, shape: number[] | null, value: unknown, vlen = false) => ({
  dtype: { string: cset ? 'utf-8' : 'ascii', length: vlen ? null : size },
  h5type: { class: 3, size: vlen ? 8 : size, vlen, cset, pad }, shape, value,
});
const vlen = (shape: number[], value: unknown, cset: 0 | 1 = 1) => str(cset, 0, 8, shape, value, true);
const bytes = (s: string) => ({ bytes: s });
const ds = (a: Record<string, unknown>, more: Record<string, unknown>) => ({
  kind: 'dataset', attrs: {}, chunks: null, compression: null, fillvalue: 0, ...a, ...more,
});
const SIGN_DTYPE = { enum: { NEG: -1, ZERO: 0, POS: 1 }, base: '|i1' };
const ROW_DTYPE = {
  compound: [
    ['idx', '<i8', 0], ['name', { string: 'ascii', length: 16 }, 8], ['value', '<f8', 24],
    ['vec', { array: '<f8', shape: [3] }, 32], ['sign', SIGN_DTYPE, 56], ['ok', '|u1', 57],
  ],
  size: 58,
};
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => tableRow(from + i));
const table = (attrs: object, n: number) => ds(
  { dtype: ROW_DTYPE, h5type: { class: 6, size: 58 }, shape: [n], value: rows(0, n) },
  { attrs, maxshape: [null], chunks: [10], fillvalue: null },
);
const TEN = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`/ten/child${i}`, { kind: 'group', attrs: { i: attr('<i4', 0, 4, [], i) }, links: [] }]));

/** The sample graph as h5py reports it. */
const EXPECTED: Items = {
  '/': {
    kind: 'group',
    links: ['a', 'dangling', 'data', 'elsewhere', 'same_vec', 'tables', 'ten', 'to_deep'],
    attrs: {
      bits: attr('|u1', 4, 1, [2], [1, 0]),
      f32: attr('<f4', 1, 4, [2], [1.25, -2.5]),
      f64: attr('<f8', 1, 8, [], 1.5),
      f64_special: attr('<f8', 1, 8, [5], ['NaN', 'Infinity', '-Infinity', 1e-300, 2.5]),
      i16: attr('<i2', 0, 2, [2], [-32768, 32767]),
      i32: attr('<i4', 0, 4, [2], [-2147483648, 2147483647]),
      i64: attr('<i8', 0, 8, [3], ['-9223372036854775808', '9223372036854775807', '9007199254740993']),
      i8: attr('|i1', 0, 1, [2], [-128, 127]),
      matrix: attr({ array: '<i2', shape: [2, 3] }, 10, 12, [], [[1, 2, 3], [4, 5, -6]]),
      nothing: attr('<f8', 1, 8, null, null),
      point: attr({ compound: [['x', '<i4', 0], ['y', '<f8', 4]], size: 12 }, 6, 12, [2], [[7, 0.5], [-7, -0.5]]),
      s_nullpad: str(0, 1, 6, [], bytes('pad')),
      s_nullterm: str(0, 0, 8, [], bytes('hello')),
      s_spacepad: str(1, 2, 10, [], bytes('héllo')),
      switch: attr({ enum: { OFF: 0, ON: 1 }, base: '|u1' }, 8, 1, [3], [1, 0, 1]),
      u16: attr('<u2', 0, 2, [], 65535),
      u32: attr('<u4', 0, 4, [], 4294967295),
      u64: attr('<u8', 0, 8, [], '18446744073709551615'),
      u8: attr('|u1', 0, 1, [2], [0, 255]),
      vlen: vlen([], 'naïve ☃ 日本'),
      vlen_ascii: vlen([], 'plain', 0),
      vlen_list: vlen([3], ['a', '', 'ünïcödé']),
      'ünïcode name': attr('<i4', 0, 4, [], 42),
      big_endian: attr('>i4', 0, 4, [2], [258, -2]),
    },
  },
  '/a': { kind: 'group', attrs: { shared: vlen([2], ['shared', 'twice']) }, links: ['b'] },
  '/a/b': { kind: 'group', attrs: { shared: vlen([2], ['shared', 'twice']) }, links: ['c'] },
  '/a/b/c': { kind: 'group', attrs: { level: attr('<i4', 0, 4, [], 4) }, links: [] },
  '/dangling': { kind: 'soft', target: '/nowhere' },
  '/elsewhere': { kind: 'external', file: 'other.h5', path: '/x/y' },
  '/to_deep': { kind: 'soft', target: '/a/b/c' },
  '/same_vec': { kind: 'hardlink', to: '/data/vec' },
  '/ten': { kind: 'group', attrs: {}, links: Array.from({ length: 10 }, (_, i) => `child${i}`) },
  ...TEN,
  '/data': {
    kind: 'group', attrs: {}, links: ['chunked2d', 'empty', 'filled', 'fixed', 'gzip', 'mat', 'null', 'scalar', 'sign', 'strings', 'strings_chunked', 'vec'],
  },
  '/data/chunked2d': ds(
    { dtype: '<i2', h5type: { class: 0, size: 2 }, shape: [10, 7], value: Array.from({ length: 10 }, (_, r) => Array.from({ length: 7 }, (_, c) => r * 7 + c - 35)) },
    { maxshape: [null, 7], chunks: [3, 4] },
  ),
  '/data/empty': ds({ dtype: '<f8', h5type: { class: 1, size: 8 }, shape: [0], value: [] }, { maxshape: [0] }),
  '/data/filled': ds({ dtype: '<i4', h5type: { class: 0, size: 4 }, shape: [5], value: [1, 2, 3, 4, 5] }, { maxshape: [null], chunks: [2], fillvalue: 42 }),
  '/data/fixed': ds({ ...str(0, 0, 6, [2], [bytes('abc'), bytes('abcdef')]) }, { maxshape: [2], fillvalue: bytes('') }),
  '/data/gzip': ds(
    { dtype: '<i4', h5type: { class: 0, size: 4 }, shape: [100], value: Array.from({ length: 100 }, (_, i) => 3 * i) },
    { maxshape: [100], chunks: [10], compression: 'gzip' },
  ),
  '/data/mat': ds({ dtype: '<f8', h5type: { class: 1, size: 8 }, shape: [3, 4], value: [[0, 0.5, 1, 1.5], [2, 2.5, 3, 3.5], [4, 4.5, 5, 5.5]] }, { maxshape: [3, 4] }),
  '/data/null': ds({ dtype: '<f8', h5type: { class: 1, size: 8 }, shape: null, value: null }, { maxshape: null }),
  '/data/scalar': ds({ dtype: '<f8', h5type: { class: 1, size: 8 }, shape: [], value: 3.25 }, { maxshape: [] }),
  '/data/sign': ds({ dtype: SIGN_DTYPE, h5type: { class: 8, size: 1 }, shape: [3], value: [-1, 0, 1] }, { maxshape: [3] }),
  '/data/strings': ds({ ...vlen([3], [bytes('x'), bytes('ünïcode'), bytes('')]) }, { maxshape: [3], fillvalue: null }),
  '/data/strings_chunked': ds(
    { ...vlen([5], ['s0', 's1', 's2', 's3', 's4'].map(bytes)) },
    { maxshape: [null], chunks: [2], fillvalue: null },
  ),
  '/data/vec': ds(
    { dtype: '<i4', h5type: { class: 0, size: 4 }, shape: [10], value: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81] },
    { maxshape: [10], attrs: { unit: vlen([], 'm²') } },
  ),
  '/tables': { kind: 'group', attrs: {}, links: ['empty', 'runs'] },
  '/tables/empty': table({}, 0),
  '/tables/runs': table({ CLASS: str(0, 0, 5, [], bytes('TABLE')), NROWS: attr('<i8', 0, 8, [], TABLE_ROWS) }, TABLE_ROWS),
};

/** Compares item by item, so a failure names the path. */
function assertItems(got: Items, expected: Items): void {
  assert.equal(Object.keys(got).sort(), Object.keys(expected).sort(), 'the same links');
  for (const [path, item] of Object.entries(expected)) assert.equal(got[path], item, path);
}

const sampleFile = join(dir, 'sample.h5');

test('h5py reads every link, attribute and dataset of the sample graph; h5dump accepts it', () => {
  writeNativeFile(sampleFile, sampleGraph());
  assertItems(h5pyDump(sampleFile), EXPECTED);
  h5dumpOk(sampleFile);
  // The superblock's end-of-file address is the file size.
  assert.is(readFileSync(sampleFile).readBigUInt64LE(28), BigInt(statSync(sampleFile).size));
});

test('the table with 100 chunks is indexed by a two-level B-tree', () => {
  const r = spawnSync(PYTHON, ['-c', `
import h5py, sys
d = h5py.File(sys.argv[1], 'r')['tables/runs']
print(d.id.get_num_chunks(), d.id.get_chunk_info(99).chunk_offset[0], h5py.h5o.get_info(d.id).addr)`, sampleFile], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const [chunks, lastOffset, header] = r.stdout.trim().split(' ').map(Number);
  assert.equal([chunks, lastOffset], [100, 990]);
  const raw = readFileSync(sampleFile);
  const layout = headerMessages(raw, header!).find((m) => m.type === 0x08)!.body;
  assert.equal([layout[0], layout[1], layout[2]], [3, 2, 2], 'layout v3, chunked, rank 1 + element size');
  const root = Number(layout.readBigUInt64LE(3));
  assert.is(raw.toString('latin1', root, root + 4), 'TREE');
  assert.equal([raw[root + 4], raw[root + 5], raw.readUInt16LE(root + 6)], [1, 1, 2], 'chunk tree, level 1, two children');
});

/** The messages in the first chunk of a version-2 object header without times (the writer's). */
function headerMessages(raw: Buffer, at: number): { type: number; body: Buffer }[] {
  assert.is(raw.toString('latin1', at, at + 4), 'OHDR');
  assert.is(raw[at + 5]! & 0x30, 0, 'no times, no phase-change values');
  const width = 1 << (raw[at + 5]! & 3);
  const end = at + 6 + width + Number(raw.readUIntLE(at + 6, width));
  const out: { type: number; body: Buffer }[] = [];
  for (let p = at + 6 + width; p + 4 <= end; p += 4 + raw.readUInt16LE(p + 1)) {
    out.push({ type: raw[p]!, body: raw.subarray(p + 4, p + 4 + raw.readUInt16LE(p + 1)) });
  }
  return out;
}

test('h5wasm reads the file, then modifies it, and h5py reads old and new parts', () => {
  const file = join(dir, 'modified.h5');
  writeNativeFile(file, sampleGraph());

  const r = new h5wasm.File(file, 'r');
  const value = (path: string, name: string) => (r.get(path) as any).attrs[name].value;
  assert.equal([...(value('/', 'f64_special') as Float64Array)], [NaN, Infinity, -Infinity, 1e-300, 2.5]);
  assert.equal([...(value('/', 'i64') as BigInt64Array)], [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n]);
  assert.is(value('/', 'vlen'), 'naïve ☃ 日本');
  assert.equal(value('/', 'vlen_list'), ['a', '', 'ünïcödé']);
  assert.is(value('/', 's_nullterm'), 'hello');
  assert.is(value('/data/vec', 'unit'), 'm²');
  const mat = r.get('data/mat') as any;
  assert.equal(mat.shape, [3, 4]);
  assert.equal([...mat.value], [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5]);
  assert.equal((r.get('data/strings') as any).value, ['x', 'ünïcode', '']);
  assert.equal([...(r.get('data/gzip') as any).value].slice(0, 4), [0, 3, 6, 9]);
  const runs = r.get('tables/runs') as any;
  assert.equal([runs.shape, runs.metadata.maxshape, runs.metadata.chunks], [[TABLE_ROWS], [2 ** 64], [10]]); // h5wasm reports unlimited as 2^64
  assert.equal((r.get('to_deep') as any).attrs.level.value, 4);
  assert.equal((r.get('ten') as any).keys().length, 10);
  r.close();

  const w = new h5wasm.File(file, 'a');
  const fresh = (w.get('ten') as any).create_group('fresh');
  for (let i = 0; i < 20; i++) fresh.create_group(`g${i}`);
  const vec = w.get('data/vec') as any;
  for (let i = 0; i < 12; i++) vec.create_attribute(`extra${i}`, i + 0.25);
  (w.get('/') as any).create_attribute('added', 'new text');
  (w.get('a') as any).delete_attribute('shared'); // frees its heap strings, not the other attribute's
  growTable(w, 'tables/runs', TABLE_ROWS, TABLE_ROWS + 100);
  growTable(w, 'tables/empty', 0, 25);
  const chunked = w.get('data/chunked2d') as any;
  chunked.resize([12, 7]);
  chunked.write_slice([[10, 12], [0, 7]], Int16Array.from({ length: 14 }, (_, i) => 100 + i));
  w.close();

  const got = h5pyDump(file);
  const expected: Items = structuredClone(EXPECTED);
  expected['/'].attrs.added = str(1, 2, 8, [], 'new text', true); // h5wasm space-pads its strings
  expected['/a'].attrs = {};
  expected['/ten'].links.push('fresh');
  expected['/ten/fresh'] = { kind: 'group', attrs: {}, links: Array.from({ length: 20 }, (_, i) => `g${i}`).sort() };
  for (let i = 0; i < 20; i++) expected[`/ten/fresh/g${i}`] = { kind: 'group', attrs: {}, links: [] };
  for (let i = 0; i < 12; i++) expected['/data/vec'].attrs[`extra${i}`] = attr('<f8', 1, 8, [], i + 0.25);
  expected['/tables/runs'].shape = [TABLE_ROWS + 100];
  expected['/tables/runs'].value = rows(0, TABLE_ROWS + 100);
  expected['/tables/empty'].shape = [25];
  expected['/tables/empty'].value = rows(0, 25);
  expected['/data/chunked2d'].shape = [12, 7];
  expected['/data/chunked2d'].value.push([100, 101, 102, 103, 104, 105, 106], [107, 108, 109, 110, 111, 112, 113]);
  assertItems(got, expected);
  h5dumpOk(file);
  // HDF5 moved the ten links (and the new one) to dense storage: the link info names a fractal heap.
  const ten = Number(spawnSync(PYTHON, ['-c', `
import h5py, sys
print(h5py.h5o.get_info(h5py.File(sys.argv[1], 'r')['ten'].id).addr)`, file], { encoding: 'utf8' }).stdout);
  const linkInfo = headerMessages(readFileSync(file), ten).find((m) => m.type === 0x02)!.body;
  assert.not.equal(linkInfo.readBigUInt64LE(2), 2n ** 64n - 1n, 'fractal heap address defined');
});

/** Grows a table with h5wasm and writes rows `[from, to)` as raw records, as h5traj's wrapper does. */
function growTable(f: WasmFile, path: string, from: number, to: number): void {
  (f.get(path) as any).resize([to]);
  const data = tableBytes(from, to);
  const ptr = Module._malloc(data.length);
  try {
    Module.HEAPU8.set(data, ptr);
    const count = [BigInt(to - from)];
    const status = Module.set_dataset_data(f.file_id, `/${path}`, count, [BigInt(from)], [1n], BigInt(ptr));
    assert.ok(status >= 0, `h5wasm could not write rows into ${path}`);
  } finally {
    Module._free(ptr);
  }
  assert.is(ROW.size, data.length / (to - from));
}

test('a group with 20,000 links and a 10,000-run layout are written quickly and h5py lists all of it', () => {
  const wide = newGroup();
  for (let i = 0; i < 20000; i++) {
    const g = newGroup();
    if (i % 1000 === 0) g.attrs.set('i', { type: intType(4), shape: [], bytes: numbers(intType(4), [i]) });
    wide.links.set(`item_${i}`, { kind: 'hard', node: g });
  }
  const root = buildW1Graph(10000);
  root.links.set('wide', { kind: 'hard', node: wide });
  const file = join(dir, 'w1.h5');
  const t0 = performance.now();
  writeNativeFile(file, root);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  native writer: 10,000 runs (60,000 objects) + a 20,000-link group in ${seconds.toFixed(3)} s, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

  const r = spawnSync(PYTHON, ['-c', `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
names = []
f.visit(names.append)
runs = f['results/runs']
last = runs[sys.argv[2]]['out']
wide = f['wide']
print(json.dumps({
  'objects': len(names), 'runs': len(runs), 'first': list(runs)[0], 'wide': len(wide),
  'wide_sorted': list(wide) == sorted(wide), 'attr': int(wide['item_19000'].attrs['i']),
  'a': float(last['a'][()]), 'arr': [float(x) for x in last['arr'][[0, 99]]],
  'attrs': {k: (v.decode() if isinstance(v, bytes) else v) for k, v in last.attrs.items()},
}))`, file, runName(9999)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), {
    objects: 2 + 10000 * 6 + 1 + 20000, runs: 10000, first: 'run_00000000', wide: 20000, wide_sorted: true, attr: 19000,
    a: 9999, arr: [9999, 9999.99], attrs: { SRVC_LEAF: '1', class_name: 'Result', comment: 'run 9999 output' },
  });
});

test('an attribute over 65,535 bytes is refused before the file is touched', () => {
  const file = join(dir, 'big-attr.h5');
  writeFileSync(file, 'previous content');
  const root = newGroup();
  const g = newGroup();
  root.links.set('g', { kind: 'hard', node: g });
  g.attrs.set('big', { type: F64, shape: [10000], bytes: new Uint8Array(80000) });
  throwsKind(() => writeNativeFile(file, root), StorageError, /attribute 'big' of '\/g' takes 80,0\d\d bytes, more than the 65,535/);
  assert.is(readFileSync(file, 'utf8'), 'previous content');
});

test('graphs HDF5 cannot hold are refused with the path at fault', () => {
  const file = join(dir, 'bad.h5');
  const cyclic = newGroup();
  const child = newGroup();
  cyclic.links.set('child', { kind: 'hard', node: child });
  child.links.set('up', { kind: 'hard', node: cyclic });
  throwsKind(() => writeNativeFile(file, cyclic), StorageError, /'\/child\/up' points back/);
  const short = newGroup();
  short.links.set('d', { kind: 'hard', node: dataset(F64, [4], new Uint8Array(16)) });
  throwsKind(() => writeNativeFile(file, short), StorageError, /'\/d' has 16 bytes of data, but its shape \[4\] needs 32/);
  const slash = newGroup();
  slash.links.set('a/b', { kind: 'soft', target: '/' });
  throwsKind(() => writeNativeFile(file, slash), StorageError, /link name 'a\/b'/);
  const other = newGroup();
  other.attrs.set('t', { type: { class: 'other', size: 4, h5class: 5 }, shape: [], bytes: new Uint8Array(4) });
  throwsKind(() => writeNativeFile(file, other), StorageError, /HDF5 class 5 datatype cannot be written/);
  assert.not.ok(existsSync(file), 'no partial file is left');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
