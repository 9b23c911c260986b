/**
 * DataFrames and Series that pandas' HDFStore wrote ("fixed" format, `test/fixtures/pandas/frames.h5`,
 * from scripts/gen-pandas-fixtures.py) read through the H5File interface: index, column labels,
 * dtypes and values equal what pandas reads (frames.json, in pypet-view.py's form); what h5traj
 * does not read is an `unsupported` value naming it. `npm run test:wasm` runs this on h5wasm too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataFrame, Series } from '../../../src/values/frame.js';
import { readPandas } from '../../../src/storage/hdf5/layout/pandas-read.js';
import { parseManifest, toManifestValue } from '../../../src/cli/manifest-values.js';
import { openH5Sync } from '../../../src/storage/hdf5/engine/open-file.js';
import { PickledObjectArray, decodePickle } from '../../../src/storage/hdf5/layout/pickle/decode.js';

const DIR = fileURLToPath(new URL('../../fixtures/pandas/', import.meta.url));
const expected = parseManifest(readFileSync(`${DIR}frames.json`, 'utf8')) as Record<string, Record<string, unknown>>;

function read(key: string) {
  const f = openH5Sync(`${DIR}frames.h5`, 'r');
  try {
    return readPandas(f, `/${key}`, `item '${key}'`);
  } finally {
    f.close();
  }
}

for (const [key, want] of Object.entries(expected)) {
  if ('unsupported' in want) {
    test(`${key}: unsupported, naming the ${String(want.unsupported)}`, () => {
      const tv = read(key);
      assert.is(tv.type.kind, 'unsupported');
      assert.match(tv.type.kind === 'unsupported' ? tv.type.reason : '', new RegExp(`^item '${key}' is pandas data h5traj cannot read: .*${String(want.unsupported)}`, 'i'));
    });
  } else {
    test(`${key}: index, column labels, dtypes and values as pandas reads them`, () => {
      const tv = read(key);
      assert.is(tv.type.kind, 'pandas', JSON.stringify(tv.type));
      assert.equal(toManifestValue(tv), want);
    });
  }
}

test('frame_types through the API: labels, dtypes, exact int64, NaN, NaT, object values with their types', () => {
  const df = read('frame_types').value as DataFrame;
  assert.instance(df, DataFrame);
  assert.equal(df.shape, [3, 10]);
  assert.is(df.index.name, 'row');
  assert.equal(df.index.values.toArray(), ['r1', 'r2', 'r3']);
  assert.equal([...df.columns.keys()], ['i64', 'f64', 'b', 's', 't', 'o', 'f32', 'i32', 'u8', 'of']);
  assert.equal([...df.columns.values()].map((c) => c.dtype), ['int64', 'float64', 'bool', 'object', 'datetime64[ns]', 'object', 'float32', 'int32', 'uint8', 'object']);
  assert.equal(df.get('i64')!.toArray(), [1, -2, 2n ** 53n + 1n]);
  assert.ok(Number.isNaN(df.get('f64')!.at(1) as number));
  assert.equal(df.get('b')!.toArray(), [true, false, true]);
  assert.equal(df.get('s')!.toArray(), ['a', 'bé', '']);
  const t = df.get('t')!;
  assert.equal((t.at(0) as Date).toISOString(), '2020-01-01T00:00:00.000Z');
  assert.is((t.data as BigInt64Array)[1], 1623758400000000001n); // nanoseconds kept exactly
  assert.is(t.at(2), null); // NaT
  const o = df.get('o')!;
  assert.equal(o.toArray(), [1, 'x', null]);
  assert.equal(o.types, [{ kind: 'scalar', scalar: 'int' }, { kind: 'scalar', scalar: 'str' }, { kind: 'none' }]);
  assert.equal(df.get('of')!.types![0], { kind: 'scalar', scalar: 'float' }); // 2.0 stays a float
});

test('a series: name, index and values', () => {
  const s = read('series_dt').value as Series;
  assert.instance(s, Series);
  assert.is(s.name, 'when');
  assert.is(s.index.values.dtype, 'datetime64[ns]');
  assert.is(s.values.dtype, 'datetime64[ns]');
  assert.equal((s.values.at(0) as Date).toISOString(), '1969-12-31T23:59:59.500Z'); // before the epoch
  const named = read('series_int_index').value as Series;
  assert.is(named.name, 3);
  assert.equal(named.index.values.toArray(), [10, 20]);
});

test('the unpickler reads numpy arrays: object arrays with typed items, numeric ones as NDArray (C and Fortran order)', () => {
  // pickle.dumps(np.array([[1, 'a'], [2.0, None]], dtype=object), protocol=2) and np.arange(6, dtype='<i4').reshape(2, 3).T (Fortran) at protocol 5
  const obj = decodePickle(Buffer.from('gAJjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJjX2NvZGVjcwplbmNvZGUKcQNYAQAAAGJxBFgGAAAAbGF0aW4xcQWGcQZScQeHcQhScQkoSwFLAksChnEKY251bXB5CmR0eXBlCnELWAIAAABPOHEMiYiHcQ1ScQ4oSwNYAQAAAHxxD05OTkr/////Sv////9LP3RxEGKJXXERKEsBWAEAAABhcRJHQAAAAAAAAABOZXRxE2Iu', 'base64'));
  assert.instance(obj.value, PickledObjectArray);
  const arr = obj.value as PickledObjectArray;
  assert.equal(arr.shape, [2, 2]);
  assert.equal(arr.items.map((i) => i.type), [{ kind: 'scalar', scalar: 'int' }, { kind: 'scalar', scalar: 'str' }, { kind: 'scalar', scalar: 'float' }, { kind: 'none' }]);
  const num = decodePickle(Buffer.from('gAWVjQAAAAAAAACMEm51bXB5LmNvcmUubnVtZXJpY5SMC19mcm9tYnVmZmVylJOUKJYYAAAAAAAAAAAAAAABAAAAAgAAAAMAAAAEAAAABQAAAJSMBW51bXB5lIwFZHR5cGWUk5SMAmk0lImIh5RSlChLA4wBPJROTk5K/////0r/////SwB0lGJLA0sChpSMAUaUdJRSlC4=', 'base64'));
  assert.equal(num.type, { kind: 'ndarray', dtype: 'int32' });
  assert.equal((num.value as { toNested(): unknown }).toNested(), [[0, 3], [1, 4], [2, 5]]);
});

test.run();
