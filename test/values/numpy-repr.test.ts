/**
 * `String(ndarray)`, `util.inspect(ndarray)` and pypet's repr of an array (`pythonRepr`) give
 * numpy's own text, checked against numpy (Debian's python3-numpy) for each case: floats sharing
 * padding, scientific notation, nan/inf, integers, booleans, strings, complex, n-d, empty, 0-d,
 * long rows wrapped at 75 characters and arrays of more than 1000 elements summarized.
 */
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Complex, NDArray, Parameter } from '../../src/index.js';
import { pythonRepr } from '../../src/values/python-repr.js';
import { runH5pyJson } from '../helpers.js';

const f64 = (...v: number[]) => new NDArray('float64', [v.length], new Float64Array(v));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** [numpy expression, the same array in h5traj] */
const CASES: [string, NDArray][] = [
  ['np.array([1., 2., 3.])', f64(1, 2, 3)],
  ['np.array([[1, 2], [3, 4]])', NDArray.fromNested([[1, 2], [3, 4]], 'int64')],
  ['np.array([[1, 2], [3, 4]], dtype=np.int32)', NDArray.fromNested([[1, 2], [3, 4]], 'int32')],
  ['np.array([0.5, 1.25])', f64(0.5, 1.25)],
  ['np.array([-1.5, 2.])', f64(-1.5, 2)],
  ['np.array([0.1 + 0.2, 1 / 3])', f64(0.1 + 0.2, 1 / 3)],
  ['np.array([1e-5, 1.])', f64(1e-5, 1)],
  ['np.array([1.5e8, 1.])', f64(1.5e8, 1)],
  ['np.array([1e100, -2.5e-300])', f64(1e100, -2.5e-300)],
  ['np.array([1.5, np.nan, -np.inf])', f64(1.5, NaN, -Infinity)],
  ['np.array([np.nan, np.inf])', f64(NaN, Infinity)],
  ['np.array([0., -0.])', f64(0, -0)],
  ['np.array([123456.789, 0.001])', f64(123456.789, 0.001)],
  ['np.array([0.1, 0.2], dtype=np.float32)', new NDArray('float32', [2], new Float32Array([0.1, 0.2]))],
  ['np.array([-7, 120, 3], dtype=np.int8)', new NDArray('int8', [3], new Int8Array([-7, 120, 3]))],
  ['np.array([2**63 + 5], dtype=np.uint64)', new NDArray('uint64', [1], new BigUint64Array([2n ** 63n + 5n]))],
  ['np.array([True, False])', new NDArray('bool', [2], [true, false])],
  ['np.array([True])', new NDArray('bool', [1], [true])],
  ["np.array(['ab', 'c'])", new NDArray('<U2', [2], ['ab', 'c'])],
  ["np.array([b'ab', b'c'])", new NDArray('|S2', [2], [Buffer.from('ab'), Buffer.from('c')])],
  ['np.array([1+2j, 3j])', new NDArray('complex128', [2], [new Complex(1, 2), new Complex(0, 3)])],
  ['np.array([1.5-2j, complex(0, -0.25)])', new NDArray('complex128', [2], [new Complex(1.5, -2), new Complex(0, -0.25)])],
  ['np.zeros((2, 2, 2))', new NDArray('float64', [2, 2, 2], new Float64Array(8))],
  ['np.array([])', new NDArray('float64', [0], new Float64Array(0))],
  ['np.array([], dtype=np.int64)', new NDArray('int64', [0], new BigInt64Array(0))],
  ['np.zeros((2, 0))', new NDArray('float64', [2, 0], new Float64Array(0))],
  ['np.array(5.)', new NDArray('float64', [], new Float64Array([5]))],
  ['np.array(7, dtype=np.int32)', new NDArray('int32', [], new Int32Array([7]))],
  ['np.arange(30.)', f64(...range(30))],
  ['np.arange(30, dtype=np.int32).reshape(3, 10) * 1000', new NDArray('int32', [3, 10], new Int32Array(range(30).map((i) => i * 1000)))],
  ['np.arange(2000.)', f64(...range(2000))],
  ['np.arange(1200).reshape(30, 40)', new NDArray('int64', [30, 40], new BigInt64Array(range(1200).map(BigInt)))],
  ['np.linspace(0, 1, 7)', f64(...range(7).map((i) => i / 6))],
  ['np.array([[1.5, 2.], [1e-9, 3.]])', new NDArray('float64', [2, 2], new Float64Array([1.5, 2, 1e-9, 3]))],
  ['np.array([3e10, 1.5], dtype=np.float32)', new NDArray('float32', [2], new Float32Array([3e10, 1.5]))],
  ["np.array([\"it's\", 'a\\nb'])", new NDArray('<U4', [2], ["it's", 'a\nb'])],
  ['np.arange(2400.).reshape(2, 30, 40)', new NDArray('float64', [2, 30, 40], new Float64Array(range(2400)))],
];

test('String, util.inspect and the repr pypet prints equal numpy str() and repr()', () => {
  const script = `import json, numpy as np\nprint(json.dumps([[str(a), repr(a)] for a in [${CASES.map((c) => c[0]).join(', ')}]]))`;
  const numpy = runH5pyJson<[string, string][]>(script); // needs Debian python3-numpy
  CASES.forEach(([expr, arr], i) => {
    const [str, repr] = numpy[i]!;
    assert.is(String(arr), str, `str(${expr})`);
    assert.is(inspect(arr), str, `util.inspect of ${expr}`);
    assert.is(pythonRepr(arr), repr, `repr(${expr})`);
  });
});

test("a Parameter holding an array prints as pypet's str() does (numpy's repr of the value)", () => {
  const p = new Parameter('w', new Float64Array([1, 2, 3]), { comment: 'weights' });
  assert.is(String(p), 'Parameter w (`weights`): array([1., 2., 3.])');
  assert.is(p.f_val_to_str(), 'array([1., 2., 3.])');
});

test.run();
