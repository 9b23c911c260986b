/**
 * The value model shared by leaves and storage.
 *
 * JavaScript has one number type; pypet (Python + numpy) has many. Every value a leaf holds is
 * therefore kept together with a {@link ValueType} that says what it is in pypet's terms. The
 * type is inferred from the JavaScript value unless the user names it (`dtype` option or
 * {@link typed}), is kept through storage and loading, and decides the HDF5 layout.
 *
 * JavaScript forms, by type:
 * - integers (`int`, `int8` … `uint64`): `number` when a safe integer, else `bigint`;
 * - floats (`float`, `float32`, `float64`): `number`;
 * - booleans (`bool`, `bool_`): `boolean`;
 * - text (`str`, `str_`): `string`; raw bytes (`bytes`, `bytes_`): a Node `Buffer`;
 * - complex (`complex`, `complex64`, `complex128`): {@link Complex};
 * - list / tuple: a plain array of one scalar type (tuples are marked with {@link tuple});
 * - ndarray: {@link NDArray} (also made from typed arrays and nested number arrays);
 * - dict: a plain object whose values are again values of this model;
 * - object: JSON-like data held by `PickleParameter` / `PickleResult`.
 */
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { maxOf, pushAll } from '../fold.js';
import { numpyStr } from '../values/numpy-repr.js';

/** pypet's Python scalar type names. */
export type PyScalarType = 'int' | 'float' | 'bool' | 'complex' | 'str' | 'bytes';
/** Integer numpy dtypes. */
export type IntDType = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64';
/** Floating-point numpy dtypes. */
export type FloatDType = 'float32' | 'float64';
/** Complex numpy dtypes. */
export type ComplexDType = 'complex64' | 'complex128';
/** numpy scalar type names as pypet records them (`SRVC_DATA_SCALAR_TYPE`). */
export type NumpyScalarType = IntDType | FloatDType | ComplexDType | 'bool_' | 'str_' | 'bytes_';
/** Any scalar type name. */
export type ScalarType = PyScalarType | NumpyScalarType;

/** Element types of an {@link NDArray}: numeric dtypes, `bool`, and fixed-width text/bytes. */
export type ArrayDType = IntDType | FloatDType | ComplexDType | 'bool' | `<U${number}` | `|S${number}`;

/** What a value is, in pypet's terms. */
export type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'list' | 'tuple'; scalar: ScalarType | null }
  | { kind: 'ndarray'; dtype: ArrayDType }
  | { kind: 'dict'; entries: Record<string, ValueType> }
  | { kind: 'none' }
  | { kind: 'object' }
  | { kind: 'unsupported'; reason: string; pyclass?: string };

/** The name a user gives to force a type: any scalar type name (applies to lists' elements too). */
export type DTypeHint = ScalarType;

export const INT_TYPES: ReadonlySet<string> = new Set([
  'int', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
]);
export const FLOAT_TYPES: ReadonlySet<string> = new Set(['float', 'float32', 'float64']);
export const COMPLEX_TYPES: ReadonlySet<string> = new Set(['complex', 'complex64', 'complex128']);
export const BOOL_TYPES: ReadonlySet<string> = new Set(['bool', 'bool_']);
export const STR_TYPES: ReadonlySet<string> = new Set(['str', 'str_']);
export const BYTES_TYPES: ReadonlySet<string> = new Set(['bytes', 'bytes_']);
export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  ...INT_TYPES, ...FLOAT_TYPES, ...COMPLEX_TYPES, ...BOOL_TYPES, ...STR_TYPES, ...BYTES_TYPES,
]);

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 63n), 2n ** 63n - 1n],
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** A complex number (pypet `complex`, numpy `complex64`/`complex128`). */
export class Complex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
  toString(): string {
    return `(${this.re}${this.im < 0 || Object.is(this.im, -0) ? '-' : '+'}${Math.abs(this.im)}j)`;
  }
}

/** Typed-array classes an {@link NDArray} may hold for numeric dtypes. */
export type NumericTypedArray =
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array
  | Float32Array | Float64Array;

/** Flat, row-major storage of an {@link NDArray}. */
export type NDArrayData = NumericTypedArray | boolean[] | string[] | Buffer[] | Complex[];

/** An n-dimensional array with a dtype and shape; data is flat and row-major (C order). */
export class NDArray {
  readonly dtype: ArrayDType;
  readonly shape: readonly number[];
  readonly data: NDArrayData;

  constructor(dtype: ArrayDType, shape: readonly number[], data: NDArrayData) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new TypeMismatchError(
        `An ndarray of shape [${shape.join(', ')}] needs ${size} elements, but ${data.length} were given.`,
        { expected: String(size), got: String(data.length) },
      );
    }
    this.dtype = dtype;
    this.shape = [...shape];
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Element i (flat index) as a plain JS value (`bigint` only beyond the safe integer range). */
  at(i: number): unknown {
    const v = this.data[i];
    return typeof v === 'bigint' ? normalizeInteger(v) : v;
  }

  /** Nested JS arrays, as numpy's `tolist()` would give. */
  toNested(): unknown {
    const flat = Array.from({ length: this.size }, (_, i) => this.at(i));
    return nest(flat, this.shape);
  }

  /** Nested JS arrays (numpy's `tolist()`); a 0-d array gives its element. */
  toArray(): unknown {
    return this.toNested();
  }

  /** The length of the first axis (numpy's `len(a)`). @throws TypeMismatchError for a 0-d array. */
  get length(): number {
    if (this.shape.length === 0) throw new TypeMismatchError('A 0-d array has no length; read its element with get().');
    return this.shape[0]!;
  }

  /**
   * numpy's `a[i, j, k]`: with one index per axis the element, with fewer the sub-array (a view
   * for numeric dtypes). Negative indices count from the end.
   * @throws InvalidArgumentError for too many, non-integer or out-of-range indices.
   * @example NDArray.fromNested([[1, 2], [3, 4]]).get(1, 0) // 3
   */
  get(...index: number[]): unknown {
    if (index.length > this.shape.length) {
      throw new InvalidArgumentError(`${index.length} indices were given for an array with ${this.shape.length} axes (shape [${this.shape.join(', ')}]).`);
    }
    let offset = 0;
    let step = this.size;
    index.forEach((raw, axis) => {
      const extent = this.shape[axis]!;
      const i = raw < 0 ? raw + extent : raw;
      if (!Number.isInteger(raw) || i < 0 || i >= extent) {
        throw new InvalidArgumentError(`Index ${raw} is out of range for axis ${axis} of size ${extent} (shape [${this.shape.join(', ')}]).`);
      }
      step = extent === 0 ? 0 : step / extent;
      offset += i * step;
    });
    if (index.length === this.shape.length) return this.at(offset);
    const data = 'subarray' in this.data ? this.data.subarray(offset, offset + step) : (this.data as unknown[]).slice(offset, offset + step);
    return new NDArray(this.dtype, this.shape.slice(index.length), data as NDArrayData);
  }

  /** numpy's `str(a)`: `[1. 2. 3.]`, `[[1 2]\n [3 4]]` (pypet's `repr` is `pythonRepr(a)`). */
  toString(): string {
    return numpyStr(this);
  }

  /** `util.inspect` and `console.log` show numpy's `str(a)` too. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return numpyStr(this);
  }

  /** Iterates over the first axis, as numpy does: elements of a 1-d array, sub-arrays otherwise. */
  *[Symbol.iterator](): IterableIterator<unknown> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** Builds a float64 (or given dtype) array from nested JS number arrays. */
  static fromNested(nested: unknown, dtype?: ArrayDType): NDArray {
    const shape = shapeOfNested(nested);
    const flat = flattenNested(nested, shape.length);
    const chosen = dtype ?? inferArrayDType(flat);
    return new NDArray(chosen, shape, makeArrayData(chosen, flat));
  }
}

function nest(flat: unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat;
  const [first, ...rest] = shape;
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first ?? 0 }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

function shapeOfNested(v: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flattenNested(v: unknown, depth: number, path = 'value'): unknown[] {
  if (depth === 0) return [v];
  if (!Array.isArray(v)) {
    throw new TypeMismatchError(`Nested arrays must be rectangular, but ${path} is not an array.`);
  }
  refuseHoles(v, path);
  const out: unknown[] = [];
  let expectedLength: number | undefined;
  v.forEach((child, i) => {
    if (depth > 1) {
      if (!Array.isArray(child)) {
        throw new TypeMismatchError(`Nested arrays must be rectangular, but ${path}[${i}] is not an array.`);
      }
      if (expectedLength !== undefined && child.length !== expectedLength) {
        throw new TypeMismatchError(
          `Nested arrays must be rectangular, but ${path}[${i}] has length ${child.length}, not ${expectedLength}.`,
        );
      }
      expectedLength = child.length;
    }
    pushAll(out, flattenNested(child, depth - 1, `${path}[${i}]`));
  });
  return out;
}

/**
 * Refuses an array with a hole (`[1, , 3]`): array methods skip holes, so the element would
 * silently become 0 or vanish; `undefined` in its place is refused as well.
 * @throws TypeMismatchError naming `where` and the first missing position.
 */
export function refuseHoles(v: readonly unknown[], where: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) {
      throw new TypeMismatchError(`${where} has no element ${i} (the array has a hole, as in [1, , 3]); give every element a value.`, {
        got: 'an array with a hole',
      });
    }
  }
}

/**
 * Why a string or Buffer cannot be stored exactly, or undefined. HDF5 pads fixed-length strings
 * with NULs and readers (h5traj, numpy, PyTables) drop trailing NULs, so a final NUL would be
 * lost. NULs inside the text are kept (PyTables, hence pypet, reads them; h5py's default string
 * conversion alone cuts at the first NUL, as it does for pypet's own files).
 */
function trailingNulProblem(v: string | Buffer): string | undefined {
  if (typeof v === 'string' ? !v.endsWith('\0') : v.length === 0 || v[v.length - 1] !== 0) return undefined;
  const what = typeof v === 'string' ? 'a NUL character' : 'a zero byte';
  const instead = typeof v === 'string' ? 'a PickleParameter or PickleResult keeps it' : 'store binary data as a Uint8Array';
  return ` (it ends in ${what}, which HDF5 strings cannot keep: they are padded with NULs, and readers drop trailing ones; ${instead})`;
}

function inferArrayDType(flat: unknown[]): ArrayDType {
  if (flat.length === 0) return 'float64';
  const first = flat[0];
  if (typeof first === 'boolean') return 'bool';
  if (typeof first === 'bigint') return 'int64';
  if (typeof first === 'string') return `<U${maxOf(flat, (s) => String(s).length, 1)}`;
  if (first instanceof Complex) return 'complex128';
  return 'float64';
}

/** Converts flat JS values into the storage an NDArray of `dtype` uses, checking every element. */
export function makeArrayData(dtype: ArrayDType, flat: readonly unknown[]): NDArrayData {
  const bad = (i: number, what: string): never => {
    throw new TypeMismatchError(
      `Element ${i} of the array is ${describeJs(flat[i])}, which cannot be stored as ${dtype}${what}.`,
      { expected: dtype, got: describeJs(flat[i]) },
    );
  };
  if (dtype === 'bool') return flat.map((v, i) => (typeof v === 'boolean' ? v : bad(i, '')));
  const text = (v: unknown, i: number): string | Buffer => {
    if (dtype.startsWith('<U') ? typeof v !== 'string' : !Buffer.isBuffer(v)) return bad(i, '');
    const problem = trailingNulProblem(v as string | Buffer);
    return problem ? bad(i, problem) : (v as string | Buffer);
  };
  if (dtype.startsWith('<U')) return flat.map(text) as string[];
  if (dtype.startsWith('|S')) return flat.map(text) as Buffer[];
  if (COMPLEX_TYPES.has(dtype)) return flat.map((v, i) => (v instanceof Complex ? v : bad(i, '')));
  const Ctor = TYPED_ARRAY_OF[dtype as IntDType | FloatDType];
  const out = new Ctor(flat.length);
  flat.forEach((v, i) => {
    if (dtype === 'int64' || dtype === 'uint64') {
      const b = toBigIntChecked(v, dtype, () => bad(i, ''));
      (out as BigInt64Array)[i] = b;
    } else if (dtype === 'float32' || dtype === 'float64') {
      if (typeof v !== 'number') bad(i, '');
      (out as Float64Array)[i] = v as number;
    } else {
      const b = toBigIntChecked(v, dtype, () => bad(i, ''));
      (out as Int32Array)[i] = Number(b);
    }
  });
  return out;
}

function toBigIntChecked(v: unknown, dtype: string, onBad: () => never): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else return onBad();
  const range = INT_RANGES[dtype];
  if (range && (b < range[0] || b > range[1])) return onBad();
  return b;
}

/** The typed-array class used for each numeric dtype. */
export const TYPED_ARRAY_OF = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** The dtype of a typed array. */
export function dtypeOfTypedArray(a: ArrayBufferView): IntDType | FloatDType | undefined {
  for (const [dtype, Ctor] of Object.entries(TYPED_ARRAY_OF)) {
    if (a.constructor === Ctor) return dtype as IntDType | FloatDType;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Tuples and explicit types

const TUPLES = new WeakSet<unknown[]>();

/** Marks an array as a tuple (pypet keeps tuples and lists apart). Returns the same array. */
export function tuple<T>(...items: T[]): T[] {
  TUPLES.add(items);
  return items;
}

/** Marks an existing array as a tuple; returns it. */
export function markTuple<T extends unknown[]>(items: T): T {
  TUPLES.add(items);
  return items;
}

/** Whether an array was marked as a tuple. */
export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && TUPLES.has(v);
}

/** A value with an explicit type, e.g. `typed(3, 'int')` or `typed([1, 2], 'int32')`. */
export class Typed<T = unknown> {
  constructor(
    readonly value: T,
    readonly dtype: DTypeHint,
  ) {}
}

/** Gives a value an explicit scalar type; use it for items of results and dict entries. */
export function typed<T>(value: T, dtype: DTypeHint): Typed<T> {
  if (!SCALAR_TYPES.has(dtype)) {
    throw new TypeMismatchError(`'${String(dtype)}' is not a known type name; use one of ${[...SCALAR_TYPES].join(', ')}.`);
  }
  return new Typed(value, dtype);
}

// ---------------------------------------------------------------------------------------------
// Inference and coercion

/** A value paired with its type; what leaves store for each item. */
export interface TypedValue {
  value: unknown;
  type: ValueType;
}

/** A short description of a JS value for error messages. */
export function describeJs(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Buffer.isBuffer(v)) return 'a Buffer';
  if (v instanceof NDArray) return `an ndarray of ${v.dtype} with shape [${v.shape.join(', ')}]`;
  if (v instanceof Complex) return `the complex number ${v.toString()}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Array.isArray(v)) return isTuple(v) ? 'a tuple' : 'an array';
  if (typeof v === 'object') return v.constructor === Object ? 'a plain object' : `a ${v.constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `the ${typeof v} ${String(v)}`;
}

/** A type name for messages: `float`, `list of int`, `ndarray of float64`, … */
export function describeType(t: ValueType): string {
  switch (t.kind) {
    case 'scalar':
      return t.scalar;
    case 'list':
    case 'tuple':
      return t.scalar === null ? `empty ${t.kind}` : `${t.kind} of ${t.scalar}`;
    case 'ndarray':
      return `ndarray of ${t.dtype}`;
    case 'dict':
      return 'dict';
    case 'none':
      return 'None';
    case 'object':
      return 'object';
    case 'unsupported':
      return `unsupported (${t.reason})`;
  }
}

/** Infers the scalar type of a JS scalar, or undefined when it is not a scalar. */
export function inferScalarType(v: unknown): ScalarType | undefined {
  if (typeof v === 'number') return 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (Buffer.isBuffer(v)) return 'bytes';
  if (v instanceof Complex) return 'complex';
  return undefined;
}

/** Normalizes an integer: `number` when safe, `bigint` otherwise. */
export function normalizeInteger(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * Checks and converts a JS scalar to the JS form of `scalar`. Throws {@link TypeMismatchError}
 * naming `where` when the value does not fit (a fraction as an int, an int out of range, …).
 */
export function coerceScalar(v: unknown, scalar: ScalarType, where: string): unknown {
  const fail = (why = ''): never => {
    throw new TypeMismatchError(`${where} is ${describeJs(v)}, which is not a valid ${scalar}${why}.`, {
      expected: scalar,
      got: describeJs(v),
    });
  };
  if (v instanceof Typed) return coerceScalar(v.value, scalar, where);
  if (INT_TYPES.has(scalar)) {
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isInteger(v)) {
      if (!Number.isSafeInteger(v)) fail(' (integers beyond 2^53 must be given as bigint)');
      b = BigInt(v);
    } else return fail();
    const range = INT_RANGES[scalar];
    if (range && (b < range[0] || b > range[1])) fail(` (out of the range ${range[0]}..${range[1]})`);
    return normalizeInteger(b);
  }
  if (FLOAT_TYPES.has(scalar)) {
    if (typeof v === 'number') return scalar === 'float32' ? Math.fround(v) : v;
    if (typeof v === 'bigint') return fail(' (a bigint is an integer; pass a number)');
    return fail();
  }
  if (BOOL_TYPES.has(scalar)) return typeof v === 'boolean' ? v : fail();
  if (STR_TYPES.has(scalar) || BYTES_TYPES.has(scalar)) {
    const text = STR_TYPES.has(scalar);
    if (text ? typeof v !== 'string' : !Buffer.isBuffer(v)) return fail(text ? '' : ' (bytes are given as a Buffer)');
    const problem = trailingNulProblem(v as string | Buffer);
    return problem ? fail(problem) : v;
  }
  if (COMPLEX_TYPES.has(scalar)) {
    if (v instanceof Complex) return v;
    if (typeof v === 'number') return new Complex(v, 0);
    return fail();
  }
  return fail();
}

/** Which kinds of value a leaf class accepts. */
export interface AcceptRules {
  /** ndarrays (typed arrays, NDArray, nested arrays). */
  ndarray: boolean;
  /** dicts (plain objects of values). */
  dict: boolean;
  /** anything JSON-like as an opaque `object` (Pickle leaves). */
  object: boolean;
}

/**
 * Infers (or, with `hint`, imposes) the type of a JS value and returns the value in canonical JS
 * form. `where` names the value in error messages (e.g. `parameter 'parameters.x'`).
 */
export function toTypedValue(raw: unknown, rules: AcceptRules, where: string, hint?: DTypeHint): TypedValue {
  let v = raw;
  if (v instanceof Typed) {
    hint = v.dtype;
    v = v.value;
  }
  if (rules.object) return { value: v, type: { kind: 'object' } };
  if (v === null || v === undefined) {
    throw new TypeMismatchError(`${where} is ${describeJs(v)}; a value is required.`, { got: describeJs(v) });
  }
  const scalar = hint ?? inferScalarType(v);
  if (inferScalarType(v) !== undefined && scalar !== undefined) {
    return { value: coerceScalar(v, scalar, where), type: { kind: 'scalar', scalar } };
  }
  if (v instanceof NDArray || (ArrayBuffer.isView(v) && !Buffer.isBuffer(v))) {
    if (!rules.ndarray) {
      throw new TypeMismatchError(`${where} is ${describeJs(v)}; this leaf does not hold arrays.`, { got: describeJs(v) });
    }
    const arr = v instanceof NDArray ? v : typedArrayToNDArray(v as ArrayBufferView, where);
    const converted = hint ? NDArray.fromNested(arr.toNested(), hintToArrayDType(hint, where)) : arr;
    return { value: converted, type: { kind: 'ndarray', dtype: converted.dtype } };
  }
  if (Array.isArray(v)) {
    const kind = isTuple(v) ? 'tuple' : 'list';
    refuseHoles(v, `${where} (a ${kind})`);
    if (v.some((e) => Array.isArray(e))) {
      if (!rules.ndarray) {
        throw new TypeMismatchError(`${where} is a nested array; this leaf holds only flat lists. Use an ArrayParameter or a result.`);
      }
      const arr = NDArray.fromNested(v, hint ? hintToArrayDType(hint, where) : undefined);
      return { value: arr, type: { kind: 'ndarray', dtype: arr.dtype } };
    }
    if (v.length === 0) return { value: kind === 'tuple' ? markTuple([]) : [], type: { kind, scalar: null } };
    const first = v[0] instanceof Typed ? (v[0] as Typed).dtype : inferScalarType(v[0]);
    const elemType = hint ?? first;
    if (elemType === undefined) {
      throw new TypeMismatchError(`${where}: element 0 of the ${kind} is ${describeJs(v[0])}; lists hold scalars only.`);
    }
    const out = v.map((e, i) => coerceScalar(e, elemType, `${where}: element ${i} of the ${kind}`));
    return { value: kind === 'tuple' ? markTuple(out) : out, type: { kind, scalar: elemType } };
  }
  if (isPlainObject(v)) {
    if (!rules.dict) {
      throw new TypeMismatchError(
        `${where} is a plain object; this leaf does not hold dicts (use a PickleParameter, or a result).`,
        { got: 'a plain object' },
      );
    }
    const entries: Record<string, ValueType> = {};
    const value: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      const tv = toTypedValue(e, { ndarray: true, dict: false, object: false }, `${where}: key '${k}'`);
      entries[k] = tv.type;
      value[k] = tv.value;
    }
    return { value, type: { kind: 'dict', entries } };
  }
  throw new TypeMismatchError(`${where} is ${describeJs(v)}, which h5traj cannot store.`, { got: describeJs(v) });
}

function hintToArrayDType(hint: DTypeHint, where: string): ArrayDType {
  if (hint === 'int') return 'int64';
  if (hint === 'float') return 'float64';
  if (hint === 'complex') return 'complex128';
  if (hint === 'bool' || hint === 'bool_') return 'bool';
  if (INT_TYPES.has(hint) || FLOAT_TYPES.has(hint) || COMPLEX_TYPES.has(hint)) return hint as ArrayDType;
  throw new TypeMismatchError(`${where}: '${hint}' is not a numeric or boolean dtype for an array.`);
}

function typedArrayToNDArray(a: ArrayBufferView, where: string): NDArray {
  const dtype = dtypeOfTypedArray(a);
  if (!dtype) throw new TypeMismatchError(`${where} is a ${a.constructor.name}, which has no HDF5 dtype.`);
  return new NDArray(dtype, [(a as NumericTypedArray).length], (a as NumericTypedArray).slice());
}

/** A plain object (`{}` or `Object.create(null)`), not a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether two types are the same (what pypet requires of explored values). */
export function sameType(a: ValueType, b: ValueType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'scalar':
      return a.scalar === (b as typeof a).scalar;
    case 'list':
    case 'tuple': {
      const bs = (b as typeof a).scalar;
      return a.scalar === null || bs === null || a.scalar === bs;
    }
    case 'ndarray':
      return arrayKind(a.dtype) === arrayKind((b as typeof a).dtype);
    default:
      return true;
  }
}

function arrayKind(d: ArrayDType): string {
  if (d.startsWith('<U')) return '<U';
  if (d.startsWith('|S')) return '|S';
  return d;
}

/** Deep equality of two JS values of this model (NDArray, Complex, Buffer, bigint aware). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')
      && Number.isInteger(Number(a)) && BigInt(a) === BigInt(b);
  }
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (a instanceof Complex && b instanceof Complex) return valuesEqual(a.re, b.re) && valuesEqual(a.im, b.im);
  if (a instanceof NDArray && b instanceof NDArray) {
    if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
    if (a.shape.some((s, i) => s !== b.shape[i])) return false;
    for (let i = 0; i < a.size; i++) if (!valuesEqual(a.at(i), b.at(i))) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  if (a instanceof Set && b instanceof Set) {
    return a.size === b.size && [...a].every((x) => b.has(x));
  }
  return false;
}

/** A short human-readable rendering of a value (pypet's `f_val_to_str`). */
export function valueToString(v: unknown, maxLength = 64): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (Buffer.isBuffer(v)) s = `b'${v.toString('latin1')}'`;
  else if (v instanceof Complex) s = v.toString();
  else if (v instanceof NDArray) s = JSON.stringify(v.toNested(), jsonReplacer);
  else s = JSON.stringify(v, jsonReplacer) ?? String(v);
  return s.length > maxLength ? s.slice(0, maxLength - 1) + '…' : s;
}

/** JSON.stringify replacer for the value model (bigint, Buffer, Complex, NDArray, NaN). */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Complex) return [v.re, v.im];
  if (v instanceof NDArray) return v.toNested();
  if (v instanceof Set) return [...v];
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return Buffer.from((v as { data: number[] }).data).toString('hex');
  }
  return v;
}
