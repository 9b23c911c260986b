/**
 * Datasets past 2 GiB, written by h5py, read by the native engine. Two limits used to turn them
 * into a FormatError that called the file corrupt: `fs.readSync` takes a 32-bit length (a
 * contiguous 2.4 GB dataset read as "length out of range … -1894967296"), and chunked data was
 * assembled only up to 2 GiB. Now both read up to what one Node.js buffer holds, and a dataset
 * larger than that is a StorageError saying its size. The files stay small: zeros compress, and
 * a contiguous dataset never filled is sparse on disk. Reading the contiguous one fills 2.4 GB of
 * memory once (the chunked ones leave their zero pages untouched).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { StorageError } from '../../../../src/index.js';
import { runH5py, throwsKind, tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-large-');
const file = path.join(dir, 'large.h5');
const N = 300_000_000; // float64: 2.4 GB
const HUGE = constants.MAX_LENGTH + 8; // uint8: one byte more than a buffer holds, and a chunk more

test.before(() => {
  const code = [
    'import h5py, numpy as np, sys',
    `N, HUGE = ${N}, ${HUGE}`,
    'with h5py.File(sys.argv[1], "w") as f:',
    '    z = f.create_dataset("chunked", shape=(N,), dtype="f8", chunks=(1_000_000,), compression="gzip")',
    '    z[:3] = [1, 2, 3]',
    '    z[-3:] = [7, 8, 9]',
    '    u = f.create_dataset("huge", shape=(HUGE,), dtype="u1", chunks=(16_000_000,), compression="gzip")',
    '    u[-1] = 5',
    // Contiguous storage allocated on first write and never filled: a hole in the file.
    'fid = h5py.h5f.open(sys.argv[1].encode(), h5py.h5f.ACC_RDWR)',
    'dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)',
    'dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)',
    'dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_LATE)',
    'h5py.h5d.create(fid, b"contiguous", h5py.h5t.IEEE_F64LE, h5py.h5s.create_simple((N,)), dcpl=dcpl)',
    'f = h5py.File(fid)',
    'f["contiguous"][:3] = [1, 2, 3]',
    'f["contiguous"][-3:] = [7, 8, 9]',
    'f.close()',
  ].join('\n');
  runH5py(code, file);
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The first and last three values of a float64 dataset read whole. */
function ends(name: string): number[] {
  const f = NativeH5File.open(file, 'r');
  try {
    const d = f.readDataset(`/${name}`);
    assert.is(d.bytes.length, N * 8);
    const v = new Float64Array(d.bytes.buffer, d.bytes.byteOffset, N);
    return [v[0]!, v[1]!, v[2]!, v[N - 3]!, v[N - 2]!, v[N - 1]!];
  } finally {
    f.close();
  }
}

test('a chunked float64 dataset of 2.4 GB reads whole', () => {
  assert.equal(ends('chunked'), [1, 2, 3, 7, 8, 9]);
});

test('a contiguous float64 dataset of 2.4 GB reads whole (fs.readSync takes at most 2 GiB per call)', () => {
  assert.equal(ends('contiguous'), [1, 2, 3, 7, 8, 9]);
});

test('a dataset larger than a Node.js buffer is a StorageError saying its size; its rows still read', () => {
  const f = NativeH5File.open(file, 'r');
  try {
    throwsKind(() => f.readDataset('/huge'), StorageError, new RegExp(`'/huge' of '.*large\\.h5' holds ${HUGE} bytes, more than one Node\\.js buffer holds \\(${constants.MAX_LENGTH}\\); read it in row ranges`));
    assert.equal([...f.readDataset('/huge', [HUGE - 3, HUGE]).bytes], [0, 0, 5]);
  } finally {
    f.close();
  }
});

test.run();
