/**
 * The native writer's files, checked with independent readers: h5py (Debian's, on HDF5 1.10)
 * reads every link, attribute and dataset of a graph holding one of everything; h5dump accepts
 * the file; h5wasm (HDF5 1.14) reads it and then modifies it — converting a group to dense link
 * storage, adding attributes, growing chunked datasets — after which h5py still reads all of it.
 * Also: large groups and a 10,000-run trajectory layout (timings printed) — groups of more than
 * 16 links are old-style groups (symbol tables), checked by h5py, h5dump, the native reader and
 * h5wasm, which must find 10,000 runs by name in seconds and can add links to them — and the
 * errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm, { type File as WasmFile, Module } from 'h5wasm/node';
import { StorageError } from '../../../../src/errors.js';
import { F64, type H5Type, intType } from '../../../../src/storage/hdf5/engine/h5types.js';
import type { H5Data } from '../../../../src/storage/hdf5/engine/h5file.js';
import { type NGroup, type NLink, type NNode, newGroup } from '../../../../src/storage/hdf5/native/model.js';
import { openNativeFile } from '../../../../src/storage/hdf5/native/reader.js';
import { writeNativeFile } from '../../../../src/storage/hdf5/native/writer.js';
import { runName } from '../../../../src/tree/names.js';
import { python, runH5py, runH5pyJson, throwsKind, tempDir } from '../../../helpers.js';
import { ROW, TABLE_ROWS, dataset, numbers, sampleGraph, tableBytes, tableRow } from './sample-graph.js';
import { buildW1Graph } from './w1-graph.js';

const DUMP = join(dirname(fileURLToPath(import.meta.url)), 'h5py_dump.py');
const dir = tempDir('h5traj-native-writer-');
await h5wasm.ready;

type Items = Record<string, any>;

/** Everything h5py sees in `file` (see h5py_dump.py). */
function h5pyDump(file: string): Items {
  return JSON.parse(python([DUMP, file])) as Items;
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

test('libhdf5 counts the attributes the writer writes (h5py len(attrs)), so h5repack copies them all', () => {
  // libhdf5 takes a version-2 header's attribute count from its attribute info message: without
  // one, H5Aget_num_attrs said 0 and h5repack dropped every attribute of every object.
  const repacked = join(dir, 'sample-repacked.h5');
  const r = spawnSync('h5repack', [sampleFile, repacked], { encoding: 'utf8' });
  assert.is(r.status, 0, `h5repack failed: ${r.stderr || r.error?.message}`);
  const counts = runH5pyJson<{ listed: Record<string, number>; counted: Record<string, number> }[]>(`
import h5py, json, sys
def counts(path):
    out = {'listed': {}, 'counted': {}}
    def visit(name, obj):
        out['listed'][name] = len(list(obj.attrs))
        out['counted'][name] = len(obj.attrs)
    with h5py.File(path, 'r') as f:
        visit('/', f)
        f.visititems(visit)
    return out
print(json.dumps([counts(p) for p in sys.argv[1:]]))`, sampleFile, repacked);
  const [written, copied] = counts as [(typeof counts)[0], (typeof counts)[0]];
  assert.ok(Object.values(written.listed).filter((n) => n > 0).length >= 5, 'the sample graph has objects with attributes');
  assert.equal(written.counted, written.listed, 'h5py counts what it lists');
  assert.equal(copied.listed, written.listed, 'h5repack copied every attribute');
});

test('the table with 100 chunks is indexed by a two-level B-tree', () => {
  const out = runH5py(`
import h5py, sys
d = h5py.File(sys.argv[1], 'r')['tables/runs']
print(d.id.get_num_chunks(), d.id.get_chunk_info(99).chunk_offset[0], h5py.h5o.get_info(d.id).addr)`, sampleFile);
  const [chunks, lastOffset, header] = out.trim().split(' ').map(Number);
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
  const ten = Number(runH5py(`
import h5py, sys
print(h5py.h5o.get_info(h5py.File(sys.argv[1], 'r')['ten'].id).addr)`, file));
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

  const got = runH5pyJson(`
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
}))`, file, runName(9999));
  assert.equal(got, {
    objects: 2 + 10000 * 6 + 1 + 20000, runs: 10000, first: 'run_00000000', wide: 20000, wide_sorted: true, attr: 19000,
    a: 9999, arr: [9999, 9999.99], attrs: { SRVC_LEAF: '1', class_name: 'Result', comment: 'run 9999 output' },
  });
});

// Old-style groups. One file holds every kind of big group; it is written once, by the first of
// the following tests, and read by the others.
const I32 = intType(4);
const int32 = (i: number): H5Data => ({ type: I32, shape: [], bytes: numbers(I32, [i]) });
const itemName = (i: number): string => `item_${String(i).padStart(4, '0')}`;
const hard = (node: NNode): NLink => ({ kind: 'hard', node });

/** A group with empty groups `g00`, `g01`, … and any `extra` links. */
function groupOf(n: number, extra: [string, NLink][] = []): NGroup {
  const g = newGroup();
  for (let i = 0; i < n; i++) g.links.set(`g${String(i).padStart(2, '0')}`, hard(newGroup()));
  for (const [name, link] of extra) g.links.set(name, link);
  return g;
}

/**
 * The W1 layout (10,000 runs) plus `wide`: 5,000 members with the attribute i, every third a
 * dataset [i, i + 0.5], the others groups — item_1001 and item_3001 with 20 groups each, so
 * old-style groups inside an old-style group — and two soft links; groups of 17 and 16 links; and
 * groups of 21 links that must stay compact: one with an external link, one with a non-ASCII name.
 */
function bigGraph(): NGroup {
  const root = buildW1Graph(10000);
  const wide = newGroup();
  for (let i = 0; i < 5000; i++) {
    const node: NNode = i % 3 === 0 ? dataset(F64, [2], numbers(F64, [i, i + 0.5])) : i % 2000 === 1001 ? groupOf(20) : newGroup();
    node.attrs.set('i', int32(i));
    wide.links.set(itemName(i), hard(node));
  }
  wide.links.set('soft_first', { kind: 'soft', target: '/wide/item_0001' });
  wide.links.set('soft_nowhere', { kind: 'soft', target: '/nowhere' });
  root.links.set('wide', hard(wide));
  root.links.set('seventeen', hard(groupOf(17)));
  root.links.set('sixteen', hard(groupOf(16)));
  root.links.set('with_external', hard(groupOf(20, [['outside', { kind: 'external', file: 'other.h5', path: '/x' }]])));
  root.links.set('with_unicode', hard(groupOf(20, [['ünï', hard(newGroup())]])));
  return root;
}

const BIG_CHECK = `
import h5py, json, sys
import numpy as np
f = h5py.File(sys.argv[1], 'r')
problems = []
def check(ok, what):
    if not ok and len(problems) < 20: problems.append(what)
w = f['wide']
check(list(w) == ['item_%04d' % i for i in range(5000)] + ['soft_first', 'soft_nowhere'], 'wide: names')
for i in range(5000):
    o = w['item_%04d' % i]
    check(int(o.attrs['i']) == i, 'wide: attribute of %d' % i)
    if i % 3 == 0:
        check(o[()].tolist() == [i, i + 0.5], 'wide: data of %d' % i)
    else:
        check(list(o) == (['g%02d' % k for k in range(20)] if i % 2000 == 1001 else []), 'wide: members of %d' % i)
check(w.get('soft_first', getlink=True).path == '/wide/item_0001' and int(w['soft_first'].attrs['i']) == 1, 'wide: soft link')
check(w.get('soft_nowhere', getlink=True).path == '/nowhere', 'wide: dangling soft link')
runs = f['results/runs']
check(list(runs) == ['run_%08d' % i for i in range(10000)], 'runs: names')
for i in range(10000):
    out = runs['run_%08d' % i]['out']
    check([out['a'][()], out['b'][()], out['c'][()]] == [i, i * 0.5, -i], 'runs: scalars of %d' % i)
    check((out['arr'][()] == i + np.arange(100) / 100).all(), 'runs: arr of %d' % i)
    attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in out.attrs.items()}
    check(attrs == {'SRVC_LEAF': '1', 'class_name': 'Result', 'comment': 'run %d output' % i}, 'runs: attributes of %d' % i)
ext = f['with_external'].get('outside', getlink=True)
check((ext.filename, ext.path) == ('other.h5', '/x'), 'external link')
names = []
f.visit(names.append)
paths = ['results/runs', 'wide', 'wide/item_1001', 'wide/item_0001', 'wide/item_0003', 'seventeen', 'sixteen', 'with_external', 'with_unicode']
print(json.dumps({
    'problems': problems, 'objects': len(names),
    'lengths': {p: len(f[p]) for p in paths if isinstance(f[p], h5py.Group)},
    'unicode': 'ünï' in f['with_unicode'],
    'addr': {p: h5py.h5o.get_info(f[p].id).addr for p in paths},
}))`;

const bigFile = join(dir, 'big.h5');
const big = bigGraph();

test('groups of more than 16 links are old-style groups that h5py and h5dump read', () => {
  const t0 = performance.now();
  writeNativeFile(bigFile, big);
  console.log(`  native writer: 10,000 runs + a 5,000-member group, old-style, in ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  const got = runH5pyJson<{ problems: string[]; objects: number; lengths: Items; unicode: boolean; addr: Record<string, number> }>(BIG_CHECK, bigFile);
  assert.equal(got.problems, []);
  assert.is(got.objects, 2 + 6 * 10000 + 1 + 5000 + 2 * 20 + 18 + 17 + 21 + 22); // h5py visits objects, not soft or external links
  assert.equal(got.lengths, {
    'results/runs': 10000, wide: 5002, 'wide/item_1001': 20, 'wide/item_0001': 0, seventeen: 17, sixteen: 16, with_external: 21, with_unicode: 21,
  });
  assert.ok(got.unicode);

  // Which storage each group got, from its header's messages.
  const raw = readFileSync(bigFile);
  const messages = (path: string) => headerMessages(raw, got.addr[path]!);
  for (const path of ['results/runs', 'wide', 'wide/item_1001', 'seventeen']) {
    // Besides attributes (their messages and the attribute info message)
    assert.equal(messages(path).map((m) => m.type).filter((t) => t !== 0x0c && t !== 0x15), [0x11], `${path}: a symbol table message only`);
  }
  for (const path of ['sixteen', 'with_external', 'with_unicode', 'wide/item_0001']) {
    assert.equal(messages(path).slice(0, 2).map((m) => m.type), [0x02, 0x0a], `${path}: link info, group info`);
  }
  // The entries: what HDF5 caches for each kind of member, and keys that order the nodes.
  const stab = (path: string) => messages(path).find((m) => m.type === 0x11)!.body;
  const entries = symbolTableEntries(raw, stab('wide'));
  assert.equal([...entries.keys()], [...Array.from({ length: 5000 }, (_, i) => itemName(i)), 'soft_first', 'soft_nowhere']);
  assert.equal(entries.get('item_1001'), { address: got.addr['wide/item_1001'], cache: 1, scratch: [...stab('wide/item_1001')] });
  assert.equal(entries.get('item_0001'), { address: got.addr['wide/item_0001'], cache: 0, scratch: new Array(16).fill(0) });
  assert.equal(entries.get('item_0003'), { address: got.addr['wide/item_0003'], cache: 0, scratch: new Array(16).fill(0) });
  assert.equal(entries.get('soft_first')?.cache, 2);
  assert.equal(entries.get('soft_first')?.value, '/wide/item_0001');

  const dump = spawnSync('h5dump', ['-H', bigFile], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.is(dump.status, 0, `h5dump -H failed: ${dump.stderr}`);
  assert.not.match(dump.stdout + dump.stderr, /h5dump error/);
});

/**
 * The entries of an old-style group by name, in stored order, from its Symbol Table message:
 * object address, cache type, scratch pad bytes (or a soft link's value). Checks on the way that
 * every node's names are sorted and lie between the node's keys, as HDF5's look-ups assume.
 */
function symbolTableEntries(raw: Buffer, stab: Buffer): Map<string, { address: number; cache: number; scratch?: number[]; value?: string }> {
  const heap = Number(stab.readBigUInt64LE(8));
  assert.is(raw.toString('latin1', heap, heap + 4), 'HEAP');
  const data = Number(raw.readBigUInt64LE(heap + 24));
  const name = (offset: number) => raw.toString('utf8', data + offset, raw.indexOf(0, data + offset));
  const out = new Map<string, { address: number; cache: number; scratch?: number[]; value?: string }>();
  const visit = (node: number, low: string, high: string): void => {
    assert.is(raw.toString('latin1', node, node + 4), 'TREE');
    const [level, n] = [raw[node + 5]!, raw.readUInt16LE(node + 6)];
    const key = (i: number) => name(Number(raw.readBigUInt64LE(node + 24 + 16 * i)));
    assert.equal([key(0), key(n)], [low, high], 'the node spans the keys its parent gives it');
    for (let i = 0; i < n; i++) {
      const child = Number(raw.readBigUInt64LE(node + 32 + 16 * i));
      if (level > 0) {
        visit(child, key(i), key(i + 1));
        continue;
      }
      assert.is(raw.toString('latin1', child, child + 4), 'SNOD');
      const count = raw.readUInt16LE(child + 6);
      for (let e = 0; e < count; e++) {
        const at = child + 8 + 40 * e;
        const entryName = name(Number(raw.readBigUInt64LE(at)));
        assert.ok(key(i) < entryName && entryName <= key(i + 1), `'${entryName}' lies between the keys of its node`);
        assert.ok(e === count - 1 || entryName < name(Number(raw.readBigUInt64LE(at + 40))), 'sorted entries');
        const cache = raw.readUInt32LE(at + 16);
        const scratch = raw.subarray(at + 24, at + 40);
        out.set(entryName, cache === 2
          ? { address: Number(raw.readBigInt64LE(at + 8)), cache, value: name(scratch.readUInt32LE(0)) }
          : { address: Number(raw.readBigUInt64LE(at + 8)), cache, scratch: [...scratch] });
      }
    }
  };
  const root = Number(stab.readBigUInt64LE(0));
  const firstKey = Number(raw.readBigUInt64LE(root + 24));
  assert.is(firstKey, 0, 'the first key is the empty string at offset 0');
  visit(root, '', name(Number(raw.readBigUInt64LE(root + 24 + 16 * raw.readUInt16LE(root + 6)))));
  return out;
}

test('the native reader returns the graph that was written', () => {
  const src = openNativeFile(bigFile);
  try {
    assertSameNode(src.root, big, '/');
  } finally {
    src.close();
  }
});

/** A type for comparison: the in-memory size of a variable-length string type is a convention (the reader says 4). */
const sameType = (t: H5Type): H5Type => (t.class === 'string' && t.vlen ? { ...t, size: 0 } : t);

function assertSameNode(got: NNode, expected: NNode, path: string): void {
  assert.is(got.kind, expected.kind, path);
  assertSameValues(got.attrs, expected.attrs, path);
  if (got.kind === 'dataset' && expected.kind === 'dataset') {
    assertSameValue({ type: got.type, shape: got.shape, ...got.data.read() }, { type: expected.type, shape: expected.shape, ...expected.data.read() }, path);
    return;
  }
  if (got.kind !== 'group' || expected.kind !== 'group') return;
  assert.equal([...got.links.keys()], [...expected.links.keys()].sort(), `${path}: links`);
  for (const [name, link] of expected.links) {
    const other = got.links.get(name)!;
    const where = `${path === '/' ? '' : path}/${name}`;
    if (link.kind === 'hard' && other.kind === 'hard') assertSameNode(other.node, link.node, where);
    else assert.equal(other, link, where);
  }
}

function assertSameValues(got: Map<string, H5Data>, expected: Map<string, H5Data>, path: string): void {
  assert.equal([...got.keys()], [...expected.keys()].sort(), `${path}: attributes`);
  for (const [name, value] of expected) assertSameValue(got.get(name)!, value, `${path} @${name}`);
}

function assertSameValue(got: H5Data, expected: H5Data, where: string): void {
  assert.equal([sameType(got.type), got.shape], [sameType(expected.type), expected.shape], where);
  if (expected.strings) assert.equal(got.strings?.map(String), expected.strings.map(String), where);
  else assert.ok(Buffer.from(got.bytes).equals(Buffer.from(expected.bytes)), `${where}: bytes`);
}

test('h5wasm opens each of 10,000 runs by name (old-style group: a B-tree look-up each)', () => {
  const f = new h5wasm.File(bigFile, 'r');
  const t0 = performance.now();
  const runs = f.get('results/runs') as any;
  let sum = 0;
  for (let i = 0; i < 10000; i++) sum += Number(runs.get(runName(i)).get('out/a').value);
  const seconds = (performance.now() - t0) / 1000;
  f.close();
  console.log(`  h5wasm: 10,000 runs opened by name, one dataset read from each, in ${seconds.toFixed(1)} s`);
  assert.is(sum, (9999 * 10000) / 2);
  // Compact storage, where HDF5 decodes every link message for each look-up, took 49 s here and
  // 2-3 s old-style; which storage each group gets is asserted above (no timed assertion here).
});

test('h5wasm adds links to old-style groups and attributes to them and their members; h5py and the native reader see all', () => {
  const file = join(dir, 'big-modified.h5');
  copyFileSync(bigFile, file);
  const w = new h5wasm.File(file, 'a');
  (w.get('results/runs') as any).create_group('run_new'); // after the last name
  const wide = w.get('wide') as any;
  wide.create_group('item_2500a'); // into a full node, which HDF5 splits
  wide.create_dataset({ name: 'added_ds', data: new Float64Array([1, 2]) }); // before every other name
  wide.create_attribute('on_group', 7); // into a header that holds only the symbol table message
  (w.get('seventeen') as any).create_group('g17');
  (w.get('results/runs/run_00000005/out') as any).create_attribute('added', 1.5);
  (w.get('wide/item_0003') as any).create_attribute('added', 'text');
  (w.get('wide/item_1001') as any).create_group('g20');
  w.close();

  const got = runH5pyJson(`
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
runs, wide = f['results/runs'], f['wide']
print(json.dumps({
  'runs': len(runs), 'run_new': 'run_new' in runs, 'last': list(runs)[-1], 'first_run': list(runs)[0],
  'wide': len(wide), 'wide_sorted': list(wide) == sorted(wide), 'item_2500a': isinstance(wide['item_2500a'], h5py.Group),
  'added_ds': wide['added_ds'][()].tolist(), 'on_group': int(wide.attrs['on_group']), 'item_4999': int(wide['item_4999'].attrs['i']),
  'seventeen': list(f['seventeen'])[-2:], 'item_1001': len(wide['item_1001']),
  'added': float(runs['run_00000005/out'].attrs['added']), 'text': wide['item_0003'].attrs['added'],
  'data': wide['item_0003'][()].tolist(),
}))`, file);
  assert.equal(got, {
    runs: 10001, run_new: true, last: 'run_new', first_run: 'run_00000000',
    wide: 5004, wide_sorted: true, item_2500a: true, added_ds: [1, 2], on_group: 7, item_4999: 4999,
    seventeen: ['g16', 'g17'], item_1001: 21, added: 1.5, text: 'text', data: [3, 3.5],
  });
  const dump = spawnSync('h5dump', ['-H', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.is(dump.status, 0, `h5dump -H failed: ${dump.stderr}`);

  const src = openNativeFile(file);
  try {
    const group = (path: string) => path.split('/').reduce((g, name) => (g.links.get(name) as { node: NGroup }).node, src.root);
    assert.is(group('results/runs').links.size, 10001);
    assert.ok(group('results/runs').links.has('run_new'));
    assert.is(group('wide').links.size, 5004);
    assert.ok(group('wide').attrs.has('on_group'));
    assert.equal([...group('seventeen').links.keys()].slice(-2), ['g16', 'g17']);
  } finally {
    src.close();
  }
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
