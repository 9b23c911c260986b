/**
 * How values of the value model map onto HDF5 elements the way pypet stores them
 * (`docs/file-layout.md` §4.1, §5, §7): which HDF5 type a scalar or array gets, how raw elements
 * turn back into JS values, and pypet's type-recall attributes (`SRVC_DATA_*`,
 * `SRVC_COLUMN_<col>_*`).
 */
import { StorageError, TypeMismatchError } from '../../../errors.js';
import { markTuple } from '../../../values/markers.js';
import { NDArray, type NDArrayData, TYPED_ARRAY_OF } from '../../../values/ndarray.js';
import {
  type ArrayDType, BOOL_TYPES, BYTES_TYPES, Complex, COMPLEX_TYPES, FLOAT_TYPES, INT_TYPES, normalizeInteger, SCALAR_TYPES, type ScalarType, STR_TYPES, type TypedValue, type ValueType,
} from '../../../values/types.js';
import {
  ArrayElement, F64, type H5Type, I32, I64, U8, complexType, decodeElement, decodeElements, decodeNumeric, describeH5Type, encodeElements,
  fixedString, floatType, intType, isComplexType, typedArrayClassOf,
} from '../engine/h5types.js';
import { maxOf } from '../../../fold.js';
import { internShort } from '../../../intern.js';

// pypet's attribute names and values
export const STORE = 'SRVC_STORE';
export const DATA_COLL_TYPE = 'SRVC_DATA_COLL_TYPE';
export const DATA_SCALAR_TYPE = 'SRVC_DATA_SCALAR_TYPE';
/** `SRVC_COLUMN_<col>_COLL_TYPE` / `_SCALAR_TYPE` of a table column. */
export const columnAttr = (col: string, what: 'COLL_TYPE' | 'SCALAR_TYPE') => `SRVC_COLUMN_${col}_${what}`;

/** pypet's collection types (`SRVC_DATA_COLL_TYPE`). */
export type CollType = 'COLL_SCALAR' | 'COLL_LIST' | 'COLL_TUPLE' | 'COLL_NDARRAY' | 'COLL_MATRIX' | 'COLL_DICT' | 'COLL_EMPTY_DICT';

/** Type-recall attributes of one value: collection type and scalar type name. */
export interface Recall {
  coll?: string | undefined;
  scalar?: string | undefined;
}

const INT_SIZES: Record<string, [number, boolean]> = {
  int8: [1, true], int16: [2, true], int32: [4, true], int64: [8, true],
  uint8: [1, false], uint16: [2, false], uint32: [4, false], uint64: [8, false],
};

/** An unsupported value, with the reason a user will read. */
export const unsupported = (reason: string, pyclass?: string): TypedValue => ({
  value: null,
  type: pyclass === undefined ? { kind: 'unsupported', reason } : { kind: 'unsupported', reason, pyclass },
});

// ---------------------------------------------------------------------------------------------
// Reading

/** The numpy scalar type an HDF5 element type reads as when no type-recall attribute says more. */
function numpyScalarOf(t: H5Type): ScalarType | undefined {
  switch (t.class) {
    case 'int':
    case 'enum':
      return `${t.signed ? '' : 'u'}int${t.size * 8}` as ScalarType;
    case 'float':
      return t.size === 4 ? 'float32' : t.size === 8 ? 'float64' : undefined;
    case 'bitfield':
      return 'bool_';
    case 'string':
      return 'bytes_';
    case 'compound':
      return isComplexType(t) ? (t.members[0]?.type.size === 4 ? 'complex64' : 'complex128') : undefined;
    default:
      return undefined;
  }
}

/** Whether `name` is a scalar type name the value model knows. */
const isScalarType = (name: string | undefined): name is ScalarType => name !== undefined && SCALAR_TYPES.has(name);

/**
 * Converts a decoded element (see `decodeElements`) into the JS form of `scalar`, as pypet's
 * type recall does (`float(np.float64(x))`, `bytes.decode('utf8')`, …).
 * @throws TypeMismatchError when the element cannot be that type (e.g. text recalled as int).
 */
function elementToScalar(raw: unknown, scalar: ScalarType, where: string): unknown {
  const bad = (): never => {
    throw new TypeMismatchError(`${where} holds ${describeRaw(raw)}, which cannot be read as ${scalar}.`, { expected: scalar, got: describeRaw(raw) });
  };
  if (INT_TYPES.has(scalar)) {
    if (typeof raw === 'bigint') return normalizeInteger(raw);
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (typeof raw === 'boolean') return raw ? 1 : 0;
    return bad();
  }
  if (FLOAT_TYPES.has(scalar)) {
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'bigint') return Number(raw);
    return bad();
  }
  if (BOOL_TYPES.has(scalar)) {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'number' || typeof raw === 'bigint') return raw !== 0 && raw !== 0n;
    return bad();
  }
  // (a string parameter explored over a few choices repeats them in every run)
  if (STR_TYPES.has(scalar)) return Buffer.isBuffer(raw) ? internShort(raw.toString('utf8')) : bad();
  if (BYTES_TYPES.has(scalar)) return Buffer.isBuffer(raw) ? Buffer.from(raw) : bad();
  if (COMPLEX_TYPES.has(scalar)) {
    if (raw && typeof raw === 'object' && 'r' in raw && 'i' in raw) {
      const c = raw as { r: unknown; i: unknown };
      if (typeof c.r === 'number' && typeof c.i === 'number') return new Complex(c.r, c.i);
    }
    if (typeof raw === 'number') return new Complex(raw, 0);
    return bad();
  }
  return bad();
}

function describeRaw(raw: unknown): string {
  if (Buffer.isBuffer(raw)) return 'text/bytes';
  if (raw instanceof ArrayElement) return `an array of shape [${raw.dims.join(', ')}]`;
  if (raw && typeof raw === 'object') return 'a record';
  return `the ${typeof raw} ${String(raw)}`;
}

/** The array dtype of an HDF5 element type (`SRVC_DATA_SCALAR_TYPE` = str gives unicode). */
function arrayDTypeOf(t: H5Type, scalarHint: string | undefined, strings: Buffer[] | undefined): ArrayDType | undefined {
  if (t.class === 'string') {
    if (scalarHint === 'str') {
      const chars = maxOf(strings ?? [], (b) => [...b.toString('utf8')].length, 1);
      return `<U${chars}`;
    }
    return `|S${t.size}`;
  }
  if (scalarHint === 'bool' || scalarHint === 'bool_' || t.class === 'bitfield') return 'bool';
  const s = numpyScalarOf(t);
  return s && s !== 'bool_' && s !== 'bytes_' ? (s as ArrayDType) : undefined;
}

/** Where a stored value's elements come from: raw bytes (datasets) or decoded elements (table cells). */
export interface ElementSource {
  bytes?: Uint8Array;
  elements?: unknown[];
}

function elementsOf(t: H5Type, n: number, src: ElementSource): unknown[] {
  return src.elements ?? decodeElements(src.bytes ?? new Uint8Array(0), t, n);
}

/**
 * Builds an ndarray. `scalarHint` is pypet's `SCALAR_TYPE` attribute: `str` marks byte strings
 * that were unicode; h5traj also writes `bool` for boolean arrays, which it stores as uint8
 * because h5wasm cannot write PyTables' b8 booleans (pypet ignores the hint).
 */
function elementsToNDArray(t: H5Type, shape: number[], src: ElementSource, scalarHint: string | undefined, where: string): TypedValue {
  const n = shape.reduce((a, b) => a * b, 1);
  const strings = t.class === 'string' ? (elementsOf(t, n, src) as Buffer[]) : undefined;
  const dtype = arrayDTypeOf(t, scalarHint, strings);
  if (!dtype) return unsupported(`${where} is an array of ${describeH5Type(t)}, which h5traj cannot read`);
  let data: NDArrayData;
  if (strings) data = dtype.startsWith('<U') ? strings.map((b) => b.toString('utf8')) : strings;
  else if (dtype === 'bool') data = elementsOf(t, n, src).map((v) => v !== 0 && v !== 0n && v !== false);
  else if (COMPLEX_TYPES.has(dtype)) data = (elementsOf(t, n, src) as { r: number; i: number }[]).map((c) => new Complex(c.r, c.i));
  else if (src.bytes) data = decodeNumeric(src.bytes, t, n);
  else {
    const Ctor = typedArrayClassOf(t)!;
    data = Ctor === BigInt64Array || Ctor === BigUint64Array
      ? new Ctor((src.elements ?? []).map((v) => BigInt(v as number | bigint)))
      : new (Ctor as Float64ArrayConstructor)((src.elements ?? []).map(Number));
  }
  return { value: new NDArray(dtype, shape, data), type: { kind: 'ndarray', dtype } };
}

/**
 * Turns one stored value (an Array's elements, or one table cell) back into a typed value,
 * following pypet's `_all_recall_native_type`: `COLL_SCALAR` / `COLL_LIST` / `COLL_TUPLE` with
 * the `SCALAR_TYPE` name, `COLL_EMPTY_DICT`, and ndarrays otherwise. Values that cannot be read
 * come back as an `unsupported` type naming the reason, never as an exception.
 * @param shape the dataspace of the value (`[]` scalar)
 */
export function recallValue(t: H5Type, shape: number[], src: ElementSource, recall: Recall, where: string): TypedValue {
  const { coll } = recall;
  const n = shape.reduce((a, b) => a * b, 1);
  const declared = isScalarType(recall.scalar) ? recall.scalar : undefined;
  try {
    if (coll === 'COLL_EMPTY_DICT') return { value: {}, type: { kind: 'dict', entries: {} } };
    if (coll === 'COLL_SCALAR' || (coll === undefined && shape.length === 0)) {
      if (n < 1) return unsupported(`${where} is an empty array marked as a scalar`);
      const scalar = declared ?? numpyScalarOf(t);
      if (!scalar) return unsupported(`${where} holds ${describeH5Type(t)}, which h5traj cannot read as a scalar`);
      const raw = src.elements ? src.elements[0] : decodeElement(src.bytes ?? new Uint8Array(0), 0, t);
      return { value: elementToScalar(raw, scalar, where), type: scalarTypeOf(scalar) };
    }
    if (coll === 'COLL_LIST' || coll === 'COLL_TUPLE') {
      const kind = coll === 'COLL_LIST' ? 'list' : 'tuple';
      const items = n === 0 ? [] : elementsOf(t, n, src);
      if (items.length === 0) return { value: kind === 'tuple' ? markTuple([]) : [], type: { kind, scalar: null } };
      const scalar = declared ?? numpyScalarOf(t);
      if (!scalar) return unsupported(`${where} is a ${kind} of ${describeH5Type(t)}, which h5traj cannot read`);
      const out = items.map((e, i) => elementToScalar(e, scalar, `${where}[${i}]`));
      return { value: kind === 'tuple' ? markTuple(out) : out, type: { kind, scalar } };
    }
    return elementsToNDArray(t, shape, src, recall.scalar, where);
  } catch (e) {
    if (e instanceof TypeMismatchError) return unsupported(e.message);
    throw e;
  }
}

const SHARED_SCALAR_TYPES = new Map<ScalarType, ValueType>();

/**
 * The type of a scalar of `scalar`, one object per scalar type: a million runs' results each read
 * with a float item need not hold a million equal type objects (types are never changed in place).
 */
function scalarTypeOf(scalar: ScalarType): ValueType {
  let type = SHARED_SCALAR_TYPES.get(scalar);
  if (type === undefined) SHARED_SCALAR_TYPES.set(scalar, (type = Object.freeze({ kind: 'scalar', scalar })));
  return type;
}

/**
 * {@link recallCell} for every cell of a column: scalar cells of a numeric column share one type
 * object and skip the per-cell dispatch (an explored range of a million runs is such a column).
 * `where(i)` is asked for only when cell `i` cannot be read: naming every cell would make a
 * million strings for nothing.
 */
export function recallColumn(cells: readonly unknown[], t: H5Type, recall: Recall, where: (i: number) => string): TypedValue[] {
  const declared = isScalarType(recall.scalar) ? recall.scalar : undefined;
  const scalar = declared ?? numpyScalarOf(t);
  const coll = recall.coll ?? 'COLL_SCALAR';
  const numeric = (t.class === 'int' || t.class === 'float') && scalar !== undefined && (INT_TYPES.has(scalar) || FLOAT_TYPES.has(scalar));
  const text = t.class === 'string' && !t.vlen && scalar !== undefined && STR_TYPES.has(scalar);
  if (coll !== 'COLL_SCALAR' || !scalar || !(numeric || text)) {
    return cells.map((cell, i) => recallCell(cell, t, recall, where(i)));
  }
  const type = scalarTypeOf(scalar);
  const float = FLOAT_TYPES.has(scalar);
  const out = new Array<TypedValue>(cells.length);
  // Runs repeat their explored values (a grid of a million runs has a few thousand): each
  // distinct value is recalled once and its typed value shared, instead of one object per run.
  const seen = new Map<unknown, TypedValue>();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    // The key: the number (not -0, which a Map takes for 0), or the text's bytes as latin1.
    const key = text ? (Buffer.isBuffer(cell) ? cell.toString('latin1') : undefined) : Object.is(cell, -0) ? undefined : cell;
    let tv = key === undefined ? undefined : seen.get(key);
    if (tv === undefined) {
      if (typeof cell === 'number' && (float || Number.isInteger(cell))) {
        // the common cells inline (what elementToScalar gives them); the rest through it
        tv = { value: cell, type };
      } else {
        try {
          tv = { value: elementToScalar(cell, scalar, where(i)), type };
        } catch (e) {
          if (!(e instanceof TypeMismatchError)) throw e;
          tv = unsupported(e.message);
        }
      }
      if (key !== undefined && seen.size < RECALL_MEMO_MAX) seen.set(key, tv);
    }
    out[i] = tv;
  }
  return out;
}

/** Distinct values {@link recallColumn} and {@link recallTextColumn} remember at most. */
const RECALL_MEMO_MAX = 65_536;

/**
 * A column of fixed-length strings recalled as `str` scalars (a string parameter's explored
 * values), from its cells already decoded as text: one shared type object, and one typed value
 * per distinct text (a few choices repeat in every run), with no Buffer per cell. Undefined when
 * the column is not such a column; read it with {@link recallColumn} then.
 */
export function recallTextColumn(text: () => string[], t: H5Type, recall: Recall): TypedValue[] | undefined {
  const declared = isScalarType(recall.scalar) ? recall.scalar : undefined;
  const scalar = declared ?? numpyScalarOf(t);
  if (t.class !== 'string' || t.vlen || (recall.coll ?? 'COLL_SCALAR') !== 'COLL_SCALAR' || !scalar || !STR_TYPES.has(scalar)) return undefined;
  const type = scalarTypeOf(scalar);
  const seen = new Map<string, TypedValue>();
  return text().map((s) => {
    let tv = seen.get(s);
    if (tv === undefined) {
      tv = { value: internShort(s), type };
      if (seen.size < RECALL_MEMO_MAX) seen.set(s, tv);
    }
    return tv;
  });
}

/** Like {@link recallValue} for one decoded table cell (possibly an HDF5 array member). */
export function recallCell(raw: unknown, t: H5Type, recall: Recall, where: string): TypedValue {
  if (t.class === 'array' && raw instanceof ArrayElement) {
    return recallValue(t.base, raw.dims, { elements: raw.items }, recall, where);
  }
  return recallValue(t, [], { elements: [raw] }, { ...recall, coll: recall.coll ?? 'COLL_SCALAR' }, where);
}

// ---------------------------------------------------------------------------------------------
// Writing

/** An encoded value ready for a dataset or a table column, with its recall attributes. */
export interface Encoded {
  type: H5Type;
  shape: number[];
  data: Uint8Array;
  recall: { coll: CollType; scalar?: string };
}

/** The HDF5 type of a scalar type, given all values (for string widths and int ranges). */
export function scalarH5Type(scalar: ScalarType, values: readonly unknown[], where: string, context: 'array' | 'column'): H5Type {
  if (scalar === 'int') {
    // Python ints are int64 in Arrays; in tables pypet uses int32 (IntCol), which wraps larger
    // values silently, so h5traj widens such columns to int64 (pypet reads them back fine).
    if (context === 'array') return I64;
    const fits = values.every((v) => BigInt(v as number | bigint) >= -(2n ** 31n) && BigInt(v as number | bigint) < 2n ** 31n);
    return fits ? I32 : I64;
  }
  if (scalar in INT_SIZES) {
    const [size, signed] = INT_SIZES[scalar]!;
    return intType(size, signed);
  }
  if (scalar === 'float' || scalar === 'float64') return F64;
  if (scalar === 'float32') return floatType(4);
  if (BOOL_TYPES.has(scalar)) return U8; // b8 cannot be written; SCALAR_TYPE restores bool
  if (scalar === 'complex64') return complexType(4);
  if (COMPLEX_TYPES.has(scalar)) return complexType(8);
  if (STR_TYPES.has(scalar) || BYTES_TYPES.has(scalar)) {
    const longest = maxOf(values, (v) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : (v as Buffer).length), 0);
    // pypet makes table columns 1.5 times wider than the longest value (room for later rows)
    return fixedString(context === 'column' ? Math.floor(1.5 * longest) : longest);
  }
  throw new StorageError(`${where}: values of type ${scalar} cannot be stored.`);
}

/** The element form of a JS scalar for encoding (bools as 0/1, complex as {r, i}, text as bytes). */
export function scalarToElement(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Complex) return { r: v.re, i: v.im };
  return v;
}

/**
 * The name pypet records in `SCALAR_TYPE`. pypet has no `str_` (it refuses numpy strings), so a
 * `str_` value is stored as `str`.
 */
export const recallName = (scalar: ScalarType): string => (scalar === 'str_' ? 'str' : scalar);

/** Encodes scalars of one type as elements of `type`. */
function encodeScalars(values: readonly unknown[], type: H5Type, where: string): Uint8Array {
  return encodeElements(values.map(scalarToElement), type, where);
}

/** Encodes an ndarray: numeric dtypes byte for byte, bool as uint8, unicode as UTF-8 bytes. */
export function encodeNDArray(arr: NDArray, where: string): Encoded {
  const shape = [...arr.shape];
  const { dtype } = arr;
  if (dtype === 'bool') {
    return { type: U8, shape, data: encodeElements(arr.data as boolean[], U8, where), recall: { coll: 'COLL_NDARRAY', scalar: 'bool' } };
  }
  if (dtype.startsWith('<U')) {
    const bufs = (arr.data as string[]).map((s) => Buffer.from(s, 'utf8'));
    const type = fixedString(maxOf(bufs, (b) => b.length, 1));
    return { type, shape, data: encodeElements(bufs, type, where), recall: { coll: 'COLL_NDARRAY', scalar: 'str' } };
  }
  if (dtype.startsWith('|S')) {
    const type = fixedString(Number(dtype.slice(2)) || 1);
    return { type, shape, data: encodeElements(arr.data as Buffer[], type, where), recall: { coll: 'COLL_NDARRAY' } };
  }
  if (COMPLEX_TYPES.has(dtype)) {
    const type = complexType(dtype === 'complex64' ? 4 : 8);
    return { type, shape, data: encodeScalars(arr.data as Complex[], type, where), recall: { coll: 'COLL_NDARRAY' } };
  }
  const type = scalarH5Type(dtype as ScalarType, [], where, 'array');
  const typed = arr.data as InstanceType<(typeof TYPED_ARRAY_OF)[keyof typeof TYPED_ARRAY_OF]>;
  if (typedArrayClassOf(type) !== typed.constructor) {
    throw new StorageError(`${where}: an ndarray of ${dtype} must hold a ${typedArrayClassOf(type)?.name}.`);
  }
  return { type, shape, data: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), recall: { coll: 'COLL_NDARRAY' } };
}

/**
 * A boolean ndarray as PyTables writes it: HDF5 bitfield `b8` (the same 0/1 bytes), which numpy
 * and so pypet read as `bool`; `encodeNDArray`'s uint8 plus hint is for engines without bitfields
 * (h5wasm), where pypet sees uint8. Other encodings are returned as they are.
 */
export function asPyTablesBool(enc: Encoded): Encoded {
  if (enc.recall.coll !== 'COLL_NDARRAY' || enc.recall.scalar !== 'bool') return enc;
  return { ...enc, type: PYTABLES_BOOL, recall: { coll: 'COLL_NDARRAY' } };
}

/** PyTables' `BoolCol` / boolean arrays: HDF5 `H5T_STD_B8LE`. */
export const PYTABLES_BOOL: H5Type = { class: 'bitfield', size: 1 };

/**
 * Encodes a scalar, list/tuple, ndarray or empty dict as a pypet Array (`SRVC_STORE=ARRAY`).
 * Dicts with entries are tables (see `items.ts`); objects and unsupported values are refused.
 */
export function encodeArrayValue(tv: TypedValue, where: string): Encoded {
  const t: ValueType = tv.type;
  switch (t.kind) {
    case 'scalar': {
      const type = scalarH5Type(t.scalar, [tv.value], where, 'array');
      return { type, shape: [], data: encodeScalars([tv.value], type, where), recall: { coll: 'COLL_SCALAR', scalar: recallName(t.scalar) } };
    }
    case 'list':
    case 'tuple': {
      const items = tv.value as unknown[];
      const coll = t.kind === 'list' ? 'COLL_LIST' : 'COLL_TUPLE';
      if (items.length === 0 || t.scalar === null) return { type: F64, shape: [0], data: new Uint8Array(0), recall: { coll } };
      const type = scalarH5Type(t.scalar, items, where, 'array');
      return { type, shape: [items.length], data: encodeScalars(items, type, where), recall: { coll, scalar: recallName(t.scalar) } };
    }
    case 'ndarray':
      return encodeNDArray(tv.value as NDArray, where);
    case 'dict':
      if (Object.keys(t.entries).length === 0) return { type: F64, shape: [0], data: new Uint8Array(0), recall: { coll: 'COLL_EMPTY_DICT' } };
      break;
    default:
      break;
  }
  throw new StorageError(`${where} is ${describeValueType(t)}, which cannot be stored as an HDF5 array.`);
}

/** A short description of a value type for messages. */
export function describeValueType(t: ValueType): string {
  switch (t.kind) {
    case 'scalar':
      return `a ${t.scalar}`;
    case 'list':
    case 'tuple':
      return t.scalar ? `a ${t.kind} of ${t.scalar}` : `an empty ${t.kind}`;
    case 'ndarray':
      return `an ndarray of ${t.dtype}`;
    case 'dict':
      return 'a dict';
    case 'none':
      return 'None';
    case 'object':
      return 'a Python object';
    case 'pandas':
      return 'a pandas DataFrame or Series';
    case 'unsupported':
      return `an unsupported value (${t.reason})`;
  }
}
