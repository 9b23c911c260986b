/** Dataset contents that a native file holds in memory (created or changed there). */
import type { NData, StoredChunks } from './model.js';

/**
 * A dataset's elements held in memory: what `createDataset` was given (not copied: the caller's
 * buffer is only read), or, after a write or resize, a growable buffer of this file's own.
 */
export class OwnedData implements NData {
  private buffer: Uint8Array;
  private borrowed: boolean;
  /** Where these bytes' chunks are stored, and how many bytes are unchanged since (see {@link StoredChunks}). */
  private stored: StoredChunks | undefined;
  constructor(
    bytes: Uint8Array,
    private used: number,
    borrowed: boolean,
    stored?: StoredChunks,
  ) {
    this.buffer = bytes;
    this.borrowed = borrowed;
    this.stored = stored;
  }
  storedChunks(): StoredChunks | undefined {
    return this.stored;
  }
  chunksStored(stored: StoredChunks | undefined): void {
    this.stored = stored;
  }
  /** Bytes `[from, to)` change: chunks holding them must be written again. */
  private changed(from: number, to: number): void {
    const s = this.stored;
    if (s === undefined || from >= to) return;
    const empty = s.changedFrom >= s.changedTo;
    this.stored = { chunks: s.chunks, changedFrom: empty ? from : Math.min(from, s.changedFrom), changedTo: empty ? to : Math.max(to, s.changedTo) };
  }
  /** Copies a borrowed buffer before the first change, so the caller's array is never written. */
  private own(capacity: number): void {
    if (!this.borrowed && capacity <= this.buffer.length) return;
    const mine = new Uint8Array(Math.max(capacity, this.borrowed ? 0 : Math.ceil(this.buffer.length * 1.5)));
    mine.set(this.buffer.subarray(0, Math.min(this.used, capacity)));
    this.buffer = mine;
    this.borrowed = false;
  }
  read() {
    return { bytes: this.buffer.subarray(0, this.used) };
  }
  /** Rows `[start, end)` of `rowBytes` bytes each. */
  rows(start: number, end: number, rowBytes: number) {
    return { bytes: this.buffer.subarray(start * rowBytes, end * rowBytes) };
  }
  /** Makes room for `used` bytes; new bytes are zero (HDF5's default fill value). */
  setLength(used: number): void {
    this.own(Math.max(used, this.used));
    if (used < this.used) {
      this.buffer.fill(0, used, this.used);
      this.changed(used, this.used);
    }
    this.used = used;
  }
  write(at: number, data: Uint8Array): void {
    this.own(this.used);
    this.buffer.set(data, at);
    this.changed(at, at + data.length);
  }
}


/** Datasets up to this size share slabs (see {@link packSmall}). */
const SMALL_DATA_BYTES = 256;
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;

/**
 * A copy of a small dataset's bytes inside a shared slab. pypet's layout has several scalar
 * datasets per run (8 bytes each); each as its own ArrayBuffer costs ~300 bytes of bookkeeping,
 * which at 100k runs was 100 MB. Views into the slab are only read: {@link OwnedData} copies
 * borrowed bytes before changing them.
 */
export function packSmall(bytes: Uint8Array): Uint8Array {
  if (bytes.length > SMALL_DATA_BYTES) return bytes;
  if (slabUsed + bytes.length > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const packed = slab.subarray(slabUsed, slabUsed + bytes.length);
  packed.set(bytes);
  slabUsed += (bytes.length + 7) & ~7; // keep each start 8-byte aligned, for typed views on read
  return packed;
}
