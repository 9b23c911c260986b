/**
 * The native engine's reader: parses every group, link, attribute and dataset description
 * reachable from the root of an HDF5 file in one pass into the graph of `model.ts`. Dataset
 * elements stay in the file and are read on demand through the still-open descriptor.
 *
 * Objects are memoised by address, so several hard links to one object (or a cycle) give the
 * same JS object. Identical attributes, datatypes and fill values are decoded once and shared
 * (`intern.ts`): treat values of the graph as immutable, replace rather than change them.
 * Anything the graph cannot carry faithfully — shared messages (SOHM, committed datatypes),
 * chunk indexes of layout v4, virtual datasets, references, time, vlen sequences, big-endian
 * types, external raw data, filtered fractal heaps — throws {@link NativeUnsupportedError}
 * naming the feature, and the caller falls back to h5wasm.
 *
 * The file format is described in the HDF5 File Format Specification (version 3); the modules
 * next to this one each decode one of its structures. Every checksum the format defines is
 * verified (superblock v2+, object headers v2, v2 B-trees, fractal heaps); version-1 structures
 * have none, so their signatures, versions and bounds are checked instead. Damage is a
 * {@link FormatError}, never a fallback to h5wasm.
 */
import { FormatError, H5TrajError } from '../../../errors.js';
import { checkHdf5File } from '../file-check.js';
import { type NDataset, type NGroup, type NNode, type NValue, NativeUnsupportedError, storedAt } from './model.js';
import { ByteSource, CorruptError, Cursor, UNDEF } from './byte-source.js';
import { ChecksumError } from './checksum.js';
import { type AttributeContext, type RawAttribute, decodeAttribute, denseAttributes } from './attributes.js';
import { forEachRecord } from './btree2.js';
import { TypeCache } from './decode-type.js';
import { type DataFile, FileData } from './file-data.js';
import { FractalHeap } from './fractal-heap.js';
import { GlobalHeap } from './global-heap.js';
import { Interner } from './intern.js';
import { type RawLink, decodeDataspace, decodeFilters, decodeLayout, decodeLink, seekDenseStorage } from './messages.js';
import { MSG, ObjectHeader } from './object-header.js';
import { readSuperblock } from './superblock.js';
import { symbolTableLinks } from './symbol-table.js';

/** A parsed file: its root group, and the open descriptor dataset data is read through. */
export interface NativeSource {
  readonly path: string;
  readonly root: NGroup;
  /** Whether some object is reached by more than one hard link (appending commits then rewrite). */
  readonly multiLinked: boolean;
  /** Closes the file; reading dataset data afterwards throws a StateError. */
  close(): void;
}

/**
 * Parses all metadata reachable from the root group of `path`; with `addresses`, records where
 * each object is ({@link storedAt}), for a writer that appends commits to the file.
 * @throws NativeUnsupportedError for a feature the native engine cannot represent faithfully;
 *   StorageError / FormatError (naming the file) when it is missing, not HDF5, truncated or damaged.
 * @example
 * const src = openNativeFile('traj.hdf5');
 * const runs = src.root.links.get('traj'); // { kind: 'hard', node: { kind: 'group', ... } }
 * src.close();
 */
export function openNativeFile(path: string, options: { addresses?: boolean } = {}): NativeSource {
  checkHdf5File(path);
  const src = new ByteSource(path);
  try {
    const { rootAddr } = readSuperblock(src);
    const reader = new GraphReader(src, undefined, options.addresses ?? false);
    const root = reader.node(rootAddr, '/');
    if (root.kind !== 'group') throw new CorruptError('its root object is not a group');
    return { path, root, multiLinked: reader.multiLinked, close: () => src.close() };
  } catch (e) {
    src.close();
    throw asFormatError(path, e);
  }
}

/**
 * Every damaged structure reachable from the root of `path`, one sentence each: unlike
 * {@link openNativeFile}, which stops at the first, this skips a damaged object and goes on
 * with its siblings, then reads every dataset's contents (chunk indexes, strings, raw bounds).
 * An empty list means the native engine found nothing wrong.
 * @throws NativeUnsupportedError when the file uses something only h5wasm reads (no verdict);
 *   StorageError when it cannot be opened at all.
 */
export function findDamage(path: string): string[] {
  const problems: string[] = [];
  try {
    checkHdf5File(path);
  } catch (e) {
    if (e instanceof FormatError) return [e.message];
    throw e;
  }
  const src = new ByteSource(path);
  try {
    const { rootAddr } = readSuperblock(src);
    const reader = new GraphReader(src, (e, where) => problems.push(asFormatError(path, e, where).message));
    const root = reader.node(rootAddr, '/');
    const seen = new Set<NNode>();
    const readAll = (node: NNode, where: string): void => {
      if (seen.has(node)) return;
      seen.add(node);
      if (node.kind === 'dataset') {
        try {
          node.data.read();
        } catch (e) {
          if (e instanceof NativeUnsupportedError) return;
          problems.push(asFormatError(path, e, where).message);
        }
        return;
      }
      for (const [name, link] of node.links) if (link.kind === 'hard') readAll(link.node, where === '/' ? `/${name}` : `${where}/${name}`);
    };
    readAll(root, '/');
  } catch (e) {
    if (e instanceof NativeUnsupportedError) throw e;
    problems.push(asFormatError(path, e).message);
  } finally {
    src.close();
  }
  return problems;
}

/** Damage found while parsing `file` (at the object `where`, when known) as a {@link FormatError}. */
function asFormatError(file: string, e: unknown, where?: string): Error {
  if (e instanceof NativeUnsupportedError || e instanceof H5TrajError) return e;
  if (e instanceof ChecksumError) return checksumFailure(file, e);
  const at = where && where !== '/' ? ` (at '${where}')` : '';
  return new FormatError(`'${file}' cannot be read as HDF5${at}: ${(e as Error).message}. The file may be damaged or truncated.`, where ? { file, path: where, cause: e } : { file, cause: e });
}

/** The sentence for a structure whose checksum fails, e.g. "The object header at address 4096 (/results/x) in 'f.hdf5' fails …". */
export function checksumFailure(file: string, e: ChecksumError): FormatError {
  const what = `The ${e.what} at address ${e.addr}${e.path ? ` (${e.path})` : ''}`;
  return new FormatError(`${what} in '${file}' fails its checksum: the file is corrupt.`, e.path ? { file, path: e.path, cause: e } : { file, cause: e });
}

class GraphReader {
  private readonly nodes = new Map<number, NNode>();
  private readonly ctx: AttributeContext;
  /** What dataset data keeps (not the interners, which can go once the graph is built). */
  private readonly file: DataFile;
  private readonly bodies = new Interner<Uint8Array>();
  // One header reader for all objects: everything is taken from it before recursing into a
  // group's children.
  private readonly header: ObjectHeader;
  private readonly attributeScratch: RawAttribute[] = [];
  /** Set when an object is reached a second time (see {@link NativeSource.multiLinked}). */
  multiLinked = false;

  /**
   * @param onDamage when given, a damaged object is reported here and left out of its group
   *   (for {@link findDamage}); otherwise damage ends the parse.
   */
  constructor(
    private readonly src: ByteSource,
    private readonly onDamage?: (e: unknown, where: string) => void,
    private readonly addresses = false,
  ) {
    const heap = new GlobalHeap(src);
    this.ctx = { types: new TypeCache(), heap, attributes: new Interner() };
    this.file = { src, heap };
    this.header = new ObjectHeader(src);
  }

  node(addr: number, path: string): NNode {
    const known = this.nodes.get(addr);
    if (known) {
      this.multiLinked = true;
      return known;
    }
    const h = this.header;
    h.read(addr, path);
    if (h.has(MSG.SYMBOL_TABLE) || h.has(MSG.LINK_INFO)) {
      const attrs = this.attributes(path);
      const raw = this.rawLinks(path);
      const group: NGroup = { kind: 'group', attrs, links: new Map() };
      this.nodes.set(addr, group); // before the children, so that cycles find it
      if (this.addresses) storedAt.set(group, addr);
      const prefix = path === '/' ? '/' : `${path}/`;
      for (const { name, link } of sortByName(raw, raw.length)) {
        if (link.kind !== 'hard') group.links.set(name, link);
        else if (!this.onDamage) group.links.set(name, { kind: 'hard', node: this.node(link.addr, prefix + name) });
        else this.tolerantChild(group, name, link.addr, prefix + name);
      }
      return group;
    }
    if (h.has(MSG.DATATYPE) && h.has(MSG.DATASPACE) && h.has(MSG.LAYOUT)) {
      const dataset = this.dataset(path);
      // Groups are always remembered (cycles go through them); a dataset only when more than
      // one link points at it, which saves 40,000 entries in a pypet file.
      if (h.refCount > 1) this.nodes.set(addr, dataset);
      if (this.addresses) storedAt.set(dataset, addr);
      return dataset;
    }
    if (h.has(MSG.DATATYPE)) throw new NativeUnsupportedError('committed (named) datatypes', path);
    throw new CorruptError(`the object at '${path}' (address ${addr}) is neither a group nor a dataset`);
  }

  /** A child read for {@link findDamage}: damage in it is reported, and the walk goes on. */
  private tolerantChild(group: NGroup, name: string, addr: number, path: string): void {
    try {
      group.links.set(name, { kind: 'hard', node: this.node(addr, path) });
    } catch (e) {
      if (e instanceof NativeUnsupportedError) throw e;
      this.onDamage!(e, path);
    }
  }

  private attributes(path: string): Map<string, NValue> {
    const h = this.header;
    const raw = this.attributeScratch; // reused: nothing here recurses
    let n = 0;
    for (let i = h.next(MSG.ATTRIBUTE, -1); i >= 0; i = h.next(MSG.ATTRIBUTE, i)) raw[n++] = decodeAttribute(h.cursor(i), this.ctx, path);
    if (h.has(MSG.ATTRIBUTE_INFO)) n = denseAttributes(this.src, h.get(MSG.ATTRIBUTE_INFO), this.ctx, path, raw, n);
    sortByName(raw, n);
    const out = new Map<string, NValue>();
    for (let i = 0; i < n; i++) out.set(raw[i]!.name, raw[i]!.value);
    return out;
  }

  private rawLinks(path: string): RawLink[] {
    const h = this.header;
    if (h.has(MSG.SYMBOL_TABLE)) return symbolTableLinks(this.src, h.get(MSG.SYMBOL_TABLE));
    const raw: RawLink[] = [];
    for (let i = h.next(MSG.LINK, -1); i >= 0; i = h.next(MSG.LINK, i)) raw.push(decodeLink(h.cursor(i), path));
    const info = seekDenseStorage(h.get(MSG.LINK_INFO), 'link info');
    const heap = info.addr();
    const nameIndex = info.addr();
    if (heap === UNDEF || nameIndex === UNDEF) return raw;
    // Dense storage: Link messages in a fractal heap, named by the records of a v2 B-tree.
    const fheap = new FractalHeap(this.src, heap, path);
    forEachRecord(this.src, nameIndex, 5, (buf, pos, size) => {
      raw.push(decodeLink(fheap.get(buf, pos + 4, size - 4), path)); // after the name hash (4)
    }, path);
    return raw;
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
    const pipeline = h.has(MSG.FILTERS) ? { body: this.body(h.get(MSG.FILTERS)), filters: decodeFilters(h.get(MSG.FILTERS)) } : undefined;
    const fillValue = h.has(MSG.FILL) ? this.body(h.get(MSG.FILL)) : undefined;
    const attrs = this.attributes(path);
    const chunks = layout.kind === 'chunked' ? [...layout.chunk] : null;
    const data = new FileData(this.file, path, type, shape, layout, pipeline, fillValue);
    // One literal per variant, so that no dataset grows a property afterwards (out-of-object
    // property storage for 40,000 datasets).
    return fillValue
      ? { kind: 'dataset', attrs, type, shape, maxshape, chunks, fillValue, data }
      : { kind: 'dataset', attrs, type, shape, maxshape, chunks, data };
  }
}

/**
 * Sorts the first `n` entries by name in byte order of the UTF-8 names, the order HDF5 lists
 * links and attributes in (most lists are short and already sorted, and Array#sort allocates,
 * hence insertion sort for them).
 */
function sortByName<E extends { name: string }>(entries: E[], n: number): E[] {
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
function compareNames(a: string, b: string): number {
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
