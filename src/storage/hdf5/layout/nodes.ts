/**
 * Trajectory nodes in an HDF5 file (`docs/file-layout.md` §1, §4, §9, §10): groups and leaves with
 * their metadata (`SRVC_LEAF`, `SRVC_INIT_CLASS_NAME`, `SRVC_INIT_COMMENT`, `SRVC_ANNOTATED` +
 * `SRVC_AN_<key>`), soft links, a skeleton scan that reads no leaf data, and reading/writing a
 * leaf's data. Full names are dotted and relative to the trajectory group
 * (`results.runs.run_00000000.z` is `/<traj>/results/runs/run_00000000/z`).
 */
import { NotFoundError, StorageError } from '../../../errors.js';
import type { NDArray } from '../../../values/ndarray.js';
import type { TypedValue } from '../../../values/types.js';
import { type H5Data, type H5File, type WriteData, attrText, joinPath, parentOf, stringAttr } from '../engine/h5file.js';
import { F64, I64, I8, complexType, encodeElements, fixedString } from '../engine/h5types.js';
import { type ItemFilter, readItems, writeItem } from './items.js';
import { ORIGINAL_CLASS_ATTR, type ParameterData, readParameter, writeParameter } from './parameters.js';
import { decodePickle } from './pickle/decode.js';
import { encodePickle } from './pickle/encode.js';
import { describeValueType, encodeNDArray, recallValue, scalarH5Type, scalarToElement, unsupported } from './typemap.js';
import { maxOf } from '../../../fold.js';

export const LEAF = 'SRVC_LEAF';
export const CLASS_NAME = 'SRVC_INIT_CLASS_NAME';
export const COMMENT = 'SRVC_INIT_COMMENT';
export const ANNOTATED = 'SRVC_ANNOTATED';
export const ANNOTATION_PREFIX = 'SRVC_AN_';

/** Group classes pypet does not record (it knows them from the branch). */
const STANDARD_GROUPS = new Set(['NNGroupNode', 'ConfigGroup', 'ParameterGroup', 'DerivedParameterGroup', 'ResultGroup']);
const PROTOCOL = '__pckl_prtcl__';

/** A node found by {@link scanTree} (no leaf data). */
export interface NodeRecord {
  /** Dotted name relative to the trajectory, e.g. `results.runs.run_00000000.z`. */
  fullName: string;
  kind: 'group' | 'leaf' | 'link';
  /** `SRVC_INIT_CLASS_NAME` (leaves always; groups only for non-standard classes). */
  className?: string;
  comment: string;
  annotations: Record<string, TypedValue>;
  /** For links: the target's full name (or its HDF5 path when outside the trajectory). */
  linkTarget?: string;
}

/** A leaf's data, as read by {@link readLeaf} and written by {@link writeLeaf}. */
export type LeafData =
  | ({ kind: 'parameter' } & ParameterData)
  | { kind: 'result'; items: Record<string, TypedValue> };

/** HDF5 path of a node: `nodePath('t', 'results.z')` → `/t/results/z`; `''` is the trajectory group. */
export function nodePath(traj: string, fullName: string): string {
  if (fullName === '') return joinPath('/', traj);
  // By hand (split/join or replaceAll allocate several times the result): called per leaf of a scan.
  let path = joinPath('/', traj);
  let from = 0;
  for (let dot = fullName.indexOf('.'); ; dot = fullName.indexOf('.', from)) {
    const part = dot < 0 ? fullName.slice(from) : fullName.slice(from, dot);
    if (part !== '') path = `${path}/${part}`;
    if (dot < 0) return path;
    from = dot + 1;
  }
}

/** The trajectories in a file: the groups directly below `/`, in PyTables' (name) order. */
export function listTrajectories(f: H5File): string[] {
  return f.childNames('/').filter((n) => f.typeOf(`/${n}`) === 'group');
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** Reads the metadata of the group or leaf at `path`. */
export function readNodeRecord(f: H5File, path: string, fullName: string): NodeRecord {
  const names = f.attrNames(path);
  const rec: NodeRecord = {
    fullName,
    kind: names.includes(LEAF) ? 'leaf' : 'group',
    comment: names.includes(COMMENT) ? (attrText(f, path, COMMENT) ?? '') : '',
    annotations: readAnnotations(f, path, names),
  };
  // A present SRVC_LEAF marks a leaf: pypet only ever writes it as true, and reading its value
  // would add two HDF5 calls per leaf to every scan.
  const cls = names.includes(ORIGINAL_CLASS_ATTR) ? attrText(f, path, ORIGINAL_CLASS_ATTR) : names.includes(CLASS_NAME) ? attrText(f, path, CLASS_NAME) : undefined;
  if (cls !== undefined) rec.className = cls;
  return rec;
}

function readAnnotations(f: H5File, path: string, names: readonly string[]): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  if (!names.includes(ANNOTATED)) return out;
  const flag = f.readAttr(path, ANNOTATED);
  if (flag && flag.bytes.every((b) => b === 0)) return out; // pypet requires a true flag
  for (const name of names) {
    if (!name.startsWith(ANNOTATION_PREFIX)) continue;
    const key = name.slice(ANNOTATION_PREFIX.length);
    out[key] = attrToValue(f.readAttr(path, name)!, `annotation '${key}' of '${path}'`);
  }
  return out;
}

/**
 * An attribute as a typed value, the way PyTables hands it to pypet: UTF-8 strings (fixed or
 * variable length) are numpy `str_`, ASCII strings numpy `bytes_`, numbers numpy scalars
 * (`int64`, `float64`, b8 → `bool_`), and non-scalar attributes ndarrays.
 */
export function attrToValue(d: H5Data, where: string): TypedValue {
  const { type } = d;
  if (d.shape === null) return type.class === 'string' ? { value: '', type: { kind: 'scalar', scalar: 'str_' } } : unsupported(`${where} has no value`);
  const src = d.strings ? { elements: d.strings } : { bytes: d.bytes };
  if (type.class === 'string') {
    const utf8 = type.cset === 'utf8';
    if (d.shape.length > 0) return recallValue(type, d.shape, src, utf8 ? { scalar: 'str' } : {}, where);
    const scalar = utf8 ? 'str_' : 'bytes_';
    return recallValue(type, [], src, { coll: 'COLL_SCALAR', scalar }, where);
  }
  return recallValue(type, d.shape, src, d.shape.length === 0 ? { coll: 'COLL_SCALAR' } : {}, where);
}

/**
 * A text attribute as PyTables writes a Python `str`: fixed-length UTF-8, NUL-terminated, as
 * many bytes as the text. Two cases are variable-length instead, which PyTables reads back the
 * same (numpy `str_`): `''` (PyTables writes a NULL dataspace, which the engines cannot write)
 * and text ending in a space (h5wasm writes fixed strings space-padded, which loses it).
 */
function pytablesText(s: string): WriteData {
  if (s === '' || s.endsWith(' ')) return { vlenStrings: [s], shape: [] };
  const data = Buffer.from(s, 'utf8');
  return { type: { class: 'string', size: data.length, vlen: false, cset: 'utf8', pad: 'nullterm' }, shape: [], data };
}

/**
 * A typed value as an attribute, written as PyTables writes the Python value, so pypet reads
 * back what it reads from its own files: `str` and `str_` become numpy `str_` (as pypet's own
 * string annotations do), ints and floats numpy int64/float64; booleans become uint8 and lists
 * ndarrays (no HDF5 attribute type keeps them).
 * @throws StorageError for dicts, objects and other values an attribute cannot hold.
 */
export function valueToAttr(tv: TypedValue, where: string): WriteData {
  const t = tv.type;
  if (t.kind === 'scalar') {
    const s = t.scalar;
    if (s === 'str' || s === 'str_') return pytablesText(tv.value as string);
    if (s === 'bytes' || s === 'bytes_') {
      const b = tv.value as Buffer;
      return { type: fixedString(b.length), shape: [], data: b.length ? b : Buffer.alloc(1) };
    }
    const type = s === 'int' ? I64 : s === 'float' ? F64 : s === 'complex' ? complexType(8) : scalarH5Type(s, [tv.value], where, 'array');
    return { type, shape: [], data: encodeElements([scalarToElement(tv.value)], type, where) };
  }
  if ((t.kind === 'list' || t.kind === 'tuple') && t.scalar !== null) {
    const items = tv.value as unknown[];
    if (t.scalar === 'str' || t.scalar === 'str_') {
      const bufs = items.map((v) => Buffer.from(v as string, 'utf8'));
      const type = fixedString(maxOf(bufs, (b) => b.length, 1), 'utf8');
      return { type, shape: [items.length], data: encodeElements(bufs, type, where) };
    }
    const type = t.scalar === 'int' ? I64 : t.scalar === 'float' ? F64 : scalarH5Type(t.scalar, items, where, 'array');
    return { type, shape: [items.length], data: encodeElements(items.map(scalarToElement), type, where) };
  }
  if (t.kind === 'ndarray') {
    const enc = encodeNDArray(tv.value as NDArray, where);
    if (enc.recall.scalar === 'str') {
      // keep the UTF-8 cset so the attribute reads back as text
      return { type: fixedString(enc.type.size, 'utf8'), shape: enc.shape, data: enc.data };
    }
    return { type: enc.type, shape: enc.shape, data: enc.data };
  }
  if (t.kind === 'list' || t.kind === 'tuple') return { type: F64, shape: [0], data: new Uint8Array(0) };
  throw new StorageError(`${where} is ${describeValueType(t)}, which cannot be stored as an HDF5 attribute.`);
}

/** Metadata of a node to write. */
export interface NodeMeta {
  comment?: string;
  annotations?: Record<string, TypedValue>;
  /** Recorded for leaves; for groups only when not one of pypet's standard group classes. */
  className?: string;
}

const FLAG: WriteData = { type: I8, shape: [], data: new Uint8Array([1]) }; // b8 cannot be written

function writeMeta(f: H5File, path: string, meta: NodeMeta, where: string, skipComment = false): void {
  const names = f.attrNames(path);
  const comment = meta.comment ?? '';
  if (comment !== '' && !skipComment) {
    if (attrText(f, path, COMMENT) !== comment) f.writeAttr(path, COMMENT, stringAttr(comment));
  } else if (comment === '' && names.includes(COMMENT)) {
    f.deleteAttr(path, COMMENT);
  }
  writeAnnotationAttrs(f, path, names, Object.entries(meta.annotations ?? {}), where);
}

function writeAnnotationAttrs(f: H5File, path: string, names: readonly string[], annotations: [string, TypedValue][], where: string): void {
  for (const stale of names.filter((n) => n.startsWith(ANNOTATION_PREFIX))) {
    if (!annotations.some(([k]) => ANNOTATION_PREFIX + k === stale)) f.deleteAttr(path, stale);
  }
  if (annotations.length === 0) {
    if (names.includes(ANNOTATED)) f.deleteAttr(path, ANNOTATED);
    return;
  }
  if (!names.includes(ANNOTATED)) f.writeAttr(path, ANNOTATED, FLAG);
  for (const [k, tv] of annotations) f.writeAttr(path, ANNOTATION_PREFIX + k, valueToAttr(tv, `${where}: annotation '${k}'`));
}

/** Replaces the annotations of a stored node (group or leaf), leaving everything else as it is. */
export function writeNodeAnnotations(f: H5File, traj: string, fullName: string, annotations: [string, TypedValue][]): void {
  const path = nodePath(traj, fullName);
  writeAnnotationAttrs(f, path, f.attrNames(path), annotations, `'${fullName}'`);
}

/**
 * Creates (if needed) the group `fullName` and its parents, and writes its comment, annotations
 * and (non-standard) class name. `fullName` `''` is the trajectory group itself.
 */
export function writeGroupNode(f: H5File, traj: string, fullName: string, meta: NodeMeta = {}): void {
  const path = nodePath(traj, fullName);
  f.ensureGroup(path);
  const where = fullName === '' ? `trajectory '${traj}'` : `group '${fullName}'`;
  writeMeta(f, path, meta, where);
  if (meta.className && !STANDARD_GROUPS.has(meta.className) && attrText(f, path, CLASS_NAME) !== meta.className) {
    f.writeAttr(path, CLASS_NAME, stringAttr(meta.className));
  }
}

/** Writes a soft link `fullName` → `target` (both full names in the trajectory). */
export function writeLink(f: H5File, traj: string, fullName: string, target: string): void {
  const path = nodePath(traj, fullName);
  f.ensureGroup(parentOf(path));
  f.createSoftLink(path, nodePath(traj, target));
}

// ---------------------------------------------------------------------------------------------
// Skeleton scan

/** Options of {@link scanTree}. */
export interface ScanOptions {
  /** Groups (full names) listed themselves but not descended into (their children stay in storage). */
  deferred?: ReadonlySet<string>;
  /** Only these children of `under` (and what is below them). */
  names?: readonly string[];
}

/**
 * Lists the nodes below `under` (a full name; `''` = the whole trajectory), recursively or one
 * level deep, without reading leaf data: groups, leaves (class, comment, annotations) and soft
 * links. Children come in HDF5 name order, parents before children; `overview` is skipped.
 * @throws NotFoundError when `under` is not a group of the trajectory.
 * @example scanTree(f, 'my_traj', 'results.runs', true)
 */
export function scanTree(f: H5File, traj: string, under = '', recursive = true, options: ScanOptions = {}): NodeRecord[] {
  const root = nodePath(traj, under);
  if (f.typeOf(root) !== 'group') {
    throw new NotFoundError(`'${under || traj}' is not a group of trajectory '${traj}' in '${f.path}'.`, { file: f.path, path: under });
  }
  const out: NodeRecord[] = [];
  const trajRoot = nodePath(traj, '');
  const visit = (path: string, prefix: string, names: readonly string[]) => {
    for (const name of names) {
      if (path === trajRoot && name === 'overview') continue;
      const child = joinPath(path, name);
      const fullName = prefix ? `${prefix}.${name}` : name;
      const target = f.linkTarget(child);
      if (target !== null) {
        out.push({ fullName, kind: 'link', comment: '', annotations: {}, linkTarget: toFullName(traj, target) });
        continue;
      }
      // Attributes first: a leaf needs no type check (only groups carry SRVC_LEAF), which saves
      // one HDF5 call per leaf; anything else must be a group to be a node (pypet skips datasets).
      if (!f.attrNames(child).includes(LEAF) && f.typeOf(child) !== 'group') continue;
      const rec = readNodeRecord(f, child, fullName);
      out.push(rec);
      if (rec.kind === 'group' && recursive && !options.deferred?.has(fullName)) visit(child, fullName, f.childNames(child));
    }
  };
  visit(root, under, options.names ?? f.childNames(root));
  return out;
}

/**
 * A text that is equal for two stored subtrees exactly when their nodes are: every name below
 * `fullName` with its kind (group, leaf class, link target), in order, without descending into
 * leaves (their children are items, not nodes). Undefined when nothing is stored there. Two
 * subtrees with the same signature resolve every name and shortcut the same way.
 */
export function subtreeSignature(f: H5File, traj: string, fullName: string): string | undefined {
  const root = nodePath(traj, fullName);
  if (f.typeOf(root) !== 'group' || f.linkTarget(root) !== null) return undefined;
  const parts: string[] = [];
  const visit = (path: string, prefix: string): void => {
    for (const name of f.childNames(path)) {
      const child = joinPath(path, name);
      const target = f.linkTarget(child);
      if (target !== null) {
        parts.push(`${prefix}${name}->${target}`);
        continue;
      }
      if (f.hasAttr(child, LEAF)) {
        parts.push(`${prefix}${name}:${attrText(f, child, CLASS_NAME) ?? ''}`);
      } else if (f.typeOf(child) === 'group') {
        parts.push(`${prefix}${name}/`);
        visit(child, `${prefix}${name}.`);
      } else {
        parts.push(`${prefix}${name}?`);
      }
    }
  };
  visit(root, '');
  return parts.join('\n');
}

function toFullName(traj: string, target: string): string {
  const prefix = `/${traj}/`;
  return target.startsWith(prefix) ? target.slice(prefix.length).split('/').join('.') : target;
}

// ---------------------------------------------------------------------------------------------
// Leaf data

/** Whether a class is a parameter class (by pypet's naming), else by branch. */
function isParameterClass(className: string, fullName: string): boolean {
  if (className.endsWith('Parameter')) return true;
  if (className.endsWith('Result')) return false;
  return !fullName.startsWith('results.') && fullName !== 'results';
}

/**
 * Reads the data of the leaf `fullName` of class `className` (as {@link scanTree} reported it) at HDF5 path `path`.
 * Values that cannot be read are `unsupported` typed values, never errors.
 * @example readLeaf(f, 't', 'results.runs.run_00000000.z', 'Result', { loadOnly: ['z'] })
 */
export function readLeaf(f: H5File, traj: string, fullName: string, className: string, filter: ItemFilter = {}, path = nodePath(traj, fullName)): LeafData {
  // exists(), not typeOf(): after a scan the parent's child list answers it without HDF5
  if (!f.exists(path)) {
    throw new NotFoundError(`The leaf '${fullName}' of trajectory '${traj}' is not in '${f.path}'.`, { file: f.path, path: fullName });
  }
  const where = `'${fullName}'`;
  if (isParameterClass(className, fullName)) return { kind: 'parameter', ...readParameter(f, path, className, where) };
  if (className === 'PickleResult') {
    const items: Record<string, TypedValue> = {};
    for (const [key, raw] of Object.entries(readItems(f, path, filter, new Set([PROTOCOL])))) {
      items[key] = Buffer.isBuffer(raw.value) ? decodePickle(raw.value) : raw;
    }
    return { kind: 'result', items };
  }
  return { kind: 'result', items: readItems(f, path, filter) };
}

/** A leaf to write. `data` undefined writes only the metadata (an empty leaf). */
export interface LeafWrite extends NodeMeta {
  className: string;
  data?: LeafData;
}

/** Options of {@link writeLeaf}. */
export interface WriteLeafOptions {
  /** Leave out the comment (pypet's `purge_duplicate_comments`: only the first leaf keeps it). */
  skipComment?: boolean;
}

/**
 * Writes a leaf: its group (and missing parents), `SRVC_LEAF`, class name, comment, annotations
 * and data. Result items can be added to a stored result; anything already on disk cannot be
 * replaced (h5wasm cannot delete HDF5 objects).
 * @throws StorageError naming the leaf when data is already stored or cannot be stored.
 */
export function writeLeaf(f: H5File, traj: string, fullName: string, leaf: LeafWrite, options: WriteLeafOptions = {}): void {
  const path = nodePath(traj, fullName);
  const where = `'${fullName}'`;
  const existed = f.exists(path);
  if (!existed) {
    f.ensureGroup(parentOf(path));
    f.createGroup(path);
  } else if (f.typeOf(path) !== 'group') {
    throw new StorageError(`Cannot store the leaf ${where}: something else has this name in '${f.path}'.`, { file: f.path, path: fullName });
  }
  let className = leaf.className;
  let original: string | undefined;
  const data = leaf.data;
  if (data?.kind === 'parameter') {
    if (existed && f.childNames(path).length > 0) {
      throw new StorageError(`The parameter ${where} is already stored in '${f.path}'; HDF5 nodes cannot be replaced with h5wasm (write a new file instead).`, { file: f.path, path: fullName });
    }
    ({ className, originalClass: original } = writeParameter(f, path, className, data, where));
  } else if (data?.kind === 'result') {
    writeResultItems(f, path, className, data.items, where);
  }
  if (!existed || !f.hasAttr(path, LEAF)) f.writeAttr(path, LEAF, FLAG);
  if (attrText(f, path, CLASS_NAME) !== className) f.writeAttr(path, CLASS_NAME, stringAttr(className));
  if (original !== undefined) f.writeAttr(path, ORIGINAL_CLASS_ATTR, stringAttr(original));
  writeMeta(f, path, leaf, where, options.skipComment);
}

function writeResultItems(f: H5File, path: string, className: string, items: Record<string, TypedValue>, where: string): void {
  const taken = Object.keys(items).filter((k) => !k.includes('.') && f.exists(joinPath(path, k)));
  if (taken.length > 0) {
    throw new StorageError(`The result ${where} already has the items ${taken.join(', ')} in '${f.path}'; HDF5 nodes cannot be replaced with h5wasm.`, { file: f.path });
  }
  if (className !== 'PickleResult') {
    for (const [name, tv] of Object.entries(items)) writeItem(f, path, name, tv, `${where}: item '${name}'`);
    return;
  }
  const protocol = 2;
  for (const [name, tv] of Object.entries(items)) {
    const bytes = encodePickle(tv.value, protocol, tv.type);
    writeItem(f, path, name, { value: bytes, type: { kind: 'scalar', scalar: 'bytes' } }, `${where}: item '${name}'`);
  }
  if (!f.exists(joinPath(path, PROTOCOL))) writeItem(f, path, PROTOCOL, { value: protocol, type: { kind: 'scalar', scalar: 'int' } }, where);
}
