/**
 * pythonRepr against CPython 3.11 and numpy 1.24: the expected strings below were printed once by
 * `/usr/bin/python3` (`repr(<the Python expression of the same value>)`), so a difference is a
 * difference from Python, not from an earlier h5traj.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { markFrozenSet, tuple, typed } from '../../src/values/markers.js';
import { NDArray } from '../../src/values/ndarray.js';
import { pythonFloatRepr, pythonRepr } from '../../src/values/python-repr.js';
import { Complex } from '../../src/values/types.js';

const CASES: [unknown, string][] = [
  ['a\u00a0b', "'a\\xa0b'"],
  ['tab\there', "'tab\\there'"],
  ["it's", "\"it's\""],
  ['both \' and "', "'both \\' and \"'"],
  ['\u200b zero width', "'\\u200b zero width'"],
  ['\u{1F600} emoji', "'😀 emoji'"],
  ['\x7f\x00', "'\\x7f\\x00'"],
  ['é ü', "'é ü'"],
  [Buffer.from([0, 0x27, 0x41, 0xff]), "b\"\\x00'A\\xff\""],
  [2 ** 60, "1.152921504606847e+18"],
  [2n ** 60n, "1152921504606846976"],
  [-(2n ** 70n), "-1180591620717411303424"],
  [3, "3"],
  [-0, "-0.0"],
  [0.1, "0.1"],
  [1e16, "1e+16"],
  [1e-5, "1e-05"],
  [123456789.125, "123456789.125"],
  [NaN, "nan"],
  [-Infinity, "-inf"],
  [typed(3, 'float'), "3.0"],
  [typed(3, 'complex'), "(3+0j)"],
  [true, "True"],
  [null, "None"],
  [new Map<unknown, unknown>([[1, 2]]), "{1: 2}"],
  [new Map<unknown, unknown>([[tuple<unknown>(1, 'a'), [2.5]]]), "{(1, 'a'): [2.5]}"],
  [{ a: 1, 'b c': [1, 'x'] }, "{'a': 1, 'b c': [1, 'x']}"],
  [new Complex(0, -0), "-0j"],
  [new Complex(-0, 1), "(-0+1j)"],
  [new Complex(1.5, -2), "(1.5-2j)"],
  [new Complex(0, 1e20), "1e+20j"],
  [new Complex(NaN, Infinity), "(nan+infj)"],
  [tuple(1), "(1,)"],
  [tuple(), "()"],
  [new Set([1, 'a']), "{1, 'a'}"],
  [new Set(), "set()"],
  [markFrozenSet(new Set([2])), "frozenset({2})"],
  [markFrozenSet(new Set()), "frozenset()"],
  [NDArray.fromNested([1, 2.5]), "array([1. , 2.5])"],
  [NDArray.fromNested([1, 10], 'int64'), "array([ 1, 10])"],
  [NDArray.fromNested([1, 2], 'int32'), "array([1, 2], dtype=int32)"],
  [NDArray.fromNested([0, 255], 'uint8'), "array([  0, 255], dtype=uint8)"],
  [NDArray.fromNested([2n ** 64n - 1n], 'uint64'), "array([18446744073709551615], dtype=uint64)"],
  [NDArray.fromNested([-(2n ** 63n), 5], 'int64'), "array([-9223372036854775808,                    5])"],
  [NDArray.fromNested([true, false]), "array([ True, False])"],
  [NDArray.fromNested(['a', 'bc']), "array(['a', 'bc'], dtype='<U2')"],
  [NDArray.fromNested([Buffer.from('a'), Buffer.from('xy')], '|S2'), "array([b'a', b'xy'], dtype='|S2')"],
  [NDArray.fromNested([new Complex(1, 2), new Complex(3, -1)]), "array([1.+2.j, 3.-1.j])"],
  [NDArray.fromNested([new Complex(1, 0), new Complex(2, 0)], 'complex64'), "array([1.+0.j, 2.+0.j], dtype=complex64)"],
  [NDArray.fromNested([new Complex(NaN, NaN), new Complex(NaN, Infinity)]), "array([nan+nanj, nan+infj])"],
  [NDArray.fromNested([new Complex(0, 1e20)]), "array([0.+1.e+20j])"],
  [new NDArray('float64', [0], new Float64Array(0)), "array([], dtype=float64)"],
  [new NDArray('float64', [0, 3], new Float64Array(0)), "array([], shape=(0, 3), dtype=float64)"],
  [new NDArray('bool', [0], []), "array([], dtype=bool)"],
  [new NDArray('float64', [], new Float64Array([1])), "array(1.)"],
  [new NDArray('float32', [], new Float32Array([0.1])), "array(0.1, dtype=float32)"],
  [new NDArray('bool', [], [true]), "array(True)"],
  [new NDArray('<U3', [], ['abc']), "array('abc', dtype='<U3')"],
  [new NDArray('float32', [2], new Float32Array([0.1, 2])), "array([0.1, 2. ], dtype=float32)"],
  [NDArray.fromNested([0.123456789]), "array([0.12345679])"],
  [NDArray.fromNested([0.100000001]), "array([0.1])"],
  [NDArray.fromNested([0.099999999999]), "array([0.1])"],
  [NDArray.fromNested([1e9, 1]), "array([1.e+09, 1.e+00])"],
  [NDArray.fromNested([1e-5, 1]), "array([1.e-05, 1.e+00])"],
  [NDArray.fromNested([1.5e-5, 1]), "array([1.5e-05, 1.0e+00])"],
  [NDArray.fromNested([123456789, 1]), "array([1.23456789e+08, 1.00000000e+00])"],
  [NDArray.fromNested([1.23456789012e-7, 3]), "array([1.23456789e-07, 3.00000000e+00])"],
  [NDArray.fromNested([1e100, 1]), "array([1.e+100, 1.e+000])"],
  [NDArray.fromNested([-0, 1]), "array([-0.,  1.])"],
  [NDArray.fromNested([NaN, Infinity, -1.5]), "array([ nan,  inf, -1.5])"],
  [NDArray.fromNested([NaN, 1e9]), "array([   nan, 1.e+09])"],
  [NDArray.fromNested([NaN, -Infinity]), "array([ nan, -inf])"],
  [NDArray.fromNested([[1, 2], [3, 4]], 'int8'), "array([[1, 2],\n       [3, 4]], dtype=int8)"],
  [NDArray.fromNested(Array.from({ length: 3 }, (_, i) => Array.from({ length: 10 }, (_, j) => i * 10 + j)), 'float64'), "array([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9.],\n       [10., 11., 12., 13., 14., 15., 16., 17., 18., 19.],\n       [20., 21., 22., 23., 24., 25., 26., 27., 28., 29.]])"],
  [NDArray.fromNested(Array.from({ length: 30 }, () => 0.5)), "array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,\n       0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,\n       0.5, 0.5, 0.5, 0.5])"],
  [NDArray.fromNested(Array.from({ length: 2000 }, (_, i) => i)), "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03])"],
  [NDArray.fromNested(Array.from({ length: 2000 }, (_, i) => i), 'int32'), "array([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)"],
  [NDArray.fromNested(Array.from({ length: 40 }, (_, i) => Array.from({ length: 40 }, (_, j) => i - j)), 'int64'), "array([[  0,  -1,  -2, ..., -37, -38, -39],\n       [  1,   0,  -1, ..., -36, -37, -38],\n       [  2,   1,   0, ..., -35, -36, -37],\n       ...,\n       [ 37,  36,  35, ...,   0,  -1,  -2],\n       [ 38,  37,  36, ...,   1,   0,  -1],\n       [ 39,  38,  37, ...,   2,   1,   0]])"],
  [NDArray.fromNested(Array.from({ length: 2 }, (_, i) => Array.from({ length: 2 }, (_, j) => [i, j, i + j])), 'int16'), "array([[[0, 0, 0],\n        [0, 1, 1]],\n\n       [[1, 0, 1],\n        [1, 1, 2]]], dtype=int16)"],
  [NDArray.fromNested(Array.from({ length: 25 }, (_, i) => i * 1000), 'int64'), "array([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,\n        9000, 10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000,\n       18000, 19000, 20000, 21000, 22000, 23000, 24000])"],
  [NDArray.fromNested(Array.from({ length: 12 }, (_, i) => 'word' + i)), "array(['word0', 'word1', 'word2', 'word3', 'word4', 'word5', 'word6',\n       'word7', 'word8', 'word9', 'word10', 'word11'], dtype='<U6')"],
  [NDArray.fromNested(Array.from({ length: 20 }, (_, i) => i), 'uint16'), "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n       17, 18, 19], dtype=uint16)"],
  [NDArray.fromNested(Array.from({ length: 2 }, (_, i) => Array.from({ length: 600 }, (_, j) => (i * 600 + j) / 7))), "array([[0.00000000e+00, 1.42857143e-01, 2.85714286e-01, ...,\n        8.52857143e+01, 8.54285714e+01, 8.55714286e+01],\n       [8.57142857e+01, 8.58571429e+01, 8.60000000e+01, ...,\n        1.71000000e+02, 1.71142857e+02, 1.71285714e+02]])"],
  [NDArray.fromNested(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 200 }, (_, k) => i * 600 + j * 200 + k))), 'int64'), "array([[[   0,    1,    2, ...,  197,  198,  199],\n        [ 200,  201,  202, ...,  397,  398,  399],\n        [ 400,  401,  402, ...,  597,  598,  599]],\n\n       [[ 600,  601,  602, ...,  797,  798,  799],\n        [ 800,  801,  802, ...,  997,  998,  999],\n        [1000, 1001, 1002, ..., 1197, 1198, 1199]]])"],
  [NDArray.fromNested(Array.from({ length: 11 }, (_, i) => i / 10)), "array([0. , 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1. ])"],
  [NDArray.fromNested([0.1 * 3, 0.2 * 3, 1]), "array([0.3, 0.6, 1. ])"],
  [NDArray.fromNested([1e-300, 1]), "array([1.e-300, 1.e+000])"],
  [new NDArray('float32', [2], new Float32Array([1 / 3, 16777217])), "array([3.3333334e-01, 1.6777216e+07], dtype=float32)"],
  [new NDArray('float32', [2], new Float32Array([1e-6, 3e38])), "array([1.e-06, 3.e+38], dtype=float32)"],
  [NDArray.fromNested([1.5, NaN]), "array([1.5, nan])"],
  [NDArray.fromNested([new Complex(1 / 3, -1 / 3)], 'complex64'), "array([0.33333334-0.33333334j], dtype=complex64)"],
  [NDArray.fromNested([new Complex(-1.5, 0), new Complex(2, 1e-5)]), "array([-1.5+0.e+00j,  2. +1.e-05j])"],
  [NDArray.fromNested(Array.from({ length: 12 }, (_, i) => 100000 + i), 'int32'), "array([100000, 100001, 100002, 100003, 100004, 100005, 100006, 100007,\n       100008, 100009, 100010, 100011], dtype=int32)"],
  [NDArray.fromNested(Array.from({ length: 11 }, (_, i) => 100000 + i), 'int32'), "array([100000, 100001, 100002, 100003, 100004, 100005, 100006, 100007,\n       100008, 100009, 100010], dtype=int32)"],
  [NDArray.fromNested(Array.from({ length: 13 }, (_, i) => 100000 + i), 'int32'), "array([100000, 100001, 100002, 100003, 100004, 100005, 100006, 100007,\n       100008, 100009, 100010, 100011, 100012], dtype=int32)"],
  [NDArray.fromNested([[true, false], [false, true]]), "array([[ True, False],\n       [False,  True]])"],
  [NDArray.fromNested(Array.from({ length: 1001 }, (_, i) => i % 2 === 0)), "array([ True, False,  True, ...,  True, False,  True])"],
  [NDArray.fromNested([[[]]]), "array([], shape=(1, 1, 0), dtype=float64)"],
  [NDArray.fromNested(Array.from({ length: 8 }, (_, i) => 100000 + i), 'int32'), "array([100000, 100001, 100002, 100003, 100004, 100005, 100006, 100007],\n      dtype=int32)"],
  [{ a: NDArray.fromNested([1, 2]) }, "{'a': array([1., 2.])}"],
];

test('pythonRepr gives what CPython and numpy print for every value of the table', () => {
  const wrong = CASES.map(([value, expected]) => [pythonRepr(value), expected] as const).filter(([got, expected]) => got !== expected);
  assert.equal(wrong, []);
});

test('a type says int or float for JS numbers, for lists and dict entries too', () => {
  assert.is(pythonRepr([1, 2], { kind: 'list', scalar: 'float' }), '[1.0, 2.0]');
  assert.is(pythonRepr(tuple(1, 2), { kind: 'tuple', scalar: 'int' }), '(1, 2)');
  assert.is(pythonRepr(2 ** 60, { kind: 'scalar', scalar: 'int' }), '1152921504606846976');
  assert.is(pythonRepr(3, { kind: 'scalar', scalar: 'complex' }), '(3+0j)');
  const dict = { kind: 'dict', entries: { a: { kind: 'scalar', scalar: 'float' }, b: { kind: 'scalar', scalar: 'int' } } } as const;
  assert.is(pythonRepr({ a: 1, b: 1 }, dict), "{'a': 1.0, 'b': 1}");
});

test('pythonFloatRepr is Python\'s float repr', () => {
  assert.equal([1, 0.5, 1e16, 1e-5, 123e-7, -0].map((x) => pythonFloatRepr(x)), ['1.0', '0.5', '1e+16', '1e-05', '1.23e-05', '-0.0']);
});

test('float32 and complex64 values print with float32 digits, as numpy prints its scalars', () => {
  const f32 = { kind: 'scalar', scalar: 'float32' } as const;
  const below1e16 = 9999999198822400; // the float32 before 1e16
  const above1e4 = 0.00010000000474974513; // the float32 after 1e-4
  const values = [0.1, 1, 1e16, 1e-5, 16777217, 123456.7, -0, 3e38, 1e-4, 1 / 3, below1e16, above1e4].map(Math.fround);
  assert.equal(values.map((x) => pythonRepr(x, f32)), [
    '0.1', '1.0', '1e+16', '1e-05', '16777216.0', '123456.7', '-0.0', '3e+38', '1e-04', '0.33333334', '9999999000000000.0', '0.000100000005',
  ]);
  assert.is(pythonRepr([0.1, 2.5].map(Math.fround), { kind: 'list', scalar: 'float32' }), '[0.1, 2.5]');
  const c64 = { kind: 'scalar', scalar: 'complex64' } as const;
  assert.is(pythonRepr(new Complex(1 / 3, -1 / 3), c64), '(0.33333334-0.33333334j)');
  assert.is(pythonRepr(2.5, c64), '(2.5+0j)');
});

test('a value outside the model is named, not printed as [object Object]', () => {
  assert.is(pythonRepr(new Date(0)), '<a Date>');
  assert.is(pythonRepr(typed([1, 2], 'float')), '[1.0, 2.0]');
});

test.run();
