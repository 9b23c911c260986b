/**
 * Reads one object of an HDF5 file at a time: a group's attributes and where its links are kept,
 * or a dataset's description (type, shape, layout, filters, attributes). The eager reader
 * (`reader.ts`) and the on-demand one (`lazy-graph.ts`) both build their graphs from these
 * pieces, so each structure is decoded by the same code whichever way the file is opened.
 */
import type { H5Data } from '../../engine/h5file.js';
import type { H5Type } from '../../engine/h5types.js';
import { type NData, type NDataset, NativeUnsupportedError } from '../model.js';
import { type ByteSource, CorruptError, type Cursor } from './byte-source.js';
import { type AttributeContext, type RawAttribute, decodeAttribute, denseAttributes } from './attributes.js';
import { forEachRecord } from './btree2.js';
import { TypeCache } from './datatype.js';
import { type DataFile, FileData } from './file-data.js';
import { FractalHeap } from './fractal-heap.js';
import { GlobalHeap } from './global-heap.js';
import { Interner } from '../intern.js';
import { type Filter, type RawLink, decodeDataspace, decodeFilters, decodeLayout, decodeLink, seekDenseStorage } from './messages.js';
import { MSG, SIG, UNDEF } from '../format.js';
import { ObjectHeader } from './object-header.js';
import { forEachSymbolTableLink, symbolTableLinks } from './symbol-table.js';
import { youngCopy } from './young.js';

/**
 * Where a group keeps its links, taken from its object header so that the links can be listed
 * later without reading the header again: an old-style symbol table (B-tree + local heap), or
 * link messages in the header plus, for dense storage, a fractal heap named by a v2 B-tree.
 * (Everything parsed here is made by a constructor or an array builtin, not a literal: see young.ts.)
 */
export type LinkStore = SymbolTableStore | MessageStore;

export class SymbolTableStore {
  readonly kind = 'symbols';
  constructor(
    readonly btree: number,
    readonly heap: number,
  ) {}
}

export class MessageStore {
  readonly kind = 'messages';
  constructor(
    readonly compact: RawLink[],
    readonly heap: number,
    readonly nameIndex: number,
  ) {}
}

/** One object as read from its header. */
export type ParsedObject = ParsedGroup | ParsedDataset;

export class ParsedGroup {
  readonly kind = 'group';
  constructor(
    readonly attrs: Map<string, H5Data>,
    readonly store: LinkStore,
    readonly refCount: number,
  ) {}
}

export class ParsedDataset {
  readonly kind = 'dataset';
  constructor(
    readonly dataset: NDataset,
    readonly refCount: number,
  ) {}
}

/** A dataset read from a file (the graph's {@link NDataset}). */
class StoredDataset implements NDataset {
  readonly kind = 'dataset';
  fillValue?: Uint8Array;

  constructor(
    public attrs: Map<string, H5Data>,
    public type: H5Type,
    public shape: number[] | null,
    public maxshape: (number | null)[] | null,
    public chunks: number[] | null,
    fillValue: Uint8Array | undefined,
    public data: NData,
  ) {
    if (fillValue) this.fillValue = fillValue;
  }
}

/** A filter pipeline message: its body (re-emitted as read) and its filters. */
class StoredPipeline {
  constructor(
    readonly body: Uint8Array,
    readonly filters: Filter[],
  ) {}
}

export class ObjectReader {
  readonly src: ByteSource;
  private readonly ctx: AttributeContext;
  /** What dataset data keeps (not the interners). */
  private readonly file: DataFile;
  private readonly bodies = new Interner<Uint8Array>();
  // One header reader for all objects: everything is taken from it before the next read.
  private readonly header: ObjectHeader;
  private readonly attributeScratch: RawAttribute[] = [];
  private readonly linkScratch: RawLink[] = [];

  constructor(src: ByteSource) {
    this.src = src;
    const heap = new GlobalHeap(src);
    this.ctx = { types: new TypeCache(), heap, attributes: new Interner() };
    this.file = { src, heap };
    this.header = new ObjectHeader(src);
  }

  /**
   * The object whose header is at `addr` (`path` names it in messages).
   * @throws NativeUnsupportedError for a committed datatype or another feature the graph cannot
   *   carry; CorruptError/ChecksumError for damage.
   */
  read(addr: number, path: string): ParsedObject {
    const h = this.header;
    h.read(addr, path);
    if (h.has(MSG.SYMBOL_TABLE) || h.has(MSG.LINK_INFO)) {
      const attrs = this.attributes(path);
      return new ParsedGroup(attrs, this.linkStore(path), h.refCount);
    }
    if (h.has(MSG.DATATYPE) && h.has(MSG.DATASPACE) && h.has(MSG.LAYOUT)) {
      return new ParsedDataset(this.dataset(path), h.refCount);
    }
    if (h.has(MSG.DATATYPE)) throw new NativeUnsupportedError('committed (named) datatypes', path);
    throw new CorruptError(`the object at '${path}' (address ${addr}) is neither a group nor a dataset`);
  }

  /**
   * Calls `each` with the links of a group in name order, as {@link links} lists them: a hard
   * link's address (`target` undefined), else the link. A symbol table's links are read one by
   * one without an object each (a `runs` group of a million).
   */
  forEachLink(store: LinkStore, path: string, each: (name: string, addr: number, link: RawLink['link'] | undefined) => void): void {
    if (store.kind === 'symbols') {
      forEachSymbolTableLink(this.src, store.btree, store.heap, (name, addr, target) => each(name, addr, target === undefined ? undefined : { kind: 'soft', target }));
      return;
    }
    for (const { name, link } of this.links(store, path)) each(name, link.kind === 'hard' ? link.addr : UNDEF, link.kind === 'hard' ? undefined : link);
  }

  /** The links of a group, sorted by name in HDF5's (byte) order. */
  links(store: LinkStore, path: string): RawLink[] {
    let raw: RawLink[];
    // A symbol table lists its names in byte order, which symbolTableLinks checks: no sort.
    if (store.kind === 'symbols') return symbolTableLinks(this.src, store.btree, store.heap);
    else {
      raw = store.compact.slice();
      if (store.heap !== UNDEF && store.nameIndex !== UNDEF) {
        // Dense storage: Link messages in a fractal heap, named by the records of a v2 B-tree.
        const fheap = new FractalHeap(this.src, store.heap, path);
        forEachRecord(this.src, store.nameIndex, 5, (buf, pos, size) => {
          raw.push(decodeLink(fheap.get(buf, pos + 4, size - 4), path)); // after the name hash (4)
        }, path);
      }
    }
    return sortByName(raw, raw.length);
  }

  /**
   * Whether a group's link list is small enough to read while opening a file (`lazy-graph.ts`
   * checks the first objects of a file at open): link messages in the header, or a symbol table
   * whose B-tree is a single leaf node of at most `maxNodes` symbol table nodes.
   */
  hasFewLinks(store: LinkStore, maxNodes: number): boolean {
    if (store.kind === 'messages') return store.heap === UNDEF || store.nameIndex === UNDEF;
    if (store.btree === UNDEF) return true;
    const head = this.src.cursor(store.btree, 8);
    if (!head.isSig(SIG.BTREE1)) return true; // damage: reading the links reports it
    head.skip(1); // node type
    const level = head.u8();
    return level === 0 && head.u16() <= maxNodes;
  }

  private linkStore(path: string): LinkStore {
    const h = this.header;
    if (h.has(MSG.SYMBOL_TABLE)) {
      const c = h.get(MSG.SYMBOL_TABLE);
      const btree = c.addr();
      return new SymbolTableStore(btree, c.addr());
    }
    const compact = this.linkScratch; // reused: nothing here recurses
    compact.length = 0;
    for (let i = h.next(MSG.LINK, -1); i >= 0; i = h.next(MSG.LINK, i)) compact.push(decodeLink(h.cursor(i), path));
    const info = seekDenseStorage(h.get(MSG.LINK_INFO), 'link info');
    const heap = info.addr();
    return new MessageStore(youngCopy(compact), heap, info.addr());
  }

  private attributes(path: string): Map<string, H5Data> {
    const h = this.header;
    const raw = this.attributeScratch; // reused: nothing here recurses
    let n = 0;
    for (let i = h.next(MSG.ATTRIBUTE, -1); i >= 0; i = h.next(MSG.ATTRIBUTE, i)) raw[n++] = decodeAttribute(h.cursor(i), this.ctx, path);
    if (h.has(MSG.ATTRIBUTE_INFO)) n = denseAttributes(this.src, h.get(MSG.ATTRIBUTE_INFO), this.ctx, path, raw, n);
    sortByName(raw, n);
    const out = new Map<string, H5Data>();
    for (let i = 0; i < n; i++) out.set(raw[i]!.name, raw[i]!.value);
    return out;
  }

  /** A message body kept in the graph: copied out of the cache, shared when identical. */
  private body(c: Cursor): Uint8Array {
    return this.bodies.find(c.buf, c.pos, c.end) ?? this.bodies.add(new Uint8Array(c.buf.subarray(c.pos, c.end)));
  }

  private dataset(path: string): NDataset {
    const h = this.header;
    if (h.has(MSG.EXTERNAL_FILES)) throw new NativeUnsupportedError('raw data in external files', path);
    const typeMsg = h.get(MSG.DATATYPE);
    const type = this.ctx.types.decode(typeMsg, typeMsg.left, path);
    const { shape, maxshape } = decodeDataspace(h.get(MSG.DATASPACE));
    const layout = decodeLayout(h.get(MSG.LAYOUT), path);
    if (layout.kind === 'chunked' && layout.chunk.length !== (shape?.length ?? -1)) {
      throw new CorruptError(`the chunks of '${path}' have ${layout.chunk.length} dimensions, its dataspace ${shape?.length ?? 'none'}`);
    }
    const pipeline = h.has(MSG.FILTERS) ? new StoredPipeline(this.body(h.get(MSG.FILTERS)), decodeFilters(h.get(MSG.FILTERS))) : undefined;
    const fillValue = h.has(MSG.FILL) ? this.body(h.get(MSG.FILL)) : undefined;
    const attrs = this.attributes(path);
    const chunks = layout.kind === 'chunked' ? layout.chunk.slice() : null;
    const data = new FileData(this.file, path, type, shape, layout, pipeline, fillValue);
    return new StoredDataset(attrs, type, shape, maxshape, chunks, fillValue, data);
  }
}

/**
 * Sorts the first `n` entries by name in byte order of the UTF-8 names, the order HDF5 lists
 * links and attributes in (most lists are short and already sorted, and Array#sort allocates,
 * hence insertion sort for them).
 */
export function sortByName<E extends { name: string }>(entries: E[], n: number): E[] {
  if (n > 16) {
    const sorted = entries.slice(0, n).sort((a, b) => compareNames(a.name, b.name));
    for (let i = 0; i < n; i++) entries[i] = sorted[i]!;
    return entries;
  }
  for (let i = 1; i < n; i++) {
    const e = entries[i]!;
    let j = i - 1;
    while (j >= 0 && compareNames(entries[j]!.name, e.name) > 0) {
      entries[j + 1] = entries[j]!;
      j--;
    }
    entries[j + 1] = e;
  }
  return entries;
}

/**
 * UTF-8 byte order. It is code point order, which UTF-16 code units follow up to U+D7FF; from
 * the first difference involving a higher unit on, the UTF-8 bytes are compared.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    const from = i > 0 && (a.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i; // not inside a pair
    return Buffer.compare(Buffer.from(a.slice(from)), Buffer.from(b.slice(from)));
  }
  return a.length - b.length;
}
