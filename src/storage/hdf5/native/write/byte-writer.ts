/**
 * A growable little-endian byte encoder for HDF5 metadata.
 *
 * Every HDF5 structure the writer emits is small and built in memory before it goes to the file,
 * so one encoder serves headers, messages, datatypes, B-tree nodes and heap collections. A file
 * of 10,000 runs has some 60,000 object headers, so the writer reuses one encoder for all of them
 * ({@link reset}) instead of allocating per message. Addresses and lengths are 8 bytes wide (the
 * superblock says so); JavaScript numbers hold them exactly up to 2^53.
 */
import { UNDEF } from '../format.js';

export class ByteWriter {
  private buf: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 64) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private room(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, at + n));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.length = at + n;
    return at;
  }

  /** Forgets what was written (the buffer is kept for reuse). */
  reset(): this {
    this.length = 0;
    return this;
  }

  // Each method reserves room before touching `this.buf`: growing replaces the buffer.
  u8(v: number): this {
    const at = this.room(1);
    this.buf[at] = v;
    return this;
  }

  u16(v: number): this {
    const at = this.room(2);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = v >>> 8;
    return this;
  }

  u32(v: number): this {
    const at = this.room(4);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = v >>> 16;
    b[at + 3] = v >>> 24;
    return this;
  }

  /** An unsigned integer of `size` bytes (up to 8). */
  uint(v: number, size: number): this {
    const at = this.room(size);
    for (let i = 0; i < size; i++) this.buf[at + i] = i < 4 ? (v >>> (8 * i)) & 0xff : Math.floor(v / 2 ** (8 * i)) & 0xff;
    return this;
  }

  /** An 8-byte length or address; {@link UNDEF} (or any negative number) writes all ones. */
  u64(v: number): this {
    if (v < 0) return this.u32(0xffffffff).u32(0xffffffff);
    return this.u32(v >>> 0).u32(Math.floor(v / 0x100000000));
  }

  /** The char codes of an ASCII string, one byte each. */
  ascii(s: string): this {
    const at = this.room(s.length);
    const b = this.buf;
    for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i);
    return this;
  }

  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }

  /** Leaves `n` bytes to be filled in later (their content is undefined until then). */
  skip(n: number): this {
    this.room(n);
    return this;
  }

  zeros(n: number): this {
    const at = this.room(n);
    this.buf.fill(0, at, at + n);
    return this;
  }

  /** Overwrites a 16-bit value written earlier (a size known only afterwards). */
  setU16(at: number, v: number): void {
    this.buf[at] = v;
    this.buf[at + 1] = v >>> 8;
  }

  /** The underlying buffer (its first {@link length} bytes are the ones written); replaced when it grows. */
  get buffer(): Buffer {
    return this.buf;
  }

  /** The bytes from `from` to the end, without copying: valid until the next write or reset. */
  view(from = 0): Buffer {
    return this.buf.subarray(from, this.length);
  }

  /** The bytes written, as a copy of their own. */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.length));
  }
}

/** Bytes needed to store `n` as an unsigned integer (at least 1): HDF5's H5VM_limit_enc_size. */
export function bytesFor(n: number): number {
  let size = 1;
  while (size < 8 && n >= 2 ** (8 * size)) size++;
  return size;
}
