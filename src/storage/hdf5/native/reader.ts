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
import { checkHdf5File } from '../engine/file-check.js';
import { type NGroup, type NLink, type NNode, NativeUnsupportedError, storedAt } from './model.js';
import { ByteSource, CorruptError } from './read/byte-source.js';
import { ChecksumError } from './checksum.js';
import { ObjectReader } from './read/object-reader.js';
import { readSuperblock } from './read/superblock.js';
import type { StoredObjects } from './stored-objects.js';

/** A parsed file: its root group, and the open descriptor dataset data is read through. */
export interface NativeSource {
  readonly path: string;
  readonly root: NGroup;
  /** Whether some object is reached by more than one hard link (appending commits then rewrite). */
  readonly multiLinked: boolean;
  /** Closes the file; reading dataset data afterwards throws a StateError. */
  close(): void;
  /**
   * On-demand sources (`lazy-graph.ts`): a hard link to the object whose header is at `addr`
   * (an address {@link hardLinkAddress} gave for this source), named `path` in messages.
   */
  linkTo?(addr: number, path: string): NLink;
  /**
   * On-demand sources: runs `fn` with the objects it parses kept in a small cache of their own,
   * so that a scan over many runs, which reads each run's objects once, neither pushes out the
   * metadata the rest of the file needs nor keeps what it read alive.
   */
  scan?<T>(fn: () => T): T;
}

/** The header address a hard link of an on-demand source leads to, if known without reading it. */
export function hardLinkAddress(link: NLink): number | undefined {
  const addr = link.kind === 'hard' ? (link as { addr?: unknown }).addr : undefined;
  return typeof addr === 'number' ? addr : undefined;
}

/**
 * Parses all metadata reachable from the root group of `path`; with `addresses`, records where
 * each object is ({@link storedAt}), for a writer that appends commits to the file. With
 * `stored`, the members of groups with many links are not parsed but linked on disk
 * (`stored-objects.ts`): a writer appending to a file of a million runs reads only its top.
 * @throws NativeUnsupportedError for a feature the native engine cannot represent faithfully;
 *   StorageError / FormatError (naming the file) when it is missing, not HDF5, truncated or damaged.
 * @example
 * const src = openNativeFile('traj.hdf5');
 * const runs = src.root.links.get('traj'); // { kind: 'hard', node: { kind: 'group', ... } }
 * src.close();
 */
export function openNativeFile(path: string, options: { addresses?: boolean; stored?: StoredObjects } = {}): NativeSource {
  checkHdf5File(path);
  const src = new ByteSource(path);
  try {
    const { rootAddr } = readSuperblock(src);
    const reader = new GraphReader(src, undefined, options.addresses ?? false, options.stored);
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
export function asFormatError(file: string, e: unknown, where?: string): Error {
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

/** Builds the whole graph: every object reachable from the root, each parsed once. */
class GraphReader {
  private readonly nodes = new Map<number, NNode>();
  private readonly objects: ObjectReader;
  /** Set when an object is reached a second time (see {@link NativeSource.multiLinked}). */
  multiLinked = false;

  /**
   * @param onDamage when given, a damaged object is reported here and left out of its group
   *   (for {@link findDamage}); otherwise damage ends the parse.
   */
  constructor(
    src: ByteSource,
    private readonly onDamage?: (e: unknown, where: string) => void,
    private readonly addresses = false,
    private readonly stored?: StoredObjects,
  ) {
    this.objects = new ObjectReader(src);
  }

  node(addr: number, path: string): NNode {
    const known = this.nodes.get(addr);
    if (known) {
      this.multiLinked = true;
      return known;
    }
    const obj = this.objects.read(addr, path);
    // The header counts the links to it, including any from objects not parsed (see `stored`).
    if (obj.refCount > 1) this.multiLinked = true;
    if (obj.kind === 'dataset') {
      // Groups are always remembered (cycles go through them); a dataset only when more than
      // one link points at it, which saves 40,000 entries in a pypet file.
      if (obj.refCount > 1) this.nodes.set(addr, obj.dataset);
      if (this.addresses) storedAt.set(obj.dataset, addr);
      return obj.dataset;
    }
    const group: NGroup = { kind: 'group', attrs: obj.attrs, links: new Map() };
    this.nodes.set(addr, group); // before the children, so that cycles find it
    if (this.addresses) storedAt.set(group, addr);
    const prefix = path === '/' ? '/' : `${path}/`;
    const onDisk = this.stored?.bigGroupLinks(obj.store, prefix);
    if (onDisk !== undefined) {
      group.links = onDisk;
      return group;
    }
    const links = this.objects.links(obj.store, path);
    const stubs = this.stored !== undefined && links.length > this.stored.manyLinks ? this.stored : undefined;
    for (const { name, link } of links) {
      if (link.kind !== 'hard') group.links.set(name, link);
      else if (stubs) group.links.set(name, stubs.link(link.addr, prefix, name));
      else if (!this.onDamage) group.links.set(name, { kind: 'hard', node: this.node(link.addr, prefix + name) });
      else this.tolerantChild(group, name, link.addr, prefix + name);
    }
    return group;
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
}
