/**
 * Copying HDF5 objects — groups, datasets, their attributes and soft links — from one open file
 * to another (or within one), under a new path. h5wasm has no `H5Ocopy`, so every object is read
 * and created again: datasets keep their type, shape, chunk layout and raw bytes; attributes keep
 * their type and bytes; soft links keep (or map) their target.
 *
 * What h5wasm cannot create is converted, never silently dropped:
 * - bitfields (PyTables' booleans, e.g. `SRVC_LEAF`) become unsigned integers of the same size —
 *   the same bytes, and what h5traj's own writer uses for booleans (a boolean array also gets the
 *   hint `SRVC_DATA_SCALAR_TYPE = bool`, as h5traj writes it);
 * - enums become their integer base type;
 * - attributes with a NULL dataspace (PyTables' empty `TITLE`) are left out; PyTables reads a
 *   missing title as the same empty string;
 * - compression filters are not reproduced (h5wasm's writer sets no filters), so copied pypet
 *   data is stored uncompressed.
 * Types with no such conversion (HDF5 array members, variable-length data in datasets, references)
 * raise a {@link StorageError} naming the object; a write transaction then leaves the file as it was.
 * A destination on the native engine creates bitfields and array members itself, so they are
 * copied unchanged there.
 */
import { StorageError } from '../../../errors.js';
import { type H5Data, type H5File, type WriteData, joinPath, parentOf, stringAttr } from '../engine/h5file.js';
import { type H5Type, describeH5Type } from '../engine/h5types.js';

/** The attribute marking a pypet leaf group; pypet never puts soft links inside a leaf. */
const LEAF_ATTR = 'SRVC_LEAF';
/** pypet's storage kind of a data item, and its scalar-type hint. */
const STORE = 'SRVC_STORE';
const DATA_SCALAR_TYPE = 'SRVC_DATA_SCALAR_TYPE';

/** Above this many bytes a dataset is copied in blocks of rows, so memory stays bounded. */
const BLOCK_BYTES = 64 * 1024 * 1024;

/** Maximum shapes at or above this are HDF5's "unlimited". */
const UNLIMITED = 2 ** 63;

/** Options of {@link copyTree}. */
export interface CopyOptions {
  /**
   * New target of a soft link found in the copy (its stored target, an absolute HDF5 path).
   * Returning undefined leaves the link out. By default targets are kept as they are.
   */
  mapLink?: (target: string, srcPath: string) => string | undefined;
  /** Source paths to leave out, with everything below them. */
  skip?: (srcPath: string) => boolean;
  /**
   * Whether to copy into a group that already exists at the destination (its attributes are kept;
   * missing children are added). Default false: an existing destination is an error.
   */
  mergeInto?: boolean;
}

/** What a copy created (for summaries and benchmarks). */
export interface CopyStats {
  groups: number;
  datasets: number;
  links: number;
  attributes: number;
  /** Raw data bytes of the copied datasets. */
  bytes: number;
}

/** Fresh, zeroed copy statistics. */
export function newCopyStats(): CopyStats {
  return { groups: 0, datasets: 0, links: 0, attributes: 0, bytes: 0 };
}

/**
 * The type h5wasm can create for data of type `t` with the same bytes, or undefined when there is
 * none (array members, variable-length and other classes). With `shaped` (a destination engine
 * that creates array members and bitfields, {@link H5File.writesShapedColumns}) those stay as
 * they are: a plain Parameter's array column and PyTables' booleans are copied unchanged.
 */
export function writableType(t: H5Type, shaped = false): H5Type | undefined {
  switch (t.class) {
    case 'int':
    case 'float':
      return t;
    case 'string':
      return t;
    case 'bitfield':
      return shaped ? t : { class: 'int', size: t.size, signed: false };
    case 'array': {
      const base = shaped ? writableType(t.base, shaped) : undefined;
      return base && !(base.class === 'string' && base.vlen) ? { ...t, base } : undefined;
    }
    case 'enum':
      return { class: 'int', size: t.size, signed: t.signed };
    case 'compound': {
      const members = [];
      for (const m of t.members) {
        const type = writableType(m.type, shaped);
        if (!type || (type.class === 'string' && type.vlen)) return undefined;
        members.push({ ...m, type });
      }
      return { ...t, members };
    }
    default:
      return undefined;
  }
}

/** The part of a type h5wasm cannot create, described (e.g. `array[3] of int64` in a compound). */
function blocker(t: H5Type, shaped: boolean): string {
  if (t.class === 'compound') {
    const m = t.members.find((x) => writableType(x.type, shaped) === undefined || (x.type.class === 'string' && x.type.vlen));
    if (m) return `${describeH5Type(t)} (column '${m.name}' is ${blocker(m.type, shaped)})`;
  }
  return describeH5Type(t);
}

function unwritable(f: H5File, dst: H5File, path: string, t: H5Type, what: string): never {
  const engine = dst.writesShapedColumns ? 'the native engine' : 'h5wasm';
  throw new StorageError(
    `Cannot copy ${what} '${path}' of '${f.path}': ${engine} cannot create HDF5 ${blocker(t, dst.writesShapedColumns)} data.`,
    { file: f.path, path },
  );
}

/** An attribute as data to write again, or undefined for one that cannot exist in a new file. */
function attributeToWrite(src: H5File, dst: H5File, path: string, name: string, d: H5Data): WriteData | undefined {
  if (d.shape === null) return undefined; // NULL dataspace: h5wasm cannot create it (see module note)
  if (d.strings) return { vlenStrings: d.strings.map((b) => b.toString('utf8')), shape: d.shape };
  const type = writableType(d.type, dst.writesShapedColumns);
  if (!type || (type.class === 'string' && type.vlen)) unwritable(src, dst, `${path}@${name}`, d.type, 'the attribute');
  return { type, shape: d.shape, data: d.bytes };
}

/** Copies every attribute of `srcPath` onto `dstPath` (replacing same-named ones). */
export function copyAttributes(src: H5File, srcPath: string, dst: H5File, dstPath: string, stats: CopyStats = newCopyStats()): void {
  for (const name of src.attrNames(srcPath)) {
    const value = attributeToWrite(src, dst, srcPath, name, src.readAttr(srcPath, name)!);
    if (!value) continue;
    dst.writeAttr(dstPath, name, value);
    stats.attributes++;
  }
}

/**
 * Copies one dataset (type, shape, chunking, raw bytes and attributes). Datasets larger than
 * 64 MiB are copied in blocks of rows into a chunked dataset, so memory stays bounded.
 * @throws StorageError when the destination exists or the type cannot be created.
 */
export function copyDataset(src: H5File, srcPath: string, dst: H5File, dstPath: string, stats: CopyStats = newCopyStats()): void {
  const info = src.datasetInfo(srcPath);
  if (!info.shape) unwritable(src, dst, srcPath, info.type, 'the dataset (NULL dataspace)');
  const type = writableType(info.type, dst.writesShapedColumns);
  if (!type || (type.class === 'string' && type.vlen)) unwritable(src, dst, srcPath, info.type, 'the dataset');
  const shape = info.shape;
  const maxshape = info.maxshape?.map((m) => (m >= UNLIMITED ? null : m)) ?? shape;
  const layout = info.chunks ? { chunks: [...info.chunks], maxshape } : {};
  const elements = shape.reduce((a, b) => a * b, 1);
  const total = elements * type.size;
  if (total <= BLOCK_BYTES || shape.length === 0) {
    const data = src.readDataset(srcPath).bytes;
    dst.createDataset(dstPath, { type, shape, data }, layout);
  } else {
    const rowBytes = (total / (shape[0] ?? 1)) || 1;
    const block = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
    const rows = shape[0] ?? 0;
    const first = src.readDataset(srcPath, [0, Math.min(block, rows)]);
    const chunks = info.chunks ? [...info.chunks] : [Math.min(block, rows), ...shape.slice(1)];
    dst.createDataset(dstPath, { type, shape: first.shape ?? [], data: first.bytes }, { chunks, maxshape: [null, ...maxshape.slice(1)] });
    for (let at = block; at < rows; at += block) {
      const part = src.readDataset(srcPath, [at, Math.min(at + block, rows)]);
      dst.resize(dstPath, [at + (part.shape?.[0] ?? 0), ...shape.slice(1)]);
      dst.writeRows(dstPath, at, part.bytes);
    }
  }
  stats.datasets++;
  stats.bytes += total;
  copyAttributes(src, srcPath, dst, dstPath, stats);
  if (info.type.class === 'bitfield' && type.class !== 'bitfield' && src.hasAttr(srcPath, STORE) && !src.hasAttr(srcPath, DATA_SCALAR_TYPE)) {
    // A pypet boolean array, now unsigned bytes: say so, as h5traj's writer does.
    dst.writeAttr(dstPath, DATA_SCALAR_TYPE, stringAttr('bool'));
  }
}

/**
 * Creates the missing groups along `dstPath`, each with the attributes of its counterpart along
 * `srcPath` (the two paths are matched from their ends; levels with no counterpart get none).
 * Existing groups are left as they are.
 */
export function ensureGroupLike(src: H5File, srcPath: string, dst: H5File, dstPath: string, stats: CopyStats = newCopyStats()): void {
  if (dstPath === '/' || dst.exists(dstPath)) return;
  ensureGroupLike(src, srcPath === '/' ? '/' : parentOf(srcPath), dst, parentOf(dstPath), stats);
  dst.createGroup(dstPath);
  stats.groups++;
  if (srcPath !== '/' && src.typeOf(srcPath) === 'group') copyAttributes(src, srcPath, dst, dstPath, stats);
}

/**
 * Copies the object at `srcPath` of `src` — a group with everything below it, a dataset, or a
 * soft link — to `dstPath` of `dst` (which may be the same file). The destination's parent must
 * exist. Soft links are copied as links (see {@link CopyOptions.mapLink}); children of pypet leaf
 * groups are data, never links, which saves one HDF5 call per item.
 * @returns the statistics, added to `stats` if given.
 * @example copyTree(b, '/shard/results/runs/run_00000000', a, '/traj/results/runs/run_00000500')
 */
export function copyTree(src: H5File, srcPath: string, dst: H5File, dstPath: string, options: CopyOptions = {}, stats: CopyStats = newCopyStats()): CopyStats {
  copyNode(src, srcPath, dst, dstPath, options, stats, true);
  return stats;
}

function copyNode(src: H5File, srcPath: string, dst: H5File, dstPath: string, options: CopyOptions, stats: CopyStats, mayBeLink: boolean): void {
  if (options.skip?.(srcPath)) return;
  if (mayBeLink) {
    const target = src.linkTarget(srcPath);
    if (target !== null) {
      const mapped = options.mapLink ? options.mapLink(target, srcPath) : target;
      if (mapped === undefined) return;
      if (dst.exists(dstPath)) {
        if (options.mergeInto && dst.linkTarget(dstPath) === mapped) return;
        throw new StorageError(`Cannot copy the link '${srcPath}': '${dstPath}' already exists in '${dst.path}'.`, { file: dst.path, path: dstPath });
      }
      dst.createSoftLink(dstPath, mapped);
      stats.links++;
      return;
    }
  }
  const type = src.typeOf(srcPath);
  if (type === 'dataset') {
    if (dst.exists(dstPath)) {
      throw new StorageError(`Cannot copy the dataset '${srcPath}': '${dstPath}' already exists in '${dst.path}'.`, { file: dst.path, path: dstPath });
    }
    copyDataset(src, srcPath, dst, dstPath, stats);
    return;
  }
  if (type !== 'group') {
    throw new StorageError(`Cannot copy '${srcPath}' of '${src.path}': it is ${type === 'missing' ? 'missing' : `an HDF5 ${type}`}.`, { file: src.path, path: srcPath });
  }
  if (dst.exists(dstPath)) {
    if (!options.mergeInto || dst.typeOf(dstPath) !== 'group') {
      throw new StorageError(`Cannot copy the group '${srcPath}': '${dstPath}' already exists in '${dst.path}'.`, { file: dst.path, path: dstPath });
    }
  } else {
    dst.createGroup(dstPath);
    stats.groups++;
    copyAttributes(src, srcPath, dst, dstPath, stats);
  }
  const inLeaf = !mayBeLink || src.hasAttr(srcPath, LEAF_ATTR);
  for (const name of src.childNames(srcPath)) {
    copyNode(src, joinPath(srcPath, name), dst, joinPath(dstPath, name), options, stats, !inLeaf);
  }
}
