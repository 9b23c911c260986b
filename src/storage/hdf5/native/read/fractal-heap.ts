/**
 * Fractal heaps (`FRHP`): where groups with many links and objects with many attributes keep
 * their Link and Attribute messages ("dense storage"). A heap ID names an object by its offset in
 * the heap's address space and its length; the address space is cut into direct blocks (`FHDB`)
 * of doubling sizes, reached through indirect blocks (`FHIB`) once there is more than one.
 *
 * The block layout is walked once (the first time an object is asked for) into a sorted list
 * of direct blocks, so each lookup is a binary search. "Huge" objects (bigger than the heap's
 * managed-object limit, e.g. dense attributes over 4 KiB) are stored on their own and found
 * through their ID, or a v2 B-tree of type 1. Filtered heaps are not handled. Every block's
 * checksum is verified, direct blocks' when the header says they carry one.
 */
import { NativeUnsupportedError } from '../model.js';
import { SIG, UNDEF } from '../format.js';
import { ByteSource, CorruptError, Cursor, log2Floor } from './byte-source.js';
import { forEachRecord } from './btree2.js';
import { ChecksumError, lookup3, verifyChecksum } from '../checksum.js';

interface DirectBlock {
  offset: number;
  size: number;
  addr: number;
}

export class FractalHeap {
  private readonly width: number;
  private readonly startSize: number;
  private readonly maxDirectRows: number;
  private readonly firstRowBits: number;
  /** Bytes of a heap offset (in IDs and block headers) and of an object length (in IDs). */
  private readonly offsetBytes: number;
  private readonly lengthBytes: number;
  private readonly rootAddr: number;
  private readonly rootRows: number;
  private readonly idLength: number;
  private readonly hugeTree: number;
  private blocks: DirectBlock[] | undefined;
  private huge: Map<number, [number, number]> | undefined;
  /** Whether direct blocks carry a checksum (header flag bit 1). */
  private readonly checksummedBlocks: boolean;
  private readonly where: string;

  constructor(
    private readonly src: ByteSource,
    readonly addr: number,
    where: string,
  ) {
    this.where = where;
    const O = src.offsetSize;
    const L = src.lengthSize;
    const plain = 22 + 12 * L + 3 * O; // the header up to its checksum, when not filtered
    const c = src.cursor(addr, plain + 4);
    const start = c.pos;
    if (!c.isSig(SIG.FRACTAL_HEAP)) throw new CorruptError(`there is no fractal heap at address ${addr}`);
    c.skip(1); // version
    this.idLength = c.u16();
    const filterInfo = c.u16();
    if (filterInfo > 0) {
      // The root block's filtered size and mask and the filter pipeline come before the checksum.
      const f = src.cursor(addr, plain + L + 4 + filterInfo + 4);
      verifyChecksum(f.buf, f.pos, f.end - 4, 'fractal heap header', addr, where);
      throw new NativeUnsupportedError('filtered fractal heaps', where);
    }
    verifyChecksum(c.buf, start, start + plain, 'fractal heap header', addr, where);
    this.checksummedBlocks = (c.u8() & 2) !== 0;
    const maxManaged = c.u32();
    c.skip(L); // next huge object ID
    this.hugeTree = c.addr();
    c.skip(L + O + 8 * L); // free space bookkeeping, object counts
    this.width = c.u16();
    this.startSize = c.len();
    const maxDirect = c.len();
    const maxHeapBits = c.u16();
    c.skip(2); // starting rows of the root indirect block
    this.rootAddr = c.addr();
    this.rootRows = c.u16();
    // The doubling table's arithmetic (as HDF5's) needs powers of two.
    const pow2 = (n: number) => n > 0 && 2 ** log2Floor(n) === n;
    if (!pow2(this.width) || !pow2(this.startSize) || !pow2(maxDirect) || maxDirect < this.startSize || maxHeapBits > 64 || this.idLength === 0) {
      throw new CorruptError(`the fractal heap at address ${addr} has a bad doubling table`);
    }
    this.firstRowBits = log2Floor(this.startSize) + log2Floor(this.width);
    this.maxDirectRows = log2Floor(maxDirect) - log2Floor(this.startSize) + 2;
    this.offsetBytes = (maxHeapBits + 7) >> 3;
    const maxDirectOffsetBytes = (log2Floor(maxDirect) + 7) >> 3;
    this.lengthBytes = Math.min(maxDirectOffsetBytes, (log2Floor(maxManaged) >> 3) + 1);
  }

  /** A cursor over the object named by the heap ID of `idLength` bytes at `buf[pos]`. */
  get(buf: Buffer, pos: number, idLength: number): Cursor {
    const flags = buf[pos]!;
    if (flags >> 6 !== 0) throw new CorruptError(`a heap ID has version ${flags >> 6}`);
    const kind = (flags >> 4) & 3;
    if (kind === 2) {
      // Tiny: the object is inside the ID (with a longer length field in IDs over 18 bytes).
      const big = idLength > 18;
      const length = big ? (((flags & 0x0f) << 8) | buf[pos + 1]!) + 1 : (flags & 0x0f) + 1;
      const from = pos + (big ? 2 : 1);
      return new Cursor(buf, this.src.offsetSize, this.src.lengthSize, from, Math.min(from + length, pos + idLength));
    }
    if (kind === 1) return this.hugeObject(buf, pos + 1);
    if (kind !== 0) throw new CorruptError(`a heap ID has the unknown type ${kind}`);
    let offset = 0;
    let length = 0;
    for (let i = this.offsetBytes; i >= 1; i--) offset = offset * 256 + buf[pos + i]!;
    for (let i = this.offsetBytes + this.lengthBytes; i > this.offsetBytes; i--) length = length * 256 + buf[pos + i]!;
    const block = this.blockAt(offset);
    if (offset + length > block.offset + block.size) throw new CorruptError(`a heap object runs past its block in the fractal heap at address ${this.addr}`);
    return this.src.cursor(block.addr + (offset - block.offset), length);
  }

  /** A huge object: its address and length are in the ID when they fit, else in a v2 B-tree. */
  private hugeObject(buf: Buffer, pos: number): Cursor {
    const { offsetSize: O, lengthSize: L } = this.src;
    const id = new Cursor(buf, O, L, pos, pos + this.idLength - 1);
    if (this.idLength - 1 >= O + L) return this.src.cursor(id.addr(), id.len());
    const key = id.uint(Math.min(this.idLength - 1, 8));
    if (!this.huge) {
      this.huge = new Map();
      forEachRecord(this.src, this.hugeTree, 1, (rec, at) => {
        const r = new Cursor(rec, O, L, at, at + O + 2 * L);
        const addr = r.addr();
        const len = r.len();
        this.huge!.set(r.len(), [addr, len]);
      }, this.where);
    }
    const found = this.huge.get(key);
    if (!found) throw new CorruptError(`the fractal heap at address ${this.addr} has no huge object ${key}`);
    return this.src.cursor(found[0], found[1]);
  }

  private blockAt(offset: number): DirectBlock {
    const blocks = (this.blocks ??= this.walk());
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = blocks[mid]!;
      if (offset < b.offset) hi = mid - 1;
      else if (offset >= b.offset + b.size) lo = mid + 1;
      else return b;
    }
    throw new CorruptError(`no block of the fractal heap at address ${this.addr} holds offset ${offset}`);
  }

  private rowSize(row: number): number {
    return row === 0 ? this.startSize : this.startSize * 2 ** (row - 1);
  }

  private rowOffset(row: number): number {
    return row === 0 ? 0 : this.width * this.startSize * 2 ** (row - 1);
  }

  private walk(): DirectBlock[] {
    const blocks: DirectBlock[] = [];
    if (this.rootAddr === UNDEF) return blocks;
    if (this.rootRows === 0) blocks.push({ offset: 0, size: this.startSize, addr: this.rootAddr });
    else this.walkIndirect(this.rootAddr, this.rootRows, 0, blocks, new Set());
    for (const b of blocks) this.checkDirect(b);
    return blocks.sort((a, b) => a.offset - b.offset);
  }

  /** Checks a direct block's signature, owner, offset and (when the heap has them) checksum. */
  private checkDirect(b: DirectBlock): void {
    const O = this.src.offsetSize;
    const headerSize = 5 + O + this.offsetBytes;
    if (b.size < headerSize + (this.checksummedBlocks ? 4 : 0)) throw new CorruptError(`the fractal heap at address ${this.addr} has blocks too small for their headers`);
    const bytes = this.src.bytes(b.addr, b.size);
    const c = new Cursor(bytes, O, this.src.lengthSize);
    if (!c.isSig(SIG.FRACTAL_HEAP_DIRECT_BLOCK)) throw new CorruptError(`there is no fractal heap direct block at address ${b.addr}`);
    c.skip(1); // version
    if (c.addr() !== this.addr || c.uint(this.offsetBytes) !== b.offset) {
      throw new CorruptError(`the fractal heap direct block at address ${b.addr} does not belong where the heap at address ${this.addr} puts it`);
    }
    if (!this.checksummedBlocks) return;
    // The checksum covers the whole block, with the checksum field itself taken as zero.
    const stored = bytes.readUInt32LE(headerSize);
    bytes.writeUInt32LE(0, headerSize); // (a cached view: restored at once)
    const computed = lookup3(bytes, 0, b.size);
    bytes.writeUInt32LE(stored, headerSize);
    if (stored !== computed) throw new ChecksumError('fractal heap direct block', b.addr, this.where);
  }

  private walkIndirect(addr: number, rows: number, base: number, out: DirectBlock[], seen: Set<number>): void {
    // Each indirect block is reached once; a second time means a cycle (or shared children).
    if (seen.has(addr)) throw new CorruptError(`the fractal heap at address ${this.addr} reaches its indirect block at address ${addr} twice`);
    seen.add(addr);
    const O = this.src.offsetSize;
    const direct = Math.min(rows, this.maxDirectRows) * this.width;
    const indirect = Math.max(0, rows - this.maxDirectRows) * this.width;
    const size = 5 + O + this.offsetBytes + (direct + indirect) * O;
    const c = this.src.cursor(addr, size + 4);
    verifyChecksum(c.buf, c.pos, c.pos + size, 'fractal heap indirect block', addr, this.where);
    if (!c.isSig(SIG.FRACTAL_HEAP_INDIRECT_BLOCK)) throw new CorruptError(`there is no fractal heap indirect block at address ${addr}`);
    c.skip(1); // version
    if (c.addr() !== this.addr || c.uint(this.offsetBytes) !== base) {
      throw new CorruptError(`the fractal heap indirect block at address ${addr} does not belong where the heap at address ${this.addr} puts it`);
    }
    for (let i = 0; i < direct; i++) {
      const child = c.addr();
      const row = Math.floor(i / this.width);
      const size = this.rowSize(row);
      if (child !== UNDEF) out.push({ offset: base + this.rowOffset(row) + (i % this.width) * size, size, addr: child });
    }
    for (let i = 0; i < indirect; i++) {
      const child = c.addr();
      const row = this.maxDirectRows + Math.floor(i / this.width);
      const size = this.rowSize(row);
      const childRows = log2Floor(size) - this.firstRowBits + 1;
      if (child !== UNDEF) this.walkIndirect(child, childRows, base + this.rowOffset(row) + (i % this.width) * size, out, seen);
    }
  }
}
