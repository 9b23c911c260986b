/**
 * n-dimensional arrays ({@link NDArray}): numpy's ndarray as flat row-major data, a dtype and a
 * shape; building one from nested JS arrays or typed arrays, with every element checked.
 * `describeJs` lives here too: it names any value of the model in error messages, and the
 * array checks need it (a module below this one could not recognise an NDArray).
 */
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { maxOf, pushAll } from '../fold.js';
import { isTuple } from './markers.js';
// A cycle with python-repr.ts (which checks instanceof NDArray), used only inside methods, never at load.
import { numpyStr } from './python-repr.js';
import {
  COMPLEX_TYPES, Complex, INT_RANGES, normalizeInteger, type ArrayDType, type FloatDType, type IntDType,
} from './types.js';

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
export function trailingNulProblem(v: string | Buffer): string | undefined {
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
