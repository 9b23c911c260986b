/**
 * Old-style groups (PyTables, h5py's default): a Symbol Table message points at a v1 B-tree of
 * symbol table nodes (`SNOD`) and a local heap (`HEAP`) holding the names. An entry with cache
 * type 2 is a soft link whose target is a string in the same heap.
 */
import { BTREE1, CACHE_TYPE, LOCAL_HEAP, SIG, SYMBOL_TABLE_NODE, UNDEF } from '../format.js';
import { ByteSource, CorruptError, Cursor, utf8Name } from './byte-source.js';
import { forEachLeafChild } from './btree1.js';
import type { RawLink } from './messages.js';

/** The links of an old-style group whose B-tree and local heap are at `btree` and `heapAddr` (its Symbol Table message). */
export function symbolTableLinks(src: ByteSource, btree: number, heapAddr: number): RawLink[] {
  const heap = localHeap(src, heapAddr);
  const O = src.offsetSize;
  const entrySize = SYMBOL_TABLE_NODE.entrySize(O);
  const links: RawLink[] = [];
  // HDF5 finds a name by binary search, over the B-tree keys (heap offsets of names: each
  // child holds the names after its left key, up to its right key) and within each node (names
  // sorted). A damaged name or key breaks that order, and HDF5 no longer finds the object: so
  // the order is checked, not trusted.
  let previous: Buffer | undefined;
  forEachLeafChild(src, btree, BTREE1.GROUP.type, src.lengthSize, (leftKey, snod, rightKey) => {
    const head = src.cursor(snod, SYMBOL_TABLE_NODE.HEADER_SIZE);
    if (!head.isSig(SIG.SYMBOL_TABLE_NODE)) throw new CorruptError(`there is no symbol table node at address ${snod}`);
    if (head.u8() !== SYMBOL_TABLE_NODE.VERSION) throw new CorruptError(`the symbol table node at address ${snod} has an unknown version`);
    head.skip(1); // reserved
    const n = head.u16();
    const c = src.cursor(snod + SYMBOL_TABLE_NODE.HEADER_SIZE, n * entrySize);
    const L = src.lengthSize;
    const low = heapName(heap, new Cursor(leftKey, O, L).len());
    const high = heapName(heap, new Cursor(rightKey, O, L).len());
    for (let i = 0; i < n; i++) {
      const nameBytes = heapName(heap, c.uint(O));
      if (Buffer.compare(nameBytes, low) <= 0 || Buffer.compare(nameBytes, high) > 0 || (previous && Buffer.compare(nameBytes, previous) <= 0)) {
        throw new CorruptError(`the names in the symbol table node at address ${snod} are out of order (at '${nameBytes.toString('utf8')}')`);
      }
      previous = nameBytes;
      const name = utf8Name(nameBytes, 0, nameBytes.length);
      const addr = c.addr();
      const cacheType = c.u32();
      if (cacheType > CACHE_TYPE.SOFT_LINK) throw new CorruptError(`the symbol table entry '${name}' has the unknown cache type ${cacheType}`);
      c.skip(4);
      const scratch = c.sub(16);
      if (cacheType === CACHE_TYPE.SOFT_LINK) links.push({ name, link: { kind: 'soft', target: heapName(heap, scratch.u32()).toString('utf8') } });
      else {
        if (addr === UNDEF) throw new CorruptError(`the symbol table entry '${name}' has no object address`);
        links.push({ name, link: { kind: 'hard', addr } });
      }
    }
  });
  return links;
}

function localHeap(src: ByteSource, addr: number): Buffer {
  const c = src.cursor(addr, LOCAL_HEAP.headerSize(src.offsetSize, src.lengthSize));
  if (!c.isSig(SIG.LOCAL_HEAP)) throw new CorruptError(`there is no local heap at address ${addr}`);
  if (c.u8() !== LOCAL_HEAP.VERSION) throw new CorruptError(`the local heap at address ${addr} has an unknown version`);
  c.skip(3); // reserved
  const size = c.len();
  const freeList = c.len();
  const data = src.bytes(c.addr(), size);
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

/** The NUL-terminated name at `offset` of a local heap's data. */
function heapName(heap: Buffer, offset: number): Buffer {
  const end = heap.indexOf(0, offset);
  if (offset >= heap.length || end < 0) throw new CorruptError(`a name at offset ${offset} lies outside its local heap`);
  return heap.subarray(offset, end);
}
