/**
 * How many bytes of a file the current version reaches, so `h5traj info` can say how much space
 * old versions left behind (appending commits, `docs/commit-design.md` §3) and `h5traj compact`
 * would give back. Walks the structures the native writer writes, from the superblock: version-2
 * object headers (with continuation chunks), compact links, old-style groups (local heap, B-tree
 * nodes, symbol table nodes), contiguous and chunked (version-1 B-tree) data, and the global heap
 * collections variable-length strings live in. Each structure is counted once by its address.
 * Anything else (dense link or attribute storage, version-1 headers, layout version 4, …) gives
 * `undefined`: unknown, rather than a wrong number.
 */
import fs from 'node:fs';
import { RESERVED } from './write/superblock.js';
import { BTREE1, CACHE_TYPE, DATASPACE, LAYOUT, LINK, LINK_FLAG, LOCAL_HEAP, MSG, OHDR_FLAG, SIG, SUPERBLOCK_V2, SYMBOL_TABLE_NODE, TYPE_CLASS, align8 } from './format.js';

const UNDEF = 0xffffffffffffffffn;

class Unknown extends Error {}

/** Reads little-endian fields of the file by absolute address. */
class Reader {
  private readonly fd: number;
  readonly size: number;
  constructor(path: string) {
    this.fd = fs.openSync(path, 'r');
    this.size = fs.fstatSync(this.fd).size;
  }
  bytes(at: number, n: number): Buffer {
    if (at < 0 || at + n > this.size) throw new Unknown(`a structure at ${at} leaves the file`);
    const b = Buffer.alloc(n);
    fs.readSync(this.fd, b, 0, n, at);
    return b;
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** An 8-byte address, or undefined for HDF5's undefined address. */
function address(b: Buffer, at: number): number | undefined {
  const v = b.readBigUInt64LE(at);
  return v === UNDEF ? undefined : Number(v);
}

/**
 * The bytes of `path` that its current version reaches, or undefined when the file holds a
 * structure this walk does not know (or is not a file the native writer made).
 */
export function reachableBytes(path: string): number | undefined {
  const r = new Reader(path);
  try {
    const sb = r.bytes(0, 48);
    const L = SUPERBLOCK_V2;
    if (sb.toString('latin1', 0, 8) !== SIG.SUPERBLOCK || sb[L.VERSION] !== 2 || sb[L.OFFSET_SIZE] !== 8 || sb[L.LENGTH_SIZE] !== 8) return undefined;
    const walk = new Walk(r);
    walk.object(address(sb, L.root(8))!);
    return RESERVED + walk.total();
  } catch (e) {
    // A structure cut short or out of bounds (RangeError from a field read) is not ours to judge here.
    if (e instanceof Unknown || e instanceof RangeError) return undefined;
    throw e;
  } finally {
    r.close();
  }
}

class Walk {
  /** Counted structures: address → size. */
  private readonly seen = new Map<number, number>();
  private readonly todo: number[] = [];

  constructor(private readonly r: Reader) {}

  total(): number {
    let n = 0;
    for (const size of this.seen.values()) n += size;
    return n;
  }

  /** Counts a structure; false when it was counted already. */
  private count(at: number, size: number): boolean {
    if (this.seen.has(at)) return false;
    this.seen.set(at, size);
    return true;
  }

  /** Walks the object at `at` and everything it reaches (iteratively: groups may be deep). */
  object(at: number): void {
    this.todo.push(at);
    while (this.todo.length > 0) this.header(this.todo.pop()!);
  }

  private header(at: number): void {
    const r = this.r;
    const head = r.bytes(at, 6);
    if (head.toString('latin1', 0, 4) !== SIG.OBJECT_HEADER || head[4] !== 2) throw new Unknown('not a version-2 object header');
    const flags = head[5]!;
    let pos = 6 + (flags & OHDR_FLAG.TIMES ? 16 : 0) + (flags & OHDR_FLAG.PHASE_CHANGE ? 4 : 0);
    const width = 1 << (flags & OHDR_FLAG.SIZE_WIDTH);
    const sizeField = r.bytes(at + pos, width);
    let chunk = 0;
    for (let i = 0; i < width; i++) chunk += sizeField[i]! * 2 ** (8 * i);
    pos += width;
    if (!this.count(at, pos + chunk + 4)) return;
    const chunks: [number, number][] = [[at + pos, chunk]];
    const orderBytes = flags & OHDR_FLAG.CREATION_ORDER ? 2 : 0;
    let vlen = false;
    let layout: Buffer | undefined;
    let space: Buffer | undefined;
    for (let c = 0; c < chunks.length; c++) {
      const [start, length] = chunks[c]!;
      const body = r.bytes(start, length);
      for (let p = 0; p + 4 + orderBytes <= length; ) {
        const t = body[p]!;
        const size = body.readUInt16LE(p + 1);
        const m = body.subarray(p + 4 + orderBytes, p + 4 + orderBytes + size);
        p += 4 + orderBytes + size;
        if (t === MSG.CONTINUATION) {
          const to = address(m, 0)!;
          const len = Number(m.readBigUInt64LE(8));
          this.count(to, len);
          chunks.push([to + 4, len - 8]); // after "OCHK", before the checksum
        } else if (t === MSG.SYMBOL_TABLE) this.symbolTable(address(m, 0)!, address(m, 8)!);
        else if (t === MSG.LINK_INFO) {
          // Link info: dense storage when its fractal heap is defined.
          const heapAt = 2 + (m[1]! & 1 ? 8 : 0);
          if (address(m, heapAt) !== undefined) throw new Unknown('dense link storage');
        } else if (t === MSG.LINK) this.link(m);
        else if (t === MSG.ATTRIBUTE_INFO) {
          const heapAt = 2 + (m[1]! & 1 ? 2 : 0);
          if (address(m, heapAt) !== undefined) throw new Unknown('dense attribute storage');
        } else if (t === MSG.ATTRIBUTE) this.attribute(m);
        else if (t === MSG.DATATYPE) vlen = (m[0]! & 0x0f) === TYPE_CLASS.VARIABLE_LENGTH;
        else if (t === MSG.DATASPACE) space = m;
        else if (t === MSG.LAYOUT) layout = m;
      }
    }
    if (layout) this.data(layout, vlen, space);
  }

  /** A link message: a hard link's target is walked. */
  private link(m: Buffer): void {
    const flags = m[1]!;
    let p = 2;
    const kind = flags & LINK_FLAG.HAS_TYPE ? m[p++]! : LINK.HARD;
    if (flags & LINK_FLAG.CREATION_ORDER) p += 8;
    if (flags & LINK_FLAG.HAS_CHARSET) p += 1;
    const lenSize = 1 << (flags & LINK_FLAG.NAME_WIDTH);
    let nameLength = 0;
    for (let i = 0; i < lenSize; i++) nameLength += m[p + i]! * 2 ** (8 * i);
    p += lenSize + nameLength;
    if (kind === LINK.HARD) this.todo.push(address(m, p)!);
  }

  private symbolTable(btree: number, heap: number): void {
    const r = this.r;
    const h = r.bytes(heap, LOCAL_HEAP.headerSize(8, 8));
    if (h.toString('latin1', 0, 4) !== SIG.LOCAL_HEAP) throw new Unknown('not a local heap');
    this.count(heap, LOCAL_HEAP.headerSize(8, 8));
    const dataSize = Number(h.readBigUInt64LE(8));
    const data = address(h, 24)!;
    this.count(data, dataSize);
    this.btree(btree, BTREE1.GROUP.type, 8, (child) => {
      const node = r.bytes(child, SYMBOL_TABLE_NODE.size(8));
      if (node.toString('latin1', 0, 4) !== SIG.SYMBOL_TABLE_NODE) throw new Unknown('not a symbol table node');
      this.count(child, node.length);
      const n = node.readUInt16LE(6);
      for (let i = 0; i < n; i++) {
        const e = SYMBOL_TABLE_NODE.HEADER_SIZE + i * SYMBOL_TABLE_NODE.entrySize(8);
        if (node.readUInt32LE(e + 16) !== CACHE_TYPE.SOFT_LINK) this.todo.push(address(node, e + 8)!);
      }
    });
  }

  /** Counts the nodes of a version-1 B-tree and calls `leaf` with each child of its leaves (and its key). */
  private btree(root: number, type: number, keySize: number, leaf: (child: number, key: Buffer) => void): void {
    const k = type === BTREE1.GROUP.type ? BTREE1.GROUP.k : BTREE1.CHUNK.k;
    const nodeSize = BTREE1.nodeSize(k, keySize, 8);
    const stack = [root];
    while (stack.length > 0) {
      const at = stack.pop()!;
      const node = this.r.bytes(at, nodeSize);
      if (node.toString('latin1', 0, 4) !== SIG.BTREE1 || node[4] !== type) throw new Unknown('not a B-tree node of the expected type');
      if (!this.count(at, nodeSize)) continue;
      const level = node[5]!;
      const n = node.readUInt16LE(6);
      for (let i = 0; i < n; i++) {
        const keyAt = BTREE1.headerSize(8) + i * (keySize + 8);
        const child = address(node, keyAt + keySize)!;
        if (level > 0) stack.push(child);
        else leaf(child, node.subarray(keyAt, keyAt + keySize));
      }
    }
  }

  private attribute(m: Buffer): void {
    const version = m[0]!;
    if (version < 1 || version > 3) throw new Unknown('an attribute message of an unknown version');
    const nameSize = m.readUInt16LE(2);
    const typeSize = m.readUInt16LE(4);
    const spaceSize = m.readUInt16LE(6);
    const pad = (n: number): number => (version === 1 ? align8(n) : n);
    let p = 8 + (version === 3 ? 1 : 0);
    p += pad(nameSize);
    const vlen = (m[p]! & 0x0f) === TYPE_CLASS.VARIABLE_LENGTH;
    p += pad(typeSize);
    const space = m.subarray(p, p + spaceSize);
    p += pad(spaceSize);
    if (vlen) this.heapRefs(m.subarray(p), elements(space));
  }

  /** Global heap collections referenced by `n` variable-length elements (16 bytes each). */
  private heapRefs(data: Buffer, n: number): void {
    for (let i = 0; i < n && 16 * (i + 1) <= data.length; i++) {
      const at = address(data, 16 * i + 4);
      if (at === undefined || at === 0 || this.seen.has(at)) continue;
      const g = this.r.bytes(at, 16);
      if (g.toString('latin1', 0, 4) !== SIG.GLOBAL_HEAP) throw new Unknown('not a global heap collection');
      this.count(at, Number(g.readBigUInt64LE(8)));
    }
  }

  private data(layout: Buffer, vlen: boolean, space: Buffer | undefined): void {
    if (layout[0] !== 3) throw new Unknown(`data layout version ${layout[0]}`);
    const kind = layout[1];
    if (kind === LAYOUT.COMPACT) return; // in the header
    if (kind === LAYOUT.CONTIGUOUS) {
      const at = address(layout, 2);
      const size = Number(layout.readBigUInt64LE(10));
      if (at === undefined) return;
      this.count(at, size);
      if (vlen && space) this.heapRefs(this.r.bytes(at, size), elements(space));
      return;
    }
    if (kind !== LAYOUT.CHUNKED) throw new Unknown('an unknown data layout');
    if (vlen) throw new Unknown('chunked variable-length data');
    const dims = layout[2]!;
    const btree = address(layout, 3);
    if (btree === undefined) return;
    this.btree(btree, BTREE1.CHUNK.type, 8 + 8 * dims, (chunk, key) => this.count(chunk, key.readUInt32LE(0)));
  }
}

/** The number of elements of a dataspace message (versions 1 and 2). */
function elements(space: Buffer): number {
  const version = space[0]!;
  const rank = space[1]!;
  if (version === 2 && space[3] === DATASPACE.NULL) return 0;
  const first = version === 1 ? 8 : 4;
  let n = 1;
  for (let i = 0; i < rank; i++) n *= Number(space.readBigUInt64LE(first + 8 * i));
  return n;
}
