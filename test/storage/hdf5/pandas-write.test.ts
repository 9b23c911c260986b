/**
 * DataFrames and Series h5traj writes in pandas' fixed layout load in pandas (`HDFStore.get`,
 * what pypet calls) equal to the frames pandas itself wrote (`assert_frame_equal` /
 * `assert_series_equal`: values, dtypes, index and names), and load back in h5traj equal. On
 * h5wasm (`npm run test:wasm`), frames without object or bool columns round trip the same way
 * and the others are refused with a StorageError naming the engine's limit.
 * CI installs python3-pandas and python3-tables; without them this test fails, it is never skipped.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StorageError } from '../../../src/errors.js';
import { readPandas } from '../../../src/storage/hdf5/layout/pandas-read.js';
import { writePandas } from '../../../src/storage/hdf5/layout/pandas-write.js';
import { engineName, openH5Sync } from '../../../src/storage/hdf5/engine/open-file.js';
import { Column, DataFrame, Index, Series } from '../../../src/values/frame.js';
import { runH5py, tempDir } from '../../helpers.js';

const FRAMES = fileURLToPath(new URL('../../fixtures/pandas/frames.h5', import.meta.url));
const KEYS = ['frame_types', 'frame_range', 'frame_float_labels', 'series_float', 'series_str', 'series_dt', 'series_int_index', 'freq', 'freq_month'];
const dir = tempDir('h5traj-pandas-write-');
const wasm = engineName() === 'wasm';

function readAll(file: string, keys: string[]): Map<string, unknown> {
  const f = openH5Sync(file, 'r');
  try {
    return new Map(keys.map((k) => [k, readPandas(f, `/${k}`, k).value]));
  } finally {
    f.close();
  }
}

/** Whether h5wasm can write `v`: it cannot create pickles (vlen sequences: object columns, mixed labels) or bool bitfields. */
function wasmWritable(v: unknown): boolean {
  const pickled = (c: Column) => c.dtype === 'object' && !c.types!.every((t) => t.kind === 'scalar' && t.scalar === 'str');
  const data = v instanceof DataFrame ? [...v.columns.values()] : [(v as Series).values];
  const axes = v instanceof DataFrame ? [v.index.values, v.columnLabels.values] : [(v as Series).index.values];
  return ![...data, ...axes].some((c) => c.dtype === 'bool') && !data.some((c) => c.dtype === 'object') && !axes.some(pickled);
}

test('frames and series h5traj writes load in pandas equal to the ones pandas wrote, and back in h5traj', () => {
  const original = readAll(FRAMES, KEYS);
  const file = join(dir, 'written.h5');
  const f = openH5Sync(file, 'w');
  const written: string[] = [];
  try {
    for (const [key, v] of original) {
      if (wasm && !wasmWritable(v)) {
        assert.throws(() => writePandas(f, `/${key}`, v, `item '${key}'`), (e: Error) => e instanceof StorageError && /h5wasm|native engine/.test(e.message), key);
        continue;
      }
      writePandas(f, `/${key}`, v, `item '${key}'`);
      written.push(key);
    }
  } finally {
    f.close();
  }
  assert.ok(written.length >= (wasm ? 3 : KEYS.length), written.join());
  const back = readAll(file, written);
  for (const key of written) assert.ok((back.get(key) as DataFrame).equals(original.get(key)), `${key} reads back equal in h5traj`);
  const script = [
    'import sys, warnings, pandas as pd',
    'warnings.simplefilter("ignore")',
    'a, b = pd.HDFStore(sys.argv[1], "r"), pd.HDFStore(sys.argv[2], "r")',
    'for k in sys.argv[3:]:',
    '    x, y = a.get(k), b.get(k)',
    '    check = pd.testing.assert_frame_equal if isinstance(x, pd.DataFrame) else pd.testing.assert_series_equal',
    '    check(x, y, check_exact=True)',
    '    assert type(x.index) is type(y.index) or (x.index.dtype == y.index.dtype), k',
    '    print(k, type(y).__name__)',
  ].join('\n');
  assert.equal(runH5py(script, FRAMES, file, ...written).trim().split('\n'), written.map((k) => `${k} ${original.get(k) instanceof DataFrame ? 'DataFrame' : 'Series'}`));
});

test('a frame built in JavaScript (text index, int64, float64 with NaN, datetimes with NaT) loads in pandas with those dtypes', () => {
  const df = DataFrame.from(
    { n: [1, 2], x: Float64Array.of(0.5, NaN), when: [new Date('2024-02-29T12:00:00Z'), null] },
    { index: ['a', 'b'] },
  );
  const file = join(dir, 'js.h5');
  const f = openH5Sync(file, 'w');
  try {
    writePandas(f, '/df', df, "item 'df'");
    // integer column labels, split over two blocks (one per dtype), in an order pandas must restore
    const ints = new DataFrame(new Index([5, 6], 'i'), new Index([20, 10, 30]), [Column.from([1, 2]), Column.from(Float64Array.of(0.5, 1)), Column.from([3, 4])]);
    writePandas(f, '/ints', ints, "item 'ints'");
  } finally {
    f.close();
  }
  const df1 = runH5py('import sys, pandas as pd; d = pd.read_hdf(sys.argv[1], "df"); print(dict(d.dtypes.astype(str)), list(d.index), d["n"].tolist(), str(d["when"][0]), d["when"].isna().tolist())', file);
  assert.is(df1.trim(), "{'n': 'int64', 'x': 'float64', 'when': 'datetime64[ns]'} ['a', 'b'] [1, 2] 2024-02-29 12:00:00 [False, True]");
  const ints = runH5py('import sys, pandas as pd; d = pd.read_hdf(sys.argv[1], "ints"); print(d.index.name, list(d.index), list(d.columns), list(d.dtypes.astype(str)), d.values.tolist())', file);
  assert.is(ints.trim(), "i [5, 6] [20, 10, 30] ['int64', 'float64', 'int64'] [[1.0, 0.5, 3.0], [2.0, 1.0, 4.0]]");
});

test('what the fixed format cannot hold is a StorageError naming the item', () => {
  const f = openH5Sync(join(dir, 'bad.h5'), 'w');
  try {
    assert.throws(() => writePandas(f, '/e', new Series([]), "item 'e'"), (e: Error) => e instanceof StorageError && /item 'e' is an empty pandas Series/.test(e.message));
    const weekly = new Series([1], { index: new Index([new Date(0)], null, 'W-SUN') });
    assert.throws(() => writePandas(f, '/w', weekly, "item 'w'"), (e: Error) => e instanceof StorageError && /item 'w': the frequency 'W-SUN' of its index is not one h5traj writes/.test(e.message));
  } finally {
    f.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
