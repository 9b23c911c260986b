/**
 * The default commit policy (`native/append-commit.ts`, `docs/commit-design.md` §7): a file under
 * APPEND_MIN_BYTES is rewritten whole by each change (a new file renamed over it), a bigger one
 * gets appending commits (the same file, grown by what the change adds), and once the old
 * versions appending left behind pass half the file, the next change rewrites it whole, which
 * compacts it. `H5TRAJ_COMMITS` forces one way; an unknown value is an error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../../../../src/index.js';
import { F64 } from '../../../../src/storage/hdf5/engine/h5types.js';
import { withReadFile, withWriteTransaction } from '../../../../src/storage/hdf5/transactions/transaction.js';
import { APPEND_MIN_BYTES, commitMode } from '../../../../src/storage/hdf5/native/append-commit.js';
import { unreachableBytes } from '../../../../src/storage/hdf5/compact.js';
import { tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-policy-');
const before = process.env.H5TRAJ_COMMITS;
const restoreMode = (): void => {
  if (before === undefined) delete process.env.H5TRAJ_COMMITS;
  else process.env.H5TRAJ_COMMITS = before;
};
test.before.each(() => {
  delete process.env.H5TRAJ_COMMITS; // the default
});
test.after.each(restoreMode);
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Rows per chunk of the test dataset: 512 KiB chunks. */
const CHUNK = 65_536;

/** A file with one chunked float64 dataset `x` of `rows` rows (all `fill`). */
function makeFile(name: string, rows: number): string {
  const file = path.join(dir, name);
  withWriteTransaction(file, (f) => {
    const data = new Float64Array(rows).fill(1);
    f.createDataset('/x', { type: F64, shape: [rows], data: new Uint8Array(data.buffer) }, { chunks: [Math.min(CHUNK, rows)] });
  });
  return file;
}

/** Overwrites the first chunk of `x` with `v` (one changed chunk: its old version becomes unreachable). */
function changeFirstChunk(file: string, rows: number, v: number): void {
  withWriteTransaction(file, (f) => f.writeRows('/x', 0, new Uint8Array(new Float64Array(Math.min(CHUNK, rows)).fill(v).buffer)));
}

const inode = (file: string): number => fs.statSync(file).ino;

test('a small file is rewritten whole by a change (the README demo file does not grow)', () => {
  const rows = 1000;
  const file = makeFile('small.h5', rows);
  const size = fs.statSync(file).size;
  assert.ok(size < APPEND_MIN_BYTES);
  for (let v = 2; v < 6; v++) {
    const ino = inode(file);
    changeFirstChunk(file, rows, v);
    assert.is.not(inode(file), ino, `change ${v}: a new file renamed over the old one`);
    assert.is(fs.statSync(file).size, size, `change ${v}: no old versions kept`);
  }
});

test('a big file gets appending commits, and is rewritten whole (compacted) once old versions pass half of it', () => {
  const rows = 12 * CHUNK; // 6 MiB
  const file = makeFile('big.h5', rows);
  const size0 = fs.statSync(file).size;
  assert.ok(size0 >= APPEND_MIN_BYTES);
  const ino = inode(file);
  let appended = 0;
  for (let v = 2; inode(file) === ino; v++) {
    const size = fs.statSync(file).size;
    changeFirstChunk(file, rows, v);
    if (inode(file) !== ino) {
      // The compacting rewrite: the old versions are gone, and they were past half of the file before it.
      assert.ok(unreachableBytes(file)! < 4096, 'the rewrite leaves (almost) no unreachable bytes');
      assert.ok(fs.statSync(file).size < size0 + 4096, 'the rewritten file is as small as the first one');
      assert.ok(2 * (size - size0) > size, `rewritten once old versions passed half of the file (${size - size0} of ${size} bytes)`);
      break;
    }
    appended++;
    const grown = fs.statSync(file).size - size;
    assert.ok(grown >= CHUNK * 8 && grown < CHUNK * 8 + 64 * 1024, `change ${v} appended one chunk and little metadata (${grown} bytes)`);
    assert.ok(Math.abs(unreachableBytes(file)! - (fs.statSync(file).size - size0)) < 64 * 1024, 'the appended old versions are unreachable');
    assert.ok(appended < 20, 'compacted within 20 changes');
  }
  assert.ok(appended >= 5, `appending commits before the compaction (${appended})`);
  const x = withReadFile(file, (f) => f.readDataset('/x').bytes);
  assert.is(Buffer.from(x).readDoubleLE(0), appended + 2, 'the last change is in the file');
});

test('H5TRAJ_COMMITS=append appends to a small file, =rewrite rewrites a big one, another value is an error', () => {
  const small = makeFile('forced-small.h5', 1000);
  process.env.H5TRAJ_COMMITS = 'append';
  let ino = inode(small);
  changeFirstChunk(small, 1000, 7);
  assert.is(inode(small), ino, 'appended');
  const big = makeFile('forced-big.h5', 12 * CHUNK);
  process.env.H5TRAJ_COMMITS = 'rewrite';
  ino = inode(big);
  changeFirstChunk(big, 12 * CHUNK, 7);
  assert.is.not(inode(big), ino, 'rewritten');
  process.env.H5TRAJ_COMMITS = 'sometimes';
  assert.throws(() => commitMode(), (e: unknown) => e instanceof InvalidArgumentError && /H5TRAJ_COMMITS must be/.test((e as Error).message));
});

test.run();
