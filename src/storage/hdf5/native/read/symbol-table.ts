/**
 * Old-style groups (PyTables, h5py's default): a Symbol Table message points at a v1 B-tree of
 * symbol table nodes (`SNOD`) and a local heap (`HEAP`) holding the names. An entry with cache
 * type 2 is a soft link whose target is a string in the same heap.
 */
import { BTREE1, CACHE_TYPE, LOCAL_HEAP, SIG, SYMBOL_TABLE_NODE, UNDEF } from '../format.js';
import { ByteSource, CorruptError, Cursor, utf8Name } from './byte-source.js';
import { forEachLeafChild } from './btree1.js';
import { HardTarget, RawLink, type SoftTarget } from './messages.js';
import { youngList } from './young.js';

/** The links of an old-style group whose B-tree and local heap are at `btree` and `heapAddr` (its Symbol Table message). */
export function symbolTableLinks(src: ByteSource, btree: number, heapAddr: number): RawLink[] {
  const links = youngList<RawLink>(); // (not a literal: see young.ts)
  forEachSymbolTableLink(src, btree, heapAddr, (name, addr, target) => {
    links.push(new RawLink(name, target === undefined ? new HardTarget(addr) : { kind: 'soft', target }));
  });
  return links;
}

/**
 * Calls `each` with every link of an old-style group, in name order: a hard link's object
 * address (`target` undefined), a soft link's target. Nothing is made per link but its name: a
 * `runs` group of a million links listed as a million link objects and name Buffers left ~190 MB
 * of garbage in V8's old generation (issue 13).
 */
export function forEachSymbolTableLink(src: ByteSource, btree: number, heapAddr: number, each: (name: string, addr: number, target: string | undefined) => void): void {
  const heap = localHeap(src, heapAddr);
  const O = src.offsetSize;
  const entrySize = SYMBOL_TABLE_NODE.entrySize(O);
  // HDF5 finds a name by binary search, over the B-tree keys (heap offsets of names: each
  // child holds the names after its left key, up to its right key) and within each node (names
  // sorted). A damaged name or key breaks that order, and HDF5 no longer finds the object: so
  // the order is checked, not trusted. Names are compared where they are in the heap.
  let previous = -1;
  let previousEnd = -1;
  forEachLeafChild(src, btree, BTREE1.GROUP.type, src.lengthSize, (leftKey, snod, rightKey) => {
    const head = src.cursor(snod, SYMBOL_TABLE_NODE.HEADER_SIZE);
    if (!head.isSig(SIG.SYMBOL_TABLE_NODE)) throw new CorruptError(`there is no symbol table node at address ${snod}`);
    if (head.u8() !== SYMBOL_TABLE_NODE.VERSION) throw new CorruptError(`the symbol table node at address ${snod} has an unknown version`);
    head.skip(1); // reserved
    const n = head.u16();
    const c = src.cursor(snod + SYMBOL_TABLE_NODE.HEADER_SIZE, n * entrySize);
    const L = src.lengthSize;
    const low = new Cursor(leftKey, O, L).len();
    const lowEnd = heapNameEnd(heap, low);
    const high = new Cursor(rightKey, O, L).len();
    const highEnd = heapNameEnd(heap, high);
    for (let i = 0; i < n; i++) {
      const at = c.uint(O);
      const end = heapNameEnd(heap, at);
      // (heap.compare(heap, a, aEnd, b, bEnd) compares name b with name a)
      if (heap.compare(heap, low, lowEnd, at, end) <= 0 || heap.compare(heap, high, highEnd, at, end) > 0 || (previous >= 0 && heap.compare(heap, previous, previousEnd, at, end) <= 0)) {
        throw new CorruptError(`the names in the symbol table node at address ${snod} are out of order (at '${heap.toString('utf8', at, end)}')`);
      }
      previous = at;
      previousEnd = end;
      const name = utf8Name(heap, at, end);
      const addr = c.addr();
      const cacheType = c.u32();
      if (cacheType > CACHE_TYPE.SOFT_LINK) throw new CorruptError(`the symbol table entry '${name}' has the unknown cache type ${cacheType}`);
      c.skip(4);
      const scratch = c.sub(16);
      if (cacheType === CACHE_TYPE.SOFT_LINK) {
        const target = scratch.u32();
        each(name, UNDEF, heap.toString('utf8', target, heapNameEnd(heap, target)));
      } else {
        if (addr === UNDEF) throw new CorruptError(`the symbol table entry '${name}' has no object address`);
        each(name, addr, undefined);
      }
    }
  });
}

function localHeap(src: ByteSource, addr: number): Buffer {
  const c = src.cursor(addr, LOCAL_HEAP.headerSize(src.offsetSize, src.lengthSize));
  if (!c.isSig(SIG.LOCAL_HEAP)) throw new CorruptError(`there is no local heap at address ${addr}`);
  if (c.u8() !== LOCAL_HEAP.VERSION) throw new CorruptError(`the local heap at address ${addr} has an unknown version`);
  c.skip(3); // reserved
  const size = c.len();
  const freeList = c.len();
  // A copy: the caller walks the group's B-tree nodes while it reads names here, and a block of
  // the cache may be read into again meanwhile (see ByteSource.bytes).
  const data = Buffer.from(src.bytes(c.addr(), size));
  checkFreeList(data, freeList, src.lengthSize, addr);
  return data;
}

/**
 * Walks a local heap's free list as HDF5 does when it loads the heap, which refuses a list
 * that leaves the heap ("bad heap free list") or links to offset 0 ("free block size is zero?").
 * Each free block starts with the offset of the next (1 = none) and its own size.
 */
function checkFreeList(data: Buffer, first: number, L: number, addr: number): void {
  let steps = 0;
  for (let at = first; at !== LOCAL_HEAP.FREE_LIST_END && at !== UNDEF; steps++) {
    if (at + 2 * L > data.length || steps > data.length / (2 * L)) throw new CorruptError(`the local heap at address ${addr} has a bad free list`);
    const c = new Cursor(data, L, L, at);
    const next = c.len();
    const size = c.len();
    if (next === 0 || at + size > data.length) throw new CorruptError(`the local heap at address ${addr} has a bad free list`);
    at = next;
  }
}

/** Where the NUL-terminated name at `offset` of a local heap's data ends. */
function heapNameEnd(heap: Buffer, offset: number): number {
  const end = heap.indexOf(0, offset);
  if (offset >= heap.length || end < 0) throw new CorruptError(`a name at offset ${offset} lies outside its local heap`);
  return end;
}

/**
 * The link named `name` in the old-style group whose B-tree and local heap are at `btree` and
 * `heapAddr`, found as HDF5 finds it: down the B-tree by binary search over its keys (the last
 * name of each child), then through one symbol table node. Reads a few nodes and names, not the
 * group's whole list (a writer's `results.runs` of a million runs, `stored-group-links.ts`).
 * Undefined when the group has no such link.
 */
export function findInSymbolTable(src: ByteSource, btree: number, heapAddr: number, name: string): RawLink['link'] | undefined {
  if (btree === UNDEF) return undefined;
  const heap = heapSegment(src, heapAddr);
  const want = Buffer.from(name, 'utf8');
  const O = src.offsetSize;
  const L = src.lengthSize;
  let at = btree;
  for (let depth = 0; ; depth++) {
    const head = src.cursor(at, 8 + 2 * O);
    if (!head.isSig('TREE') || head.u8() !== 0 || depth > 64) throw new CorruptError(`there is no group B-tree node at address ${at}`);
    const level = head.u8();
    const entries = head.u16();
    const c = src.cursor(at + 8 + 2 * O, entries * (L + O) + L);
    const children: number[] = [];
    const rightKeys: number[] = [];
    c.len(); // the first key: names in child 0 come after it
    for (let i = 0; i < entries; i++) {
      children.push(c.addr());
      rightKeys.push(c.len());
    }
    // The first child whose last name is not before `want`.
    let lo = 0;
    let hi = entries;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(nameAt(src, heap, rightKeys[mid]!), want) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === entries) return undefined;
    if (level > 0) {
      at = children[lo]!;
      continue;
    }
    const snod = children[lo]!;
    const sh = src.cursor(snod, 8);
    if (!sh.isSig('SNOD')) throw new CorruptError(`there is no symbol table node at address ${snod}`);
    sh.skip(2);
    const n = sh.u16();
    const e = src.cursor(snod + 8, n * (2 * O + 24));
    for (let i = 0; i < n; i++) {
      const offset = e.uint(O);
      const addr = e.addr();
      const cacheType = e.u32();
      e.skip(4);
      const scratch = e.sub(16);
      if (!nameAt(src, heap, offset).equals(want)) continue;
      if (cacheType === 2) return { kind: 'soft', target: nameAt(src, heap, scratch.u32()).toString('utf8') } satisfies SoftTarget;
      if (addr === UNDEF) throw new CorruptError(`the symbol table entry '${name}' has no object address`);
      return new HardTarget(addr);
    }
    return undefined;
  }
}

/** The number of links of an old-style group: the entry counts of its symbol table nodes (no name is read). */
export function countSymbolTable(src: ByteSource, btree: number): number {
  let n = 0;
  forEachLeafChild(src, btree, 0, src.lengthSize, (_left, snod) => {
    const head = src.cursor(snod, 8);
    if (!head.isSig('SNOD')) throw new CorruptError(`there is no symbol table node at address ${snod}`);
    head.skip(2);
    n += head.u16();
  });
  return n;
}

/** Where a local heap's data segment is, and its size. */
function heapSegment(src: ByteSource, addr: number): { data: number; size: number } {
  const c = src.cursor(addr, 8 + 2 * src.lengthSize + src.offsetSize);
  if (!c.isSig('HEAP') || c.u8() !== 0) throw new CorruptError(`there is no local heap at address ${addr}`);
  c.skip(3);
  const size = c.len();
  c.len(); // free list
  return { data: c.addr(), size };
}

/** The NUL-terminated name at `offset` of a heap's data segment, read through the block cache. */
function nameAt(src: ByteSource, heap: { data: number; size: number }, offset: number): Buffer {
  for (let len = 64; ; len *= 4) {
    const n = Math.min(len, heap.size - offset);
    if (offset < 0 || n <= 0) throw new CorruptError(`a name at offset ${offset} lies outside its local heap`);
    const b = src.bytes(heap.data + offset, n);
    const end = b.indexOf(0);
    if (end >= 0) return b.subarray(0, end);
    if (n < len) throw new CorruptError(`a name at offset ${offset} lies outside its local heap`);
  }
}

/** The greatest name of an old-style group (its B-tree root's last key), or undefined when it has none. */
export function lastNameInSymbolTable(src: ByteSource, btree: number, heapAddr: number): Buffer | undefined {
  if (btree === UNDEF) return undefined;
  const O = src.offsetSize;
  const L = src.lengthSize;
  const head = src.cursor(btree, 8 + 2 * O);
  if (!head.isSig('TREE') || head.u8() !== 0) throw new CorruptError(`there is no group B-tree node at address ${btree}`);
  head.skip(1);
  const entries = head.u16();
  if (entries === 0) return undefined;
  const last = src.cursor(btree + 8 + 2 * O + entries * (L + O), L).len();
  return Buffer.from(nameAt(src, heapSegment(src, heapAddr), last));
}
