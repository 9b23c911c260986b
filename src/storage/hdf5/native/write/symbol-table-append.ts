/**
 * Adding links to a stored old-style group (symbol table, see `symbol-table.ts`) in an
 * appending commit, at a cost of O(log N) bytes instead of the whole table: the names sort after
 * every stored name (run groups are added in order), so only the last symbol table node and the
 * B-tree's rightmost path change. Those are written anew past the end of the file; the new names
 * go into the free space at the end of the group's local heap, which the stored version declares
 * free and never reads, behind a new heap header (a full heap is copied once into one twice its
 * size). Nothing the stored version reaches is written over, so it stays whole until the
 * superblock switch; only after it is the right-sibling address of the kept node left of the
 * path on each level pointed at the new node (`fixRightSibling` in `btree1.ts`).
 *
 * A changed member in the last symbol table node (a run group a commit wrote while it was being
 * stored, which the next commit writes anew) has its entry replaced there: that node is written
 * anew anyway. Without this, a first store big enough to be written out in parts
 * (`native-file.ts`, spills) rewrote the whole table of `results.runs` at each part, reading all
 * its links back (O(N) per part; ~40 MB of garbage at 100k runs).
 *
 * Kept simple on purpose: anything else (a name that sorts before the last stored one and is not
 * in the last node, a changed soft link, a heap laid out otherwise) returns undefined, and the
 * caller writes the whole table.
 */
import { ByteSource, addressAt } from '../read/byte-source.js';
import { BTREE1, LOCAL_HEAP, MSG, SIG, SYMBOL_TABLE_NODE, UNDEF } from '../format.js';
import { ObjectHeader } from '../read/object-header.js';
import { ByteWriter } from './byte-writer.js';
import type { FileSink } from './file-sink.js';
import { fixRightSibling, writeTreeLevel } from './btree1.js';
import { GROUP_TREE, type SymbolEntry, type SymbolTable, heapSpare, heapHeader, padded, writeEntry } from './symbol-table.js';

const GROUP_FANOUT = 2 * BTREE1.GROUP.k;
const TREE_NODE_SIZE = BTREE1.nodeSize(BTREE1.GROUP.k, 8, 8);
const ENTRY_SIZE = SYMBOL_TABLE_NODE.entrySize(8);
const NODE_ENTRIES = SYMBOL_TABLE_NODE.ENTRIES;
const NODE_SIZE = SYMBOL_TABLE_NODE.size(8);
const HEAP_HEADER = LOCAL_HEAP.headerSize(8, 8);
const FREE_LIST_END = LOCAL_HEAP.FREE_LIST_END;

interface TreeNode {
  level: number;
  left: number;
  /** keys[i] left of children[i]; one more key than children. */
  keys: number[];
  children: number[];
}


function readTreeNode(src: ByteSource, at: number): TreeNode | undefined {
  const b = src.bytes(at, TREE_NODE_SIZE);
  if (b.toString('latin1', 0, 4) !== SIG.BTREE1 || b[4] !== BTREE1.GROUP.type) return undefined;
  const n = b.readUInt16LE(6);
  if (n === 0 || n > GROUP_FANOUT) return undefined;
  const keys: number[] = [];
  const children: number[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(addressAt(b, 24 + i * 16));
    children.push(addressAt(b, 32 + i * 16));
  }
  keys.push(addressAt(b, 24 + n * 16));
  return { level: b[5]!, left: addressAt(b, 8), keys, children };
}

/** The name at `offset` of the heap data at `data` (NUL-terminated), or undefined when it does not end in reach. */
function heapName(src: ByteSource, data: number, size: number, offset: number): Buffer | undefined {
  const b = src.bytes(data + offset, Math.min(size - offset, 4096));
  const end = b.indexOf(0);
  return end < 0 ? undefined : b.subarray(0, end);
}

/**
 * Adds `changes` (sorted by name, ASCII names) to the stored old-style group whose object header
 * is at `header` in `src`, writing through `sink` (appending, plus the heap's free space in
 * place): new names, and members of its last symbol table node written anew.
 * Returns the new Symbol Table message's addresses, or undefined when this cannot be done here.
 */
export function appendToSymbolTable(sink: FileSink, src: ByteSource, header: number, changes: readonly SymbolEntry[]): SymbolTable | undefined {
  if (changes.length === 0) return undefined;
  const h = new ObjectHeader(src);
  h.read(header, 'a group');
  if (!h.has(MSG.SYMBOL_TABLE)) return undefined;
  const msg = h.get(MSG.SYMBOL_TABLE);
  const btree = msg.addr();
  const heap = msg.addr();

  // The local heap: its data segment, and the free block at its end, if any.
  const hh = src.bytes(heap, HEAP_HEADER);
  if (hh.toString('latin1', 0, 4) !== SIG.LOCAL_HEAP || hh[4] !== LOCAL_HEAP.VERSION) return undefined;
  const size = Number(hh.readBigUInt64LE(8));
  const freeHead = Number(hh.readBigUInt64LE(16));
  const data = addressAt(hh, 24);
  let tail = size; // where the names end and the free space at the end begins
  let tailFree = 0;
  if (freeHead !== FREE_LIST_END && freeHead + 16 <= size) {
    const fb = src.bytes(data + freeHead, 16);
    const next = Number(fb.readBigUInt64LE(0));
    const free = Number(fb.readBigUInt64LE(8));
    if (next === FREE_LIST_END && freeHead + free === size) {
      tail = freeHead;
      tailFree = free;
    }
  }

  // The B-tree's rightmost path, and the last symbol table node.
  const path: TreeNode[] = [];
  for (let at = btree; ; ) {
    const node = readTreeNode(src, at);
    if (!node || (path.length > 0 && node.level !== path[path.length - 1]!.level - 1)) return undefined;
    path.push(node);
    if (node.level === 0) break;
    at = node.children[node.children.length - 1]!;
  }
  const leaf = path[path.length - 1]!;
  const snod = src.bytes(leaf.children[leaf.children.length - 1]!, NODE_SIZE);
  if (snod.toString('latin1', 0, 4) !== SIG.SYMBOL_TABLE_NODE || snod[4] !== SYMBOL_TABLE_NODE.VERSION) return undefined;
  const count = snod.readUInt16LE(6);
  if (count === 0 || count > NODE_ENTRIES) return undefined;
  const entryOffset = (i: number): number => Number(snod.readBigUInt64LE(SYMBOL_TABLE_NODE.HEADER_SIZE + i * ENTRY_SIZE));
  const lastOffset = entryOffset(count - 1);
  const lastName = heapName(src, data, size, lastOffset);
  if (lastName === undefined) return undefined;
  // Names up to the last stored one (byte order; names are ASCII) must be members of the last
  // node, whose entries they replace; the others are added after it.
  let split = 0;
  while (split < changes.length && Buffer.compare(Buffer.from(changes[split]!.name, 'latin1'), lastName) <= 0) split++;
  const replaced = new Map<number, SymbolEntry & { address: number }>();
  for (let i = count - 1, j = split - 1; j >= 0; j--) {
    const e = changes[j]!;
    const name = Buffer.from(e.name, 'latin1');
    while (i >= 0 && Buffer.compare(heapName(src, data, size, entryOffset(i)) ?? Buffer.alloc(0), name) > 0) i--;
    if (i < 0 || 'soft' in e || !name.equals(heapName(src, data, size, entryOffset(i)) ?? Buffer.alloc(0))) return undefined;
    replaced.set(i, e);
  }
  const added = changes.slice(split);

  // The new names (and soft link values) as heap bytes.
  const values = added.map((e) => ('soft' in e ? Buffer.from(e.soft, 'utf8') : null));
  let k = 0;
  for (let i = 0; i < added.length; i++) k += padded(added[i]!.name.length) + (values[i] ? padded(values[i]!.length) : 0);
  // In place when the free space at the end holds them behind the stored free block's own
  // header (which the stored version's free list still reads), plus a new free block header.
  const inPlace = tailFree > 0 && tail + 16 + k + 16 <= size;
  const start = inPlace ? tail + 16 : tail;
  const names = new ByteWriter(k);
  const nameOffsets: number[] = [];
  const valueOffsets: number[] = [];
  for (let i = 0; i < added.length; i++) {
    const name = added[i]!.name;
    nameOffsets.push(start + names.length);
    names.ascii(name).zeros(padded(name.length) - name.length);
    const value = values[i];
    valueOffsets.push(value ? start + names.length : 0);
    if (value) names.bytes(value).zeros(padded(value.length) - value.length);
  }
  const used = start + k;
  let newData: number;
  let newSize: number;
  if (added.length === 0) {
    newData = data; // no new names: the heap stays as it is
    newSize = size;
  } else if (inPlace) {
    sink.overwrite(data + start, names.view(), src.bytes(data + start, k));
    sink.overwrite(data + used, new ByteWriter(16).u64(FREE_LIST_END).u64(size - used).finish(), src.bytes(data + used, 16));
    newData = data;
    newSize = size;
  } else {
    newSize = used + heapSpare(used);
    const segment = new ByteWriter(newSize);
    segment.bytes(src.bytes(data, tail)).bytes(names.view()).u64(FREE_LIST_END).u64(newSize - used);
    segment.zeros(newSize - segment.length);
    newData = sink.write(segment.view());
  }
  const newHeap = added.length === 0 ? heap : sink.write(heapHeader(newSize, used, newData));

  // Symbol table nodes: the stored last node's entries (those replaced written anew), then the
  // added ones, 8 to a node.
  const entries: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const e = replaced.get(i);
    if (e === undefined) entries.push(snod.subarray(SYMBOL_TABLE_NODE.HEADER_SIZE + i * ENTRY_SIZE, SYMBOL_TABLE_NODE.HEADER_SIZE + (i + 1) * ENTRY_SIZE));
    else {
      const w = new ByteWriter(ENTRY_SIZE);
      writeEntry(w, e, entryOffset(i), 0);
      entries.push(w.finish());
    }
  }
  const lastOffsets: number[] = []; // the heap offset of each new node's last name
  const offsets = [...Array<number>(count).fill(-1), ...nameOffsets];
  offsets[count - 1] = lastOffset;
  const nodeCount = Math.ceil(offsets.length / NODE_ENTRIES);
  const nodes = new ByteWriter(nodeCount * NODE_SIZE);
  for (let n = 0; n < nodeCount; n++) {
    const from = n * NODE_ENTRIES;
    const to = Math.min(offsets.length, from + NODE_ENTRIES);
    nodes.ascii(SIG.SYMBOL_TABLE_NODE).u8(SYMBOL_TABLE_NODE.VERSION).u8(0).u16(to - from);
    for (let i = from; i < to; i++) {
      if (i < count) nodes.bytes(entries[i]!);
      else writeEntry(nodes, added[i - count]!, nameOffsets[i - count]!, valueOffsets[i - count]!);
    }
    nodes.zeros((n + 1) * NODE_SIZE - nodes.length);
    lastOffsets.push(offsets[to - 1]!);
  }
  const nodesAt = sink.write(nodes.view());
  const finalKey = nameOffsets[nameOffsets.length - 1] ?? lastOffset;

  // The rightmost path, bottom up: each node's last child is replaced by the new nodes below.
  let below = Array.from({ length: nodeCount }, (_, n) => ({ address: nodesAt + n * NODE_SIZE, firstKey: n === 0 ? leaf.keys[leaf.keys.length - 2]! : lastOffsets[n - 1]! }));
  for (let d = path.length - 1; d >= 0; d--) {
    const node = path[d]!;
    const keys = [...node.keys.slice(0, -1), ...below.slice(1).map((b) => b.firstKey)];
    const children = [...node.children.slice(0, -1), ...below.map((b) => b.address)];
    below = writeTreeLevel(sink, GROUP_TREE, node.level, node.left, keys, children, finalKey);
    fixRightSibling(sink, src, GROUP_TREE, node.level, node.left, new ByteWriter(8).u64(node.keys[0]!).finish(), below[0]!.address);
  }
  // A root that split gets new levels above it.
  for (let level = path[0]!.level + 1; below.length > 1; level++) {
    below = writeTreeLevel(sink, GROUP_TREE, level, UNDEF, below.map((b) => b.firstKey), below.map((b) => b.address), finalKey);
  }
  return { btree: below[0]!.address, heap: newHeap };
}
