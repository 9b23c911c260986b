/**
 * A graph with one of everything the native writer stores: nested groups, soft and external
 * links, an object linked twice, attributes of every type (scalars and arrays), and datasets
 * scalar, 1-d, 2-d, empty, NULL, chunked (with and without filters), compound tables with more
 * than 64 chunks, array and enum members. `writer.test.ts` writes it and reads it back.
 */
import { deflateSync } from 'node:zlib';
import { type H5Type, F64, I64, compoundType, fixedString, floatType, intType } from '../../../../src/storage/hdf5/engine/h5types.js';
import { type NDataset, type NGroup, memoryData, newGroup, sourceTypeBytes } from '../../../../src/storage/hdf5/native/model.js';
import type { H5Data } from '../../../../src/storage/hdf5/engine/h5file.js';

export const VLEN_UTF8: H5Type = { class: 'string', size: 16, vlen: true, cset: 'utf8', pad: 'nullterm' };
export const VLEN_ASCII: H5Type = { class: 'string', size: 16, vlen: true, cset: 'ascii', pad: 'nullterm' };
export const SWITCH: H5Type = { class: 'enum', size: 1, signed: false, members: { OFF: 0, ON: 1 } };
export const SIGN: H5Type = { class: 'enum', size: 1, signed: true, members: { NEG: -1, ZERO: 0, POS: 1 } };
export const BITS: H5Type = { class: 'bitfield', size: 1 };
export const I16x2x3: H5Type = { class: 'array', size: 12, base: intType(2), dims: [2, 3] };
export const F64x3: H5Type = { class: 'array', size: 24, base: F64, dims: [3] };
export const POINT = compoundType([['x', intType(4)], ['y', F64]]);
/** A PyTables-like table row: integers, a C string, floats, an array column, an enum, a bool. */
export const ROW = compoundType([
  ['idx', I64],
  ['name', fixedString(16)],
  ['value', F64],
  ['vec', F64x3],
  ['sign', SIGN],
  ['ok', BITS],
]);
/** A big-endian int32: not an `H5Type` the writer encodes, so its message comes from `sourceTypeBytes`. */
export const BIG_ENDIAN_I32: H5Type = { class: 'other', size: 4, h5class: 0 };
// Integer class, version 1, byte order bit set, signed; 4 bytes; offset 0, precision 32.
sourceTypeBytes.set(BIG_ENDIAN_I32, Uint8Array.of(0x10, 0x09, 0, 0, 4, 0, 0, 0, 0, 0, 32, 0));
export const TABLE_ROWS = 1000;
export const TABLE_CHUNK = 10;

/** Little-endian element bytes from numbers or bigints, for a numeric type. */
export function numbers(t: H5Type, values: readonly (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * t.size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * t.size;
    if (t.class === 'float') {
      if (t.size === 8) view.setFloat64(at, Number(v), true);
      else view.setFloat32(at, Number(v), true);
      return;
    }
    const b = BigInt.asUintN(8 * t.size, BigInt(v));
    for (let k = 0; k < t.size; k++) out[at + k] = Number((b >> BigInt(8 * k)) & 0xffn);
  });
  return out;
}

const value = (type: H5Type, shape: number[] | null, bytes: Uint8Array): H5Data => ({ type, shape, bytes });
const strings = (type: H5Type, shape: number[], list: string[]): H5Data => ({
  type, shape, bytes: new Uint8Array(0), strings: list.map((s) => Buffer.from(s, 'utf8')),
});
const fixed = (s: string, size: number, cset: 'ascii' | 'utf8', pad: 'nullterm' | 'nullpad' | 'spacepad'): H5Data => {
  const bytes = new Uint8Array(size).fill(pad === 'spacepad' ? 0x20 : 0);
  bytes.set(Buffer.from(s, 'utf8'));
  return value({ class: 'string', size, vlen: false, cset, pad }, [], bytes);
};

export function dataset(type: H5Type, shape: number[] | null, bytes: Uint8Array, more: Partial<NDataset> = {}): NDataset {
  return { kind: 'dataset', attrs: new Map(), type, shape, maxshape: null, chunks: null, data: memoryData(bytes), ...more };
}

/** Row `i` of the sample table, as h5py reports it (bytes as `{ bytes }`, bools as 0/1). */
export function tableRow(i: number): unknown[] {
  return [i, { bytes: `row ${i}` }, i / 4, [i, i + 0.5, -i], (i % 3) - 1, i % 2];
}

/** The sample table's rows `[from, to)` as stored bytes. */
export function tableBytes(from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from) * ROW.size);
  const view = new DataView(out.buffer);
  for (let i = from; i < to; i++) {
    const at = (i - from) * ROW.size;
    view.setBigInt64(at, BigInt(i), true);
    out.set(Buffer.from(`row ${i}`), at + 8);
    view.setFloat64(at + 24, i / 4, true);
    [i, i + 0.5, -i].forEach((v, k) => view.setFloat64(at + 32 + 8 * k, v, true));
    view.setInt8(at + 56, (i % 3) - 1);
    view.setUint8(at + 57, i % 2);
  }
  return out;
}

const link = (parent: NGroup, name: string, node: NGroup | NDataset) => parent.links.set(name, { kind: 'hard', node });

export function sampleGraph(): NGroup {
  const root = newGroup();
  const a = root.attrs;
  a.set('f64', value(F64, [], numbers(F64, [1.5])));
  a.set('f64_special', value(F64, [5], numbers(F64, [NaN, Infinity, -Infinity, 1e-300, 2.5])));
  a.set('f32', value(floatType(4), [2], numbers(floatType(4), [1.25, -2.5])));
  a.set('i8', value(intType(1), [2], numbers(intType(1), [-128, 127])));
  a.set('u8', value(intType(1, false), [2], numbers(intType(1, false), [0, 255])));
  a.set('i16', value(intType(2), [2], numbers(intType(2), [-32768, 32767])));
  a.set('u16', value(intType(2, false), [], numbers(intType(2, false), [65535])));
  a.set('i32', value(intType(4), [2], numbers(intType(4), [-2147483648, 2147483647])));
  a.set('u32', value(intType(4, false), [], numbers(intType(4, false), [4294967295])));
  a.set('i64', value(I64, [3], numbers(I64, [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n])));
  a.set('u64', value(intType(8, false), [], numbers(intType(8, false), [2n ** 64n - 1n])));
  a.set('s_nullterm', fixed('hello', 8, 'ascii', 'nullterm'));
  a.set('s_nullpad', fixed('pad', 6, 'ascii', 'nullpad'));
  a.set('s_spacepad', fixed('héllo', 10, 'utf8', 'spacepad'));
  a.set('vlen', strings(VLEN_UTF8, [], ['naïve ☃ 日本']));
  a.set('vlen_list', strings(VLEN_UTF8, [3], ['a', '', 'ünïcödé']));
  a.set('vlen_ascii', strings(VLEN_ASCII, [], ['plain']));
  a.set('point', value(POINT, [2], new Uint8Array([...numbers(intType(4), [7]), ...numbers(F64, [0.5]), ...numbers(intType(4), [-7]), ...numbers(F64, [-0.5])])));
  a.set('matrix', value(I16x2x3, [], numbers(intType(2), [1, 2, 3, 4, 5, -6])));
  a.set('switch', value(SWITCH, [3], Uint8Array.of(1, 0, 1)));
  a.set('bits', value(BITS, [2], Uint8Array.of(1, 0)));
  a.set('nothing', value(F64, null, new Uint8Array(0)));
  a.set('ünïcode name', value(intType(4), [], numbers(intType(4), [42])));
  a.set('big_endian', value(BIG_ENDIAN_I32, [2], Uint8Array.of(0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe)));

  // Nested groups and links.
  const deep = newGroup();
  deep.attrs.set('level', value(intType(4), [], numbers(intType(4), [4])));
  const b = newGroup();
  const c = newGroup();
  link(root, 'a', b);
  link(b, 'b', c);
  // One value object on two attributes: each must get its own heap strings.
  const shared = strings(VLEN_UTF8, [2], ['shared', 'twice']);
  b.attrs.set('shared', shared);
  c.attrs.set('shared', shared);
  link(c, 'c', deep);
  root.links.set('to_deep', { kind: 'soft', target: '/a/b/c' });
  root.links.set('dangling', { kind: 'soft', target: '/nowhere' });
  root.links.set('elsewhere', { kind: 'external', file: 'other.h5', path: '/x/y' });

  // More links than HDF5 keeps compact (8): h5wasm converts this group when it adds one.
  const ten = newGroup();
  link(root, 'ten', ten);
  for (let i = 0; i < 10; i++) {
    const child = newGroup();
    child.attrs.set('i', value(intType(4), [], numbers(intType(4), [i])));
    link(ten, `child${i}`, child);
  }

  // Datasets.
  const data = newGroup();
  link(root, 'data', data);
  const vec = dataset(intType(4), [10], numbers(intType(4), Array.from({ length: 10 }, (_, i) => i * i)));
  vec.attrs.set('unit', strings(VLEN_UTF8, [], ['m²']));
  link(data, 'scalar', dataset(F64, [], numbers(F64, [3.25])));
  link(data, 'vec', vec);
  link(data, 'mat', dataset(F64, [3, 4], numbers(F64, Array.from({ length: 12 }, (_, i) => i / 2))));
  link(data, 'empty', dataset(F64, [0], new Uint8Array(0)));
  link(data, 'null', dataset(F64, null, new Uint8Array(0)));
  link(data, 'chunked2d', dataset(intType(2), [10, 7], numbers(intType(2), Array.from({ length: 70 }, (_, i) => i - 35)), { chunks: [3, 4], maxshape: [null, 7] }));
  link(data, 'strings', dataset(VLEN_UTF8, [3], new Uint8Array(0), { data: memoryData(new Uint8Array(0), ['x', 'ünïcode', ''].map((s) => Buffer.from(s))) }));
  link(data, 'strings_chunked', dataset(VLEN_UTF8, [5], new Uint8Array(0), {
    chunks: [2], maxshape: [null], data: memoryData(new Uint8Array(0), ['s0', 's1', 's2', 's3', 's4'].map((s) => Buffer.from(s))),
  }));
  link(data, 'fixed', dataset(fixedString(6), [2], new Uint8Array([...Buffer.from('abc\0\0\0'), ...Buffer.from('abcdef')])));
  link(data, 'sign', dataset(SIGN, [3], Uint8Array.of(0xff, 0, 1)));
  // Fill value message given verbatim: version 3, incremental allocation, fill at allocation, value 42.
  link(data, 'filled', dataset(intType(4), [5], numbers(intType(4), [1, 2, 3, 4, 5]), {
    chunks: [2], maxshape: [null], fillValue: Uint8Array.of(3, 0x23, 4, 0, 0, 0, 42, 0, 0, 0),
  }));
  link(data, 'gzip', gzipDataset());
  // The same dataset under two names.
  link(root, 'same_vec', vec);

  // PyTables-like tables: one with 100 chunks (a two-level B-tree), one empty.
  const tables = newGroup();
  link(root, 'tables', tables);
  const table = dataset(ROW, [TABLE_ROWS], tableBytes(0, TABLE_ROWS), { chunks: [TABLE_CHUNK], maxshape: [null] });
  table.attrs.set('CLASS', fixed('TABLE', 5, 'ascii', 'nullterm'));
  table.attrs.set('NROWS', value(I64, [], numbers(I64, [TABLE_ROWS])));
  link(tables, 'runs', table);
  link(tables, 'empty', dataset(ROW, [0], new Uint8Array(0), { chunks: [TABLE_CHUNK], maxshape: [null] }));
  return root;
}

/** int32[100] in chunks of 10, each deflated: copied as raw chunks with their pipeline. */
function gzipDataset(): NDataset {
  const t = intType(4);
  const values = Array.from({ length: 100 }, (_, i) => i * 3);
  const chunks = Array.from({ length: 10 }, (_, k) => ({
    offset: [k * 10], filterMask: 0, bytes: new Uint8Array(deflateSync(numbers(t, values.slice(k * 10, k * 10 + 10)))),
  }));
  // Filter pipeline message v2: one filter, deflate (id 1), optional, one client value (level 4).
  const filterPipeline = Uint8Array.of(2, 1, 1, 0, 1, 0, 1, 0, 4, 0, 0, 0);
  return dataset(t, [100], numbers(t, values), {
    chunks: [10], maxshape: [100],
    data: { read: () => ({ bytes: numbers(t, values) }), rawChunks: () => ({ filterPipeline, chunks }) },
  });
}
