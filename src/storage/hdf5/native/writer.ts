/**
 * Writes an in-memory graph ({@link NGroup}) as a brand-new HDF5 file in one sequential pass.
 *
 * The layout is what HDF5 ≥ 1.10 writes with library bounds [v108, latest], so h5py on HDF5 1.10,
 * h5dump, PyTables and h5wasm read the file and h5wasm can go on modifying it: superblock v2,
 * version-2 object headers, compact attributes, datasets with layout message v3 (contiguous, or
 * chunked with a version-1 B-tree), groups of up to 16 links with compact link storage (link
 * info, group info and one link message per link). A bigger group is an old-style group (symbol
 * table, as PyTables writes them), where HDF5 finds a name by binary search instead of decoding
 * every link message — unless it holds an external link or a non-ASCII name, which only
 * compact storage can carry. See `write/object-header.ts`, `write/btree1.ts`, `write/symbol-table.ts`,
 * `write/global-heap.ts` and `write/datatype.ts` for the structures.
 *
 * The file is laid out children first so every address is known when it is needed: superblock
 * space and the recovery slot at offset 0 (`write/superblock.ts`; filled in last), global heap
 * collections with the attributes' variable-length
 * strings, then each object after everything it links to — a dataset's heap collections and raw
 * data, then its header; a group's symbol table, if any, and header after its members'. An
 * object reached by several hard links is written once. Output is buffered in large blocks; a
 * dataset's data is read (`data.read()`) only when that dataset is written, and not kept
 * afterwards. An appending commit (`append-commit.ts`) uses the same {@link GraphWriter} to write
 * only the objects that changed, past the end of an existing file.
 */
import fs from 'node:fs';
import { StorageError } from '../../../errors.js';
import { diskSize, encodeDatatype } from './write/datatype.js';
import { type NDataset, type NGroup, type NLink, type NNode, type NRawChunks, storedAt } from './model.js';
import { isVariableLength } from '../engine/h5types.js';
import { type ChunkRecord, forEachChunk, writeChunkBTree } from './write/btree1.js';
import { MSG, MSG_FLAG, UNDEF } from './format.js';
import {
  ATTRIBUTE_INFO, FILL_CHUNKED, FILL_CONTIGUOUS, GROUP_INFO, HeaderBuilder, LINK_INFO,
  externalLinkValue, isAscii, writeAttribute, writeChunkedLayout, writeContiguousLayout, writeDataspace, writeLink, writeRefCount,
} from './write/object-header.js';
import { GlobalHeapWriter } from './write/global-heap.js';
import { type NodeInfo, type WritePlan, type WrittenAddresses, elementCount, planWrite } from './write/plan.js';
import { FileSink } from './write/file-sink.js';
import type { ByteSource } from './read/byte-source.js';
import { appendToSymbolTable } from './write/symbol-table-append.js';
import { StoredRows } from './stored-rows.js';
import { StoredLink } from './stored-objects.js';
import { RESERVED, SLOT, emptySlot, superblock } from './write/superblock.js';
import { type SymbolEntry, type SymbolTable, writeSymbolTable } from './write/symbol-table.js';
import type { H5Data } from '../engine/h5file.js';
import { isSharedAttrSet } from './attribute-sets.js';

/** Groups with more links are written as old-style groups when they can be (see the top). */
const MAX_COMPACT_LINKS = 16;

/**
 * Writes `root` as a new HDF5 file at `path` (created or truncated). Does not fsync.
 *
 * @throws StorageError when the graph cannot be stored: an attribute over 65,535 bytes or with
 * fewer bytes than its type and shape need, a hard-link cycle, a link name HDF5 cannot hold, a
 * type without an HDF5 encoding, chunks that do not fit — all found before the file is touched;
 * or, while writing, a dataset whose data does not match its shape, an I/O error or a failing
 * `data.read()`, after which the partial file is removed.
 * @example
 * const root = newGroup();
 * root.links.set('x', { kind: 'hard', node: { kind: 'dataset', attrs: new Map(), type: F64, shape: [2],
 *   maxshape: null, chunks: null, data: memoryData(new Uint8Array(new Float64Array([1, 2]).buffer)) } });
 * writeNativeFile('out.h5', root);
 */
export function writeNativeFile(path: string, root: NGroup, options: WriteFileOptions = {}): WrittenAddresses {
  const plan = planWrite(root);
  let sink: FileSink;
  try {
    sink = new FileSink(path);
  } catch (e) {
    throw new StorageError(`Cannot create '${path}': ${(e as Error).message}`, { file: path, cause: e });
  }
  let done = false;
  try {
    sink.zeros(RESERVED);
    const rootAddress = new GraphWriter(sink, plan, { record: options.recordAddresses }).write(root);
    sink.writeAt(SLOT, emptySlot());
    sink.writeAt(0, superblock(sink.pos, rootAddress));
    sink.flush();
    done = true;
    // A writer that appends its next commits to this file links unchanged objects by address.
    if (options.recordAddresses && !options.addressesToCaller) for (const [node, info] of plan.nodes) storedAt.set(node, info.address);
  } catch (e) {
    if (e instanceof StorageError) throw e;
    throw new StorageError(`Writing '${path}' failed: ${(e as Error).message}`, { file: path, cause: e });
  } finally {
    sink.close();
    if (!done) fs.rmSync(path, { force: true });
  }
  return plan.nodes;
}

/** Options of {@link writeNativeFile}. */
export interface WriteFileOptions {
  /**
   * Record where the objects went ({@link storedAt}) and where table chunks went (in their
   * data), for a writer that appends its next commits to the file.
   */
  recordAddresses?: boolean;
  /** With `recordAddresses`: leave the objects' addresses to the caller (see {@link WrittenAddresses}). */
  addressesToCaller?: boolean;
}

/**
 * Map entries in the order HDF5 lists them: by the byte order of the names' UTF-8. JavaScript's
 * string order (UTF-16 code units) is the same unless a name holds characters beyond U+FFFF.
 * Graphs are often built in name order already, which is checked first.
 */
function sortedEntries<T>(map: ReadonlyMap<string, T>): [string, T][] {
  const entries = [...map];
  let sorted = true;
  let astral = false;
  for (let i = 0; i < entries.length; i++) {
    const name = entries[i]![0];
    if (i > 0 && !(entries[i - 1]![0] < name)) sorted = false;
    for (let k = 0; k < name.length && !astral; k++) astral = (name.charCodeAt(k) & 0xf800) === 0xd800;
  }
  if (astral) return entries.sort((a, b) => Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8')));
  return sorted ? entries : entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * The attributes of a shared attribute set in HDF5's order, sorted once per set: the datasets of
 * a million runs share a handful of sets, and sorting each object's attributes anew was ~4 KB of
 * garbage per W1 run (issue 13: GC time).
 */
const sortedSharedAttrs = new WeakMap<ReadonlyMap<string, H5Data>, [string, H5Data][]>();

function sortedAttributes(attrs: ReadonlyMap<string, H5Data>): [string, H5Data][] {
  if (!isSharedAttrSet(attrs)) return sortedEntries(attrs);
  let sorted = sortedSharedAttrs.get(attrs);
  if (sorted === undefined) sortedSharedAttrs.set(attrs, (sorted = sortedEntries(attrs)));
  return sorted;
}

/** How a {@link GraphWriter} relates to the file it writes. */
export interface GraphWriterOptions {
  /** The address of an object outside the plan, which the file holds already (appending). */
  reused?: (node: NNode) => number;
  /** Appending: chunks of changed datasets that are stored unchanged are linked, not written. */
  appending?: boolean;
  /**
   * Tell datasets where their chunks went, and give symbol table heaps free space at their end
   * (appending, or a new file that commits will append to).
   */
  record?: boolean;
  /**
   * Appending: the stored file, each stored group's header address and the names of the links
   * added or changed in it, so a big group gets only its new links added ({@link appendToSymbolTable}).
   */
  stored?: {
    source: ByteSource;
    header: (group: NGroup) => number | undefined;
    changedNames: (group: NGroup) => ReadonlySet<string> | undefined;
  };
  /**
   * Hears, per object written, the bytes written for it alone (its header, data, chunk index,
   * symbol table; not the objects it links to, nor the chunks a growing table kept on disk
   * added): an appending commit counts what old versions leave behind.
   */
  written?: (node: NNode, bytes: number) => void;
}

/**
 * Writes the objects of a {@link WritePlan} into a sink, each after everything it links to. An
 * object outside the plan is one the file holds already (see {@link GraphWriterOptions}).
 */
export class GraphWriter {
  private readonly heap: GlobalHeapWriter;
  private readonly header = new HeaderBuilder();
  /** Encoded (heap-referencing) elements of attributes with variable-length strings, one per attribute. */
  private readonly vlenAttrData = new Map<H5Data, Uint8Array[]>();
  /** Link names from the root to the object being written, for messages. */
  private readonly names: string[] = [];
  /** The old-style groups written so far: an entry pointing at one caches its symbol table. */
  private readonly tables = new Map<NGroup, SymbolTable>();
  /** Bytes written for the objects below the one being written (for {@link GraphWriterOptions.written}). */
  private below = 0;
  /** Bytes of new table chunks the dataset just written added (not a new version of anything). */
  private grown = 0;

  constructor(
    private readonly sink: FileSink,
    private readonly plan: WritePlan,
    private readonly options: GraphWriterOptions = {},
  ) {
    this.heap = new GlobalHeapWriter(sink);
    for (const v of plan.vlenAttrs) {
      const list = this.vlenAttrData.get(v);
      const encoded = this.heap.encode(v.strings ?? []);
      if (list) list.push(encoded);
      else this.vlenAttrData.set(v, [encoded]);
    }
    this.heap.flush();
  }

  /** Writes `node` (after everything it links to) and returns its header's address. */
  write(node: NNode): number {
    const info = this.plan.nodes.get(node);
    if (info === undefined) {
      if (!this.options.reused) throw new Error('an object outside the write plan');
      return this.options.reused(node);
    }
    if (info.address >= 0) return info.address;
    const start = this.sink.pos;
    const outer = this.below;
    this.below = 0;
    info.address = node.kind === 'group' ? this.writeGroup(node, info) : this.writeDataset(node, info);
    const bytes = this.sink.pos - start;
    this.options.written?.(node, bytes - this.below - this.grown);
    this.grown = 0;
    this.below = outer + bytes;
    return info.address;
  }

  private path(): string {
    return `/${this.names.join('/')}`;
  }

  private writeGroup(group: NGroup, info: NodeInfo): number {
    const added = group.links.size > MAX_COMPACT_LINKS ? this.appendLinks(group) : undefined;
    if (added) return this.symbolTableHeader(group, info, added);
    const links = sortedEntries(group.links);
    // Members first: their addresses go into the link messages.
    const addresses = new Array<number>(links.length);
    for (let i = 0; i < links.length; i++) {
      const [name, link] = links[i]!;
      if (link.kind !== 'hard') continue;
      this.names.push(name);
      // An unchanged object kept on disk is linked where it is, without reading it.
      addresses[i] = this.options.reused && link instanceof StoredLink && link.pinned === undefined ? link.address : this.write(link.node);
      this.names.pop();
    }
    const h = this.header;
    const entries = links.length > MAX_COMPACT_LINKS ? this.symbolEntries(links, addresses) : null;
    if (entries) return this.symbolTableHeader(group, info, writeSymbolTable(this.sink, entries, this.options.record));
    h.begin();
    h.message(MSG.LINK_INFO, 0, LINK_INFO);
    h.message(MSG.GROUP_INFO, MSG_FLAG.CONSTANT, GROUP_INFO);
    for (let i = 0; i < links.length; i++) {
      const [name, link] = links[i]!;
      const at = h.open(MSG.LINK, 0);
      if (link.kind === 'hard') writeLink(h.w, name, { hard: addresses[i]! });
      else if (link.kind === 'soft') writeLink(h.w, name, { soft: link.target });
      else writeLink(h.w, name, { external: externalLinkValue(link.file, link.path) });
      h.end(at);
    }
    return this.finishHeader(group, info);
  }

  private symbolTableHeader(group: NGroup, info: NodeInfo, table: SymbolTable): number {
    this.tables.set(group, table);
    const h = this.header;
    h.begin();
    const at = h.open(MSG.SYMBOL_TABLE, 0);
    h.w.u64(table.btree).u64(table.heap);
    h.end(at);
    return this.finishHeader(group, info);
  }

  /**
   * Appending: adds the group's new links to its stored symbol table (writing their objects
   * first), or returns undefined (nothing written for the table) when the table must be written whole.
   */
  private appendLinks(group: NGroup): SymbolTable | undefined {
    const stored = this.options.stored;
    const header = stored?.header(group);
    const names = stored?.changedNames(group);
    if (!stored || header === undefined || names === undefined) return undefined;
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const entries: SymbolEntry[] = [];
    for (const name of sorted) {
      const link = group.links.get(name);
      if (link === undefined || link.kind === 'external' || !isAscii(name)) return undefined;
      if (link.kind === 'soft') {
        entries.push({ name, soft: link.target });
        continue;
      }
      this.names.push(name);
      entries.push({ name, address: this.write(link.node), table: link.node.kind === 'group' ? this.tables.get(link.node) : undefined });
      this.names.pop();
    }
    return appendToSymbolTable(this.sink, stored.source, header, entries);
  }

  /** A group's links as symbol table entries, or null when one cannot be (external, non-ASCII name). */
  private symbolEntries(links: readonly [string, NLink][], addresses: readonly number[]): SymbolEntry[] | null {
    const entries = new Array<SymbolEntry>(links.length);
    for (let i = 0; i < links.length; i++) {
      const [name, link] = links[i]!;
      if (link.kind === 'external' || !isAscii(name)) return null;
      entries[i] = link.kind === 'soft'
        ? { name, soft: link.target }
        : { name, address: addresses[i]!, table: link instanceof StoredLink && link.pinned === undefined ? undefined : link.node.kind === 'group' ? this.tables.get(link.node) : undefined };
    }
    return entries;
  }

  private writeDataset(ds: NDataset, info: NodeInfo): number {
    const elementSize = diskSize(ds.type);
    // Filtered chunks are copied as they are, except variable-length data: its elements point into
    // the source's global heap, so they are decoded and written anew, unfiltered (pypet's
    // compressed pandas VLArrays; h5traj writes uncompressed data anyway).
    const raw = ds.chunks && ds.data.rawChunks && !isVariableLength(ds.type) ? ds.data.rawChunks() : undefined;
    let address: number; // contiguous data, or the chunks' B-tree
    if (ds.chunks && raw) {
      address = this.copyChunks(raw.chunks, ds.chunks.length, elementSize);
    } else if (ds.chunks && this.options.appending && ds.data instanceof StoredRows) {
      // A table kept on disk: only its changed chunks are in memory, and written.
      address = ds.data.writeChunks(this.sink, ds.chunks.length, elementSize);
      this.grown = ds.data.addedBytes;
    } else {
      const elements = this.elements(ds, elementSize);
      if (ds.chunks) address = this.writeChunks(ds, elements, ds.chunks, elementSize);
      else address = elements.length > 0 ? this.sink.write(elements) : UNDEF;
    }
    const h = this.header;
    h.begin();
    let at = h.open(MSG.DATASPACE, 0);
    writeDataspace(h.w, ds.shape, ds.maxshape);
    h.end(at);
    h.message(MSG.DATATYPE, MSG_FLAG.CONSTANT, encodeDatatype(ds.type));
    h.message(MSG.FILL, MSG_FLAG.CONSTANT, ds.fillValue ?? (ds.chunks ? FILL_CHUNKED : FILL_CONTIGUOUS));
    if (raw) h.message(MSG.FILTERS, MSG_FLAG.CONSTANT, raw.filterPipeline);
    at = h.open(MSG.LAYOUT, 0);
    if (ds.chunks) writeChunkedLayout(h.w, address, ds.chunks, elementSize);
    else writeContiguousLayout(h.w, address, elementCount(ds.shape) * elementSize);
    h.end(at);
    return this.finishHeader(ds, info);
  }

  /** Adds what every object has (reference count, attributes) and writes the header. */
  private finishHeader(node: NNode, info: NodeInfo): number {
    const h = this.header;
    if (info.links > 1) {
      const at = h.open(MSG.REFERENCE_COUNT, MSG_FLAG.DONT_SHARE);
      writeRefCount(h.w, info.links);
      h.end(at);
    }
    if (node.attrs.size > 0) {
      // libhdf5 counts the attributes from this message (see ATTRIBUTE_INFO).
      h.message(MSG.ATTRIBUTE_INFO, MSG_FLAG.DONT_SHARE, ATTRIBUTE_INFO);
      for (const [name, value] of sortedAttributes(node.attrs)) {
        const at = h.open(MSG.ATTRIBUTE, 0);
        writeAttribute(h.w, name, encodeDatatype(value.type), value.shape, this.attributeData(value));
        h.end(at);
      }
    }
    return h.finishInto(this.sink);
  }

  /** An attribute's elements as stored: its bytes, or heap references to its strings. */
  private attributeData(value: H5Data): Uint8Array {
    if (isVariableLength(value.type)) return this.vlenAttrData.get(value)!.pop()!;
    const size = elementCount(value.shape) * value.type.size;
    return value.bytes.length === size ? value.bytes : value.bytes.subarray(0, size);
  }

  /** A dataset's elements as stored: its bytes, or heap references to its strings. */
  private elements(ds: NDataset, elementSize: number): Uint8Array {
    const n = elementCount(ds.shape);
    if (n === 0) return new Uint8Array(0);
    const data = ds.data.read();
    const shape = `[${ds.shape?.join(', ')}]`;
    if (isVariableLength(ds.type)) {
      if (data.strings?.length !== n) {
        throw new StorageError(`The dataset '${this.path()}' has ${data.strings?.length ?? 0} strings, but its shape ${shape} needs ${n}.`, { path: this.path() });
      }
      const elements = this.heap.encode(data.strings);
      this.heap.flush();
      return elements;
    }
    const size = n * elementSize;
    if (data.bytes.length < size) {
      throw new StorageError(`The dataset '${this.path()}' has ${data.bytes.length} bytes of data, but its shape ${shape} needs ${size}.`, { path: this.path() });
    }
    return data.bytes.length === size ? data.bytes : data.bytes.subarray(0, size);
  }

  /**
   * Writes a dataset's chunks and their B-tree. Appending, a chunk of whole rows that the file
   * holds unchanged is linked where it is (the rows a commit adds to a table cost only their chunks).
   */
  private writeChunks(ds: NDataset, elements: Uint8Array, chunks: number[], elementSize: number): number {
    const shape = ds.shape ?? [];
    const rowChunks = chunks.every((c, d) => d === 0 || c === shape[d]);
    const stored = this.options.appending && rowChunks ? ds.data.storedChunks?.() : undefined;
    const chunkBytes = chunks.reduce((a, b) => a * b, elementSize);
    const records: ChunkRecord[] = [];
    forEachChunk(elements, shape, chunks, elementSize, (offset, bytes) => {
      const k = records.length;
      const clean = stored && ((k + 1) * chunkBytes <= stored.changedFrom || k * chunkBytes >= stored.changedTo || stored.changedFrom >= stored.changedTo);
      const old = clean ? stored!.chunks[k] : undefined;
      const address = old && old.nbytes === bytes.length ? old.address : this.sink.write(bytes);
      records.push({ offset, nbytes: bytes.length, filterMask: 0, address });
    });
    const keep = this.options.record && rowChunks && records.every((r) => r.filterMask === 0);
    ds.data.chunksStored?.(keep ? { chunks: records.map((r) => ({ address: r.address, nbytes: r.nbytes })), changedFrom: 0, changedTo: 0 } : undefined);
    return writeChunkBTree(this.sink, records, elementSize);
  }

  /** Copies stored (filtered) chunks as they are; offsets may include the trailing element dimension. */
  private copyChunks(chunks: NRawChunks['chunks'], rank: number, elementSize: number): number {
    const sorted = chunks.map((c) => ({ ...c, offset: c.offset.slice(0, rank) })).sort((a, b) => {
      for (let i = 0; i < rank; i++) if (a.offset[i] !== b.offset[i]) return a.offset[i]! - b.offset[i]!;
      return 0;
    });
    const records = sorted.map((c) => ({ offset: c.offset, nbytes: c.bytes.length, filterMask: c.filterMask, address: this.sink.write(c.bytes) }));
    return writeChunkBTree(this.sink, records, elementSize);
  }
}
