/**
 * A chunked dataset's B-tree (`btree1.ts`) in an appending commit, at a cost of O(log N) nodes
 * per changed leaf plus the chunks that changed, instead of the whole tree (issue 13). A
 * trajectory's `overview/runs` (21,740 chunks at a million runs, a tree of ~0.9 MB) is written at
 * full size when the exploration is stored; each commit then changes the rows of the runs it
 * completed, somewhere in the middle of the table, and a table that grows changes its last chunks.
 *
 * Path copy: the nodes whose chunks include a changed one (and, when the table grew or was cut,
 * the nodes on the path to its new last stored chunk: the "tail") are read back and written anew
 * past the end of the file, each with the same entries as before except the addresses of its
 * changed chunks or new nodes below; every other node is kept where it is. The tail leaf gets
 * the added chunks (over as many new leaves as they need, a full root gets new levels above it)
 * or loses the cut ones (the nodes right of the tail are left behind). Nothing the stored version
 * reaches is written over, so it stays whole until the superblock switch.
 *
 * Siblings: a new node names its neighbours on its level, new or kept. A kept neighbour names
 * the stored node instead until the superblock switch; right after it, that one address is set
 * to the new node (`fixRightSibling` for the kept node left of a new one, `fixLeftSibling` for
 * the kept node right of it, in `btree1.ts`), on every level.
 *
 * Anything unexpected (a node that is not a chunk node of this rank and level, keys that are not
 * the chunks the caller has there, a changed chunk whose key changed) returns undefined, and the
 * caller writes the whole tree.
 */
import { lowerBound } from '../../../../fold.js';
import { BTREE1, SIG, UNDEF } from '../format.js';
import { type ByteSource, addressAt } from '../read/byte-source.js';
import { ByteWriter } from './byte-writer.js';
import { type ChunkRecord, type TreeKind, chunkKeyBytes, encodeNode, fixLeftSibling, fixRightSibling, storedNodeBytes, writeTreeLevel } from './btree1.js';
import type { FileSink } from './file-sink.js';

const FANOUT = 2 * BTREE1.CHUNK.k;
const HEADER = BTREE1.headerSize(8);

/** What changed since the tree at hand was written (for {@link appendChunkBTree}). */
export interface ChunkChanges {
  /** The chunks written anew (their indices, ascending): changed ones and those the tree does not hold. */
  changed: readonly number[];
  /** How many chunks the stored tree indexes. */
  stored: number;
  /** Rows per chunk: chunk k starts at row k · rows. */
  rows: number;
}

/** A node's entry as the level above it sees it: its first key (stored bytes) and address. */
interface Entry {
  key: Uint8Array;
  child: number;
}

interface StoredNode {
  level: number;
  left: number;
  right: number;
  /** keys[i] left of children[i]. */
  entries: Entry[];
  /** The key right of the last child. */
  rightKey: Uint8Array;
}

/** A stored node that is written anew, with the chunk indices `[lo, hi)` it covers (hi infinite on a level's right edge). */
interface Visit {
  at: number;
  node: StoredNode;
  lo: number;
  hi: number;
  /** The first chunk under each of its children. */
  los: number[];
  /** Whether it holds the last chunk the new version keeps of the stored ones (it becomes its level's last node). */
  tail: boolean;
  /** The visits of its children, by child position (internal nodes). */
  below: Map<number, Visit>;
  /** Its new nodes, as the level above sees them (set once written). */
  written: Entry[];
}

/** The chunk offset along the first dimension in a stored key (after its size and filter mask). */
const rowOffset = (key: Uint8Array): number => Number(Buffer.from(key.buffer, key.byteOffset, key.byteLength).readBigUInt64LE(8));

function readNode(src: ByteSource, at: number, keySize: number): StoredNode | undefined {
  const size = BTREE1.nodeSize(BTREE1.CHUNK.k, keySize, 8);
  // (an address beyond the file: the caller writes the whole tree instead)
  const stored = storedNodeBytes(src, at, size);
  if (stored === undefined) return undefined;
  const b = Buffer.from(stored); // a copy: the source may reuse its block
  if (b.toString('latin1', 0, 4) !== SIG.BTREE1 || b[4] !== BTREE1.CHUNK.type) return undefined;
  const n = b.readUInt16LE(6);
  if (n === 0 || n > FANOUT) return undefined;
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const at = HEADER + i * (keySize + 8);
    entries.push({ key: b.subarray(at, at + keySize), child: addressAt(b, at + keySize) });
  }
  const last = HEADER + n * (keySize + 8);
  return { level: b[5]!, left: addressAt(b, 8), right: addressAt(b, 16), entries, rightKey: b.subarray(last, last + keySize) };
}

/**
 * Writes the new version of the B-tree whose root is at `root` in `src`, for `records` (all chunks
 * in order, rows-only chunking, of `changes.rows` rows each), of which those not in
 * `changes.changed` are stored unchanged where the old tree has them; returns the new root's
 * address, or undefined when this cannot be done here. When nothing changed (no changed chunk
 * and the old tree indexes exactly `records`), the caller keeps the old root instead.
 */
export function appendChunkBTree(sink: FileSink, src: ByteSource, root: number, records: readonly ChunkRecord[], changes: ChunkChanges, elementSize: number): number | undefined {
  const { changed, stored, rows } = changes;
  const count = records.length;
  const last = records[count - 1];
  if (last === undefined || root === UNDEF || stored < 1 || !(rows >= 1)) return undefined;
  const rank = last.offset.length;
  const keySize = 8 + 8 * (rank + 1);
  const keyOf = (r: ChunkRecord, trailing: number): Uint8Array => chunkKeyBytes({ nbytes: trailing ? 0 : r.nbytes, filterMask: trailing ? 0 : r.filterMask, offset: r.offset, last: trailing });
  // The last stored chunk the new version keeps: its path is new when the table grew or was cut.
  const tail = Math.min(count, stored) - 1;
  const resized = count !== stored;
  const isChanged = (k: number): boolean => changed[lowerBound(changed, k)] === k;
  const touches = (lo: number, hi: number): boolean => (changed[lowerBound(changed, lo)] ?? Infinity) < hi || (resized && lo <= tail && tail < hi);
  const indexOf = (key: Uint8Array): number => rowOffset(key) / rows;
  if (changed.length === 0 && !resized) return root;

  // Down from the root: the nodes to write anew, per level (left to right: a depth-first walk).
  const levels: Visit[][] = [];
  const visit = (at: number, level: number | undefined, lo: number, hi: number): Visit | undefined => {
    const node = readNode(src, at, keySize);
    if (node === undefined || (level !== undefined && node.level !== level)) return undefined;
    const los = node.entries.map((e) => indexOf(e.key));
    if (los[0] !== lo || los.some((x, i) => !Number.isInteger(x) || (i > 0 && x <= los[i - 1]!))) return undefined;
    const v: Visit = { at, node, lo, hi, los, tail: lo <= tail && tail < hi, below: new Map(), written: [] };
    if (node.level === 0) {
      // Entry i is chunk lo + i; the leaf holds the chunks up to hi (up to the stored last one on the right edge).
      if (node.entries.length !== (hi === Infinity ? stored : hi) - lo) return undefined;
      for (let i = 0; i < node.entries.length && lo + i < Math.min(count, stored); i++) {
        const r = records[lo + i]!;
        const e = node.entries[i]!;
        if (Buffer.compare(e.key, keyOf(r, 0)) !== 0 || (!isChanged(lo + i) && e.child !== r.address)) return undefined;
      }
    } else {
      for (let i = 0; i < los.length; i++) {
        const childHi = i + 1 < los.length ? los[i + 1]! : hi;
        if (los[i]! >= count || !touches(los[i]!, childHi)) continue;
        const child = visit(node.entries[i]!.child, node.level - 1, los[i]!, childHi);
        if (child === undefined) return undefined;
        v.below.set(i, child);
      }
    }
    (levels[node.level] ??= []).push(v);
    return v;
  };
  const top = visit(root, undefined, 0, Infinity);
  if (top === undefined) return undefined;
  for (let level = 0; level < levels.length; level++) if (levels[level] === undefined) return undefined;

  // Bottom up, a level at a time: its new nodes one after the other, so each one's address is
  // known before it is written (a node names the new node right of it).
  const kind: TreeKind<Uint8Array> = { ...BTREE1.CHUNK, keySize, writeKey: (w, key) => void w.bytes(key) };
  const nodeSize = BTREE1.nodeSize(kind.k, keySize, 8);
  const finalKey = keyOf(last, elementSize);
  const w = new ByteWriter(nodeSize);
  for (const visits of levels) {
    const groups = visits.map((v) => newEntries(v, records, count, keyOf));
    const base = sink.pos;
    const firsts: number[] = [];
    let nodes = 0;
    for (const g of groups) {
      firsts.push(base + nodes * nodeSize);
      nodes += Math.ceil(g.length / FANOUT);
    }
    visits.forEach((v, j) => {
      const entries = groups[j]!;
      const n = Math.ceil(entries.length / FANOUT);
      const first = firsts[j]!;
      const lastAt = first + (n - 1) * nodeSize;
      const prev = visits[j - 1];
      const next = visits[j + 1];
      const left = prev !== undefined && prev.at === v.node.left ? firsts[j - 1]! + (Math.ceil(groups[j - 1]!.length / FANOUT) - 1) * nodeSize : v.node.left;
      const right = v.tail ? UNDEF : next !== undefined && next.at === v.node.right ? firsts[j + 1]! : v.node.right;
      const keys = entries.map((e) => e.key);
      const children = entries.map((e) => e.child);
      for (let m = 0; m < n; m++) {
        const from = m * FANOUT;
        const to = Math.min(entries.length, from + FANOUT);
        // The tail's key right of its last child is the new final key when the table grew or was
        // cut (the whole tail path is new); else the stored one, as the kept children below have it.
        const rightKey = to < entries.length ? keys[to]! : v.tail && resized ? finalKey : v.node.rightKey;
        encodeNode(w, kind, v.node.level, m > 0 ? first + (m - 1) * nodeSize : left, m < n - 1 ? first + (m + 1) * nodeSize : right, keys, children, from, to, rightKey);
        sink.write(w.view());
        v.written.push({ key: keys[from]!, child: first + m * nodeSize });
      }
      // Kept neighbours name the stored node until the switch.
      if (left === v.node.left) fixRightSibling(sink, src, kind, v.node.level, left, v.node.entries[0]!.key, first);
      if (!v.tail && right === v.node.right) fixLeftSibling(sink, src, kind, v.node.level, right, v.node.rightKey, lastAt);
    });
  }
  // A root that split gets new levels above it.
  let below = top.written;
  for (let level = top.node.level + 1; below.length > 1; level++) {
    below = writeTreeLevel(sink, kind, level, UNDEF, below.map((e) => e.key), below.map((e) => e.child), finalKey).map((node) => ({ key: node.firstKey, child: node.address }));
  }
  return below[0]!.child;
}

/**
 * The entries of the new version of `v`: a leaf's chunks as `records` has them (up to the last
 * one on the tail), a node's stored entries with the new nodes of the visited children in place of
 * the stored ones (and without the children a cut left behind).
 */
function newEntries(v: Visit, records: readonly ChunkRecord[], count: number, keyOf: (r: ChunkRecord, trailing: number) => Uint8Array): Entry[] {
  if (v.node.level === 0) {
    const out: Entry[] = [];
    for (let k = v.lo; k < (v.tail ? count : v.hi); k++) out.push({ key: keyOf(records[k]!, 0), child: records[k]!.address });
    return out;
  }
  const out: Entry[] = [];
  const entries = v.node.entries;
  for (let i = 0; i < entries.length; i++) {
    const child = v.below.get(i);
    if (child !== undefined) out.push(...child.written);
    else if (v.los[i]! < count) out.push(entries[i]!);
  }
  return out;
}
