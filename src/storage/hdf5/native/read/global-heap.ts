/**
 * Variable-length strings: each element in the file is (length, global heap collection address,
 * object index); the bytes live in a global heap collection (`GCOL`). Collections are parsed
 * once and kept (copied out of the metadata cache), since the elements of one attribute or
 * dataset usually share one; the most recently used ones up to {@link CACHED_BYTES}, so that
 * reading every run of a large file does not keep all of its strings.
 */
import { GLOBAL_HEAP, SIG, UNDEF, align8 } from '../format.js';
import { type ByteSource, CorruptError, Cursor } from './byte-source.js';
import { MetadataCache } from './metadata-cache.js';

/** Bytes of collections kept (a collection is usually 4 KiB to 64 KiB). */
const CACHED_BYTES = 16 * 2 ** 20;

type Collection = Map<number, Buffer>;

/** The global heap collections of one file, read as vlen strings need them. */
export class GlobalHeap {
  private readonly collections = new MetadataCache<number, Collection>(CACHED_BYTES);

  constructor(private readonly src: ByteSource) {}

  /** The strings of `count` vlen elements encoded in `bytes` (16 bytes each with 8-byte addresses). */
  strings(bytes: Uint8Array, count: number): Buffer[] {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const c = new Cursor(buf, this.src.offsetSize, this.src.lengthSize);
    const out: Buffer[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const length = c.u32();
      const addr = c.addr();
      const index = c.u32();
      if (length === 0 || addr === UNDEF || addr === 0) {
        out[i] = Buffer.alloc(0);
        continue;
      }
      const obj = this.collection(addr).get(index);
      if (!obj) throw new CorruptError(`global heap collection at address ${addr} has no object ${index}`);
      if (length > obj.length) throw new CorruptError(`a string of ${length} bytes is longer than its heap object (${obj.length})`);
      out[i] = Buffer.from(obj.subarray(0, length));
    }
    return out;
  }

  private collection(addr: number): Collection {
    let col = this.collections.get(addr);
    if (col) return col;
    const L = this.src.lengthSize;
    const head = this.src.cursor(addr, GLOBAL_HEAP.headerSize(L));
    if (!head.isSig(SIG.GLOBAL_HEAP)) throw new CorruptError(`no global heap collection at address ${addr}`);
    head.skip(4); // version, reserved
    const size = head.len();
    const c = new Cursor(Buffer.from(this.src.bytes(addr, size)), this.src.offsetSize, this.src.lengthSize);
    c.skip(GLOBAL_HEAP.headerSize(L));
    col = new Map();
    while (c.left >= GLOBAL_HEAP.objectHeaderSize(L)) {
      const index = c.u16();
      c.skip(2 + 4); // reference count, reserved
      const objSize = c.len();
      if (index === GLOBAL_HEAP.FREE_SPACE) break; // up to the end of the collection
      col.set(index, c.take(objSize));
      c.skip(Math.min(c.left, align8(objSize) - objSize));
    }
    this.collections.set(addr, col, size);
    return col;
  }
}
