/**
 * The {@link H5File} API on the native engine: the file's metadata is parsed into an in-memory
 * graph (whole by `reader.ts` for a writable file, on demand by `lazy-graph.ts` for a read-only
 * one), every change is made to the graph, and closing a writable file
 * writes the whole graph as a new file (`writer.ts`) that replaces the target by an atomic rename.
 * So a native file is never changed in place, and a crash leaves the old file whole. With
 * appending commits on (`append-commit.ts`), a file changed where it was read from gets only the
 * changed objects appended instead, followed by a superblock switch, and the committed members
 * of big groups leave memory (`stored-objects.ts`): they are re-read from the file when needed.
 * Beside it: what changed since the last write (`change-set.ts`) and the attribute sets objects
 * share (`attribute-sets.ts`).
 */
import fs from 'node:fs';
import { StateError, StorageError, UnsupportedDataError } from '../../../errors.js';
import { replaceThroughTemp } from '../../atomic.js';
import type { DatasetInfo, DatasetLayout, H5Data, H5File, NodeType, OpenMode, WriteData } from '../engine/h5file.js';
import { VLEN_BYTES, isVariableLength } from '../engine/h5types.js';
import { baseName, parentOf } from '../engine/paths.js';
import { type NDataset, type NGroup, type NLink, type NNode, NativeUnsupportedError, type StoredChunks, namesInOrder, newGroup, storedAt } from './model.js';
import { appendCommit, appendCommitsEnabled } from './append-commit.js';
import { OwnedData, packSmall } from './owned-data.js';
import { type NativeSource, hardLinkAddress, openNativeFile } from './reader.js';
import { sharedReadSources } from './shared-sources.js';
import { elementCount } from './write/plan.js';
import { StoredObjects } from './stored-objects.js';
import { ChangeSet } from './change-set.js';
import { countHeld, evictCommitted, materialize } from './evict.js';
import { StoredRows, chunkTreeRoot, releaseChunkBuffers } from './stored-rows.js';
import { writeNativeFile } from './writer.js';
import type { WrittenAddresses } from './write/plan.js';
import { EMPTY_ATTRS, attributeBytes, attributeValue, deleteAttribute, setAttribute } from './attribute-sets.js';

/** HDF5 keeps an attribute in its object header, where a message holds at most 64 KiB. */
const MAX_ATTRIBUTE_BYTES = 65_000;

/**
 * How many looked-up paths {@link NativeH5File} remembers. Storing a trajectory looks up each
 * new path a few times in a row and then never again; remembering all of them cost ~0.5 KB per
 * object (1M+ paths for 100k runs), so the cache is emptied when it reaches this size.
 */
const PATH_CACHE_LIMIT = 20_000;
/** {@link PATH_CACHE_LIMIT} during a scan over runs (`NativeH5File.scan`). */
const SCAN_PATH_CACHE_LIMIT = 64;
/**
 * {@link PATH_CACHE_LIMIT} of a writable file. A store looks up each new path a few times in a
 * row (the parent groups' paths stay cached, as the last ones looked up): a cache of 20,000
 * paths kept each path string and Map entry alive through many scavenges, so V8 moved them to
 * the old generation, where they stayed as garbage until a full GC; with the Map tables past
 * 128 KiB (large objects, one per refill), that was ~80 MB of the peak of a 100k-run W1 store.
 */
const WRITE_PATH_CACHE_LIMIT = 512;

/**
 * A new file (a transaction's temporary copy) whose graph has taken this many bytes of dataset
 * contents since its last write is written out so far and continued by appending commits (see
 * {@link NativeH5File.spillIfBig}): the first store of a million-run trajectory builds a 0.7 GB
 * `overview/runs` table, which must not be held whole in memory (issue 13). 16 MiB, not 32:
 * a growing table's buffer (copied larger at each growth) and the graph's objects live until
 * the write, long enough for V8 to move them to the old generation, where they stay as garbage
 * until a full GC; smaller parts cut the 100k-run W1 store's peak by ~70 MB at the same CPU time
 * (a part is cheap: a commit adds to `results.runs` without rewriting its table). Not smaller:
 * W1 at 10k runs (15 MB) is still written in one go (8 MiB made it ~10% slower).
 */
export const SPILL_BYTES = 16 * 1024 * 1024;

export class NativeH5File implements H5File {
  readonly path: string;
  readonly mode: OpenMode;
  private root: NGroup;
  private source: NativeSource | undefined;
  /** Where {@link close} writes the file; `undefined` for read-only files. */
  private readonly target: string | undefined;
  private dirty: boolean;
  private isClosed = false;
  /** Sorted child names per group object, computed on demand and dropped when links change. */
  private readonly sortedNames = new WeakMap<NGroup, string[]>();
  private pathCache = new Map<string, NLink>();
  /** The size at which {@link pathCache} is emptied (smaller during a {@link scan}). */
  private pathLimit: number;
  /** The path and link {@link knownAt} set last (kept when the path cache is emptied for room). */
  private placed: [string, NLink] | undefined;
  private lastPath = '';
  private lastLink: NLink | undefined;
  private heldBytes = 0;
  /** With appending commits: what changed since the last write (undefined when this file is always written whole). */
  private changes: ChangeSet | undefined;
  /** Whether the source's chunk addresses are the target's (until a whole rewrite replaces it). */
  private sourceIsTarget = false;

  /** With appending commits: the committed objects kept on disk, re-read on demand. */
  private stored: StoredObjects | undefined;
  /** Whether this is a new file that may be written out before it is complete (see {@link spillIfBig}). */
  private spills = false;
  /** Bytes of dataset contents given since the last write (for {@link spillIfBig}). */
  private unwrittenBytes = 0;

  private constructor(path: string, mode: OpenMode, root: NGroup, source: NativeSource | undefined, target: string | undefined, stored?: StoredObjects) {
    this.path = path;
    this.stored = stored;
    this.mode = mode;
    this.root = root;
    this.source = source;
    this.target = target;
    this.dirty = mode === 'w' || mode === 'x';
    this.pathLimit = mode === 'r' ? PATH_CACHE_LIMIT : WRITE_PATH_CACHE_LIMIT;
    // Appending needs the graph's stored addresses to be those of the target (read from it), and
    // no object reached twice (a new version of it would leave its other link behind).
    if (appendCommitsEnabled() && source !== undefined && source.path === target && !source.multiLinked) {
      this.changes = new ChangeSet((path) => this.linkAt(path));
      this.sourceIsTarget = true;
    } else if (stored !== undefined) {
      // Not appended to (an object has several links): the next write needs the whole graph.
      materialize(root);
    }
  }

  /**
   * Opens `path` for reading (`'r'`), for changing (`'a'`: written back on close), or creates a
   * new file (`'w'`/`'x'`: written on close). Checks of the file itself (missing, not HDF5,
   * folder missing) are the caller's (`open-file.ts`), shared with the h5wasm engine.
   * @throws NativeUnsupportedError when the file uses something this engine does not handle.
   */
  static open(path: string, mode: OpenMode): NativeH5File {
    if (mode === 'w' || mode === 'x') return new NativeH5File(path, mode, newGroup(), undefined, path);
    if (mode === 'r') {
      const shared = sharedReadSources.acquire(path);
      return new NativeH5File(path, mode, shared.root, shared, undefined);
    }
    const stored = appendCommitsEnabled() ? new StoredObjects(path) : undefined;
    const source = openNativeFile(path, { addresses: stored !== undefined, stored });
    return new NativeH5File(path, mode, source.root, source, path, stored);
  }

  /**
   * A writable file whose content starts as the file `source` (or empty when `source` is
   * undefined) and which {@link close} writes to `target`, leaving `source` untouched.
   */
  static openCopy(source: string | undefined, target: string): NativeH5File {
    if (source === undefined) {
      const f = new NativeH5File(target, 'w', newGroup(), undefined, target);
      // Only a copy's target (a transaction's temporary file, renamed once complete) may be
      // seen half-written; a file opened with 'w' is the caller's own path.
      f.spills = appendCommitsEnabled();
      return f;
    }
    const stored = appendCommitsEnabled() && source === target ? new StoredObjects(source) : undefined;
    const src = openNativeFile(source, { addresses: stored !== undefined, stored });
    const f = new NativeH5File(target, 'a', src.root, src, target, stored);
    f.dirty = true; // the target does not exist yet
    return f;
  }

  readonly writesShapedColumns = true;

  get writable(): boolean {
    return this.mode !== 'r';
  }

  get closed(): boolean {
    return this.isClosed;
  }

  // -------------------------------------------------------------------------------------------
  // Life cycle

  /**
   * Writes what changed so far to the target (atomically, as {@link close} does) and keeps the
   * file open for more changes: a long-lived writer pays the parse once, not per write.
   */
  checkpoint(): void {
    this.live();
    if (!this.dirty || this.target === undefined) return;
    this.writeTo(this.target);
    this.dirty = false;
  }

  /** Closes without writing anything (after a failed change that must not reach the disk). */
  discard(): void {
    this.dirty = false;
    this.close();
  }

  /** Bytes of dataset contents held in memory (created or changed since the file was opened). */
  get memoryBytes(): number {
    return this.heldBytes;
  }

  /**
   * Objects of the graph held in memory: those reached without following a link to an object
   * kept on disk (see `stored-objects.ts`), plus the re-read ones in its cache. A measure of the
   * writer's memory, for tests.
   */
  get memoryObjects(): number {
    return countHeld(this.root) + (this.stored?.cached ?? 0);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      if (this.dirty && this.target !== undefined) this.writeTo(this.target);
    } finally {
      this.source?.close();
      this.source = undefined;
      this.stored?.close();
      this.root = newGroup();
      this.forgetPaths();
      releaseChunkBuffers();
    }
  }

  /**
   * Writes the graph: straight to a new file, or, when the target exists (it may be our own
   * source), to a temporary file renamed over it, so that a crash never leaves it half-written.
   */
  private writeTo(target: string): void {
    const changes = this.changes;
    if (changes !== undefined) {
      const toCaller = this.stored !== undefined; // evict records the addresses of what stays
      const appended = changes.mustRewrite || !fs.existsSync(target) ? undefined : appendCommit(target, this.root, changes.objects, changes.names, { addressesToCaller: toCaller });
      changes.written();
      if (appended !== undefined) {
        this.stored?.refresh();
        this.evict(changes.names, appended);
        changes.names.clear();
        return;
      }
      changes.names.clear();
      this.sourceIsTarget = false; // rewritten below
      // Every object is written anew: those kept on disk are read in first.
      if (this.stored) materialize(this.root);
    }
    // When appending, the next commits link unchanged objects at their addresses in this copy.
    let written: WrittenAddresses | undefined;
    const write = (to: string): void => {
      written = writeNativeFile(to, this.root, { recordAddresses: changes !== undefined, addressesToCaller: this.stored !== undefined });
    };
    if (!fs.existsSync(target)) write(target);
    else replaceThroughTemp(target, write, { onError: (e) => e });
    if (changes !== undefined) {
      this.stored?.reopen();
      this.evict(undefined, written);
    }
  }

  /**
   * After a commit: committed members of big groups leave memory (see `stored-objects.ts`), and
   * {@link memoryBytes} counts what stays. `changedNames` limits the big groups' links looked at
   * to those the commit wrote (all of them after a rewrite).
   */
  private evict(changedNames: ReadonlyMap<NGroup, ReadonlySet<string>> | undefined, written?: WrittenAddresses): void {
    if (!this.stored) return;
    this.heldBytes = evictCommitted(this.root, this.stored, changedNames, (d) => this.keptData(d), written);
    this.forgetPaths();
  }

  private live(): void {
    if (this.isClosed) throw new StateError(`The HDF5 file '${this.path}' is already closed.`, { file: this.path });
  }

  private fail(message: string, path: string): never {
    throw new StorageError(`${message} (in '${this.path}', at '${path}').`, { file: this.path, path });
  }

  private assertWritable(path: string): void {
    this.live();
    if (!this.writable) this.fail('Cannot write: the file is open read-only', path);
    this.dirty = true;
    this.changes?.mark(this.root, path);
  }

  // -------------------------------------------------------------------------------------------
  // Paths

  /**
   * The link named by `path` (soft links along the way are followed), or undefined. Found links
   * are cached by path: links are never removed or replaced, so a found path stays valid.
   */
  private linkAt(path: string, depth = 0): NLink | undefined {
    this.live();
    // The same path is usually asked for several times in a row (its attributes one by one):
    // comparing with the last one is cheaper than hashing it again.
    if (path === this.lastPath && this.lastLink !== undefined) return this.lastLink;
    const hit = this.pathCache.get(path) ?? this.findLink(path, depth);
    this.lastPath = path;
    this.lastLink = hit;
    return hit;
  }

  /** Empties the cache of looked-up paths. */
  private forgetPaths(): void {
    // A new Map, not clear(): V8 links a cleared Map's old table to its new one, so an old table
    // already moved to the old generation would keep every later entry alive through scavenges
    // (a scan clears this cache every few runs: that chain promoted ~1 kB per run).
    this.pathCache = new Map();
    this.placed = undefined;
    this.lastPath = '';
    this.lastLink = undefined;
  }

  private findLink(path: string, depth: number): NLink | undefined {
    if (depth > 40) this.fail('Too many soft links (a cycle?)', path);
    if (path === '/' || path === '') return { kind: 'hard', node: this.root };
    const parentLink = this.linkAt(parentOf(path), depth);
    const parent = parentLink === undefined ? undefined : this.follow(parentLink, depth);
    if (parent?.kind !== 'group') return undefined;
    const link = parent.links.get(baseName(path));
    if (link !== undefined) {
      if (this.pathCache.size >= this.pathLimit) {
        const placed = this.placed;
        this.forgetPaths();
        // The object last placed by knownAt stays: what is looked up now is most likely below it.
        if (placed !== undefined) {
          this.pathCache.set(placed[0], placed[1]);
          this.placed = placed;
        }
      }
      this.pathCache.set(path, link);
    }
    return link;
  }

  /** The object a link leads to (soft links resolved), or undefined when dangling or external. */
  private follow(link: NLink, depth = 0): NNode | undefined {
    if (link.kind === 'hard') return link.node;
    if (link.kind === 'external') return undefined;
    const target = this.linkAt(link.target, depth + 1);
    return target === undefined ? undefined : this.follow(target, depth + 1);
  }

  private nodeAt(path: string): NNode | undefined {
    const link = this.linkAt(path);
    return link === undefined ? undefined : this.follow(link);
  }

  private groupAt(path: string, what = 'Not a group'): NGroup {
    const node = this.nodeAt(path);
    if (node?.kind !== 'group') this.fail(what, path);
    return node;
  }

  private datasetAt(path: string): NDataset {
    const node = this.nodeAt(path);
    if (node?.kind !== 'dataset') this.fail('No such dataset', path);
    return node;
  }

  private objectAt(path: string): NNode {
    const node = this.nodeAt(path);
    if (node === undefined) this.fail('No such group or dataset', path);
    return node;
  }

  /**
   * Where the header of the object at `path` is, when this read-only file knows it without
   * reading more (the object is reached by a hard link). {@link knownAt} on this same open file
   * takes it back.
   */
  addressOf(path: string): number | undefined {
    const link = this.linkAt(path);
    return link === undefined ? undefined : hardLinkAddress(link);
  }

  /**
   * Tells this read-only file that the object at `path` has its header at `addr` (which
   * {@link addressOf} gave for `path` on this file): looking up `path` and what lies below it
   * then starts there instead of at the root.
   */
  knownAt(path: string, addr: number): void {
    this.live();
    const link = this.source?.linkTo?.(addr, path);
    if (link === undefined || this.writable) return;
    if (this.pathCache.size >= this.pathLimit) this.forgetPaths();
    this.pathCache.set(path, link);
    this.placed = [path, link];
    this.lastLink = undefined;
  }

  /** Runs `fn`, a scan over many objects each read once (see `NativeSource.scan`). */
  scan<T>(fn: () => T): T {
    this.live();
    // The paths of a scan are asked for a few times each, one run after the other: a small
    // path cache serves it, where the full one would hold links to objects no longer needed.
    const limit = this.pathLimit;
    this.pathLimit = Math.min(limit, SCAN_PATH_CACHE_LIMIT);
    try {
      return this.source?.scan ? this.source.scan(fn) : fn();
    } finally {
      this.pathLimit = limit;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Structure

  typeOf(path: string): NodeType {
    const link = this.linkAt(path);
    if (link === undefined) return 'missing';
    if (link.kind === 'external') return 'external';
    const node = this.follow(link);
    return node === undefined ? 'link' : node.kind;
  }

  exists(path: string): boolean {
    return path === '/' || this.linkAt(path) !== undefined;
  }

  childNames(path: string): readonly string[] {
    const group = this.groupAt(path);
    let names = this.sortedNames.get(group);
    if (!names) {
      // (a read-only file's big group keeps its names in order already: no copy of a million)
      names = (namesInOrder(group.links) as string[] | undefined) ?? [...group.links.keys()].sort(compareBytes);
      this.sortedNames.set(group, names);
    }
    return names;
  }

  linkTarget(path: string): string | null {
    const link = this.linkAt(path);
    return link?.kind === 'soft' ? link.target : null;
  }

  private addLink(path: string, link: NLink, what: string): void {
    this.assertWritable(path);
    if (path === '/' || this.exists(path)) this.fail(`Cannot create ${what}: the name is taken`, path);
    const parent = this.nodeAt(parentOf(path));
    if (parent?.kind !== 'group') this.fail(`Cannot create ${what}: the parent group does not exist`, path);
    parent.links.set(baseName(path), link);
    this.sortedNames.delete(parent);
  }

  createGroup(path: string): void {
    this.addLink(path, { kind: 'hard', node: { kind: 'group', attrs: EMPTY_ATTRS, links: new Map() } }, 'a group');
  }

  ensureGroup(path: string): void {
    if (path === '/') return;
    const type = this.typeOf(path);
    if (type === 'group') return;
    if (type !== 'missing') this.fail('Cannot create a group: a dataset or link has this name', path);
    this.ensureGroup(parentOf(path));
    this.createGroup(path);
  }

  createSoftLink(path: string, target: string): void {
    this.addLink(path, { kind: 'soft', target }, 'a link');
  }

  // -------------------------------------------------------------------------------------------
  // Attributes

  attrNames(path: string): readonly string[] {
    return [...this.objectAt(path).attrs.keys()];
  }

  hasAttr(path: string, name: string): boolean {
    return this.objectAt(path).attrs.has(name);
  }

  readAttr(path: string, name: string): H5Data | undefined {
    return this.objectAt(path).attrs.get(name);
  }

  writeAttr(path: string, name: string, value: WriteData): void {
    this.assertWritable(path);
    const node = this.objectAt(path);
    const { v, seen } = attributeValue(value);
    const size = attributeBytes(v);
    if (size > MAX_ATTRIBUTE_BYTES) {
      this.fail(`Cannot write attribute '${name}': it holds ${size} bytes, more than an HDF5 object header keeps (64 KiB); store it as a dataset`, path);
    }
    setAttribute(node, name, v, seen);
  }

  deleteAttr(path: string, name: string): void {
    this.assertWritable(path);
    const node = this.objectAt(path);
    deleteAttribute(node, name);
  }

  // -------------------------------------------------------------------------------------------
  // Datasets

  datasetInfo(path: string): DatasetInfo {
    const d = this.datasetAt(path);
    const shape = d.shape === null ? null : [...d.shape];
    const maxshape = d.shape === null ? null : (d.maxshape ?? d.shape).map((m) => (m === null ? Infinity : m));
    return { type: d.type, shape, maxshape, chunks: d.chunks ? [...d.chunks] : null };
  }

  readDataset(path: string, rows?: [number, number], scratch?: Uint8Array): H5Data {
    try {
      return this.readDatasetOf(this.datasetAt(path), rows, scratch);
    } catch (e) {
      if (!(e instanceof NativeUnsupportedError)) throw e;
      throw new UnsupportedDataError(`Cannot read the dataset '${path}' of '${this.path}': ${e.message.replace(/^The native HDF5 engine does not handle /, 'h5traj cannot decode ')}`, { file: this.path, path, cause: e });
    }
  }

  private readDatasetOf(d: NDataset, rows?: [number, number], scratch?: Uint8Array): H5Data {
    const { type, shape } = d;
    if (shape === null) return { type, shape: null, bytes: new Uint8Array(0) };
    if (!rows || shape.length === 0) return { type, shape: [...shape], ...d.data.read() };
    const start = Math.max(0, Math.min(rows[0], shape[0] ?? 0));
    const end = Math.max(start, Math.min(rows[1], shape[0] ?? 0));
    const outShape = [end - start, ...shape.slice(1)];
    const rowItems = elementCount(shape.slice(1));
    if (d.data instanceof OwnedData) return { type, shape: outShape, ...d.data.rows(start, end, rowItems * type.size) };
    if (d.data.readRows) return { type, shape: outShape, ...d.data.readRows(start, end, scratch) };
    const all = d.data.read();
    if (all.strings) return { type, shape: outShape, bytes: all.bytes, strings: all.strings.slice(start * rowItems, end * rowItems) };
    return { type, shape: outShape, bytes: all.bytes.subarray(start * rowItems * type.size, end * rowItems * type.size) };
  }

  createDataset(path: string, value: WriteData, layout: DatasetLayout = {}): void {
    if ('vlenStrings' in value) this.fail('Variable-length string datasets are not written by h5traj', path);
    const shape = [...value.shape];
    const expected = elementCount(shape) * value.type.size;
    if (value.data.length !== expected) this.fail(`Cannot create a dataset: ${value.data.length} bytes given for ${expected}`, path);
    if (layout.maxshape && !layout.chunks && layout.maxshape.some((m, i) => m !== shape[i])) {
      this.fail('Cannot create a dataset: a maximum shape other than the shape needs chunks', path);
    }
    this.heldBytes += value.data.length;
    const node: NDataset = {
      kind: 'dataset',
      attrs: EMPTY_ATTRS,
      type: value.type,
      shape,
      maxshape: layout.maxshape ? [...layout.maxshape] : null,
      chunks: layout.chunks ? [...layout.chunks] : null,
      data: new OwnedData(packSmall(value.data), value.data.length, true),
    };
    this.addLink(path, { kind: 'hard', node }, 'a dataset');
    this.spillIfBig(value.data.length);
  }

  createByteSequences(path: string, items: readonly Buffer[]): void {
    const strings = items.map((b) => Buffer.from(b)); // ours: the caller may reuse its buffers
    this.heldBytes += strings.reduce((n, b) => n + b.length + 16, 0);
    const n = strings.length;
    const node: NDataset = {
      kind: 'dataset',
      attrs: EMPTY_ATTRS,
      type: VLEN_BYTES,
      shape: [n],
      maxshape: [null],
      chunks: [Math.max(1, n)],
      data: { read: () => ({ bytes: new Uint8Array(0), strings }) },
    };
    this.addLink(path, { kind: 'hard', node }, 'a dataset');
  }

  /**
   * A dataset that stays in memory after a commit: a table whose chunks the file holds as they
   * are is kept there instead ({@link StoredRows}). Returns the bytes of its contents held.
   */
  private keptData(d: NDataset): number {
    if (!(d.data instanceof OwnedData)) return d.data instanceof StoredRows ? d.data.heldBytes : 0;
    const rows = this.storedRows(d, d.data.storedChunks());
    if (rows === undefined) return d.data.read().bytes.length;
    d.data = rows;
    return 0;
  }

  /** `d`'s data as {@link StoredRows} when appending and `stored` holds all of it, unchanged; else undefined. */
  private storedRows(d: NDataset, stored: StoredChunks | undefined): StoredRows | undefined {
    const objects = this.stored;
    if (objects === undefined || this.changes === undefined || !d.chunks || !d.shape || d.shape.length === 0 || isVariableLength(d.type)) return undefined;
    const rowBytes = d.type.size * elementCount(d.shape.slice(1));
    const used = elementCount(d.shape) * d.type.size;
    if (d.chunks.some((c, i) => i > 0 && c !== d.shape![i]) || !StoredRows.covers(stored, d.chunks[0]!, rowBytes, used)) return undefined;
    // The stored header's chunk B-tree indexes exactly these chunks: commits write paths of it.
    const header = storedAt.get(d);
    const root = header === undefined ? undefined : chunkTreeRoot(objects.source(), header, `the table whose header is at ${header}`);
    return new StoredRows(() => objects.source(), stored, d.chunks[0]!, rowBytes, used, root);
  }

  /** The dataset's data as a buffer this file owns and may change. */
  private owned(d: NDataset): OwnedData | StoredRows {
    if (d.data instanceof OwnedData || d.data instanceof StoredRows) return d.data;
    const rows = this.sourceIsTarget ? this.storedRows(d, d.data.storedChunks?.()) : undefined;
    if (rows !== undefined) return (d.data = rows);
    const { bytes, strings } = d.data.read();
    if (strings) throw new StorageError('Variable-length string datasets cannot be changed by h5traj.');
    const owned = new OwnedData(bytes, bytes.length, true, this.sourceIsTarget ? d.data.storedChunks?.() : undefined);
    this.heldBytes += bytes.length;
    d.data = owned;
    return owned;
  }

  writeRows(path: string, start: number, data: Uint8Array): void {
    this.assertWritable(path);
    const d = this.datasetAt(path);
    const { type, shape } = d;
    if (!shape || shape.length === 0) this.fail('Cannot write rows into a scalar dataset', path);
    const rowBytes = type.size * elementCount(shape.slice(1));
    const count = data.length / rowBytes;
    if (!Number.isInteger(count) || start < 0 || start + count > (shape[0] ?? 0)) {
      this.fail(`Cannot write ${count} rows at row ${start}: the dataset has ${shape[0]} rows`, path);
    }
    if (count === 0) return;
    this.owned(d).write(start * rowBytes, data);
    this.spillIfBig(data.length);
  }

  /**
   * A new file that has taken {@link SPILL_BYTES} of dataset contents since its last write is
   * written to its target as it is now, and from then on changed as a file read from there: its
   * next writes (and {@link close}) append what changed, and its committed tables and big groups
   * stay on disk (`evict.ts`, `stored-rows.ts`). Nobody reads the target before the file is
   * closed (it is a transaction's temporary copy), so a half-built version there is harmless.
   */
  private spillIfBig(bytes: number): void {
    this.unwrittenBytes += bytes;
    if (!this.spills || this.unwrittenBytes < SPILL_BYTES || this.target === undefined) return;
    this.unwrittenBytes = 0;
    if (this.changes === undefined) {
      const written = writeNativeFile(this.target, this.root, { recordAddresses: true, addressesToCaller: true });
      this.stored = new StoredObjects(this.target);
      this.changes = new ChangeSet((path) => this.linkAt(path));
      this.sourceIsTarget = true;
      this.dirty = false;
      this.evict(undefined, written);
      return;
    }
    this.writeTo(this.target);
    this.dirty = false;
  }

  resize(path: string, shape: number[]): void {
    this.assertWritable(path);
    const d = this.datasetAt(path);
    const max = (d.maxshape ?? d.shape ?? []).map((m) => (m === null ? Infinity : m));
    if (!d.chunks || shape.length !== max.length || shape.some((n, i) => n > (max[i] ?? 0))) {
      this.fail(`Cannot resize to [${shape.join(', ')}]: the dataset is not chunked or its maximum shape is smaller`, path);
    }
    const old = d.shape ?? [];
    if (shape.slice(1).some((n, i) => n !== old[i + 1])) {
      this.fail(`Cannot resize to [${shape.join(', ')}]: only the first dimension can change`, path);
    }
    this.owned(d).setLength(elementCount(shape) * d.type.size);
    d.shape = [...shape];
  }
}

/**
 * HDF5 orders names by their UTF-8 bytes (strcmp). Comparing UTF-16 code units gives the same
 * order except between characters above U+FFFF and U+E000–U+FFFF, which names never mix.
 */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
