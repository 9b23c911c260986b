/**
 * Parameter leaves in pypet's layouts (`docs/file-layout.md` §5, §6):
 *
 * - `Parameter`: table `data` (one row, column `data`) and, when explored, table `explored_data`
 *   (one row per run).
 * - `ArrayParameter`: Array `data__rr__`; explored arrays, each distinct one stored once, under
 *   `explored__rr__/set_<n/1000>/xa_<n>`, and table `explored_data__rr__` (column `idx`) giving
 *   the array of each run. Scalars fall back to the `Parameter` layout.
 * - `PickleParameter`: the pickle bytes in `data` plus `__pckl_prtcl__`; explored values in
 *   `xp_<n>` with table `explored_data` (column `idx`).
 *
 * Lists, tuples and arrays in a plain `Parameter` are table cells of an HDF5 *array* member type
 * in pypet's files (`layout/array-column.ts`), and h5traj writes them so with the native engine.
 * Where that layout cannot hold the value — h5wasm cannot create array member types, and pypet's
 * table cannot hold an empty value, a 0-d array or explored values of different shapes (pypet
 * refuses those) — h5traj writes the ArrayParameter layout with class name `ArrayParameter`
 * (pypet's ArrayParameter loads exactly the same value and range) and records the original class
 * in `H5TRAJ_CLASS_NAME`, which h5traj reads back and pypet ignores.
 */
import { StorageError } from '../../../errors.js';
import { isTuple } from '../../../values/markers.js';
import { NDArray } from '../../../values/ndarray.js';
import { jsonReplacer } from '../../../values/text.js';
import type { TypedValue } from '../../../values/types.js';
import { type H5File, attrText, joinPath, parentOf, stringAttr } from '../engine/h5file.js';
import { type H5Type, I32, I64, encodeElements, fixedString } from '../engine/h5types.js';
import { readDataChild, writeDataChild } from './items.js';
import { decodePickle } from './pickle/decode.js';
import { encodePickle } from './pickle/encode.js';
import { type ArrayColumn, arrayColumn, isArrayValued } from './array-column.js';
import { appendTableRows, createTable, readTable, readTableColumns, tableColumns, tableRows } from './table.js';
import { DATA_COLL_TYPE, DATA_SCALAR_TYPE, STORE, columnAttr, recallColumn, recallName, recallTextColumn, scalarH5Type, scalarToElement, unsupported } from './typemap.js';

/** A parameter's data: its default value and, when explored, the value of every run. */
export interface ParameterData {
  value: TypedValue;
  range?: TypedValue[];
  /**
   * Writing: the explored values as they are, each of `value`'s type, instead of `range` (see
   * {@link typedRange}). A million-run parameter's range as TypedValues was a million wrapper
   * objects, ~50 MB of heap live while the first store wrote it (issue 13: V8 then let the heap
   * grow to several times that for the rest of the exploration).
   */
  rangeValues?: readonly unknown[];
  /** The pickle protocol of a PickleParameter. */
  protocol?: number;
  /** The leaf has no data (pypet's empty parameter, `f_add_parameter('p')`); `value` is then None. */
  empty?: true;
}

/** The explored values as TypedValues (from `range`, or `rangeValues` with the default's type); undefined when not explored. */
function typedRange(data: ParameterData): TypedValue[] | undefined {
  return data.range ?? data.rangeValues?.map((value) => ({ value, type: data.value.type }));
}

/** The explored values themselves; undefined when not explored. */
function rangeValuesOf(data: ParameterData): readonly unknown[] | undefined {
  return data.rangeValues ?? data.range?.map((r) => r.value);
}

/** Attribute recording the class h5traj was asked to store when the file says another one. */
export const ORIGINAL_CLASS_ATTR = 'H5TRAJ_CLASS_NAME';
/** ArrayParameter's name suffix. */
const RR = '__rr__';
const PROTOCOL = '__pckl_prtcl__';

const EMPTY: TypedValue = { value: null, type: { kind: 'none' } };

const xaPath = (leaf: string, n: number) =>
  joinPath(leaf, `explored${RR}`, `set_${String(Math.floor(n / 1000)).padStart(5, '0')}`, `xa_${String(n).padStart(8, '0')}`);
const xpName = (n: number) => `xp_${String(n).padStart(8, '0')}`;

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Reads the data of the parameter leaf group at `leafPath`. The layout on disk decides how
 * (`className` only singles out pickles); a parameter without data has value type `none`.
 */
export function readParameter(f: H5File, leafPath: string, className: string, where: string): ParameterData {
  const children = new Set(f.childNames(leafPath));
  if (className === 'PickleParameter') return readPickleParameter(f, leafPath, children, where);
  if (className === 'SparseParameter' || children.has(`data__spsp__`)) {
    return { value: unsupported(`${where} is a SparseParameter (a scipy sparse matrix), which h5traj cannot read`, 'scipy.sparse') };
  }
  if (children.has(`data${RR}`)) {
    const value = readDataChild(f, joinPath(leafPath, `data${RR}`), where);
    if (!children.has(`explored_data${RR}`)) return { value };
    const cache = new Map<number, TypedValue>();
    const range = readIdxColumn(f, joinPath(leafPath, `explored_data${RR}`)).map((n, run) => {
      let tv = cache.get(n);
      if (!tv) {
        const p = xaPath(leafPath, n);
        tv = f.typeOf(p) === 'dataset' ? readDataChild(f, p, `${where} (run ${run})`) : unsupported(`${where}: the array of run ${run} is missing`);
        cache.set(n, tv);
      }
      return tv;
    });
    return { value, range };
  }
  if (!children.has('data')) return { value: EMPTY, empty: true };
  const dataPath = joinPath(leafPath, 'data');
  if (attrText(f, dataPath, STORE) !== 'TABLE') return { value: readDataChild(f, dataPath, where) };
  const value = readColumnCells(f, dataPath, where)[0] ?? EMPTY;
  if (!children.has('explored_data')) return { value };
  return { value, range: readColumnCells(f, joinPath(leafPath, 'explored_data'), where) };
}

function readColumnCells(f: H5File, path: string, where: string): TypedValue[] {
  const member = tableColumns(f, path).find((m) => m.name === 'data');
  if (!member) return [unsupported(`${where}: the table '${path}' has no column 'data'`)];
  const recall = { coll: attrText(f, path, columnAttr('data', 'COLL_TYPE')), scalar: attrText(f, path, columnAttr('data', 'SCALAR_TYPE')) };
  // Text straight from the table's bytes: a million runs' cells as Buffers would cost ~150 MB.
  const text = recallTextColumn(() => readTableColumns(f, path).text('data'), member.type, recall);
  if (text) return text;
  const t = readTable(f, path);
  return recallColumn(t.columns.data ?? [], member.type, recall, (i) => (t.nrows > 1 ? `${where} (run ${i})` : where));
}

function readIdxColumn(f: H5File, path: string): number[] {
  const t = readTable(f, path);
  const col = t.columns.idx;
  if (!col) throw new StorageError(`The table '${path}' in '${f.path}' has no column 'idx'.`, { file: f.path, path });
  return col.map(Number);
}

function readPickle(f: H5File, path: string, where: string): TypedValue {
  if (f.typeOf(path) !== 'dataset') return unsupported(`${where}: the pickle '${path}' is missing`);
  const d = f.readDataset(path);
  // The whole fixed-size buffer: pickles contain NULs (and decodePickle stops at STOP).
  const bytes = d.strings?.[0] ?? Buffer.from(d.bytes);
  return decodePickle(bytes);
}

function readPickleParameter(f: H5File, leafPath: string, children: Set<string>, where: string): ParameterData {
  const out: ParameterData = children.has('data') ? { value: readPickle(f, joinPath(leafPath, 'data'), where) } : { value: EMPTY, empty: true };
  if (children.has(PROTOCOL)) {
    const p = readDataChild(f, joinPath(leafPath, PROTOCOL), where);
    if (typeof p.value === 'number') out.protocol = p.value;
  }
  if (children.has('explored_data')) {
    const cache = new Map<number, TypedValue>();
    out.range = readIdxColumn(f, joinPath(leafPath, 'explored_data')).map((n, run) => {
      let tv = cache.get(n);
      if (!tv) cache.set(n, (tv = readPickle(f, joinPath(leafPath, xpName(n)), `${where} (run ${run})`)));
      return tv;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a parameter's data into the (new, empty) leaf group at `leafPath` and returns the class
 * name to record in `SRVC_INIT_CLASS_NAME` (see the module note on lists in plain Parameters).
 * @throws StorageError naming `where` for values a parameter cannot hold.
 */
export function writeParameter(f: H5File, leafPath: string, className: string, data: ParameterData, where: string): { className: string; originalClass?: string } {
  if (className === 'PickleParameter') {
    writePickleParameter(f, leafPath, data, where);
    return { className };
  }
  const { value } = data;
  const kind = value.type.kind;
  if (isArrayValued(value)) {
    if (className === 'Parameter' && f.writesShapedColumns) {
      const cell = arrayColumn([value], where);
      const range = typedRange(data);
      const cells = range && arrayColumn(range, `${where} (its explored values)`);
      if ('cells' in cell && (cells === undefined || 'cells' in cells)) {
        writeCellTable(f, joinPath(leafPath, 'data'), cell);
        if (cells) writeCellTable(f, joinPath(leafPath, 'explored_data'), cells);
        return { className };
      }
    }
    writeArrayLayout(f, leafPath, data, where);
    return className === 'Parameter' ? { className: 'ArrayParameter', originalClass: className } : { className };
  }
  if (kind === 'none') return { className };
  if (value.type.kind !== 'scalar') {
    throw new StorageError(`${where} holds ${kind === 'dict' ? 'a dict' : `a value of kind ${kind}`}; a ${className} holds scalars, lists, tuples or arrays (use a PickleParameter).`, { file: f.path });
  }
  const scalar = value.type.scalar;
  writeColumnTable(f, joinPath(leafPath, 'data'), [value.value], scalar, where);
  const values = rangeValuesOf(data);
  if (values) writeColumnTable(f, joinPath(leafPath, 'explored_data'), values, scalar, where);
  return { className };
}

const chunkRowsFor = (rows: number) => Math.max(1, Math.min(rows, 4096));

function writeColumnTable(f: H5File, path: string, values: readonly unknown[], scalar: Parameters<typeof scalarH5Type>[0], where: string): void {
  const type = scalarH5Type(scalar, values, where, 'column');
  // Chunks sized to the values: a 1-row `data` table must not allocate 32 KiB (a table grows by
  // adding chunks when a range is extended).
  // Copied only when a value needs converting (a million-value range is usually numbers or text).
  const elements = numericCopy(type, values) ?? (values.some((v) => scalarToElement(v) !== v) ? values.map(scalarToElement) : values);
  createTable(f, path, [{ name: 'data', type }], { data: elements }, { pytables: false, chunkRows: chunkRowsFor(values.length) });
  f.writeAttr(path, STORE, stringAttr('TABLE'));
  f.writeAttr(path, columnAttr('data', 'COLL_TYPE'), stringAttr('COLL_SCALAR'));
  f.writeAttr(path, columnAttr('data', 'SCALAR_TYPE'), stringAttr(recallName(scalar)));
}

/**
 * Numbers of a numeric column as a Float64Array (which holds every JS number exactly), so that
 * encoding reads a typed array, not the parameter's own range: the encoder's element loads see
 * arrays of every kind, and V8 answers such a polymorphic load by generalising the array it
 * reads, turning a million-value range of unboxed doubles into a million boxed numbers (~8 MB
 * more for as long as the trajectory lives, issue 13). Undefined when a value is not a number.
 */
function numericCopy(type: H5Type, values: readonly unknown[]): Float64Array | undefined {
  if ((type.class !== 'float' && type.class !== 'int') || values.length < 2) return undefined;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') return undefined;
    out[i] = v;
  }
  return out;
}

/** A table of array cells (`layout/array-column.ts`) with pypet's column attributes. */
function writeCellTable(f: H5File, path: string, col: ArrayColumn): void {
  createTable(f, path, [{ name: 'data', type: col.type }], { data: col.cells }, { pytables: false, chunkRows: chunkRowsFor(col.cells.length) });
  f.writeAttr(path, STORE, stringAttr('TABLE'));
  f.writeAttr(path, columnAttr('data', 'COLL_TYPE'), stringAttr(col.recall.coll));
  if (col.recall.scalar !== undefined) f.writeAttr(path, columnAttr('data', 'SCALAR_TYPE'), stringAttr(col.recall.scalar));
}

function writeIdxTable(f: H5File, path: string, idx: number[]): void {
  createTable(f, path, [{ name: 'idx', type: I32 }], { idx }, { pytables: false, chunkRows: chunkRowsFor(idx.length) });
  f.writeAttr(path, STORE, stringAttr('TABLE'));
  f.writeAttr(path, columnAttr('idx', 'COLL_TYPE'), stringAttr('COLL_SCALAR'));
  f.writeAttr(path, columnAttr('idx', 'SCALAR_TYPE'), stringAttr('int'));
}

/** A content key, so that equal arrays of a range are stored once (as pypet does). */
function contentKey(tv: TypedValue): string {
  const v = tv.value;
  const body = v instanceof NDArray ? [v.dtype, v.shape, v.toNested()] : [isTuple(v) ? 'tuple' : 'list', v];
  return JSON.stringify([tv.type, body], jsonReplacer);
}

function ensureNestedGroup(f: H5File, path: string): void {
  if (f.exists(path)) return;
  f.createGroup(path);
  f.writeAttr(path, STORE, stringAttr('NESTED_GROUP'));
}

function writeArrayLayout(f: H5File, leafPath: string, data: ParameterData, where: string): void {
  writeDataChild(f, joinPath(leafPath, `data${RR}`), data.value, where);
  const range = typedRange(data);
  if (!range) return;
  const seen = new Map<string, number>();
  const idx = range.map((tv, run) => {
    const key = contentKey(tv);
    let n = seen.get(key);
    if (n === undefined) {
      n = seen.size;
      seen.set(key, n);
      const p = xaPath(leafPath, n);
      ensureNestedGroup(f, joinPath(leafPath, `explored${RR}`));
      ensureNestedGroup(f, parentOf(p));
      writeDataChild(f, p, tv, `${where} (run ${run})`);
    }
    return n;
  });
  writeIdxTable(f, joinPath(leafPath, `explored_data${RR}`), idx);
}

function writePickleArray(f: H5File, path: string, bytes: Buffer): void {
  f.createDataset(path, { type: fixedString(bytes.length), shape: [], data: bytes });
  f.writeAttr(path, STORE, stringAttr('ARRAY'));
  f.writeAttr(path, DATA_COLL_TYPE, stringAttr('COLL_SCALAR'));
  f.writeAttr(path, DATA_SCALAR_TYPE, stringAttr('bytes'));
}

function writePickleParameter(f: H5File, leafPath: string, data: ParameterData, where: string): void {
  const protocol = data.protocol ?? 2;
  const pickle = (tv: TypedValue, what: string) => {
    if (tv.type.kind === 'unsupported') throw new StorageError(`${what} could not be read (${tv.type.reason}), so it cannot be stored again.`, { file: f.path });
    return encodePickle(tv.value, protocol, tv.type);
  };
  if (data.value.type.kind !== 'none') writePickleArray(f, joinPath(leafPath, 'data'), pickle(data.value, where));
  const p = joinPath(leafPath, PROTOCOL);
  f.createDataset(p, { type: I64, shape: [], data: encodeElements([protocol], I64) });
  f.writeAttr(p, STORE, stringAttr('ARRAY'));
  f.writeAttr(p, DATA_COLL_TYPE, stringAttr('COLL_SCALAR'));
  f.writeAttr(p, DATA_SCALAR_TYPE, stringAttr('int'));
  const range = typedRange(data);
  if (!range) return;
  // pypet stores each distinct object (by identity) once; primitives compare by value.
  const seen = new Map<unknown, number>();
  const idx = range.map((tv, run) => {
    let n = seen.get(tv.value);
    if (n === undefined) {
      n = seen.size;
      seen.set(tv.value, n);
      writePickleArray(f, joinPath(leafPath, xpName(n)), pickle(tv, `${where} (run ${run})`));
    }
    return n;
  });
  writeIdxTable(f, joinPath(leafPath, 'explored_data'), idx);
}

/** Number of explored values a stored parameter has on disk (0 when it is not explored there). */
export function storedRangeLength(f: H5File, leafPath: string): number {
  for (const name of [`explored_data${RR}`, 'explored_data']) {
    const p = joinPath(leafPath, name);
    if (f.exists(p)) return tableRows(f, p);
  }
  return 0;
}

function countChildren(f: H5File, path: string, prefix: string): number {
  return f.exists(path) ? f.childNames(path).filter((n) => n.startsWith(prefix)).length : 0;
}

/**
 * Appends explored values `data.range[from…]` to a stored parameter (after `f_expand`), or writes
 * its range when it was stored unexplored. Tables grow in place (they are chunked and resizable);
 * new arrays and pickles get new `xa_`/`xp_` datasets, since stored ones cannot be replaced.
 * @throws StorageError when a new value does not fit the stored column (e.g. a longer string).
 */
export function extendParameterRange(f: H5File, leafPath: string, className: string, data: ParameterData, from: number, where: string): void {
  const range = typedRange(data) ?? [];
  const added = range.slice(from);
  if (added.length === 0) return;
  const kind = data.value.type.kind;
  if (className === 'PickleParameter') {
    const protocol = data.protocol ?? 2;
    const table = joinPath(leafPath, 'explored_data');
    let next = countChildren(f, leafPath, 'xp_');
    const idx = added.map((tv, i) => {
      if (tv.type.kind === 'unsupported') throw new StorageError(`${where} (run ${from + i}) could not be read, so it cannot be stored.`, { file: f.path });
      writePickleArray(f, joinPath(leafPath, xpName(next)), encodePickle(tv.value, protocol, tv.type));
      return next++;
    });
    if (f.exists(table)) appendTableRows(f, table, { idx });
    else writeIdxTable(f, table, idx);
    return;
  }
  if (isArrayValued(data.value) && !f.exists(joinPath(leafPath, `data${RR}`))) {
    // pypet's Parameter layout: the explored values are cells of one array column.
    const table = joinPath(leafPath, 'explored_data');
    const stored = f.exists(table) ? tableColumns(f, table).find((c) => c.name === 'data')?.type : undefined;
    const col = arrayColumn(stored ? added : range, `${where} (its explored values)`, stored);
    if (!('cells' in col)) {
      throw new StorageError(`${col.reason}; pypet's Parameter keeps its explored values in one table column, so they cannot be stored (use an ArrayParameter for values of different shapes).`, { file: f.path, path: table });
    }
    if (stored) appendTableRows(f, table, { data: col.cells });
    else writeCellTable(f, table, col);
    return;
  }
  if (kind === 'list' || kind === 'tuple' || kind === 'ndarray') {
    const table = joinPath(leafPath, `explored_data${RR}`);
    const setsRoot = joinPath(leafPath, `explored${RR}`);
    let next = 0;
    if (f.exists(setsRoot)) for (const set of f.childNames(setsRoot)) next += countChildren(f, joinPath(setsRoot, set), 'xa_');
    const seen = new Map<string, number>();
    const idx = added.map((tv, i) => {
      const key = contentKey(tv);
      let n = seen.get(key);
      if (n === undefined) {
        n = next++;
        seen.set(key, n);
        const p = xaPath(leafPath, n);
        ensureNestedGroup(f, setsRoot);
        ensureNestedGroup(f, parentOf(p));
        writeDataChild(f, p, tv, `${where} (run ${from + i})`);
      }
      return n;
    });
    if (f.exists(table)) appendTableRows(f, table, { idx });
    else writeIdxTable(f, table, idx);
    return;
  }
  if (data.value.type.kind !== 'scalar') return;
  const table = joinPath(leafPath, 'explored_data');
  if (!f.exists(table)) {
    writeColumnTable(f, table, range.map((r) => r.value), data.value.type.scalar, where);
    return;
  }
  appendTableRows(f, table, { data: added.map((r) => scalarToElement(r.value)) });
}
