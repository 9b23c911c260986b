/**
 * Old-style group storage (a "symbol table"), which the writer uses for groups with many links:
 * HDF5 finds a name there by binary search, while in compact storage it decodes every link
 * message of the header for each look-up (quadratic over a group of 10,000 runs). PyTables and
 * pypet files store all their groups this way.
 *
 * The group's header holds only a Symbol Table message: the addresses of a version-1 B-tree
 * (node type 0) and of a local heap. The structures, as HDF5 writes them (compare h5debug on a
 * file h5py wrote with `libver='earliest'`):
 * - Local heap: "HEAP", version 0, the data segment's size, the offset of the first free block
 *   (1 when there is none, HDF5's end-of-list mark) and the data segment's address; the segment
 *   follows the 32-byte header. It holds the empty string at offset 0, then every name, and the
 *   value of every soft link, NUL-terminated and padded to a multiple of 8 bytes.
 * - Symbol table nodes ("SNOD", version 1): up to 2·sym_leaf_k = 8 entries sorted by name, each
 *   node allocated at full size (8 + 8 × 40 bytes). An entry is the name's heap offset, the object
 *   header's address and a cache type with a 16-byte scratch pad: 0 (nothing cached), 1 for a
 *   member that is an old-style group itself (its B-tree and heap addresses, as HDF5 caches
 *   them), or 2 for a soft link (undefined address; the heap offset of its value).
 * - The B-tree (K = 16) over the nodes: key i is the heap offset of the last name in node i − 1
 *   (offset 0, the empty string, for the first node) and the final key that of the last name, so
 *   that node i holds the names n with key i < n ≤ key i + 1.
 * A version-2 superblock cannot record K values; without a superblock extension HDF5 uses its
 * defaults, sym_leaf_k 4 and 16 for group B-trees, which is what this layout assumes.
 *
 * Symbol tables carry neither a character set nor external links, so HDF5 keeps a group with a
 * non-ASCII name or an external link in new-style storage; the writer does the same.
 */
import { type TreeKind, writeBTree } from './btree1.js';
import { BTREE1, CACHE_TYPE, LOCAL_HEAP, SIG, SYMBOL_TABLE_NODE, UNDEF, signatureBytes } from '../format.js';
import { ByteWriter } from './byte-writer.js';
import type { FileSink } from './file-sink.js';

/** What an old-style group's Symbol Table message holds. */
export interface SymbolTable {
  btree: number;
  heap: number;
}

/**
 * One link of an old-style group: a hard link (with the target's own symbol table when the
 * target is an old-style group) or a soft link. Names must be ASCII.
 */
export type SymbolEntry = { name: string; address: number; table: SymbolTable | undefined } | { name: string; soft: string };

const NODE_ENTRIES = SYMBOL_TABLE_NODE.ENTRIES;
const NODE_SIZE = SYMBOL_TABLE_NODE.size(8);
const HEAP_HEADER = LOCAL_HEAP.headerSize(8, 8);
const FREE_LIST_END = LOCAL_HEAP.FREE_LIST_END;
const SNOD = signatureBytes(SIG.SYMBOL_TABLE_NODE);
const HEAP = signatureBytes(SIG.LOCAL_HEAP);
export const GROUP_TREE: TreeKind<number> = { ...BTREE1.GROUP, keySize: 8, writeKey: (w, offset) => void w.u64(offset) };

/** Heap bytes of a name or value: with the NUL, padded to a multiple of 8. */
export const padded = (n: number): number => Math.ceil((n + 1) / 8) * 8;

/**
 * Free space kept at the end of a heap that appending commits add names to
 * (`symbol-table-append.ts`): as much as is used, so a heap is copied O(log N) times as it grows.
 */
export const heapSpare = (used: number): number => Math.max(256, used);

/** A local heap header: data segment size, free list head (a free block at `used`, or none), data address. */
export function heapHeader(size: number, used: number, data: number): Uint8Array {
  return new ByteWriter(HEAP_HEADER).bytes(HEAP).u8(LOCAL_HEAP.VERSION).zeros(3).u64(size).u64(used < size ? used : FREE_LIST_END).u64(data).finish();
}

/** One symbol table entry (40 bytes) for a link whose name (and soft link value) are at the given heap offsets. */
export function writeEntry(w: ByteWriter, e: SymbolEntry, nameOffset: number, valueOffset: number): void {
  w.u64(nameOffset);
  if ('soft' in e) w.u64(UNDEF).u32(CACHE_TYPE.SOFT_LINK).u32(0).u32(valueOffset).zeros(12);
  else if (e.table) w.u64(e.address).u32(CACHE_TYPE.GROUP).u32(0).u64(e.table.btree).u64(e.table.heap);
  else w.u64(e.address).u32(CACHE_TYPE.NONE).u32(0).zeros(16);
}

/**
 * Writes the heap, nodes and B-tree of a group whose `entries` are sorted by name (at least one)
 * and returns their addresses for the group's Symbol Table message. With `spare`, the heap gets
 * free space at its end for appending commits ({@link heapSpare}).
 */
export function writeSymbolTable(sink: FileSink, entries: readonly SymbolEntry[], spare = false): SymbolTable {
  const values = entries.map((e) => ('soft' in e ? Buffer.from(e.soft, 'utf8') : null));
  let used = 8;
  for (let i = 0; i < entries.length; i++) used += padded(entries[i]!.name.length) + (values[i] ? padded(values[i]!.length) : 0);
  const size = spare ? used + heapSpare(used) : used;

  const heap = sink.pos;
  const w = new ByteWriter(HEAP_HEADER + size);
  w.bytes(heapHeader(size, used, heap + HEAP_HEADER));
  w.zeros(8);
  const nameOffsets = new Array<number>(entries.length);
  const valueOffsets = new Array<number>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const name = entries[i]!.name;
    nameOffsets[i] = w.length - HEAP_HEADER;
    w.ascii(name).zeros(padded(name.length) - name.length);
    const value = values[i];
    if (value) {
      valueOffsets[i] = w.length - HEAP_HEADER;
      w.bytes(value).zeros(padded(value.length) - value.length);
    }
  }
  if (size > used) w.u64(FREE_LIST_END).u64(size - used).zeros(size - used - 16);
  sink.write(w.view());

  const count = Math.ceil(entries.length / NODE_ENTRIES);
  const nodes = new ByteWriter(count * NODE_SIZE);
  const base = sink.pos;
  const keys = new Array<number>(count);
  const children = new Array<number>(count);
  for (let n = 0; n < count; n++) {
    const from = n * NODE_ENTRIES;
    const to = Math.min(entries.length, from + NODE_ENTRIES);
    keys[n] = n === 0 ? 0 : nameOffsets[from - 1]!;
    children[n] = base + n * NODE_SIZE;
    nodes.bytes(SNOD).u8(SYMBOL_TABLE_NODE.VERSION).u8(0).u16(to - from);
    for (let i = from; i < to; i++) writeEntry(nodes, entries[i]!, nameOffsets[i]!, valueOffsets[i] ?? 0);
    nodes.zeros((n + 1) * NODE_SIZE - nodes.length);
  }
  sink.write(nodes.view());

  const btree = writeBTree(sink, GROUP_TREE, keys, children, nameOffsets[entries.length - 1]!);
  return { btree, heap };
}
