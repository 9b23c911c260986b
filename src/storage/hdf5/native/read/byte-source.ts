/**
 * Positioned reads from an HDF5 file, and a cursor to decode what they return.
 *
 * Metadata is scattered between raw data, and one object header is a few hundred bytes, so a
 * read per structure would cost a system call each. Reads go through a small cache of aligned
 * blocks instead; the file is never loaded whole. Raw data ({@link ByteSource.readRaw}) bypasses
 * the cache, so reading datasets does not evict metadata.
 */
import fs from 'node:fs';
import { StateError } from '../../../../errors.js';
import { type Signature, UNDEF } from '../format.js';

/** A structure in the file is not what the format says (truncated, overwritten, not HDF5). */
export class CorruptError extends Error {}

const EMPTY = Buffer.alloc(0);
/** The most bytes asked of one `fs.readSync`: it takes a 32-bit length (a 2.4 GB read failed as negative). */
const IO_PIECE = 2 ** 30;
const BLOCK = 64 * 1024;
const MAX_BLOCKS = 64; // 4 MiB of metadata at most
/** Data reads up to this many bytes go through the block cache. */
const SMALL_READ = 4096;

/** An open file: cached metadata reads, uncached data reads, addresses relative to `base`. */
export class ByteSource {
  readonly path: string;
  /** The file's size when opened (or last {@link refresh}ed). */
  size: number;
  /** Absolute position of address 0: where the superblock is (after a user block, if any). */
  base = 0;
  /** Bytes of an address / a length field (the superblock's sizes). */
  offsetSize = 8;
  lengthSize = 8;
  private fd: number | undefined;
  private readonly blocks = new Map<number, Buffer>();
  private lastIndex = -1;
  private lastBlock: Buffer = EMPTY;
  /**
   * Whether a block dropped for room has its buffer read into again. A scan over a million runs
   * reads the whole file through the block cache, and a new buffer per block (external memory to
   * V8) forced a full garbage collection every 64 MB read. Only the scan turns it on (its reads
   * of each run's small objects are short); a view of a block then must not be held while more
   * than MAX_BLOCKS other blocks are read (B-tree nodes and local heaps are copied for that).
   */
  recycle = false;

  constructor(path: string) {
    this.path = path;
    this.fd = fs.openSync(path, 'r');
    this.size = fs.fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.blocks.clear();
    this.lastIndex = -1;
    this.lastBlock = EMPTY;
  }

  /**
   * Sees the file as it is now, after a writer appended to it (and wrote free heap space in
   * place, see `../write/symbol-table-append.ts`): the size is read again and cached blocks are dropped.
   */
  refresh(): void {
    this.size = fs.fstatSync(this.openFd()).size;
    this.blocks.clear();
    this.lastIndex = -1;
    this.lastBlock = EMPTY;
  }

  /** Throws the "file is closed" {@link StateError} after {@link close}. */
  assertOpen(): void {
    this.openFd();
  }

  private openFd(): number {
    if (this.fd === undefined) {
      throw new StateError(`The HDF5 file '${this.path}' is closed; its dataset data can no longer be read.`, { file: this.path });
    }
    return this.fd;
  }

  private check(addr: number, len: number): number {
    const at = this.base + addr;
    if (addr < 0 || len < 0 || at + len > this.size) {
      throw new CorruptError(`${len} bytes at address ${addr} lie beyond the end of the file (${this.size} bytes)`);
    }
    return at;
  }

  private block(index: number): Buffer {
    if (index === this.lastIndex) return this.lastBlock;
    let b = this.blocks.get(index);
    if (b && this.recycle) {
      // Least recently used first, so that the block recycled is not one a parse is reading.
      this.blocks.delete(index);
      this.blocks.set(index, b);
    }
    if (!b) {
      const at = index * BLOCK;
      const len = Math.min(BLOCK, this.size - at);
      // During a scan (see recycle) the block dropped for room is read into again.
      let recycled: Buffer | undefined;
      if (this.blocks.size >= MAX_BLOCKS && !this.recycle) this.blocks.delete(this.blocks.keys().next().value as number);
      else if (this.blocks.size >= MAX_BLOCKS) {
        const oldest = this.blocks.keys().next().value as number;
        recycled = this.blocks.get(oldest);
        this.blocks.delete(oldest);
      }
      b = recycled !== undefined && recycled.length === len ? recycled : Buffer.allocUnsafe(len);
      fs.readSync(this.openFd(), b, 0, len, at);
      this.blocks.set(index, b);
    }
    this.lastIndex = index;
    this.lastBlock = b;
    return b;
  }

  /**
   * Metadata bytes `[addr, addr + len)`. Usually a view into the cache: copy what outlives the
   * parse (note that `Buffer#slice` does not copy), as a block dropped from the cache is read
   * into again for another part of the file.
   */
  bytes(addr: number, len: number): Buffer {
    const at = this.check(addr, len);
    const first = Math.floor(at / BLOCK);
    const last = Math.floor((at + len - 1) / BLOCK);
    if (first === last || len === 0) {
      const b = this.block(first);
      const from = at - first * BLOCK;
      return b.subarray(from, from + len);
    }
    if (len > 4 * BLOCK) {
      const raw = this.readRaw(addr, len);
      return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    }
    const out = Buffer.allocUnsafe(len);
    for (let i = first, done = 0; i <= last; i++) {
      const b = this.block(i);
      const from = i === first ? at - first * BLOCK : 0;
      const n = Math.min(b.length - from, len - done);
      b.copy(out, done, from, from + n);
      done += n;
    }
    return out;
  }

  /**
   * Raw data `[addr, addr + len)`, read directly (not cached) into a plain Uint8Array of its
   * own: not a pooled Buffer, whose `.buffer` would be shared with others at some offset.
   */
  readRaw(addr: number, len: number): Uint8Array {
    const fd = this.openFd();
    const at = this.check(addr, len);
    if (len <= SMALL_READ) {
      // Small datasets (scalars, short arrays) sit beside their object headers: one cached block
      // serves many of them, where a system call each would cost more than the data.
      const out = new Uint8Array(len);
      out.set(this.bytes(addr, len));
      return out;
    }
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(fd, out, done, Math.min(len - done, IO_PIECE), at + done);
      if (n <= 0) throw new CorruptError(`the file ended while reading ${len} bytes at address ${addr}`);
      done += n;
    }
    return out;
  }

  /**
   * Raw data `[addr, addr + len)` read straight into `out` at `at` (uncached, no buffer of its
   * own): how unfiltered chunks are assembled without a copy each.
   */
  readInto(addr: number, len: number, out: Uint8Array, at: number): void {
    const fd = this.openFd();
    const pos = this.check(addr, len);
    if (at < 0 || at + len > out.length) throw new CorruptError(`${len} bytes do not fit at byte ${at} of a ${out.length}-byte buffer`);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(fd, out, at + done, Math.min(len - done, IO_PIECE), pos + done);
      if (n <= 0) throw new CorruptError(`the file ended while reading ${len} bytes at address ${addr}`);
      done += n;
    }
  }

  /** A cursor over metadata bytes `[addr, addr + len)` (no copy when they lie in one block). */
  cursor(addr: number, len: number): Cursor {
    return this.aim(new Cursor(EMPTY, this.offsetSize, this.lengthSize), addr, len);
  }

  /** {@link cursor}, re-aiming the given cursor instead of making one. */
  aim(c: Cursor, addr: number, len: number): Cursor {
    const at = this.check(addr, len);
    const index = Math.floor(at / BLOCK);
    const from = at - index * BLOCK;
    if (from + len <= BLOCK) return c.reset(this.block(index), from, from + len);
    return c.reset(this.bytes(addr, len), 0, len);
  }
}

/**
 * Little-endian decoding with bounds checks, so a damaged structure ends in a
 * {@link CorruptError} that says what was being read, never a RangeError or garbage.
 */
export class Cursor {
  pos: number;

  constructor(
    public buf: Buffer,
    readonly offsetSize: number,
    readonly lengthSize: number,
    pos = 0,
    public end = buf.length,
  ) {
    this.pos = pos;
  }

  /** Aims this cursor at `buf[pos, end)` (for cursors reused to save allocations). */
  reset(buf: Buffer, pos: number, end: number): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    return this;
  }

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number): number {
    const p = this.pos;
    if (n < 0 || p + n > this.end) throw new CorruptError(`a structure needs ${n} more bytes than it has (at byte ${p} of ${this.end})`);
    this.pos = p + n;
    return p;
  }

  skip(n: number): void {
    this.need(n);
  }

  u8(): number {
    return this.buf[this.need(1)]!;
  }

  u16(): number {
    const p = this.need(2);
    return this.buf[p]! | (this.buf[p + 1]! << 8);
  }

  u32(): number {
    const p = this.need(4);
    const b = this.buf;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /** An unsigned integer of `n` bytes (0–8); throws past 2^53. */
  uint(n: number): number {
    const p = this.need(n);
    const b = this.buf;
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]!;
    if (v > Number.MAX_SAFE_INTEGER) throw new CorruptError(`a ${n}-byte number at byte ${p} is too large`);
    return v;
  }

  /** A file address, or {@link UNDEF} when all its bits are set. */
  addr(): number {
    return this.sized(this.offsetSize);
  }

  /** A length field, or {@link UNDEF} when all its bits are set (HDF5's "unlimited"/"unknown"). */
  len(): number {
    return this.sized(this.lengthSize);
  }

  private sized(n: number): number {
    const p = this.need(n);
    const b = this.buf;
    let v = 0;
    let ones = true;
    for (let i = n - 1; i >= 0; i--) {
      const x = b[p + i]!;
      if (x !== 0xff) ones = false;
      v = v * 256 + x;
    }
    if (ones) return UNDEF;
    if (v > Number.MAX_SAFE_INTEGER) throw new CorruptError(`a ${n}-byte number at byte ${p} is too large`);
    return v;
  }

  /** A view of the next `n` bytes (keeps the cached block alive: use {@link copy} for what is kept). */
  take(n: number): Buffer {
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }

  /** A copy of the next `n` bytes. */
  copy(n: number): Uint8Array {
    const p = this.need(n);
    const out = new Uint8Array(n);
    if (n > 64) out.set(this.buf.subarray(p, p + n));
    else for (let i = 0; i < n; i++) out[i] = this.buf[p + i]!;
    return out;
  }

  /** The next `n` bytes as UTF-8 text (a name: invalid UTF-8 is damage, see {@link utf8Name}). */
  text(n: number): string {
    const p = this.need(n);
    return utf8Name(this.buf, p, p + n);
  }

  /** Whether the next 4 bytes are the ASCII signature `sig` (consumed if there are 4). */
  isSig(sig: Signature): boolean {
    const p = this.pos;
    if (p + 4 > this.end) return false;
    this.pos = p + 4;
    const b = this.buf;
    return b[p] === sig.charCodeAt(0) && b[p + 1] === sig.charCodeAt(1) && b[p + 2] === sig.charCodeAt(2) && b[p + 3] === sig.charCodeAt(3);
  }

  /** A NUL-terminated UTF-8 string (the NUL is consumed). */
  cstring(): string {
    const i = this.buf.indexOf(0, this.pos);
    if (i < 0 || i >= this.end) throw new CorruptError(`a name at byte ${this.pos} has no terminating NUL`);
    const s = utf8Name(this.buf, this.pos, i);
    this.pos = i + 1;
    return s;
  }

  /** A cursor over the next `n` bytes (sharing the buffer), and skips them here. */
  sub(n: number): Cursor {
    const p = this.need(n);
    return new Cursor(this.buf, this.offsetSize, this.lengthSize, p, p + n);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The 8-byte file address at `at` in `b`, or {@link UNDEF} when all its bits are set. */
export function addressAt(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  return v === 0xffffffffffffffffn ? UNDEF : Number(v);
}

/**
 * Bytes `[start, end)` of `buf` as a name. Names HDF5 writes are ASCII or UTF-8 (h5py, pypet);
 * bytes that are neither are damage, which would otherwise read as U+FFFD and name another node.
 */
export function utf8Name(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      try {
        return strictUtf8.decode(buf.subarray(start, end));
      } catch {
        throw new CorruptError(`the name at byte ${start} is not valid UTF-8`);
      }
    }
  }
  return buf.toString('latin1', start, end);
}

/** Bytes needed for an unsigned number up to `n` (HDF5's H5VM_limit_enc_size). */
export function limitEncSize(n: number): number {
  return (log2Floor(n) >> 3) + 1;
}

/** floor(log2(n)) for n ≥ 1 (0 for 0), exact for every safe integer. */
export function log2Floor(n: number): number {
  let bits = 0;
  for (let v = n; v >= 2; v = Math.floor(v / 2)) bits++;
  return bits;
}
