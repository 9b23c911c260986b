/**
 * The value model's type names: what a value is in pypet's terms ({@link ValueType}), the scalar
 * and array dtype names, the integer ranges, and the {@link Complex} number class.
 *
 * JavaScript has one number type; pypet (Python + numpy) has many. Every value a leaf holds is
 * therefore kept together with a {@link ValueType} that says what it is in pypet's terms. The
 * type is inferred from the JavaScript value unless the user names it (`dtype` option or
 * `typed`), is kept through storage and loading, and decides the HDF5 layout.
 *
 * JavaScript forms, by type:
 * - integers (`int`, `int8` … `uint64`): `number` when a safe integer, else `bigint`;
 * - floats (`float`, `float32`, `float64`): `number`;
 * - booleans (`bool`, `bool_`): `boolean`;
 * - text (`str`, `str_`): `string`; raw bytes (`bytes`, `bytes_`): a Node `Buffer`;
 * - complex (`complex`, `complex64`, `complex128`): {@link Complex};
 * - list / tuple: a plain array of one scalar type (tuples are marked with `tuple`, markers.ts);
 * - ndarray: `NDArray` (ndarray.ts; also made from typed arrays and nested number arrays);
 * - dict: a plain object whose values are again values of this model;
 * - object: JSON-like data held by `PickleParameter` / `PickleResult`.
 */

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
  /** A pandas DataFrame or Series (`src/values/frame.ts`), stored in pandas' own HDF5 layout. */
  | { kind: 'pandas' }
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

/** The inclusive range of each integer type. */
export const INT_RANGES: Record<string, [bigint, bigint]> = {
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

/** Marks the pandas value classes (`src/values/frame.ts`) without importing them here. */
export const PANDAS_VALUE: unique symbol = Symbol.for('h5traj.pandas');

/** Whether `v` is a DataFrame or Series (anything carrying {@link PANDAS_VALUE}). */
export function isPandasValue(v: unknown): v is { [PANDAS_VALUE]: true; equals(other: unknown): boolean } {
  return typeof v === 'object' && v !== null && PANDAS_VALUE in v;
}

/** A value paired with its type; what leaves store for each item. */
export interface TypedValue {
  value: unknown;
  type: ValueType;
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
    case 'pandas':
      return 'pandas';
    case 'unsupported':
      return `unsupported (${t.reason})`;
  }
}

/** Normalizes an integer: `number` when safe, `bigint` otherwise. */
export function normalizeInteger(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** The hint for a child (list element, dict entry) of a value whose type hint is `t`. */
export function childHint(t: ValueType | undefined, key: string | number): ValueType | undefined {
  if (t?.kind === 'scalar') return t; // a scalar hint applies to a list's elements too, as in coerce.ts
  if ((t?.kind === 'list' || t?.kind === 'tuple') && t.scalar) return { kind: 'scalar', scalar: t.scalar };
  if (t?.kind === 'dict' && Object.hasOwn(t.entries, key)) return t.entries[key];
  return undefined;
}
