/**
 * Result items and other data children of a leaf group (`docs/file-layout.md` §4, §4.1, §7).
 *
 * Every child carries `SRVC_STORE`: `ARRAY`/`CARRAY`/`EARRAY` datasets become scalars, lists,
 * tuples or ndarrays (by the `SRVC_DATA_*` recall attributes), `DICT` tables become dicts, and
 * `NESTED_GROUP` groups hold dotted item names (`a.b` is group `a`, child `b`), and `FRAME` /
 * `SERIES` groups pandas data (`layout/pandas-read.ts`). Other layouts (pypet's `TABLE`, pandas
 * panels) are reported as `unsupported` values naming the reason, never as errors, so the rest of
 * the leaf still loads.
 */
import { StorageError, UnsupportedDataError } from '../../../errors.js';
import { type TypedValue, type ValueType } from '../../../values/types.js';
import { type H5File, attrText, joinPath, stringAttr } from '../engine/h5file.js';
import { readPandas } from './pandas-read.js';
import { writePandas } from './pandas-write.js';
import { createTable, readTable } from './table.js';
import {
  DATA_COLL_TYPE, DATA_SCALAR_TYPE, STORE, asPyTablesBool, columnAttr, describeValueType, encodeArrayValue, recallCell, recallName, recallValue,
  scalarH5Type, scalarToElement, unsupported,
} from './typemap.js';

/** Which items to read: `loadOnly` names (or their dotted prefixes), minus `loadExcept`. */
export interface ItemFilter {
  loadOnly?: readonly string[] | undefined;
  loadExcept?: readonly string[] | undefined;
}

const PANDAS = new Set(['FRAME', 'SERIES', 'PANEL']);

function wanted(key: string, filter: ItemFilter): boolean {
  const matches = (names: readonly string[]) => names.some((n) => key === n || key.startsWith(`${n}.`) || n.startsWith(`${key}.`));
  if (filter.loadOnly && !matches(filter.loadOnly)) return false;
  return !(filter.loadExcept && filter.loadExcept.includes(key));
}

/**
 * Reads the data children of the leaf group at `leafPath` as items (`{ name: value }`), in the
 * file's order; dotted names for nested groups. `skip` names children that are not items (a
 * parameter's tables, a pickle's protocol).
 */
export function readItems(f: H5File, leafPath: string, filter: ItemFilter = {}, skip: ReadonlySet<string> = NO_NAMES): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  // With loadOnly, look the wanted children up directly (one HDF5 call each tells whether and
  // what they are) instead of listing the leaf first; items then come in loadOnly's order.
  const names = filter.loadOnly ? topNames(filter.loadOnly) : f.childNames(leafPath);
  for (const name of names) {
    if (!skip.has(name)) readChildInto(f, joinPath(leafPath, name), name, filter, out);
  }
  return out;
}

const NO_NAMES: ReadonlySet<string> = new Set();
let lastTop: { of: readonly string[]; names: string[] } | undefined;

/** The distinct first parts of `loadOnly`'s names (remembered for the same list: a scan asks per leaf). */
function topNames(loadOnly: readonly string[]): string[] {
  if (lastTop?.of !== loadOnly) lastTop = { of: loadOnly, names: [...new Set(loadOnly.map((n) => n.split('.')[0]!))] };
  return lastTop.names;
}

function readChildInto(f: H5File, path: string, key: string, filter: ItemFilter, out: Record<string, TypedValue>): void {
  if (!wanted(key, filter)) return;
  const type = f.typeOf(path);
  if (type === 'missing') return;
  if (type === 'dataset') {
    out[key] = readDataChild(f, path, key);
    return;
  }
  if (type !== 'group') {
    out[key] = unsupported(`item '${key}' is ${type === 'link' ? 'a dangling link' : `an HDF5 ${type}`}, not data`);
    return;
  }
  const store = attrText(f, path, STORE);
  if (store === 'NESTED_GROUP') {
    for (const child of f.childNames(path)) readChildInto(f, joinPath(path, child), `${key}.${child}`, filter, out);
  } else if (store === 'FRAME' || store === 'SERIES') {
    out[key] = readPandas(f, path, `item '${key}'`);
  } else if (store !== undefined && PANDAS.has(store)) {
    out[key] = unsupported(`item '${key}' is a pandas ${store.toLowerCase()}, which h5traj cannot read`);
  } else {
    out[key] = unsupported(`item '${key}' is a group with storage type ${store ?? '(none)'}, which h5traj cannot read`);
  }
}

/**
 * Reads one data child (an Array/CArray or a dict table) as a typed value. `where` names it in
 * the reasons of unsupported values.
 */
export function readDataChild(f: H5File, path: string, where: string): TypedValue {
  const info = f.datasetInfo(path);
  const { type, shape } = info;
  if (!shape) return unsupported(`${where} is an HDF5 dataset without a value (NULL dataspace)`);
  // The storage type only matters for compound datasets (tables vs. complex values): every
  // Array flavour reads the same way, and each attribute read costs two HDF5 calls.
  if (type.class === 'compound') {
    const store = attrText(f, path, STORE);
    if (store === 'DICT') return readDict(f, path, where);
    if (store === 'TABLE') return unsupported(`${where} is a table (a pandas DataFrame or pypet ObjectTable), which h5traj cannot read`);
    if (store?.startsWith('SHARED_DATA')) return unsupported(`${where} is pypet shared data, which h5traj cannot read`);
  }
  if (type.class === 'other' || (type.class === 'string' && type.vlen && shape.length > 1)) {
    return unsupported(`${where} holds HDF5 data of a kind h5traj cannot read (class ${type.class})`);
  }
  const recall = { coll: attrText(f, path, DATA_COLL_TYPE), scalar: attrText(f, path, DATA_SCALAR_TYPE) };
  let data;
  try {
    data = f.readDataset(path);
  } catch (e) {
    // Everything else of the leaf (and the file) still loads; this value says why it cannot.
    if (e instanceof UnsupportedDataError) return unsupported(`${where}: ${e.message}`);
    throw e;
  }
  const src = data.strings ? { elements: data.strings } : { bytes: data.bytes };
  return recallValue(type, shape, src, recall, where);
}

function readDict(f: H5File, path: string, where: string): TypedValue {
  const t = readTable(f, path);
  const value: Record<string, unknown> = {};
  const entries: Record<string, ValueType> = {};
  for (const m of t.type.members) {
    const recall = { coll: attrText(f, path, columnAttr(m.name, 'COLL_TYPE')), scalar: attrText(f, path, columnAttr(m.name, 'SCALAR_TYPE')) };
    const cell = t.nrows > 0 ? t.columns[m.name]?.[0] : undefined;
    const tv = cell === undefined ? unsupported(`${where}['${m.name}'] has no row`) : recallCell(cell, m.type, recall, `${where}['${m.name}']`);
    value[m.name] = tv.value;
    entries[m.name] = tv.type;
  }
  return { value, type: { kind: 'dict', entries } };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Writes items as children of the (existing) leaf group at `leafPath`. */
export function writeItems(f: H5File, leafPath: string, items: Record<string, TypedValue>, where: string): void {
  for (const [name, tv] of Object.entries(items)) writeItem(f, leafPath, name, tv, `${where}: item '${name}'`);
}

/** Writes one item; a dotted name (`a.b`) goes into `NESTED_GROUP` groups. */
export function writeItem(f: H5File, groupPath: string, name: string, tv: TypedValue, where: string): void {
  const dot = name.indexOf('.');
  if (dot < 0) {
    writeDataChild(f, joinPath(groupPath, name), tv, where);
    return;
  }
  const sub = joinPath(groupPath, name.slice(0, dot));
  if (!f.exists(sub)) {
    f.createGroup(sub);
    f.writeAttr(sub, STORE, stringAttr('NESTED_GROUP'));
  } else if (attrText(f, sub, STORE) !== 'NESTED_GROUP') {
    throw new StorageError(`${where}: '${name.slice(0, dot)}' is already an item, so '${name}' cannot be stored below it.`, { file: f.path, path: sub });
  }
  writeItem(f, sub, name.slice(dot + 1), tv, where);
}

/**
 * Writes a value as a data child at `path`: an Array (`SRVC_STORE=ARRAY`, contiguous, no
 * compression) for scalars, lists, tuples, ndarrays and empty dicts; a one-row table
 * (`SRVC_STORE=DICT`) for dicts with entries; pandas' own layout for DataFrames and Series.
 * @throws StorageError naming `where` for values pypet's layout cannot hold.
 */
export function writeDataChild(f: H5File, path: string, tv: TypedValue, where: string): void {
  if (tv.type.kind === 'pandas') {
    writePandas(f, path, tv.value, where);
    return;
  }
  if (tv.type.kind === 'dict' && Object.keys(tv.type.entries).length > 0) {
    writeDict(f, path, tv.value as Record<string, unknown>, tv.type.entries, where);
    return;
  }
  const plain = encodeArrayValue(tv, where);
  const enc = f.writesShapedColumns ? asPyTablesBool(plain) : plain;
  f.createDataset(path, enc);
  f.writeAttr(path, STORE, stringAttr('ARRAY'));
  // pypet ignores COLL_NDARRAY when loading (an array stays an array) and h5traj reads any
  // dataset with dimensions and no collection type as an ndarray, so leave the attribute out
  // there: one HDF5 call less per array, on writing and on reading.
  if (!(enc.recall.coll === 'COLL_NDARRAY' && enc.shape.length > 0)) f.writeAttr(path, DATA_COLL_TYPE, stringAttr(enc.recall.coll));
  if (enc.recall.scalar !== undefined) f.writeAttr(path, DATA_SCALAR_TYPE, stringAttr(enc.recall.scalar));
}

function writeDict(f: H5File, path: string, value: Record<string, unknown>, entries: Record<string, ValueType>, where: string): void {
  const columns = Object.entries(entries).map(([key, t]) => {
    if (t.kind !== 'scalar') {
      // PyTables stores such entries as HDF5 array members, which h5wasm cannot create.
      throw new StorageError(
        `${where}: entry '${key}' is ${describeValueType(t)}; dicts can only hold scalars in files h5traj writes. Store it as its own item instead.`,
        { file: f.path, path },
      );
    }
    return { name: key, type: scalarH5Type(t.scalar, [value[key]], `${where}['${key}']`, 'column'), scalar: t.scalar };
  });
  const row: Record<string, unknown[]> = {};
  for (const c of columns) row[c.name] = [scalarToElement(value[c.name])];
  createTable(f, path, columns, row, { pytables: false });
  f.writeAttr(path, STORE, stringAttr('DICT'));
  f.writeAttr(path, DATA_COLL_TYPE, stringAttr('COLL_DICT'));
  for (const c of columns) {
    f.writeAttr(path, columnAttr(c.name, 'COLL_TYPE'), stringAttr('COLL_SCALAR'));
    f.writeAttr(path, columnAttr(c.name, 'SCALAR_TYPE'), stringAttr(recallName(c.scalar)));
  }
}
