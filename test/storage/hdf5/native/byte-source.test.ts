/**
 * The block cache of the native reader (`read/byte-source.ts`): during a scan it reads a block
 * into the buffer of the one it drops, and every read must still give the file's bytes; outside
 * a scan a view handed out earlier keeps its bytes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers.js';
import { ByteSource } from '../../../../src/storage/hdf5/native/read/byte-source.js';

const dir = tempDir('h5traj-bytes-');
const BLOCK = 64 * 1024;
const BLOCKS = 100; // more than the cache's 64
const file = path.join(dir, 'bytes.bin');
const content = Buffer.alloc(BLOCKS * BLOCK + 123);
for (let i = 0; i + 4 <= content.length; i += 4) content.writeUInt32LE(i, i); // each word names its offset
fs.writeFileSync(file, content);

/** Reads 8 bytes in each block, forwards then backwards, checking each against the file. */
function sweep(src: ByteSource): void {
  const order = [...Array(BLOCKS).keys()];
  for (const i of [...order, ...order.reverse()]) {
    const at = i * BLOCK + 4 * ((i * 7) % 100);
    assert.ok(src.bytes(at, 8).equals(content.subarray(at, at + 8)), `bytes at ${at}`);
  }
}

test('with recycling on, reads across more blocks than the cache holds give the file bytes, again and again', () => {
  const src = new ByteSource(file);
  try {
    src.recycle = true;
    sweep(src);
    sweep(src);
    // A read spanning two blocks and one at the very end.
    const at = 10 * BLOCK - 3;
    assert.ok(src.bytes(at, 10).equals(content.subarray(at, at + 10)));
    assert.ok(src.bytes(content.length - 5, 5).equals(content.subarray(content.length - 5)));
  } finally {
    src.close();
  }
});

test('without recycling, a view handed out earlier keeps its bytes after the cache dropped its block', () => {
  const src = new ByteSource(file);
  try {
    const view = src.bytes(0, 16);
    sweep(src);
    assert.ok(view.equals(content.subarray(0, 16)));
  } finally {
    src.close();
  }
});

test.run();
