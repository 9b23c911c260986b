/**
 * The objects of a file a writable graph appends its commits to, kept on disk instead of in
 * memory (issue 13: bounded writer memory).
 *
 * With appending commits (`append-commit.ts`) a committed object never changes on disk: a change
 * writes a new version elsewhere. So once committed, the members of a big group (a trajectory's
 * `results.runs`: a run group each, with its results below) need not stay in the graph. Such a
 * member is linked by a {@link StoredLink} — its header address and name — and parsed again
 * (`object-reader.ts`, as the read-only `lazy-graph.ts` does) when someone follows the link; a
 * bounded cache ({@link MetadataCache}) keeps the objects read last. An object about to change is
 * {@link StoredLink.pin pinned}: the link then holds it until the next commit has written its new
 * version, after which it becomes an on-disk reference again (`native-file.ts`, `evict`).
 */
import type { NDataset, NGroup, NLink, NNode } from './model.js';
import { storedAt } from './model.js';
import { ByteSource } from './read/byte-source.js';
import { MetadataCache } from './read/metadata-cache.js';
import { type LinkStore, ObjectReader } from './read/object-reader.js';
import { StoredGroupLinks, type SymbolTableAddress } from './stored-group-links.js';
import { asFormatError } from './reader.js';
import { readSuperblock } from './read/superblock.js';

/** A group with more links than this keeps its committed members on disk (the writer makes it an old-style group). */
export const MANY_LINKS = 16;
/** Estimated bytes of re-read objects kept (see `lazy-graph.ts` for the estimates). */
const CACHE_BYTES = 16 * 2 ** 20;
const DATASET_BYTES = 700;
const GROUP_BYTES = 400;
const ATTRIBUTE_BYTES = 120;
const LINK_BYTES = 100;

/**
 * Objects read from disk whose header counts more than one hard link: a new version of one
 * would leave its other links on the old version, so changing one makes the commit a rewrite.
 */
export const multiLinkedNodes = new WeakSet<NNode>();

/** Reads committed objects of one file on demand, with a bounded cache. */
export class StoredObjects {
  /** Groups with more links than this keep their committed members on disk. */
  readonly manyLinks = MANY_LINKS;
  private src: ByteSource | undefined;
  private reader: ObjectReader | undefined;
  private readonly cache = new MetadataCache<number, NNode>(CACHE_BYTES);
  /** Objects read so far (for tests and measurements). */
  reads = 0;

  constructor(readonly path: string) {}

  /** A link to the committed object at `address`, named `name` in the group at `prefix` (ending in '/'). */
  link(address: number, prefix: string, name: string): StoredLink {
    return new StoredLink(this, address, prefix, name);
  }

  /** The object whose header is at `address`, from the cache or parsed now. */
  node(address: number, path: string): NNode {
    const hit = this.cache.get(address);
    if (hit !== undefined) return hit;
    const reader = this.open();
    this.reads++;
    let obj;
    try {
      obj = reader.read(address, path);
    } catch (e) {
      throw asFormatError(this.path, e, path);
    }
    let node: NNode;
    if (obj.kind === 'dataset') {
      node = obj.dataset;
      this.cache.set(address, node, DATASET_BYTES + ATTRIBUTE_BYTES * node.attrs.size);
    } else {
      const prefix = path === '/' ? '/' : `${path}/`;
      let links: Map<string, NLink> | undefined = this.bigGroupLinks(obj.store, prefix);
      if (links === undefined) {
        links = new Map();
        let raw;
        try {
          raw = reader.links(obj.store, path);
        } catch (e) {
          throw asFormatError(this.path, e, path);
        }
        for (const { name, link } of raw) links.set(name, link.kind === 'hard' ? this.link(link.addr, prefix, name) : link);
      }
      node = { kind: 'group', attrs: obj.attrs, links } satisfies NGroup;
      const listed = links instanceof StoredGroupLinks ? 0 : links.size;
      this.cache.set(address, node, GROUP_BYTES + ATTRIBUTE_BYTES * obj.attrs.size + LINK_BYTES * listed);
    }
    storedAt.set(node, address);
    if (obj.refCount > 1) multiLinkedNodes.add(node);
    return node;
  }

  /**
   * The links of a group stored as a symbol table with more than a few nodes, kept on disk
   * ({@link StoredGroupLinks}); undefined for other groups, whose links are listed.
   */
  bigGroupLinks(store: LinkStore, prefix: string): StoredGroupLinks | undefined {
    if (store.kind !== 'symbols' || this.open().hasFewLinks(store, 2)) return undefined;
    return new StoredGroupLinks(this, prefix, store);
  }

  /** Where the symbol table of the group whose header is at `address` is; undefined when it keeps its links otherwise. */
  symbolTable(address: number): SymbolTableAddress | undefined {
    let obj;
    try {
      obj = this.open().read(address, `the group at address ${address}`);
    } catch (e) {
      throw asFormatError(this.path, e);
    }
    return obj.kind === 'group' && obj.store.kind === 'symbols' ? { btree: obj.store.btree, heap: obj.store.heap } : undefined;
  }

  /**
   * Sees the file as the last commit left it: an appending commit grew it and wrote free heap
   * space in place. Objects read before stay valid (their bytes never change), but cached ones
   * are dropped so that nothing read from an older view is handed out.
   */
  refresh(): void {
    this.src?.refresh();
    this.cache.clear();
  }

  /** After the file was rewritten (a new file renamed over it): every address is new. */
  reopen(): void {
    this.close();
  }

  close(): void {
    this.src?.close();
    this.src = undefined;
    this.reader = undefined;
    this.cache.clear();
  }

  /** Objects kept in the cache. */
  get cached(): number {
    return this.cache.size;
  }

  /** The file as the last commit left it (opened now if needed). */
  source(): ByteSource {
    this.open();
    return this.src!;
  }

  private open(): ObjectReader {
    if (this.reader) return this.reader;
    const src = new ByteSource(this.path);
    try {
      readSuperblock(src);
    } catch (e) {
      src.close();
      throw asFormatError(this.path, e);
    }
    this.src = src;
    return (this.reader = new ObjectReader(src));
  }
}

/**
 * A hard link to a committed object kept on disk: its object is read (or found in the cache)
 * when followed, unless the link was {@link pin}ned.
 */
export class StoredLink {
  readonly kind = 'hard';
  /** The object, held from a change until the commit that writes it (see the top of this file). */
  pinned: NGroup | NDataset | undefined;

  constructor(
    private readonly objects: StoredObjects,
    readonly address: number,
    private readonly prefix: string,
    private readonly name: string,
  ) {}

  get node(): NGroup | NDataset {
    return this.pinned ?? this.objects.node(this.address, this.prefix + this.name);
  }

  /** The object, held by this link from now on (it is about to change). */
  pin(): NGroup | NDataset {
    return (this.pinned ??= this.objects.node(this.address, this.prefix + this.name));
  }
}
