/**
 * Version-1 B-trees ("TREE") as HDF5 writes them, and chunked dataset storage: the chunks and
 * the tree (node type 1) that indexes them for a data layout message of version 3. Old-style
 * groups index their symbol table nodes with the same kind of tree (node type 0, see
 * `symbol-table.ts`).
 *
 * HDF5 allocates every node at full size (2K+1 keys and 2K children; K = 32 for chunk trees, 16
 * for group trees, the defaults a version-2 superblock implies), because readers load nodes by
 * that size. Key i sits left of child i and the node's last key right of its last child. Nodes
 * are filled completely (HDF5 splits nodes in halves while inserting, but any fill up to 2K is
 * valid), each level's nodes point at their left and right siblings across the whole level (not
 * only within their parent), and a tree gets as many levels as it needs; a parent's key i is the
 * first key of its child i, its last key the tree's final key.
 *
 * A chunk key is the chunk's stored size, its filter mask and its offset in elements, plus a
 * trailing 0 for the element-size dimension. After the very last chunk HDF5 writes that chunk's
 * offset again with the trailing dimension set to the element size (see h5debug on any chunked
 * file), and so do we.
 */
import { BTREE1, SIG, UNDEF, signatureBytes } from '../format.js';
import { type ByteSource, CorruptError } from '../read/byte-source.js';
import { ByteWriter } from './byte-writer.js';
import type { FileSink } from './file-sink.js';

const TREE = signatureBytes(SIG.BTREE1);

/** The shape of a kind of tree: its node type, K, key size and how a key is encoded. */
export interface TreeKind<Key> {
  type: number;
  k: number;
  keySize: number;
  writeKey(w: ByteWriter, key: Key): void;
}

/**
 * Writes a tree over `children` (addresses, in key order), where `keys[i]` is the key left of
 * child i and `finalKey` the key right of the last one; returns the root's address. At least
 * one child.
 */
export function writeBTree<Key>(sink: FileSink, kind: TreeKind<Key>, keys: readonly Key[], children: readonly number[], finalKey: Key): number {
  // Each level: the children's first keys and addresses; the level above indexes this one.
  for (let level = 0; ; level++) {
    const nodes = writeTreeLevel(sink, kind, level, UNDEF, keys, children, finalKey);
    if (nodes.length === 1) return nodes[0]!.address;
    keys = nodes.map((node) => node.firstKey);
    children = nodes.map((node) => node.address);
  }
}

/** A node just written, as the level above indexes it: its first key and its address. */
export interface WrittenNode<Key> {
  firstKey: Key;
  address: number;
}

/**
 * Writes one level of a tree over `children` (`keys[i]` left of child i, `finalKey` right of the
 * last one), in full nodes left to right, each pointing at its neighbours. The first node's left
 * sibling is `left`: none in a new tree, the kept left neighbour when an appending commit writes
 * a tree's rightmost nodes anew (`btree1-append.ts`, `symbol-table-append.ts`).
 */
export function writeTreeLevel<Key>(sink: FileSink, kind: TreeKind<Key>, level: number, left: number, keys: readonly Key[], children: readonly number[], finalKey: Key): WrittenNode<Key>[] {
  const fanout = 2 * kind.k;
  const nodeSize = BTREE1.nodeSize(kind.k, kind.keySize, 8);
  const w = new ByteWriter(nodeSize);
  const count = Math.ceil(children.length / fanout);
  const base = sink.pos;
  const out: WrittenNode<Key>[] = [];
  for (let n = 0; n < count; n++) {
    const from = n * fanout;
    const to = Math.min(children.length, from + fanout);
    const right = n < count - 1 ? base + (n + 1) * nodeSize : UNDEF;
    encodeNode(w, kind, level, n > 0 ? base + (n - 1) * nodeSize : left, right, keys, children, from, to, to < children.length ? keys[to]! : finalKey);
    out.push({ firstKey: keys[from]!, address: sink.write(w.view()) });
  }
  return out;
}

/**
 * Puts into `w` (reset first) the node of `level` over children `[from, to)` (`keys[i]` left of
 * child i, `rightKey` right of the last one) with siblings `left` and `right`, at full size.
 */
export function encodeNode<Key>(
  w: ByteWriter, kind: TreeKind<Key>, level: number, left: number, right: number,
  keys: readonly Key[], children: readonly number[], from: number, to: number, rightKey: Key,
): void {
  w.reset();
  w.bytes(TREE).u8(kind.type).u8(level).u16(to - from);
  w.u64(left).u64(right);
  for (let i = from; i < to; i++) {
    kind.writeKey(w, keys[i]!);
    w.u64(children[i]!);
  }
  kind.writeKey(w, rightKey);
  w.zeros(BTREE1.nodeSize(kind.k, kind.keySize, 8) - w.length);
}

/**
 * An appending commit wrote a path node of `level` anew (the first of its new nodes at `right`);
 * the kept node left of it, `left` (the stored path node's left sibling), still names the stored
 * node as its right sibling. libhdf5 walks a level along right siblings (`H5B_get_info`: the
 * B-tree sizes of `H5Oget_info` and h5stat, which counted old nodes; HDF5 1.6's `H5B_iterate`
 * listed a group's links or a dataset's chunks that way) and updates siblings when it splits or
 * removes nodes, so that address is set to `right`: after the superblock switch
 * ({@link FileSink.afterSwitch}), as the stored version reaches the kept node too. Only when
 * `left` is a node of this tree's type and level whose last key is `firstKey` (the stored path
 * node's first key), i.e. really its left neighbour: it may not be in a file appended to without
 * this fix and then changed by libhdf5 (splitting a node whose right sibling was an old node,
 * libhdf5 sets that old node's left sibling, not the real neighbour's).
 */
export function fixRightSibling(sink: FileSink, src: ByteSource, kind: Omit<TreeKind<unknown>, 'writeKey'>, level: number, left: number, firstKey: Uint8Array, right: number): void {
  if (isNeighbour(src, kind, level, left, 'last', firstKey)) sink.afterSwitch(left + RIGHT_SIBLING, new ByteWriter(8).u64(right).finish());
}

/**
 * The mirror of {@link fixRightSibling}: an appending commit wrote a node of `level` anew in the
 * middle of its level (the last of its new nodes at `left`), and the kept node right of it,
 * `right` (the stored node's right sibling), still names the stored node as its left sibling.
 * After the superblock switch that address is set to `left`; only when `right` is a node of this
 * tree's type and level whose first key is `lastKey` (the stored node's key right of its last
 * child), i.e. really its right neighbour.
 */
export function fixLeftSibling(sink: FileSink, src: ByteSource, kind: Omit<TreeKind<unknown>, 'writeKey'>, level: number, right: number, lastKey: Uint8Array, left: number): void {
  if (isNeighbour(src, kind, level, right, 'first', lastKey)) sink.afterSwitch(right + LEFT_SIBLING, new ByteWriter(8).u64(left).finish());
}

/**
 * Whether the stored node at `at` is a node of `kind` and `level` whose `which` key (its first
 * key, or its last: the key right of its last child) is `key`: the neighbour test of the two
 * sibling fixes above. False for UNDEF and for an address whose node does not lie in the file.
 */
function isNeighbour(src: ByteSource, kind: Omit<TreeKind<unknown>, 'writeKey'>, level: number, at: number, which: 'first' | 'last', key: Uint8Array): boolean {
  if (at === UNDEF) return false;
  const b = storedNodeBytes(src, at, BTREE1.nodeSize(kind.k, kind.keySize, 8));
  if (b === undefined || b.toString('latin1', 0, 4) !== SIG.BTREE1 || b[4] !== kind.type || b[5] !== level) return false;
  const n = b.readUInt16LE(6);
  if (n === 0 || n > 2 * kind.k) return false;
  const from = BTREE1.headerSize(8) + (which === 'first' ? 0 : n * (kind.keySize + 8));
  return Buffer.compare(b.subarray(from, from + kind.keySize), key) === 0;
}

/**
 * The `size` bytes of a stored node at `addr`, or undefined when they do not lie within the file.
 * Sibling addresses are written in place after the switch, unsynced (see {@link fixRightSibling}):
 * a power cut can keep half of one, and a commit must then leave the sibling alone, not fail.
 */
export function storedNodeBytes(src: ByteSource, addr: number, size: number): Buffer | undefined {
  try {
    return src.bytes(addr, size);
  } catch (e) {
    if (e instanceof CorruptError) return undefined;
    throw e;
  }
}

/** Where a node's sibling addresses are (after the signature, type, level and entry count). */
const LEFT_SIBLING = 8;
const RIGHT_SIBLING = 16;

/** A stored chunk: its offset in elements, size in bytes, filter mask and address. */
export interface ChunkRecord {
  offset: readonly number[];
  nbytes: number;
  filterMask: number;
  address: number;
}

export interface ChunkKey {
  nbytes: number;
  filterMask: number;
  offset: readonly number[];
  /** The trailing (element-size) coordinate: 0, or the element size in the final key. */
  last: number;
}

/**
 * Writes the B-tree over `chunks` (sorted by offset, row-major) and returns the root's address,
 * or the undefined address when there are no chunks (as HDF5 leaves an unwritten dataset).
 */
export function writeChunkBTree(sink: FileSink, chunks: readonly ChunkRecord[], elementSize: number): number {
  const lastChunk = chunks[chunks.length - 1];
  if (!lastChunk) return UNDEF;
  const rank = lastChunk.offset.length;
  const kind: TreeKind<ChunkKey> = { ...BTREE1.CHUNK, keySize: 8 + 8 * (rank + 1), writeKey: writeChunkKey };
  const keys = chunks.map((c): ChunkKey => ({ nbytes: c.nbytes, filterMask: c.filterMask, offset: c.offset, last: 0 }));
  const finalKey: ChunkKey = { nbytes: 0, filterMask: 0, offset: lastChunk.offset, last: elementSize };
  return writeBTree(sink, kind, keys, chunks.map((c) => c.address), finalKey);
}

function writeChunkKey(w: ByteWriter, k: ChunkKey): void {
  w.u32(k.nbytes).u32(k.filterMask);
  for (const o of k.offset) w.u64(o);
  w.u64(k.last);
}

/** A chunk key's bytes as a tree node stores them (for `btree1-append.ts`). */
export function chunkKeyBytes(k: ChunkKey): Uint8Array {
  const w = new ByteWriter(8 + 8 * (k.offset.length + 1));
  writeChunkKey(w, k);
  return w.finish();
}

/**
 * Cuts row-major `data` of `shape` into chunks of `chunkShape`, in row-major chunk order, and
 * calls `emit` with each chunk's offset and bytes. Edge chunks are padded with zeros to the full
 * chunk size, as HDF5 stores them. The bytes passed to `emit` are only valid during the call.
 */
export function forEachChunk(
  data: Uint8Array,
  shape: readonly number[],
  chunkShape: readonly number[],
  elementSize: number,
  emit: (offset: number[], bytes: Uint8Array) => void,
): void {
  const rank = shape.length;
  if (shape.some((d) => d === 0)) return;
  const grid = shape.map((d, i) => Math.ceil(d / chunkShape[i]!));
  const chunkBytes = chunkShape.reduce((a, b) => a * b, elementSize);
  const buf = new Uint8Array(chunkBytes);
  // Byte strides of the dataset and of a chunk.
  const stride = new Array<number>(rank);
  const cstride = new Array<number>(rank);
  let s = elementSize;
  let cs = elementSize;
  for (let d = rank - 1; d >= 0; d--) {
    stride[d] = s;
    cstride[d] = cs;
    s *= shape[d]!;
    cs *= chunkShape[d]!;
  }
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    const origin = idx.map((c, d) => c * chunkShape[d]!);
    const extent = origin.map((o, d) => Math.min(chunkShape[d]!, shape[d]! - o));
    let srcStart = 0;
    for (let d = 0; d < rank; d++) srcStart += origin[d]! * stride[d]!;
    const full = extent.every((e, d) => e === chunkShape[d]);
    // A chunk covering whole rows of every inner dimension is one contiguous piece of the data.
    const contiguous = extent.every((e, d) => d === 0 || (e === shape[d] && e === chunkShape[d]));
    if (full && contiguous) {
      emit(origin, data.subarray(srcStart, srcStart + chunkBytes));
    } else {
      buf.fill(0);
      copyBlock(data, srcStart, stride, buf, cstride, extent, elementSize);
      emit(origin, buf);
    }
    // Next chunk in row-major order.
    let d = rank - 1;
    while (d >= 0 && ++idx[d]! === grid[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/** Copies the block `extent` from `src` (at `srcStart`, strides `stride`) to the start of `dst`. */
function copyBlock(
  src: Uint8Array, srcStart: number, stride: readonly number[],
  dst: Uint8Array, cstride: readonly number[], extent: readonly number[], elementSize: number,
): void {
  const rank = extent.length;
  const rowBytes = extent[rank - 1]! * elementSize;
  const pos = new Array<number>(rank - 1).fill(0);
  for (;;) {
    let from = srcStart;
    let to = 0;
    for (let d = 0; d < rank - 1; d++) {
      from += pos[d]! * stride[d]!;
      to += pos[d]! * cstride[d]!;
    }
    dst.set(src.subarray(from, from + rowBytes), to);
    let d = rank - 2;
    while (d >= 0 && ++pos[d]! === extent[d]) pos[d--] = 0;
    if (d < 0) return;
  }
}
