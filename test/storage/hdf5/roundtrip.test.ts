/**
 * Store → load round trips through the HDF5 layer: every value type the value model has, in
 * result items, dict entries, parameters (plain, explored, array, pickle), annotations, links
 * and the overview tables. Values must come back equal, with the same type.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { valuesEqual } from '../../../src/values/compare.js';
import { isTuple, markTuple } from '../../../src/values/markers.js';
import { NDArray } from '../../../src/values/ndarray.js';
import { Complex, type ScalarType, type TypedValue, type ValueType } from '../../../src/values/types.js';
import { type H5File, stringAttr } from '../../../src/storage/hdf5/engine/h5file.js';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { F64 } from '../../../src/storage/hdf5/engine/h5types.js';
import { createTable } from '../../../src/storage/hdf5/layout/table.js';
import { type LeafData, listTrajectories, readLeaf, readNodeRecord, scanTree, writeGroupNode, writeLeaf, writeLink } from '../../../src/storage/hdf5/layout/nodes.js';
import {
  type RunInfo, appendRuns, createRuns, readExplorations, readInfo, readRuns, updateRuns, writeExplorations, writeInfo,
} from '../../../src/storage/hdf5/layout/overview.js';
import { StorageError } from '../../../src/errors.js';
import { toRunRow } from '../../../src/storage/hdf5/layout/convert.js';
import { placeholderRun } from '../../../src/trajectory/runs.js';
import { tempDir } from '../../helpers.js';

/** pypet's placeholder row of run `i`, as the HDF5 layer writes it. */
const placeholderRow = (i: number) => toRunRow(placeholderRun(i));

const dir = tempDir('h5traj-roundtrip-');
const T = 'traj';

const s = (value: unknown, scalar: ScalarType): TypedValue => ({ value, type: { kind: 'scalar', scalar } });
const list = (items: unknown[], scalar: ScalarType | null): TypedValue => ({ value: items, type: { kind: 'list', scalar } });
const tup = (items: unknown[], scalar: ScalarType | null): TypedValue => ({ value: markTuple(items), type: { kind: 'tuple', scalar } });
const nd = (a: NDArray): TypedValue => ({ value: a, type: { kind: 'ndarray', dtype: a.dtype } });
const dict = (entries: Record<string, TypedValue>): TypedValue => ({
  value: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.value])),
  type: { kind: 'dict', entries: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.type])) as Record<string, ValueType> },
});

/** Same value and same type, tuples included. */
function assertSame(actual: TypedValue | undefined, expected: TypedValue, where: string): void {
  assert.ok(actual, `${where}: present`);
  assert.equal(actual.type, expected.type, `${where}: type`);
  assert.ok(valuesEqual(actual.value, expected.value), `${where}: value ${String(actual.value)} vs ${String(expected.value)}`);
  assert.is(isTuple(actual.value), isTuple(expected.value), `${where}: tuple-ness`);
  if (typeof expected.value === 'bigint' || typeof expected.value === 'number') assert.is(typeof actual.value, typeof expected.value, `${where}: JS type`);
}

const ITEMS: Record<string, TypedValue> = {
  int: s(7, 'int'),
  int_big: s(2n ** 62n + 1n, 'int'),
  int64_big: s(-(2n ** 60n) - 3n, 'int64'),
  uint64_big: s(2n ** 63n + 5n, 'uint64'),
  int8: s(-8, 'int8'),
  int16: s(-16, 'int16'),
  int32: s(-32, 'int32'),
  uint8: s(200, 'uint8'),
  uint16: s(60000, 'uint16'),
  uint32: s(4000000000, 'uint32'),
  float: s(2.5, 'float'),
  nan: s(NaN, 'float'),
  inf: s(Infinity, 'float'),
  neg_inf: s(-Infinity, 'float64'),
  float32: s(1.25, 'float32'),
  complex: s(new Complex(1, -2), 'complex'),
  complex64: s(new Complex(0.5, 0.25), 'complex64'),
  bool_true: s(true, 'bool'),
  bool_false: s(false, 'bool'),
  bool_np: s(true, 'bool_'),
  str: s('grüß λ — unicode', 'str'),
  str_empty: s('', 'str'),
  bytes_nul: s(Buffer.from([0, 1, 0, 0x80, 0xff, 2]), 'bytes'),
  bytes_np: s(Buffer.from('abc'), 'bytes_'),
  list_int: list([1, 2n ** 60n, -3], 'int'),
  list_str: list(['x', 'ÿy', ''], 'str'),
  list_empty: list([], null),
  tuple_float: tup([1, NaN, -Infinity], 'float'),
  tuple_bool: tup([true, false], 'bool'),
  tuple_empty: tup([], null),
  arr_2d: nd(NDArray.fromNested([[1, NaN, 3], [Infinity, -0.5, 6]])),
  arr_3d_i32: nd(new NDArray('int32', [2, 2, 2], new Int32Array([1, 2, 3, 4, 5, 6, 7, -8]))),
  arr_i64: nd(new NDArray('int64', [3], new BigInt64Array([1n, -(2n ** 62n), 2n ** 62n]))),
  arr_u8: nd(new NDArray('uint8', [2], new Uint8Array([0, 255]))),
  arr_f32: nd(new NDArray('float32', [2], new Float32Array([0.5, -1.5]))),
  arr_bool: nd(new NDArray('bool', [2, 2], [true, false, false, true])),
  arr_unicode: nd(new NDArray('<U5', [3], ['ab', 'grüße', ''])),
  arr_bytes: nd(new NDArray('|S4', [2], [Buffer.from('ab'), Buffer.from([1, 0, 2])])),
  arr_complex: nd(new NDArray('complex128', [2], [new Complex(1, 2), new Complex(-0, Infinity)])),
  arr_empty: nd(new NDArray('float64', [0], new Float64Array(0))),
  arr_empty_2d: nd(new NDArray('int32', [0, 3], new Int32Array(0))),
  arr_0d: nd(new NDArray('float64', [], new Float64Array([4.5]))),
  dict: dict({ a: s(1, 'int'), b: s(2.5, 'float'), c: s('three', 'str'), d: s(true, 'bool'), e: s(new Complex(0, 1), 'complex'), f: s(2 ** 40, 'int') }),
  dict_empty: dict({}),
  'deep.x.y': s(3, 'int16'),
  'deep.z': list([1.5], 'float'),
};

const ANNOTATIONS: Record<string, TypedValue> = {
  text: s('note ünïcödé', 'str'),
  text_np: s('numpy text', 'str_'),
  trailing: s('ends with space ', 'str'),
  count: s(42, 'int64'),
  scale: s(1.5, 'float64'),
  numbers: nd(new NDArray('int64', [3], new BigInt64Array([1n, 2n, 3n]))),
};

function writeAll(f: H5File): void {
  writeInfo(f, T, { name: T, time: '2024_01_02_03h04m05s', timestamp: 1.7e9, comment: 'round trip', length: 3, version: '0.7.0', python: '3.11.2' });
  createRuns(f, T, [0, 1, 2].map(placeholderRow), '2024_01_02_03h04m05s');
  writeExplorations(f, T, ['parameters.x', 'parameters.arr']);
  writeGroupNode(f, T, '', { comment: 'traj comment', annotations: { who: s('me', 'str'), n: s(3, 'int64') } });
  writeGroupNode(f, T, 'parameters.sub', { comment: 'a group', annotations: { kind: s('grp', 'str_') } });
  writeLeaf(f, T, 'results.all', { className: 'Result', comment: 'every type', annotations: ANNOTATIONS, data: { kind: 'result', items: ITEMS } });
  const p = (fullName: string, className: string, data: LeafData, comment = '') => writeLeaf(f, T, fullName, { className, comment, data });
  p('parameters.x', 'Parameter', { kind: 'parameter', value: s(0.5, 'float'), range: [s(1, 'float'), s(NaN, 'float'), s(3, 'float')] }, 'explored x');
  p('parameters.big', 'Parameter', { kind: 'parameter', value: s(2 ** 40, 'int') });
  p('parameters.name', 'Parameter', { kind: 'parameter', value: s('a', 'str'), range: [s('alpha', 'str'), s('ü', 'str'), s('', 'str')] });
  p('parameters.raw', 'Parameter', { kind: 'parameter', value: s(Buffer.from([0, 9, 0, 7]), 'bytes') });
  p('parameters.flag', 'Parameter', { kind: 'parameter', value: s(false, 'bool'), range: [s(true, 'bool'), s(false, 'bool')] });
  p('parameters.cplx', 'Parameter', { kind: 'parameter', value: s(new Complex(3, 4), 'complex128') });
  p('parameters.u64', 'Parameter', { kind: 'parameter', value: s(2n ** 64n - 1n, 'uint64') });
  p('parameters.sub.tup', 'Parameter', { kind: 'parameter', value: tup([1, 2, 3], 'int'), range: [tup([1, 2], 'int'), tup([3], 'int'), tup([1, 2], 'int')] });
  p('parameters.arr', 'ArrayParameter', {
    kind: 'parameter',
    value: nd(NDArray.fromNested([1, 2])),
    range: [nd(NDArray.fromNested([1, 2])), nd(NDArray.fromNested([[3, 4], [5, 6]])), nd(NDArray.fromNested([1, 2]))],
  });
  p('parameters.arr_scalar', 'ArrayParameter', { kind: 'parameter', value: s(5, 'int') });
  const shared = { a: 1, b: [1, 2] };
  p('parameters.pick', 'PickleParameter', {
    kind: 'parameter',
    value: dict({ a: s(1, 'int'), b: list([1, 2], 'int') }),
    range: [{ value: shared, type: { kind: 'object' } }, { value: new Set([1, 2]), type: { kind: 'object' } }, { value: shared, type: { kind: 'object' } }],
  });
  writeLeaf(f, T, 'results.pickled', { className: 'PickleResult', data: { kind: 'result', items: { obj: { value: new Set(['x']), type: { kind: 'object' } }, n: s(3, 'int') } } });
  writeLeaf(f, T, 'results.runs.run_00000000.z', { className: 'Result', comment: 'product', data: { kind: 'result', items: { z: s(1, 'float') } } });
  writeLeaf(f, T, 'results.runs.run_00000001.z', { className: 'Result', comment: 'product', data: { kind: 'result', items: { z: s(2, 'float') } } }, { skipComment: true });
  writeLeaf(f, T, 'results.empty', { className: 'Result', comment: 'no data yet' });
  writeLink(f, T, 'results.link_to_all', 'results.all');
}

const path = join(dir, 'all.h5');

test('write every value type, then read the skeleton back', async () => {
  const f = await openH5(path, 'w');
  writeAll(f);
  f.close();
  const r = await openH5(path, 'r');
  try {
    assert.equal(listTrajectories(r), [T]);
    const nodes = new Map(scanTree(r, T).map((n) => [n.fullName, n]));
    assert.equal(nodes.get('results.all')?.kind, 'leaf');
    assert.equal(nodes.get('results.all')?.className, 'Result');
    assert.equal(nodes.get('results.all')?.comment, 'every type');
    assert.equal(nodes.get('parameters.sub')?.kind, 'group');
    assert.equal(nodes.get('parameters.sub')?.comment, 'a group');
    assertSame(nodes.get('parameters.sub')?.annotations.kind, s('grp', 'str_'), 'group annotation');
    assert.equal(nodes.get('results.link_to_all'), { fullName: 'results.link_to_all', kind: 'link', comment: '', annotations: {}, linkTarget: 'results.all' });
    // a plain Parameter holding a tuple is stored like an ArrayParameter, but keeps its class
    assert.equal(nodes.get('parameters.sub.tup')?.className, 'Parameter');
    assert.equal(nodes.get('results.runs.run_00000000.z')?.comment, 'product');
    assert.equal(nodes.get('results.runs.run_00000001.z')?.comment, '', 'purged duplicate comment');
    assert.equal(nodes.get('results.empty')?.kind, 'leaf');
    const traj = readNodeRecord(r, `/${T}`, '');
    assert.is(traj.comment, 'traj comment');
    assertSame(traj.annotations.who, s('me', 'str_'), 'trajectory annotation who (a Python str reads back as numpy.str_)');
    assertSame(traj.annotations.n, s(3, 'int64'), 'trajectory annotation n');
  } finally {
    r.close();
  }
});

test('result items of every type come back equal, with their types', async () => {
  const r = await openH5(path, 'r');
  try {
    const data = readLeaf(r, T, 'results.all', 'Result');
    assert.is(data.kind, 'result');
    if (data.kind !== 'result') return;
    assert.equal(Object.keys(data.items).sort(), Object.keys(ITEMS).sort());
    for (const [k, v] of Object.entries(ITEMS)) assertSame(data.items[k], v, `item ${k}`);
    const only = readLeaf(r, T, 'results.all', 'Result', { loadOnly: ['int', 'deep'], loadExcept: ['deep.z'] });
    assert.equal(Object.keys(only.kind === 'result' ? only.items : {}).sort(), ['deep.x.y', 'int']);
  } finally {
    r.close();
  }
});

test('annotations come back as PyTables hands them to pypet', async () => {
  const r = await openH5(path, 'r');
  try {
    const a = readNodeRecord(r, `/${T}/results/all`, 'results.all').annotations;
    // PyTables hands a stored Python `str` back as numpy `str_` (as in pypet's own files)
    const back = (v: TypedValue): TypedValue => (v.type.kind === 'scalar' && v.type.scalar === 'str' ? s(v.value, 'str_') : v);
    for (const [k, v] of Object.entries(ANNOTATIONS)) assertSame(a[k], back(v), `annotation ${k}`);
  } finally {
    r.close();
  }
});

test('parameters (plain, explored, array, pickle) come back with default and range', async () => {
  const r = await openH5(path, 'r');
  try {
    const param = (name: string, cls = 'Parameter') => {
      const d = readLeaf(r, T, name, cls);
      assert.is(d.kind, 'parameter', name);
      return d as Extract<LeafData, { kind: 'parameter' }>;
    };
    const x = param('parameters.x');
    assertSame(x.value, s(0.5, 'float'), 'x default');
    assert.is(x.range?.length, 3);
    [1, NaN, 3].forEach((v, i) => assertSame(x.range?.[i], s(v, 'float'), `x run ${i}`));
    assertSame(param('parameters.big').value, s(2 ** 40, 'int'), 'int beyond int32 (a safe integer is a number)');
    const name = param('parameters.name');
    assert.equal(name.range?.map((t) => t.value), ['alpha', 'ü', '']);
    assertSame(param('parameters.raw').value, s(Buffer.from([0, 9, 0, 7]), 'bytes'), 'bytes with NULs');
    assert.equal(param('parameters.flag').range?.map((t) => t.value), [true, false]);
    assertSame(param('parameters.cplx').value, s(new Complex(3, 4), 'complex128'), 'complex128');
    assertSame(param('parameters.u64').value, s(2n ** 64n - 1n, 'uint64'), 'uint64 max');
    const tupP = param('parameters.sub.tup');
    assertSame(tupP.value, tup([1, 2, 3], 'int'), 'tuple default');
    assertSame(tupP.range?.[2], tup([1, 2], 'int'), 'tuple run 2');
    const arr = param('parameters.arr', 'ArrayParameter');
    assertSame(arr.range?.[1], nd(NDArray.fromNested([[3, 4], [5, 6]])), 'array run 1');
    assertSame(arr.range?.[2], nd(NDArray.fromNested([1, 2])), 'array run 2 (stored once)');
    assert.equal(r.childNames(`/${T}/parameters/arr/explored__rr__/set_00000`), ['xa_00000000', 'xa_00000001']);
    assertSame(param('parameters.arr_scalar', 'ArrayParameter').value, s(5, 'int'), 'ArrayParameter scalar');
    const pick = param('parameters.pick', 'PickleParameter');
    assertSame(pick.value, dict({ a: s(1, 'int'), b: list([1, 2], 'int') }), 'pickled dict');
    assert.is(pick.protocol, 2);
    assert.ok(pick.range?.[1]?.value instanceof Set, 'pickled set');
    assert.equal(r.childNames(`/${T}/parameters/pick`).filter((n) => n.startsWith('xp_')), ['xp_00000000', 'xp_00000001'], 'same object stored once');
    const pr = readLeaf(r, T, 'results.pickled', 'PickleResult');
    assert.ok(pr.kind === 'result' && pr.items.obj?.value instanceof Set);
    assertSame(pr.kind === 'result' ? pr.items.n : undefined, s(3, 'int'), 'pickled int');
  } finally {
    r.close();
  }
});

test('items can be added to a stored result, but stored data is never silently replaced', async () => {
  const f = await openH5(path, 'a');
  try {
    writeLeaf(f, T, 'results.empty', { className: 'Result', comment: 'now with data', data: { kind: 'result', items: { late: s(1, 'int') } } });
    assert.throws(() => writeLeaf(f, T, 'results.empty', { className: 'Result', data: { kind: 'result', items: { late: s(2, 'int') } } }), (e: Error) => e instanceof StorageError && /already has the items late/.test(e.message));
    assert.throws(() => writeLeaf(f, T, 'parameters.x', { className: 'Parameter', data: { kind: 'parameter', value: s(1, 'float') } }), /already stored/);
    const bad = { value: { a: [1, 2] }, type: { kind: 'dict', entries: { a: { kind: 'list', scalar: 'int' } } } } as TypedValue;
    assert.throws(() => writeLeaf(f, T, 'results.bad', { className: 'Result', data: { kind: 'result', items: { d: bad } } }), /entry 'a' is a list of int; dicts can only hold scalars/);
  } finally {
    f.close();
  }
  const r = await openH5(path, 'r');
  try {
    const d = readLeaf(r, T, 'results.empty', 'Result');
    assertSame(d.kind === 'result' ? d.items.late : undefined, s(1, 'int'), 'added item');
    assert.is(readNodeRecord(r, `/${T}/results/empty`, 'results.empty').comment, 'now with data');
  } finally {
    r.close();
  }
});

test('overview: info, runs (create, append, update in place) and explorations', async () => {
  const f = await openH5(join(dir, 'overview.h5'), 'w');
  const time = '2024_01_02_03h04m05s';
  writeInfo(f, T, { name: T, time, timestamp: 1.5, comment: 'ç', length: 2, version: '0.7.0', python: '3.11.2' });
  createRuns(f, T, [0, 1].map(placeholderRow), time);
  appendRuns(f, T, [2, 3, 4].map(placeholderRow));
  const done: RunInfo = { idx: 3, name: 'run_00000003', time, timestamp: 10, finish_timestamp: 11.5, runtime: '0:00:01.500000', parameter_summary: 'x: 1.0', short_environment_hexsha: 'abcdef0', completed: true };
  updateRuns(f, T, [done, { ...done, idx: 4, name: 'run_00000004' }]);
  writeInfo(f, T, { ...readInfo(f, T), length: 5 });
  writeExplorations(f, T, ['parameters.a', 'parameters.bb']);
  assert.throws(() => updateRuns(f, T, [{ ...done, idx: 9 }]), /has 5 rows/);
  f.close();
  const r = await openH5(join(dir, 'overview.h5'), 'r');
  try {
    assert.equal(readInfo(r, T), { name: T, time, timestamp: 1.5, comment: 'ç', length: 5, version: '0.7.0', python: '3.11.2' });
    // (Rows are instances of a class of their own: compared field by field.)
    const runs = readRuns(r, T).map((row) => ({ ...row }));
    assert.equal(runs.map((x) => x.completed), [false, false, false, true, true]);
    assert.equal(runs[0], placeholderRow(0));
    assert.equal(runs[3], done);
    assert.equal(readRuns(r, T, [1, 3]).map((x) => x.idx), [1, 2]);
    assert.equal(readExplorations(r, T), ['parameters.a', 'parameters.bb']);
  } finally {
    r.close();
  }
});

test('broken pandas data and unknown layouts in a result are unsupported values naming why, not errors', async () => {
  const p = join(dir, 'pandas.h5');
  const f = await openH5(p, 'w');
  writeLeaf(f, T, 'results.frames', { className: 'Result', data: { kind: 'result', items: { ok: s(1, 'int') } } });
  const leaf = `/${T}/results/frames`;
  f.createGroup(`${leaf}/df`);
  f.writeAttr(`${leaf}/df`, 'SRVC_STORE', stringAttr('FRAME'));
  createTable(f, `${leaf}/table`, [{ name: 'col', type: F64 }], { col: [1, 2] }, { pytables: false });
  f.writeAttr(`${leaf}/table`, 'SRVC_STORE', stringAttr('TABLE'));
  f.createGroup(`${leaf}/odd`);
  f.close();
  const r = await openH5(p, 'r');
  try {
    const d = readLeaf(r, T, 'results.frames', 'Result');
    const reason = (k: string) => (d.kind === 'result' && d.items[k]?.type.kind === 'unsupported' ? d.items[k]!.type.reason : undefined);
    assert.match(reason('df') ?? '', /pandas data h5traj cannot read: the group has no pandas_type attribute/); // a FRAME group without pandas' own attributes
    assert.match(reason('table') ?? '', /table \(a pandas DataFrame or pypet ObjectTable\)/);
    assert.match(reason('odd') ?? '', /storage type \(none\)/);
    assertSame(d.kind === 'result' ? d.items.ok : undefined, s(1, 'int'), 'the other items still load');
  } finally {
    r.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
