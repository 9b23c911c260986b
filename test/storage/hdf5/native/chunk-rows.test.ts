/**
 * Rows of chunked datasets as the native reader assembles them: unfiltered chunks of whole rows
 * are read straight into place, other chunks decoded and copied; both must give exactly the rows
 * h5py wrote, for ranges that start, end and cross anywhere, the partial last chunk included.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { runH5py, tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-chunk-rows-');
test.after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'chunks.h5');
runH5py(`
import h5py, numpy as np
with h5py.File(${JSON.stringify(file)}, 'w') as f:
    f.create_dataset('whole2d', data=np.arange(103 * 3, dtype='f8').reshape(103, 3), chunks=(10, 3))
    f.create_dataset('whole1d', data=np.arange(50, dtype='i4'), chunks=(7,), maxshape=(None,))
    f.create_dataset('part2d', data=np.arange(103 * 4, dtype='f8').reshape(103, 4), chunks=(10, 2))
    f.create_dataset('zipped', data=np.arange(103 * 3, dtype='f8').reshape(103, 3), chunks=(10, 3), compression='gzip')
    f.create_dataset('contiguous', data=np.arange(103 * 3, dtype='f8').reshape(103, 3))
    d = f.create_dataset('sparse', shape=(50,), dtype='i4', chunks=(7,), fillvalue=-5)
    d[14:21] = np.arange(14, 21, dtype='i4')
    d = f.create_dataset('sparse0', shape=(50,), dtype='i4', chunks=(7,))
    d[14:21] = np.arange(14, 21, dtype='i4')
    f.create_dataset('unwritten', shape=(50,), dtype='i4')
`);

const RANGES: [number, number][] = [[0, 103], [0, 1], [9, 11], [10, 20], [17, 94], [95, 103], [100, 103], [40, 40], [99, 200]];

test('row ranges of chunked datasets (whole-row chunks, partial chunks, filtered) equal what h5py wrote', () => {
  const f = NativeH5File.open(file, 'r');
  try {
    for (const [name, cols, Arr] of [['whole2d', 3, Float64Array], ['part2d', 4, Float64Array], ['zipped', 3, Float64Array], ['whole1d', 1, Int32Array]] as const) {
      const rows = name === 'whole1d' ? 50 : 103;
      for (const [s, e] of RANGES) {
        const d = f.readDataset(`/${name}`, [s, e]);
        const got = [...new Arr(Uint8Array.from(d.bytes).buffer)];
        const end = Math.min(e, rows);
        const first = Math.min(s, rows);
        const want = Array.from({ length: Math.max(0, end - first) * cols }, (_, i) => first * cols + i);
        assert.equal(got, want, `${name} rows [${s}, ${e})`);
      }
    }
  } finally {
    f.close();
  }
});

test('rows read into a scratch buffer equal rows read without one, and are a view of it when it is large enough', () => {
  const f = NativeH5File.open(file, 'r');
  try {
    for (const name of ['whole2d', 'part2d', 'zipped', 'whole1d', 'contiguous', 'sparse', 'sparse0', 'unwritten']) {
      for (const [s, e] of RANGES) {
        const want = Uint8Array.from(f.readDataset(`/${name}`, [s, e]).bytes);
        // Left-over bytes of an earlier block must not show through: a sparse dataset's missing
        // chunks read as its fill value (-5, or 0 without one), a dataset never written as 0.
        const scratch = new Uint8Array(4096).fill(0xab);
        const d = f.readDataset(`/${name}`, [s, e], scratch);
        assert.equal([...d.bytes], [...want], `${name} rows [${s}, ${e})`);
        if (want.length > 0) assert.is(d.bytes.buffer, scratch.buffer, `${name} rows [${s}, ${e}) in the scratch`);
        const small = new Uint8Array(Math.max(0, want.length - 1)).fill(0xab);
        const fresh = f.readDataset(`/${name}`, [s, e], small);
        assert.equal([...fresh.bytes], [...want], `${name} rows [${s}, ${e}) with a scratch too small`);
        assert.is.not(fresh.bytes.buffer, small.buffer);
      }
    }
    const sparse = new Int32Array(Uint8Array.from(f.readDataset('/sparse', [10, 24], new Uint8Array(4096).fill(1)).bytes).buffer);
    assert.equal([...sparse], [-5, -5, -5, -5, 14, 15, 16, 17, 18, 19, 20, -5, -5, -5]);
    for (const [name, want] of [['sparse0', [0, 0, 0, 0, 14, 15, 16, 17, 18, 19, 20, 0, 0, 0]], ['unwritten', Array(14).fill(0)]] as const) {
      const got = new Int32Array(Uint8Array.from(f.readDataset(`/${name}`, [10, 24], new Uint8Array(4096).fill(0xab)).bytes).buffer);
      assert.equal([...got], want, `${name} from a used scratch`);
    }
  } finally {
    f.close();
  }
});

test.run();
