/**
 * The one module that talks to h5wasm.
 *
 * h5wasm reports most failures by printing an HDF5 diagnostic and returning -1 (caught and
 * turned into one sentence by `diagnostics.ts`, through {@link mod}), and a thrown
 * error can leave a handle open that silently turns `close()` into a no-op (`docs/native-engine.md` §5).
 * So this wrapper never provokes an HDF5 error: it checks files before opening them, checks
 * names before creating or deleting, keeps the default (non-throwing) error handler, and moves
 * raw bytes only (see `h5types.ts` for encoding). It also caches what it has read — child lists,
 * attribute names and values, dataset metadata — because every h5wasm call re-resolves the path
 * from the root and costs 40–130 µs. The caches are its own business: they stay bounded
 * (`bounded-cache.ts`), so callers never close and reopen a file to free memory.
 */
import nodePath from 'node:path';
import h5wasm, { Module } from 'h5wasm/node';
import type { Metadata } from 'h5wasm/node';
import { StateError, StorageError } from '../../../errors.js';
import { checkOpenable } from '../engine/file-check.js';
import { aboutFile, quietModule } from './diagnostics.js';
import { type H5Type, describeH5Type, isVariableLength } from '../engine/h5types.js';
import { baseName, joinPath, parentOf } from '../engine/paths.js';
import type { DatasetInfo, DatasetLayout, H5Data, H5File, NodeType, OpenMode, WriteData } from '../engine/h5file.js';
import { BoundedCache } from './bounded-cache.js';


type H5Mod = typeof Module;

let initialized = false;

/** Loads the HDF5 library (once). Every other function needs it; {@link H5File.open} calls it. */
export async function initH5(): Promise<void> {
  if (initialized) return;
  await h5wasm.ready;
  initialized = true;
}

let quiet: H5Mod | undefined;

/** h5wasm's module, with HDF5's printed diagnostics turned into our errors (`diagnostics.ts`). */
function mod(): H5Mod {
  if (!initialized) throw new StateError('The HDF5 library is not loaded yet; await initH5() (or H5File.open) first.');
  return (quiet ??= quietModule(Module as H5Mod));
}

// HDF5 type classes, strpad codes and get_type codes (fixed by the HDF5 C API).
const CLASS = { INTEGER: 0, FLOAT: 1, STRING: 3, BITFIELD: 4, COMPOUND: 6, ENUM: 8, VLEN: 9, ARRAY: 10 } as const;
const PADS = ['nullterm', 'nullpad', 'spacepad'] as const;
const NODE_TYPES: Record<number, NodeType> = { [-1]: 'missing', 0: 'group', 1: 'dataset', 2: 'datatype', 3: 'link', 4: 'external' };
const H5S_UNLIMITED = 18446744073709551615n;

/** Converts h5wasm's type metadata into an {@link H5Type}. */
function typeFromMeta(m: Metadata): H5Type {
  switch (m.type) {
    case CLASS.INTEGER:
      return { class: 'int', size: m.size, signed: m.signed };
    case CLASS.FLOAT:
      return { class: 'float', size: m.size };
    case CLASS.STRING:
      return { class: 'string', size: m.size, vlen: m.vlen, cset: m.cset === 1 ? 'utf8' : 'ascii', pad: PADS[m.strpad ?? 0] ?? 'nullterm' };
    case CLASS.BITFIELD:
      return { class: 'bitfield', size: m.size };
    case CLASS.COMPOUND:
      return {
        class: 'compound',
        size: m.size,
        members: (m.compound_type?.members ?? []).map((mm) => ({ name: mm.name, offset: mm.offset, type: typeFromMeta(mm) })),
      };
    case CLASS.ARRAY: {
      const base = m.array_type as Metadata;
      return { class: 'array', size: m.size, base: typeFromMeta(base), dims: [...(base.shape ?? [])] };
    }
    case CLASS.ENUM:
      return { class: 'enum', size: m.size, signed: m.signed, members: { ...(m.enum_type?.members ?? {}) } };
    case CLASS.VLEN: {
      // Byte sequences only (PyTables' ObjectAtom); h5wasm's element is a 32-bit {length, pointer}.
      const base = m.vlen_type ? typeFromMeta(m.vlen_type) : undefined;
      if (base?.class === 'int' && base.size === 1) return { class: 'vlen', size: m.size, base };
      return { class: 'other', size: m.size, h5class: m.type };
    }
    default:
      return { class: 'other', size: m.size, h5class: m.type };
  }
}

const metaCache = new Map<string, Record<string, unknown>>();

/** {@link typeToMeta}, cached: the same few types are written over and over. */
function metaOf(t: H5Type, where: string): Record<string, unknown> {
  const key = t.class === 'compound' ? JSON.stringify(t) : `${t.class}:${t.size}:${'signed' in t ? t.signed : ''}:${'cset' in t ? t.cset + t.vlen : ''}`;
  let m = metaCache.get(key);
  if (!m) metaCache.set(key, (m = typeToMeta(t, where)));
  return m;
}

/** h5wasm's write metadata for a type (what its C++ side reads from the JS object). */
function typeToMeta(t: H5Type, where: string): Record<string, unknown> {
  const base = { size: t.size, signed: false, vlen: false, littleEndian: true };
  switch (t.class) {
    case 'int':
      return { ...base, type: CLASS.INTEGER, signed: t.signed };
    case 'float':
      return { ...base, type: CLASS.FLOAT };
    case 'string':
      return { ...base, type: CLASS.STRING, vlen: t.vlen, cset: t.cset === 'utf8' ? 1 : 0 };
    case 'compound':
      return {
        ...base,
        type: CLASS.COMPOUND,
        compound_type: {
          nmembers: t.members.length,
          members: t.members.map((m) => ({ ...typeToMeta(m.type, where), name: m.name, offset: m.offset })),
        },
      };
    default:
      throw new StorageError(`h5wasm cannot create ${describeH5Type(t)} data (${where}); store it as another type.`);
  }
}

// ---------------------------------------------------------------------------------------------
// The file

/**
 * Entries per cache generation (`bounded-cache.ts`): the metadata of a 10,000-run trajectory
 * (60,000 objects) stays cached whole; a longer scan drops what it read longest ago.
 */
const CACHE_LIMIT = 100_000;

/** {@link CACHE_LIMIT}, or `H5TRAJ_TEST_WASM_CACHE_LIMIT` when set (tests make the caches turn over). */
function cacheLimit(): number {
  const n = Number(process.env.H5TRAJ_TEST_WASM_CACHE_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : CACHE_LIMIT;
}

/** Paths open in this process, so that a truncating open of an open file is refused up front. */
const openFiles = new Map<string, number>();

interface NodeAttrs {
  names: string[];
  values: Map<string, H5Data>;
}

/**
 * The h5wasm engine behind {@link H5File}: the fallback for files the native engine does not
 * read (`open-file.ts` chooses). Changes are made in place, so callers work on a copy.
 *
 * @example
 * const f = await WasmH5File.open('out.h5', 'w');
 * f.ensureGroup('/traj/results');
 * f.writeAttr('/traj', 'SRVC_INIT_COMMENT', stringAttr('hello'));
 * f.close();
 */
export class WasmH5File implements H5File {
  readonly path: string;
  readonly mode: OpenMode;
  private fileId: bigint;
  private readonly key: string;
  // What was read, bounded (`bounded-cache.ts`): a long scan keeps its memory flat without
  // closing the file, and nothing outside this adapter needs to know that it caches.
  private readonly childCache = new BoundedCache<string, { list: string[]; set: Set<string> }>(cacheLimit());
  private readonly attrCache = new BoundedCache<string, NodeAttrs>(cacheLimit());
  private readonly infoCache = new BoundedCache<string, DatasetInfo>(cacheLimit());
  private readonly typeCache = new BoundedCache<string, NodeType>(cacheLimit());
  /** Groups known not to be soft links: created here, or listed with entries below them. */
  private readonly hardGroups = new BoundedCache<string, true>(cacheLimit());
  /** Groups whose whole subtree was listed in one call (see {@link noteWalk}). */
  private readonly listed = new BoundedCache<string, true>(cacheLimit());
  /** Per group not listed whole: the first child a caller asked about (see {@link noteWalk}). */
  private readonly firstAsked = new BoundedCache<string, string>(cacheLimit());

  private constructor(path: string, mode: OpenMode, fileId: bigint, key: string) {
    this.path = path;
    this.mode = mode;
    this.fileId = fileId;
    this.key = key;
  }

  /**
   * Opens (or creates) a file. Loads the HDF5 library first if needed.
   * @throws StorageError / FormatError with a sentence naming the file and the cause.
   */
  static async open(path: string, mode: OpenMode = 'r'): Promise<WasmH5File> {
    await initH5();
    return WasmH5File.openSync(path, mode);
  }

  /** Like {@link open}, once {@link initH5} has finished. */
  static openSync(path: string, mode: OpenMode = 'r'): WasmH5File {
    const M = mod();
    const key = nodePath.resolve(path);
    checkOpenable(path, mode);
    if ((mode === 'w' || mode === 'x') && openFiles.has(key)) {
      throw new StorageError(`Cannot overwrite '${path}': it is open in this process; close it first.`, { file: path });
    }
    const access = { r: M.H5F_ACC_RDONLY, a: M.H5F_ACC_RDWR, w: M.H5F_ACC_TRUNC, x: M.H5F_ACC_EXCL }[mode];
    aboutFile(path);
    const fileId = M.open(path, access, false, -1, -1);
    if (fileId < 0n) throw new StorageError(`HDF5 could not open '${path}' (mode '${mode}').`, { file: path });
    openFiles.set(key, (openFiles.get(key) ?? 0) + 1);
    return new WasmH5File(path, mode, fileId, key);
  }

  readonly writesShapedColumns = false;

  /** Whether the file was opened for writing. */
  get writable(): boolean {
    return this.mode !== 'r';
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.fileId < 0n;
  }

  private id(): bigint {
    if (this.fileId < 0n) throw new StateError(`The HDF5 file '${this.path}' is already closed.`, { file: this.path });
    aboutFile(this.path); // every call into h5wasm asks for the id first: its errors name this file
    return this.fileId;
  }

  private fail(message: string, path: string): never {
    throw new StorageError(`${message} (in '${this.path}', at '${path}').`, { file: this.path, path });
  }

  /**
   * Checks an h5wasm return code: writes report failure (disk full, quota, I/O error) by a
   * negative number instead of throwing. A failed write must never be mistaken for a good one.
   */
  private check(status: number | bigint, what: string, path: string): void {
    if (Number(status) < 0) this.fail(`HDF5 could not ${what} (is the disk full, or the file not writable?)`, path);
  }

  private assertWritable(path: string): void {
    if (!this.writable) this.fail('Cannot write: the file is open read-only', path);
  }

  /** Flushes and closes the file. Closing twice is harmless. */
  close(): void {
    if (this.fileId < 0n) return;
    const M = mod();
    aboutFile(this.path);
    // A failed flush (now a thrown error) must still release the handle.
    let flushed: number | bigint = 0;
    let flushError: unknown;
    try {
      if (this.writable) flushed = M.flush(this.fileId);
    } catch (e) {
      flushError = e;
    }
    let closed: number | bigint;
    try {
      closed = M.close_file(this.fileId);
    } catch (e) {
      flushError ??= e;
      closed = 0;
    }
    this.fileId = -1n;
    const n = (openFiles.get(this.key) ?? 1) - 1;
    if (n <= 0) openFiles.delete(this.key);
    else openFiles.set(this.key, n);
    this.childCache.clear();
    this.attrCache.clear();
    this.infoCache.clear();
    this.typeCache.clear();
    this.hardGroups.clear();
    this.listed.clear();
    this.firstAsked.clear();
    // Only now report a failure, after the handle is released either way.
    if (flushError !== undefined) throw flushError;
    this.check(flushed, 'write the file to disk', '/');
    this.check(closed, 'close the file', '/');
  }


  // -------------------------------------------------------------------------------------------
  // Structure

  /** What `path` is. Soft links to existing objects report the target's type. */
  typeOf(path: string): NodeType {
    if (path === '/' || this.childCache.has(path)) return 'group'; // only groups have child lists
    const known = this.typeCache.get(path);
    if (known) return known;
    const parent = parentOf(path);
    const cached = this.childCache.get(parent);
    if (cached && !cached.set.has(baseName(path))) return 'missing';
    const type = NODE_TYPES[mod().get_type(this.id(), path)] ?? 'missing';
    if (type !== 'missing') this.typeCache.set(path, type); // nothing is ever deleted
    return type;
  }

  /** Whether something (group, dataset, link) is at `path`. */
  exists(path: string): boolean {
    if (path === '/' || this.typeCache.has(path) || this.attrCache.has(path) || this.childCache.has(path)) return true;
    const parent = parentOf(path);
    if (this.typeOf(parent) !== 'group') return false;
    return this.children(parent).set.has(baseName(path));
  }

  /** Names of the children of a group, in HDF5's name order (what PyTables lists). */
  childNames(path: string): readonly string[] {
    if (!this.childCache.has(path)) this.noteWalk(path);
    return this.children(path).list;
  }

  private children(path: string) {
    let c = this.childCache.get(path);
    if (!c) {
      if (this.typeOf(path) !== 'group') this.fail('Not a group', path);
      const list = mod().get_names(this.id(), path, false) as string[];
      c = { list, set: new Set(list) };
      this.childCache.set(path, c);
    }
    return c;
  }

  private noteChild(path: string, type: NodeType, fresh: boolean): void {
    this.typeCache.set(path, type);
    const c = this.childCache.get(parentOf(path));
    if (c && !c.set.has(baseName(path))) {
      c.list.push(baseName(path));
      c.set.add(baseName(path));
    }
    // A node we just created has no children and no attributes: no need to ask HDF5.
    if (fresh) this.attrCache.set(path, { names: [], values: new Map() });
  }

  /**
   * A caller asks about the node `path` (its child list, or whether it is a link) and the cache
   * cannot answer. A second child of one group asked about means the caller walks that group's
   * children (a skeleton scan, a copy, a merge): rather than paying one call per node, the
   * adapter lists the group's whole subtree in one call. Lookups on the way to one node (opening,
   * writing) ask about one child per group and never trigger it.
   */
  private noteWalk(path: string): void {
    if (path === '/') return;
    const parent = parentOf(path);
    if (this.listed.has(parent)) return;
    const first = this.firstAsked.get(parent);
    if (first === undefined) this.firstAsked.set(parent, baseName(path));
    else if (first !== baseName(path)) this.listSubtree(parent);
  }

  /**
   * Lists everything below the group `path` in one HDF5 call and caches every child list. HDF5's
   * recursive listing does not enter soft links, so an entry with entries below it is a real
   * group, which {@link linkTarget} then answers without asking HDF5: that spares a scan two
   * calls per node.
   */
  private listSubtree(path: string): void {
    if (this.typeOf(path) !== 'group') return; // the caller's own question fails with its message
    const lists = new Map<string, string[]>([[path, []]]);
    for (const rel of mod().get_names(this.id(), path, true) as string[]) {
      const full = joinPath(path, rel);
      const parent = parentOf(full);
      let list = lists.get(parent);
      if (!list) lists.set(parent, (list = []));
      list.push(baseName(full));
    }
    for (const [group, list] of lists) {
      if (!this.childCache.has(group)) this.childCache.set(group, { list, set: new Set(list) });
      this.hardGroups.set(group, true);
      this.listed.set(group, true);
      this.firstAsked.delete(group);
    }
  }

  /** The target of a soft link at `path`, or null when `path` is not a soft link. */
  linkTarget(path: string): string | null {
    if (this.hardGroups.has(path)) return null; // created here, or listed with entries below it
    if (!this.exists(path)) return null; // h5wasm's link query fails loudly on missing names
    this.noteWalk(path);
    if (this.hardGroups.has(path)) return null; // the walk's listing found entries below it
    return mod().get_symbolic_link(this.id(), path) as string | null;
  }

  /** Creates a group; its parent must exist and the name must be free. */
  createGroup(path: string): void {
    this.assertWritable(path);
    if (this.exists(path)) this.fail('Cannot create a group: the name is taken', path);
    if (this.typeOf(parentOf(path)) !== 'group') this.fail('Cannot create a group: the parent group does not exist', path);
    this.check(mod().create_group(this.id(), path, false), 'create a group', path);
    this.noteChild(path, 'group', true);
    this.hardGroups.set(path, true);
    this.childCache.set(path, { list: [], set: new Set() });
    // A new node has no attributes: knowing it saves an HDF5 call per node when they are written.
    this.attrCache.set(path, { names: [], values: new Map() });
  }

  /** Creates every missing group along `path` (like `mkdir -p`). */
  ensureGroup(path: string): void {
    if (path === '/') return;
    const parent = parentOf(path);
    this.ensureGroup(parent);
    if (this.children(parent).set.has(baseName(path))) {
      if (this.typeOf(path) !== 'group') this.fail('Cannot create a group: a dataset or link has this name', path);
      return;
    }
    this.createGroup(path);
  }

  /** Creates a soft link at `path` pointing to the absolute path `target`. */
  createSoftLink(path: string, target: string): void {
    this.assertWritable(path);
    if (this.exists(path)) this.fail('Cannot create a link: the name is taken', path);
    this.check(mod().create_soft_link(this.id(), target, path), 'create a soft link', path);
    this.noteChild(path, 'link', false);
    this.typeCache.delete(path); // it reports its target's type; ask HDF5 when needed
  }

  // -------------------------------------------------------------------------------------------
  // Attributes

  private nodeAttrs(path: string): NodeAttrs {
    let a = this.attrCache.get(path);
    if (!a) {
      if (!this.exists(path)) this.fail('No such group or dataset', path);
      a = { names: mod().get_attribute_names(this.id(), path) as string[], values: new Map() };
      this.attrCache.set(path, a);
    }
    return a;
  }

  /** Names of the attributes of a node (read once, then cached). */
  attrNames(path: string): readonly string[] {
    return this.nodeAttrs(path).names;
  }

  /** Whether a node has an attribute. */
  hasAttr(path: string, name: string): boolean {
    return this.nodeAttrs(path).names.includes(name);
  }

  /** An attribute's raw value, or undefined when the node has no such attribute. */
  readAttr(path: string, name: string): H5Data | undefined {
    const a = this.nodeAttrs(path);
    let v = a.values.get(name);
    if (v === undefined && a.names.includes(name)) {
      v = this.readAttrUncached(path, name);
      a.values.set(name, v);
    }
    return v;
  }

  private readAttrUncached(path: string, name: string): H5Data {
    const M = mod();
    const meta = M.get_attribute_metadata(this.id(), path, name);
    const type = typeFromMeta(meta);
    if (!meta.shape) return { type, shape: null, bytes: new Uint8Array(0) };
    const nbytes = meta.size * meta.total_size;
    const ptr = M._malloc(Math.max(1, nbytes));
    try {
      M.get_attribute_data(this.id(), path, name, BigInt(ptr));
      const bytes = M.HEAPU8.slice(ptr, ptr + nbytes);
      if (isVariableLength(type)) {
        const strings = type.class === 'vlen' ? readVlenSequences(M, bytes, meta.total_size) : readVlenStrings(M, bytes, meta.total_size);
        M.reclaim_vlen_memory(this.id(), path, name, BigInt(ptr));
        return { type, shape: meta.shape, bytes: new Uint8Array(0), strings };
      }
      return { type, shape: meta.shape, bytes };
    } finally {
      M._free(ptr);
    }
  }

  /** Writes (or replaces) an attribute with an explicit type. */
  writeAttr(path: string, name: string, value: WriteData): void {
    this.assertWritable(path);
    const M = mod();
    const a = this.nodeAttrs(path);
    if (a.names.includes(name)) this.deleteAttr(path, name);
    const shape = value.shape.map(BigInt);
    if ('vlenStrings' in value) {
      const meta = { type: CLASS.STRING, size: 4, signed: false, vlen: true, littleEndian: true, cset: 1, shape, maxshape: shape };
      this.check(M.create_vlen_str_attribute(this.id(), path, name, value.vlenStrings, meta as never), `write attribute ${name}`, path);
    } else {
      const meta = { ...metaOf(value.type, `attribute ${name} of ${path}`), shape, maxshape: shape };
      const ptr = M._malloc(Math.max(1, value.data.length));
      try {
        M.HEAPU8.set(value.data, ptr);
        this.check(M.create_attribute(this.id(), path, name, BigInt(ptr), meta as never), `write attribute ${name}`, path);
      } finally {
        M._free(ptr);
      }
      a.values.set(name, { type: value.type, shape: value.shape, bytes: value.data });
    }
    a.names.push(name);
  }

  /** Deletes an attribute if it exists. */
  deleteAttr(path: string, name: string): void {
    this.assertWritable(path);
    const a = this.nodeAttrs(path);
    const i = a.names.indexOf(name);
    if (i < 0) return;
    this.check(mod().delete_attribute(this.id(), path, name), `delete attribute ${name}`, path);
    a.names.splice(i, 1);
    a.values.delete(name);
  }

  // -------------------------------------------------------------------------------------------
  // Datasets

  /** Type, shape and layout of a dataset (cached). */
  datasetInfo(path: string): DatasetInfo {
    let info = this.infoCache.get(path);
    if (!info) {
      if (this.typeOf(path) !== 'dataset') this.fail('No such dataset', path);
      const m = mod().get_dataset_metadata(this.id(), path);
      info = { type: typeFromMeta(m), shape: m.shape, maxshape: m.maxshape, chunks: m.chunks };
      this.infoCache.set(path, info);
    }
    return info;
  }

  /**
   * Reads a dataset, or rows `[start, end)` of its first dimension.
   * @example f.readDataset('/t/overview/runs', [10, 20]) // rows 10..19
   */
  readDataset(path: string, rows?: [number, number]): H5Data {
    const M = mod();
    const info = this.datasetInfo(path);
    const { type, shape } = info;
    if (!shape) return { type, shape: null, bytes: new Uint8Array(0) };
    let count: bigint[] | null = null;
    let offset: bigint[] | null = null;
    let outShape = shape;
    if (rows && shape.length > 0) {
      const start = Math.max(0, Math.min(rows[0], shape[0] ?? 0));
      const end = Math.max(start, Math.min(rows[1], shape[0] ?? 0));
      outShape = [end - start, ...shape.slice(1)];
      count = outShape.map(BigInt);
      offset = shape.map((_, i) => (i === 0 ? BigInt(start) : 0n));
    }
    const n = outShape.reduce((x, y) => x * y, 1);
    const nbytes = n * type.size;
    if (n === 0) return { type, shape: outShape, bytes: new Uint8Array(0), ...(isVariableLength(type) ? { strings: [] } : {}) };
    const ptr = M._malloc(nbytes);
    try {
      const strides = count ? count.map(() => 1n) : null;
      M.get_dataset_data(this.id(), path, count, offset, strides, BigInt(ptr));
      const bytes = M.HEAPU8.slice(ptr, ptr + nbytes);
      if (isVariableLength(type)) {
        const strings = type.class === 'vlen' ? readVlenSequences(M, bytes, n) : readVlenStrings(M, bytes, n);
        if (count) M.reclaim_vlen_memory_count(this.id(), path, '', BigInt(ptr), count);
        else M.reclaim_vlen_memory(this.id(), path, '', BigInt(ptr));
        return { type, shape: outShape, bytes: new Uint8Array(0), strings };
      }
      return { type, shape: outShape, bytes };
    } finally {
      M._free(ptr);
    }
  }

  /** h5wasm has no call that writes variable-length sequences, so this engine refuses them. */
  createByteSequences(path: string): void {
    this.fail('Variable-length byte sequences (pickled pandas columns) can be written only by the native engine, not by h5wasm', path);
  }

  /** Creates a dataset holding `value` (contiguous, or chunked when `layout.chunks` is given). */
  createDataset(path: string, value: WriteData, layout: DatasetLayout = {}): void {
    this.assertWritable(path);
    if ('vlenStrings' in value) this.fail('Variable-length string datasets are not written by h5traj', path);
    if (this.exists(path)) this.fail('Cannot create a dataset: the name is taken', path);
    if (this.typeOf(parentOf(path)) !== 'group') this.fail('Cannot create a dataset: the parent group does not exist', path);
    const M = mod();
    const shape = value.shape.map(BigInt);
    const meta = {
      ...metaOf(value.type, path),
      shape,
      maxshape: layout.maxshape ? layout.maxshape.map((d) => (d === null ? H5S_UNLIMITED : BigInt(d))) : shape,
      chunks: layout.chunks ? layout.chunks.map(BigInt) : null,
      compression: 0,
      compression_opts: [],
      track_order: false,
    };
    const ptr = M._malloc(Math.max(1, value.data.length));
    try {
      M.HEAPU8.set(value.data, ptr);
      this.check(M.create_dataset(this.id(), path, BigInt(ptr), meta as never), 'create a dataset', path);
    } finally {
      M._free(ptr);
    }
    this.noteChild(path, 'dataset', true);
    this.attrCache.set(path, { names: [], values: new Map() });
    this.infoCache.set(path, {
      type: value.type,
      shape: [...value.shape],
      maxshape: layout.maxshape ? layout.maxshape.map((d) => (d === null ? Infinity : d)) : [...value.shape],
      chunks: layout.chunks ? [...layout.chunks] : null,
    });
  }

  /** Overwrites rows `[start, start + count)` of a dataset's first dimension with encoded bytes. */
  writeRows(path: string, start: number, data: Uint8Array): void {
    this.assertWritable(path);
    const M = mod();
    const { type, shape } = this.datasetInfo(path);
    if (!shape || shape.length === 0) this.fail('Cannot write rows into a scalar dataset', path);
    const rowBytes = type.size * shape.slice(1).reduce((a, b) => a * b, 1);
    const count = data.length / rowBytes;
    if (!Number.isInteger(count) || start < 0 || start + count > (shape[0] ?? 0)) {
      this.fail(`Cannot write ${count} rows at row ${start}: the dataset has ${shape[0]} rows`, path);
    }
    if (count === 0) return;
    const ptr = M._malloc(data.length);
    try {
      M.HEAPU8.set(data, ptr);
      const c = [BigInt(count), ...shape.slice(1).map(BigInt)];
      const o = shape.map((_, i) => (i === 0 ? BigInt(start) : 0n));
      this.check(M.set_dataset_data(this.id(), path, c, o, c.map(() => 1n), BigInt(ptr)), 'write dataset rows', path);
    } finally {
      M._free(ptr);
    }
  }

  /** Changes the shape of a chunked dataset (within its maximum shape). */
  resize(path: string, shape: number[]): void {
    this.assertWritable(path);
    const info = this.datasetInfo(path);
    const max = info.maxshape ?? [];
    if (!info.chunks || shape.length !== max.length || shape.some((d, i) => d > (max[i] ?? 0))) {
      this.fail(`Cannot resize to [${shape.join(', ')}]: the dataset is not chunked or its maximum shape is smaller`, path);
    }
    this.check(mod().resize_dataset(this.id(), path, shape.map(BigInt)), 'resize a dataset', path);
    info.shape = [...shape];
  }
}

/** Copies variable-length byte sequences out of h5wasm's memory (`hvl_t`: 32-bit length, then pointer). */
function readVlenSequences(M: H5Mod, elements: Uint8Array, n: number): Buffer[] {
  const view = new DataView(elements.buffer, elements.byteOffset, elements.byteLength);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(i * 8, true);
    const p = view.getUint32(i * 8 + 4, true);
    out.push(len === 0 || p === 0 ? Buffer.alloc(0) : Buffer.from(M.HEAPU8.slice(p, p + len)));
  }
  return out;
}

/** Reads NUL-terminated strings from the wasm heap, given the pointers HDF5 wrote into `ptrs`. */
function readVlenStrings(M: H5Mod, ptrs: Uint8Array, n: number): Buffer[] {
  const view = new DataView(ptrs.buffer, ptrs.byteOffset, ptrs.byteLength);
  const heap = M.HEAPU8;
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const p = view.getUint32(i * 4, true);
    if (p === 0) {
      out.push(Buffer.alloc(0));
      continue;
    }
    let end = p;
    while (heap[end] !== 0) end++;
    out.push(Buffer.from(heap.slice(p, end)));
  }
  return out;
}
