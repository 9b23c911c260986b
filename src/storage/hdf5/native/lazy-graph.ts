/**
 * The native engine's reader for read-only opens: the graph of `model.ts`, parsed on demand.
 *
 * Parsing a whole file at open costs time and memory in proportion to its objects (a 1M-run
 * pypet file has ~18M), while a request touches a few of them: `info` reads the overview tables,
 * `get` one run. Here a group's attributes are read with its header and its links when they are
 * first asked for; a hard link reads its object's header when followed. Parsed objects live in a
 * least-recently-used cache with a byte budget ({@link MetadataCache}), so a scan over every run
 * holds the objects it touched last, not all of them; an evicted object is parsed again if asked.
 *
 * Whether the native engine can represent a file is decided at open, when a file needing h5wasm
 * must say so ({@link NativeUnsupportedError}). The first objects of the file (breadth first, up
 * to {@link CHECKED_AT_OPEN}, skipping groups with many links) are therefore read at open: every
 * object of a small file, and the top of a large one. A feature met later, deep in a large file,
 * is an {@link UnsupportedDataError} that names it and says how to read the file with h5wasm.
 */
import type { H5Data } from '../engine/h5file.js';
import { StateError, UnsupportedDataError } from '../../../errors.js';
import type { NDataset, NGroup, NLink, NNode } from './model.js';
import { NativeUnsupportedError } from './model.js';
import { ByteSource, CorruptError } from './read/byte-source.js';
import { youngCopy, youngList } from './read/young.js';
import { MetadataCache, RecentObjects } from './read/metadata-cache.js';
import { type LinkStore, ObjectReader, compareNames } from './read/object-reader.js';
import { type NativeSource, asFormatError } from './reader.js';
import { readSuperblock } from './read/superblock.js';
import { checkHdf5File } from '../engine/file-check.js';

/** Objects read at open to decide whether the native engine can represent the file. */
export const CHECKED_AT_OPEN = 2_000;
/** A group whose symbol table has more leaf nodes than this is not listed at open. */
const FEW_SYMBOL_NODES = 8;
/** The default budget of parsed metadata kept (estimated bytes). */
const CACHE_BYTES = 96 * 2 ** 20;
/**
 * Groups with more links than this are kept in a cache of their own (a third of the budget is
 * for the others): a scan over a million runs parses millions of small objects, which must not
 * push out the `runs` group every run is looked up in, whose list costs ~0.5 s to read again.
 */
const MANY_LINKS = 1024;
// Estimated bytes of a parsed object, to weigh cache entries: measured roughly with a heap
// snapshot of a pypet file (a dataset with its attribute map, type and FileData; a group; one
// link of a packed list: its name and address).
const DATASET_BYTES = 700;
const GROUP_BYTES = 400;
const ATTRIBUTE_BYTES = 120;
const LINK_BYTES = 48;
/** Groups with at most this many links keep them in a plain Map (see {@link LazyGraph.linksOf}). */
const FEW_LINKS = 16;
/** Objects parsed during a scan kept for reuse (see {@link LazyGraph.scan}): a few runs' worth. */
const SCAN_OBJECTS = 32;

/** Options of {@link openLazyNativeFile}. */
export interface LazyOpenOptions {
  /** Estimated bytes of parsed metadata to keep (default 96 MiB). */
  cacheBytes?: number;
}

/**
 * Opens `path` for reading, parsing metadata on demand (see the top of this file).
 * @throws NativeUnsupportedError when one of the first objects needs h5wasm; StorageError /
 *   FormatError (naming the file) when it is missing, not HDF5, truncated or damaged there.
 * @example
 * const src = openLazyNativeFile('traj.hdf5');
 * const traj = src.root.links.get('traj'); // its header is read now
 * src.close();
 */
export function openLazyNativeFile(path: string, options: LazyOpenOptions = {}): NativeSource {
  checkHdf5File(path);
  const src = new ByteSource(path);
  try {
    const { rootAddr } = readSuperblock(src);
    const graph = new LazyGraph(src, options.cacheBytes ?? CACHE_BYTES);
    const root = graph.node(rootAddr, '/');
    if (root.kind !== 'group') throw new CorruptError('its root object is not a group');
    graph.checkFirstObjects(root as LazyGroup);
    graph.opened = true;
    // Read-only, so never appended to; whether an object has two links is not known until read.
    return {
      path,
      root,
      multiLinked: true,
      close: () => src.close(),
      linkTo: (addr, at) => new LazyHardLink(graph, addr, at),
      scan: (fn) => graph.scan(fn),
    };
  } catch (e) {
    src.close();
    throw asFormatError(path, e);
  }
}

/** The parsed objects of one file, by header address. */
class LazyGraph {
  private readonly objects: ObjectReader;
  private readonly cache: MetadataCache<number, NNode>;
  /** Groups with more than {@link MANY_LINKS} links. */
  private readonly bigGroups: MetadataCache<number, NNode>;
  /** Set once open has checked the first objects: later failures become typed errors here. */
  opened = false;
  /** While a scan runs: where the objects it parses go instead of {@link cache}. */
  private scanned: RecentObjects<NNode> | undefined;

  constructor(
    private readonly src: ByteSource,
    budget: number,
  ) {
    this.objects = new ObjectReader(src);
    this.cache = new MetadataCache(Math.ceil(budget / 3));
    this.bigGroups = new MetadataCache(Math.floor((2 * budget) / 3));
  }

  /** The object whose header is at `addr` (named `path`), from the cache or parsed now. */
  node(addr: number, path: string): NNode {
    const hit = this.cache.get(addr) ?? this.bigGroups.get(addr) ?? this.scanned?.get(addr);
    if (hit !== undefined) return hit;
    try {
      const obj = this.objects.read(addr, path);
      if (obj.kind === 'dataset') {
        if (this.scanned) this.scanned.set(addr, obj.dataset);
        else this.cache.set(addr, obj.dataset, DATASET_BYTES + ATTRIBUTE_BYTES * obj.dataset.attrs.size);
        return obj.dataset;
      }
      const group = new LazyGroup(this, addr, path, obj.attrs, obj.store);
      if (this.scanned) this.scanned.set(addr, group);
      else this.cache.set(addr, group, GROUP_BYTES + ATTRIBUTE_BYTES * obj.attrs.size);
      return group;
    } catch (e) {
      throw this.failure(e, path);
    }
  }

  /** The links of `group`, read now (the group keeps them while it is cached). */
  linksOf(group: LazyGroup, store: LinkStore): Map<string, NLink> {
    try {
      // Read into columns, without a link object each (a `runs` group has a million links),
      // made young (see read/young.ts: these lists were pretenured once open had kept some).
      const names = youngList<string>();
      const hard = youngList<number>();
      let other: Map<number, NLink> | undefined;
      this.objects.forEachLink(store, group.path, (name, addr, link) => {
        if (link !== undefined) (other ??= new Map()).set(names.length, link);
        // (a soft or external link's place is never read as an address: `other` answers for it)
        hard.push(link === undefined ? addr : 0);
        names.push(name);
      });
      const prefix = group.path === '/' ? '/' : `${group.path}/`;
      if (names.length <= FEW_LINKS) {
        // A Map of its links (made once) for a small group: the packed form below makes a link
        // object on every look-up, and a scan looks up each run's few links several times.
        const links = new Map<string, NLink>();
        names.forEach((name, i) => links.set(name, other?.get(i) ?? new LazyHardLink(this, hard[i]!, prefix + name)));
        this.cache.resize(group.addr, GROUP_BYTES + ATTRIBUTE_BYTES * group.attrs.size + LINK_BYTES * names.length);
        return links;
      }
      const addrs = addressList(hard);
      const bytes = GROUP_BYTES + ATTRIBUTE_BYTES * group.attrs.size + LINK_BYTES * names.length;
      if (names.length <= MANY_LINKS) {
        this.cache.resize(group.addr, bytes);
      } else if (this.cache.delete(group.addr) || this.scanned?.delete(group.addr)) this.bigGroups.set(group.addr, group, bytes);
      // An exact copy of the names: the list grew by doubling, and a runs group keeps it (2.4 MB
      // of spare room at 1M runs).
      return new PackedLinks(this, prefix, names.length > MANY_LINKS ? youngCopy(names) : names, addrs, other);
    } catch (e) {
      throw this.failure(e, group.path);
    }
  }

  /** See {@link NativeSource.scan}: objects parsed by `fn` go to a small cache of their own. */
  scan<T>(fn: () => T): T {
    if (this.scanned) return fn();
    this.scanned = new RecentObjects(SCAN_OBJECTS);
    this.src.recycle = true;
    try {
      return fn();
    } finally {
      this.scanned = undefined;
      this.src.recycle = false;
    }
  }

  /**
   * Reads the first {@link CHECKED_AT_OPEN} objects breadth first, so that a file needing
   * h5wasm is refused at open. Groups with many links (a trajectory's `runs`) are not listed:
   * their size is what the lazy reader is for.
   */
  checkFirstObjects(root: LazyGroup): void {
    const queue: LazyGroup[] = [root];
    let read = 1;
    for (let q = 0; q < queue.length && read < CHECKED_AT_OPEN; q++) {
      const group = queue[q]!;
      if (!this.objects.hasFewLinks(group.store, FEW_SYMBOL_NODES)) continue;
      for (const link of group.links.values()) {
        if (link.kind !== 'hard') continue;
        const node = link.node;
        if (node.kind === 'group') queue.push(node as LazyGroup);
        if (++read >= CHECKED_AT_OPEN) break;
      }
    }
  }

  /** What a failure after open is thrown as: a typed error naming the file and the object. */
  private failure(e: unknown, path: string): unknown {
    if (!this.opened) return e; // open reports it (NativeUnsupportedError picks h5wasm)
    if (e instanceof NativeUnsupportedError) {
      return new UnsupportedDataError(
        `Cannot read '${path}' in '${this.src.path}': ${e.message.replace(/^The native HDF5 engine does not handle /, "h5traj's native HDF5 engine does not handle ")} Set H5TRAJ_ENGINE=wasm to read this file with h5wasm.`,
        { file: this.src.path, path, cause: e },
      );
    }
    return asFormatError(this.src.path, e, path);
  }
}

/** A group of the lazy graph: attributes read with its header, links on first use. */
class LazyGroup implements NGroup {
  readonly kind = 'group';
  private read: Map<string, NLink> | undefined;

  constructor(
    private readonly graph: LazyGraph,
    readonly addr: number,
    readonly path: string,
    readonly attrs: Map<string, H5Data>,
    readonly store: LinkStore,
  ) {}

  get links(): Map<string, NLink> {
    return (this.read ??= this.graph.linksOf(this, this.store));
  }
}

/**
 * Object addresses as 32-bit integers when all are below 4 GiB (half the bytes: 4 MB less for the
 * million runs of a 3.7 GB file), else as doubles (exact up to 2^53).
 */
export function addressList(addrs: readonly number[]): Float64Array | Uint32Array {
  for (const a of addrs) if (a < 0 || a > 0xffffffff) return new Float64Array(addrs);
  return new Uint32Array(addrs);
}

/** A hard link of the lazy graph: its object is read (or found in the cache) when followed. */
class LazyHardLink {
  readonly kind = 'hard';

  constructor(
    private readonly graph: LazyGraph,
    /** Where the object's header is (see `hardLinkAddress` in `reader.ts`). */
    readonly addr: number,
    private readonly path: string,
  ) {}

  get node(): NGroup | NDataset {
    return this.graph.node(this.addr, this.path);
  }
}

/**
 * A group's links as sorted names and addresses (~48 bytes a link, where a Map of link objects
 * costs ~150): a `results.runs` group of 1M runs is kept in one such list. It answers the Map
 * methods the engine uses; link objects are made when asked for. The lazy graph is read-only,
 * so changing it throws.
 */
class PackedLinks extends Map<string, NLink> {
  constructor(
    private readonly graph: LazyGraph,
    private readonly prefix: string,
    private readonly names: string[],
    private readonly addrs: Float64Array | Uint32Array,
    private readonly other: Map<number, NLink> | undefined,
  ) {
    super();
  }

  override get size(): number {
    return this.names.length;
  }

  /** The index of `name` (binary search in HDF5's byte order), or -1. */
  private indexOf(name: string): number {
    let lo = 0;
    let hi = this.names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareNames(this.names[mid]!, name);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private at(i: number): NLink {
    return this.other?.get(i) ?? new LazyHardLink(this.graph, this.addrs[i]!, this.prefix + this.names[i]!);
  }

  override get(name: string): NLink | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.at(i);
  }

  override has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  override keys(): MapIterator<string> {
    return this.names.values();
  }

  /** The names in byte order (see `namesInOrder` in model.ts), never changed. */
  get namesInOrder(): readonly string[] {
    return this.names;
  }

  override *values(): MapIterator<NLink> {
    for (let i = 0; i < this.names.length; i++) yield this.at(i);
  }

  override *entries(): MapIterator<[string, NLink]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i]!, this.at(i)];
  }

  override [Symbol.iterator](): MapIterator<[string, NLink]> {
    return this.entries();
  }

  override forEach(fn: (value: NLink, key: string, map: Map<string, NLink>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.names.length; i++) fn.call(thisArg, this.at(i), this.names[i]!, this);
  }

  override set(name: string): this {
    throw new StateError(`Cannot add the link '${this.prefix}${name}': a file opened for reading is not changed.`);
  }

  override delete(name: string): boolean {
    throw new StateError(`Cannot remove the link '${this.prefix}${name}': a file opened for reading is not changed.`);
  }

  override clear(): void {
    throw new StateError(`Cannot remove the links of '${this.prefix}': a file opened for reading is not changed.`);
  }
}
