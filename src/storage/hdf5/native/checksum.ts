/**
 * The checksum HDF5 puts at the end of its newer metadata (superblock v2+, "OHDR"/"OCHK"
 * chunks, v2 B-trees, fractal heaps): Bob Jenkins' lookup3 `hashlittle`, which HDF5 calls
 * `H5_checksum_lookup3` and always starts with `initval` 0. Readers reject a header whose
 * stored value differs, so this has to match bit for bit. The writer computes it; the reader
 * checks it ({@link verifyChecksum}) on every structure that has one.
 */
import { CorruptError } from './read/byte-source.js';

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

// Not a closure inside lookup3: one per call was most of what reading an object header allocated.
const word = (key: Uint8Array, at: number): number => key[at]! | (key[at + 1]! << 8) | (key[at + 2]! << 16) | (key[at + 3]! << 24);

/** lookup3 `hashlittle` of bytes `[start, end)` of `key`, as an unsigned 32-bit number. */
export function lookup3(key: Uint8Array, start = 0, end = key.length, initval = 0): number {
  let length = end - start;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let i = start;
  while (length > 12) {
    a = (a + word(key, i)) | 0;
    b = (b + word(key, i + 4)) | 0;
    c = (c + word(key, i + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    length -= 12;
    i += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1..12 bytes, zero-extended: byte n of the tail goes to a/b/c by n / 4.
  let ta = 0;
  let tb = 0;
  let tc = 0;
  for (let n = length - 1; n >= 0; n--) {
    const v = key[i + n]! << ((n & 3) * 8);
    if (n < 4) ta |= v;
    else if (n < 8) tb |= v;
    else tc |= v;
  }
  a = (a + ta) | 0;
  b = (b + tb) | 0;
  c = (c + tc) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}

/**
 * A stored checksum differs from the one computed: the structure was damaged after it was
 * written. `what` names the structure ("object header"), `path` the object it belongs to, when known.
 */
export class ChecksumError extends CorruptError {
  constructor(
    readonly what: string,
    readonly addr: number,
    readonly path?: string,
  ) {
    super(`the ${what} at address ${addr}${path ? ` (${path})` : ''} fails its checksum`);
  }
}

/**
 * Checks the checksum HDF5 stores in the 4 bytes at `buf[end]` over `buf[start, end)`.
 * @throws ChecksumError naming the structure when they differ (or the bytes are missing).
 */
export function verifyChecksum(buf: Uint8Array, start: number, end: number, what: string, addr: number, path?: string): void {
  if (end + 4 > buf.length || start > end) throw new CorruptError(`the ${what} at address ${addr} is cut short`);
  const stored = (buf[end]! | (buf[end + 1]! << 8) | (buf[end + 2]! << 16) | (buf[end + 3]! << 24)) >>> 0;
  if (stored !== lookup3(buf, start, end)) throw new ChecksumError(what, addr, path);
}

/**
 * HDF5's Fletcher-32 (`H5_checksum_fletcher32`): the checksum the fletcher32 filter appends to
 * each chunk. 16-bit words are read big-endian; an odd last byte is the high half of a word.
 */
export function fletcher32(data: Uint8Array, start: number, end: number): number {
  let sum1 = 0;
  let sum2 = 0;
  let i = start;
  let words = (end - start) >> 1;
  while (words > 0) {
    // Reduce every 360 words, before the sums could overflow 32 bits.
    let n = Math.min(words, 360);
    words -= n;
    for (; n > 0; n--, i += 2) {
      sum1 += (data[i]! << 8) | data[i + 1]!;
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if ((end - start) % 2 === 1) {
    sum1 += data[end - 1]! << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}
