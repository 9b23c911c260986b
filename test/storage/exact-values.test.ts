/**
 * Values that used to change on the way through a file (a final NUL, an array hole, an empty
 * parameter) either come back exactly or are refused with a TypeMismatchError. Runs on both
 * engines (`npm run test:wasm` runs test/storage with H5TRAJ_ENGINE=wasm).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { runH5py, throwsKind, tempDir } from '../helpers.js';
import { Trajectory, PickleParameter, TypeMismatchError, StateError, NDArray, InvalidArgumentError } from '../../src/index.js';

const tmpFile = () => path.join(tempDir('h5traj-exact-'), 't.hdf5');

function reload(file: string): Trajectory {
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_load({ name: 't', load_all: 2 });
  return t;
}

test('NULs inside strings and bytes come back exactly, in scalars, lists, arrays, dicts and pickles', () => {
  const file = tmpFile();
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('s', 'a\0b');
  t.f_add_parameter('lead', '\0\0a');
  t.f_add_parameter('l', ['a\0b', '\0c']);
  t.f_add_parameter('b', Buffer.from([0, 1, 0, 2]));
  t.f_add_parameter(PickleParameter, 'pk', { end: 'x\0', arr: ['\0'] });
  t.f_add_result('r', { u: NDArray.fromNested([['a\0b'], ['c']]), d: { k: 'v\0w' }, bytes: Buffer.from([0, 7]) });
  t.f_store();
  const u = reload(file);
  assert.is(u.f_get('s').f_get(), 'a\0b');
  assert.is(u.f_get('lead').f_get(), '\0\0a');
  assert.equal(u.f_get('l').f_get(), ['a\0b', '\0c']);
  assert.equal([...u.f_get('b').f_get()], [0, 1, 0, 2]);
  assert.equal(u.f_get('pk').f_get(), { end: 'x\0', arr: ['\0'] });
  assert.equal(u.f_get('r').u.toNested(), [['a\0b'], ['c']]);
  assert.equal(u.f_get('r').d, { k: 'v\0w' });
  assert.equal([...u.f_get('r').bytes], [0, 7]);
  // pypet reads through PyTables, which takes fixed-length strings in their stored type (no
  // conversion, so no cut at the first NUL: h5py's default reading would cut there). Read so.
  const out = runH5py([
    'import h5py, numpy as np, sys',
    'f = h5py.File(sys.argv[1], "r")',
    'def raw(path):',
    '    ds = f[path]',
    '    buf = np.empty(ds.shape, dtype=ds.dtype if ds.dtype.names else "S%d" % ds.id.get_type().get_size())',
    '    ds.id.read(h5py.h5s.ALL, h5py.h5s.ALL, buf, mtype=ds.id.get_type())',
    '    return buf["data"][0] if ds.dtype.names else buf.reshape(-1)',
    'print(repr([raw("t/parameters/s/data"), raw("t/parameters/lead/data"), list(raw("t/results/r/u"))]))',
  ].join('\n'), file);
  assert.is(out.trim(), "[b'a\\x00b', b'\\x00\\x00a', [b'a\\x00b', b'c']]");
});

test('a string or Buffer ending in NUL is refused where it is given, naming it and what keeps it', () => {
  const t = new Trajectory('t', { add_time: false });
  throwsKind(() => t.f_add_parameter('s', 'a\0b\0'), TypeMismatchError, /parameter 'parameters\.s' is the string "a\\u0000b\\u0000".*ends in a NUL character.*PickleParameter/);
  throwsKind(() => t.f_add_parameter('z', '\0'), TypeMismatchError, /ends in a NUL/);
  throwsKind(() => t.f_add_parameter('l', ['a', 'b\0']), TypeMismatchError, /element 1 of the list.*ends in a NUL/);
  throwsKind(() => t.f_add_parameter('b', Buffer.from([1, 0])), TypeMismatchError, /ends in a zero byte.*Uint8Array/);
  throwsKind(() => t.f_add_result('r', { a: NDArray.fromNested([['x'], ['y\0']]) }), TypeMismatchError, /Element 1 of the array.*ends in a NUL/);
  throwsKind(() => t.f_add_result('d', { d: { k: 'v\0' } }), TypeMismatchError, /key 'k'.*ends in a NUL/);
  t.f_add_parameter('e', 'a');
  throwsKind(() => t.f_explore({ e: ['b', 'c\0'] }), TypeMismatchError, /Value 1 of the range of parameter 'parameters\.e'.*ends in a NUL/);
  assert.not.ok(t.f_get('e').v_explored);
  // Binary data with trailing zeros is kept as an array of uint8.
  const file = tmpFile();
  const w = new Trajectory('t', { add_time: false, filename: file });
  w.f_add_result('bin', { raw: new Uint8Array([1, 0, 0]) });
  w.f_store();
  assert.equal(reload(file).f_get('bin').raw.toNested(), [1, 0, 0]);
});

test('a comment ending in NUL is refused where it is given; NULs inside and final spaces come back exactly', () => {
  // No HDF5 string keeps a final NUL for pypet: fixed-length strings are NUL-padded (numpy and
  // PyTables drop trailing NULs), and variable-length ones are C strings (libhdf5 hands h5py,
  // PyTables and h5wasm "abc" for "abc\0"; h5py refuses to write one). So, as for values, the
  // comment is refused when it is set instead of being cut when the file is read.
  const t = new Trajectory('t', { add_time: false });
  throwsKind(() => t.f_add_parameter('x', 1, { comment: 'abc\0' }), InvalidArgumentError, /comment of 'parameters\.x' ends in a NUL character/);
  throwsKind(() => t.f_add_result('r', 1, { comment: '\0' }), InvalidArgumentError, /comment of 'results\.r' ends in a NUL/);
  throwsKind(() => t.f_add_group('g', { comment: 'g\0' }), InvalidArgumentError, /comment of 'g' ends in a NUL/);
  throwsKind(() => new Trajectory('u', { add_time: false, comment: 'u\0' }), InvalidArgumentError, /comment of the trajectory 'u' ends in a NUL/);
  const y = t.f_add_parameter('y', 1, { comment: 'kept' });
  throwsKind(() => (y.v_comment = 'y\0'), InvalidArgumentError, /comment of 'parameters\.y' ends in a NUL/);
  assert.is(y.v_comment, 'kept', 'a refused comment leaves the old one');
  const file = tmpFile();
  const w = new Trajectory('t', { add_time: false, filename: file, comment: 'a\0b' });
  w.f_add_parameter('x', 1, { comment: 'a\0b' });
  w.f_add_result('r', 2, { comment: 'ends in a space ' });
  w.f_store();
  const u = reload(file);
  assert.equal([u.v_comment, u.f_get('x').v_comment, u.f_get('r').v_comment], ['a\0b', 'a\0b', 'ends in a space ']);
});

test('arrays with holes are refused like arrays holding undefined', () => {
  const t = new Trajectory('t', { add_time: false });
  /* eslint-disable no-sparse-arrays */
  throwsKind(() => t.f_add_parameter('h', [1, , 3]), TypeMismatchError, /parameter 'parameters\.h' \(a list\) has no element 1 \(the array has a hole/);
  throwsKind(() => t.f_add_parameter('u', [1, undefined, 3]), TypeMismatchError, /element 1 of the list is undefined/);
  throwsKind(() => t.f_add_result('n', { a: [[1, 2, 3], [4, , 6]] }), TypeMismatchError, /value\[1\] has no element 1/);
  throwsKind(() => t.f_add_result('t', { a: [1, , 3] }), TypeMismatchError, /item 'a'|has no element 1/);
  /* eslint-enable no-sparse-arrays */
  assert.not.ok(t.f_contains('h', { shortcuts: true }) || t.f_contains('u', { shortcuts: true }));
});

test('an empty parameter (added without a value) loads empty again, not as null', () => {
  const file = tmpFile();
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('p', undefined);
  t.f_add_parameter(PickleParameter, 'pk');
  t.f_add_parameter(PickleParameter, 'none', null);
  t.f_store();
  const u = reload(file);
  for (const name of ['p', 'pk']) {
    assert.ok(u.f_get(name).f_is_empty(), `${name} is empty after loading`);
    throwsKind(() => u.f_get(name).f_get(), StateError, /is empty/);
  }
  assert.is(u.f_get('none').f_get(), null, 'a pickled None is a value, not emptiness');
});

test.run();
