/**
 * Chunked storage indexed by a version-1 B-tree (type 1): finding a dataset's chunks, and
 * copying the decoded parts of those that meet a block of rows into the output.
 */
import type { ByteSource } from './byte-source.js';
import { CorruptError, Cursor } from './byte-source.js';
import { forEachLeafChild } from './btree1.js';
import { BTREE1 } from '../format.js';

export interface ChunkRef {
  /** Element offsets of the chunk's first element, one per dataset dimension. */
  offset: number[];
  /** Stored (filtered) size in bytes. */
  size: number;
  filterMask: number;
  addr: number;
}

/** Every chunk of the dataset whose B-tree is at `btree` (`rank` = dataset rank). */
export function listChunks(src: ByteSource, btree: number, rank: number): ChunkRef[] {
  const chunks: ChunkRef[] = [];
  forEachLeafChild(src, btree, BTREE1.CHUNK.type, 8 + 8 * (rank + 1), (key, addr) => {
    const c = new Cursor(key, src.offsetSize, src.lengthSize);
    const size = c.u32();
    const filterMask = c.u32();
    const offset: number[] = [];
    for (let i = 0; i < rank; i++) offset.push(c.uint(8));
    chunks.push({ offset, size, filterMask, addr });
  });
  return chunks;
}

/**
 * Copies the part of a decoded chunk (`chunk` elements per dimension, at `offset`) that lies in
 * `[lo, hi)` per dimension into `out`, which holds exactly that region, row-major.
 */
export function copyChunk(
  data: Uint8Array,
  chunk: readonly number[],
  offset: readonly number[],
  out: Uint8Array,
  lo: readonly number[],
  hi: readonly number[],
  elemSize: number,
): void {
  const rank = chunk.length;
  const from: number[] = [];
  const to: number[] = [];
  for (let k = 0; k < rank; k++) {
    from.push(Math.max(offset[k]!, lo[k]!));
    to.push(Math.min(offset[k]! + chunk[k]!, hi[k]!));
    if (from[k]! >= to[k]!) return;
  }
  // Strides in elements of the chunk and of the output region.
  const cStride = new Array<number>(rank).fill(1);
  const oStride = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) {
    cStride[k] = cStride[k + 1]! * chunk[k + 1]!;
    oStride[k] = oStride[k + 1]! * (hi[k + 1]! - lo[k + 1]!);
  }
  const run = (to[rank - 1]! - from[rank - 1]!) * elemSize;
  if (data.length < cStride[0]! * chunk[0]! * elemSize) throw new CorruptError(`a chunk decodes to ${data.length} bytes, fewer than its shape needs`);
  const idx = [...from];
  for (;;) {
    let src = 0;
    let dst = 0;
    for (let k = 0; k < rank; k++) {
      src += (idx[k]! - offset[k]!) * cStride[k]!;
      dst += (idx[k]! - lo[k]!) * oStride[k]!;
    }
    out.set(data.subarray(src * elemSize, src * elemSize + run), dst * elemSize);
    // Next position over all dimensions but the last.
    let k = rank - 2;
    for (; k >= 0; k--) {
      idx[k] = idx[k]! + 1;
      if (idx[k]! < to[k]!) break;
      idx[k] = from[k]!;
    }
    if (k < 0) return;
  }
}
