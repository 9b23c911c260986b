/**
 * A chunked dataset's B-tree (`btree1.ts`) in an appending commit, at a cost of O(log N) nodes
 * plus the chunks that changed, instead of the whole tree: a growing table (a trajectory's
 * `overview/runs`, 21,700 chunks at a million runs) changes only its last chunks per commit, and
 * writing its whole tree (~0.9 MB there) each time made W1 through the Environment at a million
 * runs write 3.77 GB instead of 3.59 GB (issue 13).
 *
 * The chunks before the first changed one keep their nodes. The nodes on the path from the root
 * to that chunk are read back, and written anew past the end of the file: the leaf with its
 * unchanged entries followed by the changed and added chunks (over as many new leaves as they
 * need), then each node above with its unchanged children followed by the new nodes below. The
 * nodes right of the path are left behind (every chunk they indexed is in the new nodes).
 * Nothing the stored version reaches is written over, so it stays whole until the superblock
 * switch. As in `symbol-table-append.ts`, the kept node left of the path on each level names
 * the path's old node as its right sibling until then; it is pointed at the new node after the
 * switch (`fixRightSibling` in `btree1.ts`).
 *
 * Anything unexpected on the way (a node that is not a chunk node of this rank, a kept entry that
 * is not the chunk the caller has there) returns undefined, and the caller writes the whole tree.
 */
import { BTREE1, SIG, UNDEF } from '../format.js';
import { type ByteSource, addressAt } from '../read/byte-source.js';
import { type ChunkRecord, type TreeKind, chunkKeyBytes, fixRightSibling, writeTreeLevel } from './btree1.js';
import type { FileSink } from './file-sink.js';

const FANOUT = 2 * BTREE1.CHUNK.k;
const HEADER = BTREE1.headerSize(8);

/** A node's entry as the level above it sees it: its first key (stored bytes) and address. */
interface Entry {
  key: Uint8Array;
  child: number;
}

interface TreeNode {
  level: number;
  left: number;
  /** keys[i] left of children[i] (the key right of the last child is not needed). */
  entries: Entry[];
}

/** The chunk offset along the first dimension in a stored key (after its size and filter mask). */
const rowOffset = (key: Uint8Array): number => Number(Buffer.from(key.buffer, key.byteOffset, key.byteLength).readBigUInt64LE(8));

function readNode(src: ByteSource, at: number, keySize: number): TreeNode | undefined {
  const size = BTREE1.nodeSize(BTREE1.CHUNK.k, keySize, 8);
  const b = Buffer.from(src.bytes(at, size)); // a copy: the source may reuse its block
  if (b.toString('latin1', 0, 4) !== SIG.BTREE1 || b[4] !== BTREE1.CHUNK.type) return undefined;
  const n = b.readUInt16LE(6);
  if (n === 0 || n > FANOUT) return undefined;
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const at = HEADER + i * (keySize + 8);
    entries.push({ key: b.subarray(at, at + keySize), child: addressAt(b, at + keySize) });
  }
  return { level: b[5]!, left: addressAt(b, 8), entries };
}

/**
 * Writes the new version of the B-tree whose root is at `root` in `src`, for `records` (all chunks
 * in order, rows-only chunking) of which the first `first` are stored unchanged where the old tree
 * has them; returns the new root's address, or undefined when this cannot be done here. When
 * nothing changed (`first` = the number of records and the old tree indexes exactly those), the
 * caller keeps the old root instead.
 */
export function appendChunkBTree(sink: FileSink, src: ByteSource, root: number, records: readonly ChunkRecord[], first: number, elementSize: number): number | undefined {
  const last = records[records.length - 1];
  if (last === undefined || root === UNDEF || first < 0 || first > records.length) return undefined;
  const rank = last.offset.length;
  const keySize = 8 + 8 * (rank + 1);
  // Follow the path to the first changed chunk (to the last one when only chunks were cut).
  const target = records[Math.min(first, records.length - 1)]!.offset[0]!;
  const path: { node: TreeNode; j: number }[] = [];
  for (let at = root; ; ) {
    const node = readNode(src, at, keySize);
    const above = path[path.length - 1];
    if (node === undefined || (above !== undefined && node.level !== above.node.level - 1)) return undefined;
    let j = 0;
    while (j + 1 < node.entries.length && rowOffset(node.entries[j + 1]!.key) <= target) j++;
    path.push({ node, j });
    if (node.level === 0) break;
    at = node.entries[j]!.child;
  }

  // The leaf: its entries before the first changed chunk, each the record the caller has there.
  const leaf = path[path.length - 1]!.node;
  const bound = first < records.length ? records[first]!.offset[0]! : last.offset[0]! + 1;
  const kept = leaf.entries.filter((e) => rowOffset(e.key) < bound);
  for (let i = 0; i < kept.length; i++) {
    const r = records[first - kept.length + i];
    if (r === undefined || r.address !== kept[i]!.child || r.offset[0] !== rowOffset(kept[i]!.key)) return undefined;
  }
  const keyOf = (r: ChunkRecord, trailing: number): Uint8Array => chunkKeyBytes({ nbytes: trailing ? 0 : r.nbytes, filterMask: trailing ? 0 : r.filterMask, offset: r.offset, last: trailing });
  let below: Entry[] = [...kept];
  for (let i = first; i < records.length; i++) below.push({ key: keyOf(records[i]!, 0), child: records[i]!.address });
  const finalKey = keyOf(last, elementSize);

  // Bottom up: each path node's entries before the path, then the new nodes below.
  const kind: TreeKind<Uint8Array> = { ...BTREE1.CHUNK, keySize, writeKey: (w, key) => void w.bytes(key) };
  const writeLevel = (level: number, left: number, entries: readonly Entry[]): Entry[] =>
    writeTreeLevel(sink, kind, level, left, entries.map((e) => e.key), entries.map((e) => e.child), finalKey).map((node) => ({ key: node.firstKey, child: node.address }));
  for (let d = path.length - 1; d >= 0; d--) {
    const { node, j } = path[d]!;
    below = writeLevel(node.level, node.left, d === path.length - 1 ? below : [...node.entries.slice(0, j), ...below]);
    fixRightSibling(sink, src, kind, node.level, node.left, node.entries[0]!.key, below[0]!.child);
  }
  // A root that split gets new levels above it.
  for (let level = path[0]!.node.level + 1; below.length > 1; level++) below = writeLevel(level, UNDEF, below);
  return below[0]!.child;
}
