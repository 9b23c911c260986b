/**
 * A growing table of a writable graph kept on disk, with only its changed chunks in memory
 * (issue 13: bounded writer memory).
 *
 * A trajectory's `overview/runs` table has a 709-byte row per run: 71 MB at 100k runs, 709 MB at
 * a million, all of it held in memory once a commit wrote a row (`owned-data.ts`). With appending
 * commits a stored chunk never changes on disk, so the table can stay there: {@link StoredRows}
 * knows where each chunk of whole rows is, copies a chunk into memory when a row in it is
 * written, and an appending commit writes only those chunks (`writer.ts`), after which they
 * leave memory again. Reading rows reads the chunks they lie in.
 */
import { MSG, UNDEF } from './format.js';
import type { ByteSource } from './read/byte-source.js';
import { decodeLayout } from './read/messages.js';
import { ObjectHeader } from './read/object-header.js';
import type { NData, StoredChunks } from './model.js';
import { type ChunkRecord, writeChunkBTree } from './write/btree1.js';
import { appendChunkBTree } from './write/btree1-append.js';
import type { FileSink } from './write/file-sink.js';

/**
 * Chunk buffers written out and free to hold the next changed chunks, per chunk size. Each
 * commit changes about as many chunks as the last: a fresh 32 KiB buffer for each would be
 * garbage a moment later, and V8 frees array buffers only when it collects their (small) JS
 * objects, which it may put off while hundreds of MB of them pile up (a million-run table
 * written in blocks peaked at 0.8 GB of dead buffers, issue 13). Bounded: {@link POOL_BYTES}.
 */
const pools = new Map<number, Uint8Array[]>();
const POOL_BYTES = 8 * 1024 * 1024;

/** Lets the pooled chunk buffers go (a file closed: its writer needs them no more). */
export function releaseChunkBuffers(): void {
  pools.clear();
}

function takeBuffer(size: number): Uint8Array | undefined {
  return pools.get(size)?.pop();
}

function giveBack(buffers: Iterable<Uint8Array>, size: number): void {
  let pool = pools.get(size);
  if (pool === undefined) pools.set(size, (pool = []));
  for (const b of buffers) {
    if ((pool.length + 1) * size > POOL_BYTES) return;
    pool.push(b);
  }
}

/**
 * The chunk B-tree's root named by the data layout message of the dataset whose object header is
 * at `header` in `src`, if it is chunked: the tree its stored chunks were listed from.
 */
export function chunkTreeRoot(src: ByteSource, header: number, path: string): number | undefined {
  const h = new ObjectHeader(src);
  h.read(header, path);
  if (!h.has(MSG.LAYOUT)) return undefined;
  const layout = decodeLayout(h.get(MSG.LAYOUT), path);
  return layout.kind === 'chunked' ? layout.btree : undefined;
}

export class StoredRows implements NData {
  /** Where chunk k is stored, for the chunks the file holds (row order, from row 0). */
  private chunks: readonly { address: number; nbytes: number }[];
  /** Chunks changed since the last write, whole (zero-padded past the last row). */
  private readonly dirty = new Map<number, Uint8Array>();
  private readonly chunkBytes: number;
  /**
   * The B-tree {@link writeChunks} wrote last (its root, and how many chunks it indexes, the
   * first of them those of {@link chunks}), for the next commit to change only the nodes over the
   * chunks it writes.
   */
  private tree: { root: number; chunks: number } | undefined;

  /**
   * @param source the file the chunks are in, as it is now (it grows with each commit)
   * @param stored the chunks (all of the same size: `chunkRows` rows of `rowBytes` bytes)
   * @param used the bytes of data (whole rows)
   * @param treeRoot the chunk B-tree that indexes exactly `stored`, when known
   *   ({@link chunkTreeRoot}): then the first commit too writes only a path of it
   */
  constructor(
    private readonly source: () => ByteSource,
    stored: StoredChunks,
    private readonly chunkRows: number,
    private readonly rowBytes: number,
    private used: number,
    treeRoot?: number,
  ) {
    this.chunks = stored.chunks;
    this.chunkBytes = chunkRows * rowBytes;
    if (treeRoot !== undefined && treeRoot !== UNDEF) this.tree = { root: treeRoot, chunks: stored.chunks.length };
  }

  /**
   * Whether `stored` holds every chunk of `used` bytes at full size, unchanged, so that the data
   * can be kept as {@link StoredRows}.
   */
  static covers(stored: StoredChunks | undefined, chunkRows: number, rowBytes: number, used: number): stored is StoredChunks {
    if (stored === undefined || stored.changedFrom < stored.changedTo || rowBytes <= 0) return false;
    const chunkBytes = chunkRows * rowBytes;
    return stored.chunks.length === Math.ceil(used / chunkBytes) && stored.chunks.every((c) => c.nbytes === chunkBytes);
  }

  /**
   * Bytes of the chunks the last {@link writeChunks} added past those the file held (the table
   * grew): unlike a changed chunk, such a chunk leaves no old version behind.
   */
  addedBytes = 0;

  /** Bytes of changed chunks held in memory. */
  get heldBytes(): number {
    return this.dirty.size * this.chunkBytes;
  }

  private get chunkCount(): number {
    return Math.ceil(this.used / this.chunkBytes);
  }

  /** Chunk k as it is now (a view: do not change it). */
  private chunk(k: number): Uint8Array {
    const d = this.dirty.get(k);
    if (d !== undefined) return d;
    const c = this.chunks[k];
    return c === undefined ? new Uint8Array(this.chunkBytes) : this.source().readRaw(c.address, this.chunkBytes);
  }

  /** Chunk k held in memory, to be changed. */
  private changing(k: number): Uint8Array {
    let d = this.dirty.get(k);
    if (d === undefined) {
      // A copy of its own: read from the file, or zeros (in a buffer written out before, if any).
      const c = this.chunks[k];
      const reused = takeBuffer(this.chunkBytes);
      if (reused === undefined) d = this.chunk(k);
      else if (c === undefined) d = reused.fill(0);
      else {
        d = reused;
        this.source().readInto(c.address, this.chunkBytes, d, 0);
      }
      this.dirty.set(k, d);
    }
    return d;
  }

  /** Bytes `[from, to)` of the data. */
  private bytes(from: number, to: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, to - from));
    for (let at = from; at < to; ) {
      const k = Math.floor(at / this.chunkBytes);
      const inChunk = at - k * this.chunkBytes;
      const n = Math.min(this.chunkBytes - inChunk, to - at);
      out.set(this.chunk(k).subarray(inChunk, inChunk + n), at - from);
      at += n;
    }
    return out;
  }

  read(): { bytes: Uint8Array } {
    return { bytes: this.bytes(0, this.used) };
  }

  readRows(start: number, end: number): { bytes: Uint8Array } {
    return { bytes: this.bytes(start * this.rowBytes, Math.min(end * this.rowBytes, this.used)) };
  }

  /** Writes `data` at byte `at` (within the data's length). */
  write(at: number, data: Uint8Array): void {
    for (let done = 0; done < data.length; ) {
      const k = Math.floor((at + done) / this.chunkBytes);
      const inChunk = at + done - k * this.chunkBytes;
      const n = Math.min(this.chunkBytes - inChunk, data.length - done);
      this.changing(k).set(data.subarray(done, done + n), inChunk);
      done += n;
    }
  }

  /** Makes the data `used` bytes long; new bytes are zero (HDF5's default fill value). */
  setLength(used: number): void {
    if (used < this.used) {
      // Cut bytes become zero, as the padding of a stored edge chunk is.
      this.write(used, new Uint8Array(Math.min(this.used, this.chunkCount * this.chunkBytes) - used));
      const count = Math.ceil(used / this.chunkBytes);
      this.chunks = this.chunks.slice(0, count);
      for (const k of this.dirty.keys()) if (k >= count) this.dirty.delete(k);
    }
    this.used = used;
  }

  storedChunks(): StoredChunks {
    return { chunks: this.chunks, changedFrom: 0, changedTo: this.dirty.size > 0 ? this.used : 0 };
  }

  /**
   * Told where a whole write put the chunks: they are kept there from now on. Undefined (written
   * somewhere no commit appends to): the data is read into memory while the old file is still
   * at hand.
   */
  chunksStored(stored: StoredChunks | undefined): void {
    if (stored === undefined) {
      for (let k = 0; k < this.chunkCount; k++) this.changing(k);
      this.chunks = [];
      return;
    }
    this.chunks = stored.chunks;
    this.tree = undefined;
    this.dirty.clear();
  }

  /**
   * An appending commit: writes the changed chunks and those the file does not hold, links the
   * others where they are, and writes the B-tree over all chunks of a dataset of rank `rank`
   * (elements of `elementSize` bytes), returning its address. Only the nodes over the chunks
   * written (and the path to the last one when the table grew or shrank) are new when this table
   * wrote the tree before (`btree1-append.ts`).
   * The changed chunks then leave memory.
   */
  writeChunks(sink: FileSink, rank: number, elementSize: number): number {
    const records: ChunkRecord[] = [];
    const count = this.chunkCount;
    this.addedBytes = 0;
    // The chunks written anew, in order: the changed ones and those the file does not hold.
    const changed: number[] = [];
    for (let k = 0; k < count; k++) {
      const offset = [k * this.chunkRows, ...Array<number>(rank - 1).fill(0)];
      const stored = this.dirty.has(k) ? undefined : this.chunks[k];
      if (stored === undefined) changed.push(k);
      const address = stored?.address ?? sink.write(this.chunk(k));
      if (k >= this.chunks.length) this.addedBytes += this.chunkBytes;
      records.push({ offset, nbytes: this.chunkBytes, filterMask: 0, address });
    }
    this.chunks = records.map((r) => ({ address: r.address, nbytes: r.nbytes }));
    // Written (the sink copied or wrote them): free for the next changed chunks.
    giveBack(this.dirty.values(), this.chunkBytes);
    this.dirty.clear();
    const tree = this.tree;
    let root: number | undefined;
    if (tree !== undefined && changed.length === 0 && tree.chunks === count) root = tree.root;
    else if (tree !== undefined) root = appendChunkBTree(sink, this.source(), tree.root, records, { changed, stored: tree.chunks, rows: this.chunkRows }, elementSize);
    root ??= writeChunkBTree(sink, records, elementSize);
    this.tree = { root, chunks: count };
    return root;
  }
}
