/** Dataset contents that a native file holds in memory (created or changed there). */
import type { NData } from './model.js';

/**
 * A dataset's elements held in memory: what `createDataset` was given (not copied: the caller's
 * buffer is only read), or, after a write or resize, a growable buffer of this file's own.
 */
export class OwnedData implements NData {
  private buffer: Uint8Array;
  private borrowed: boolean;
  constructor(
    bytes: Uint8Array,
    private used: number,
    borrowed: boolean,
  ) {
    this.buffer = bytes;
    this.borrowed = borrowed;
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
    if (used < this.used) this.buffer.fill(0, used, this.used);
    this.used = used;
  }
  write(at: number, data: Uint8Array): void {
    this.own(this.used);
    this.buffer.set(data, at);
  }
}

