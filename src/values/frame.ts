/**
 * pandas' DataFrame and Series as small typed, columnar values: what a pypet result holding pandas
 * data loads as, and what h5traj stores in pandas' own HDF5 layout (`storage/hdf5/layout/pandas*.ts`).
 *
 * A {@link Column} keeps pandas' dtype and the values in the form that dtype needs: typed arrays
 * for numbers (int64 as `BigInt64Array`, exact), `boolean[]` for bool, nanoseconds since the epoch
 * in a `BigInt64Array` for `datetime64[ns]` (exact, where a `Date` has milliseconds only), and for
 * `object` the values with each one's own type (pandas keeps text and mixed columns so).
 * Nothing here is a dataframe library: selection, arithmetic and grouping are left to the caller
 * (or to apache-arrow, danfo.js, …, which can be built from the columns).
 */
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { type FloatDType, type IntDType, PANDAS_VALUE, type ValueType, normalizeInteger } from './types.js';
import { type NumericTypedArray, TYPED_ARRAY_OF, describeJs, dtypeOfTypedArray } from './ndarray.js';
import { inferScalarType } from './coerce.js';
import { valuesEqual } from './compare.js';

/** The pandas dtypes a {@link Column} holds. */
export type FrameDType = IntDType | FloatDType | 'bool' | 'datetime64[ns]' | 'object';

/** A column label or an index entry (pandas allows any hashable value; h5traj these). */
export type Label = string | number | bigint | boolean | null;

/** pandas' missing datetime (`NaT`): the smallest int64. */
export const NAT = -(2n ** 63n);

/** What {@link Column.from} accepts: typed arrays, or plain arrays of numbers, booleans, strings, Dates or mixed values. */
export type ColumnInput = NumericTypedArray | readonly unknown[] | Column;

const NUMERIC: ReadonlySet<string> = new Set(Object.keys(TYPED_ARRAY_OF));

/** One column (or an index's values): a pandas dtype and its values. */
export class Column {
  readonly dtype: FrameDType;
  /** Typed array (numeric dtypes, and `datetime64[ns]` as ns since the epoch), `boolean[]`, or the values of an `object` column. */
  readonly data: NumericTypedArray | boolean[] | unknown[];
  /** The type of each value of an `object` column (`str`, `float`, `int`, None, …); undefined otherwise. */
  readonly types: readonly ValueType[] | undefined;

  /**
   * @throws TypeMismatchError when `data` does not have the form `dtype` needs.
   */
  constructor(dtype: FrameDType, data: NumericTypedArray | boolean[] | unknown[], types?: readonly ValueType[]) {
    const bad = (want: string): never => {
      throw new TypeMismatchError(`A ${dtype} column needs ${want}, but got ${describeJs(data)}.`, { expected: want, got: describeJs(data) });
    };
    if (NUMERIC.has(dtype)) {
      if (!(data instanceof TYPED_ARRAY_OF[dtype as IntDType | FloatDType])) bad(`a ${TYPED_ARRAY_OF[dtype as IntDType | FloatDType].name}`);
    } else if (dtype === 'datetime64[ns]') {
      if (!(data instanceof BigInt64Array)) bad('a BigInt64Array of nanoseconds since the epoch');
    } else if (dtype === 'bool') {
      if (!Array.isArray(data) || !data.every((b) => typeof b === 'boolean')) bad('an array of booleans');
    } else if (dtype === 'object') {
      if (!Array.isArray(data)) bad('an array of values');
      if (!types || types.length !== data.length) bad('one type per value');
    } else {
      throw new TypeMismatchError(`'${String(dtype)}' is not a column dtype h5traj knows; use int8…uint64, float32, float64, bool, datetime64[ns] or object.`);
    }
    this.dtype = dtype;
    this.data = data;
    this.types = dtype === 'object' ? [...types!] : undefined;
  }

  /**
   * A column from plain values, with pandas' inference where `dtype` is not given: a typed array
   * keeps its dtype; numbers are int64 when all are safe integers, else float64 (pass a
   * Float64Array or `dtype: 'float64'` for whole-number floats); booleans are bool; Dates are
   * datetime64[ns]; anything else (text, mixed values) is object.
   * @example Column.from([1.5, 2]).dtype // 'float64'
   * @throws TypeMismatchError when a value does not fit `dtype`.
   */
  static from(values: ColumnInput, dtype?: FrameDType): Column {
    if (values instanceof Column) return dtype === undefined || dtype === values.dtype ? values : Column.from(values.toArray(), dtype);
    if (ArrayBuffer.isView(values)) {
      const own = dtypeOfTypedArray(values);
      if (own && (dtype === undefined || dtype === own)) return new Column(own, values.slice());
      return Column.from(Array.from(values as ArrayLike<number | bigint>), dtype);
    }
    const list = values as readonly unknown[];
    const target = dtype ?? inferDType(list);
    const where = (i: number) => `Value ${i} of a ${target} column`;
    if (NUMERIC.has(target)) {
      const Ctor = TYPED_ARRAY_OF[target as IntDType | FloatDType];
      const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
      const out = new Ctor(list.length);
      list.forEach((v, i) => {
        if (typeof v !== 'number' && typeof v !== 'bigint') throw new TypeMismatchError(`${where(i)} is ${describeJs(v)}, not a number.`);
        if (big || !target.startsWith('float')) {
          if (typeof v === 'number' && !Number.isInteger(v)) throw new TypeMismatchError(`${where(i)} is ${v}, not an integer.`);
        }
        (out as Float64Array)[i] = (big ? BigInt(v) : Number(v)) as number;
      });
      return new Column(target, out);
    }
    if (target === 'bool') {
      list.forEach((v, i) => {
        if (typeof v !== 'boolean') throw new TypeMismatchError(`${where(i)} is ${describeJs(v)}, not a boolean.`);
      });
      return new Column('bool', [...(list as boolean[])]);
    }
    if (target === 'datetime64[ns]') {
      return new Column(target, BigInt64Array.from(list, (v, i) => {
        if (v === null) return NAT;
        if (v instanceof Date) return BigInt(v.getTime()) * 1_000_000n;
        if (typeof v === 'bigint') return v;
        throw new TypeMismatchError(`${where(i)} is ${describeJs(v)}, not a Date, null (NaT) or a bigint of nanoseconds.`);
      }));
    }
    return new Column('object', [...list], list.map(objectType));
  }

  get length(): number {
    return this.data.length;
  }

  /** Value i as plain JS: numbers (bigint only beyond 2^53), booleans, a Date (null for NaT), or an object column's value. */
  at(i: number): unknown {
    const v = this.data[i];
    if (this.dtype === 'datetime64[ns]') return v === NAT ? null : new Date(Number((v as bigint) / 1_000_000n));
    return typeof v === 'bigint' ? normalizeInteger(v) : v;
  }

  /** All values, as {@link at} gives them. */
  toArray(): unknown[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** Same dtype and values (NaN equals NaN; object values compare with their types). */
  equals(other: unknown): boolean {
    if (!(other instanceof Column) || other.dtype !== this.dtype || other.length !== this.length) return false;
    for (let i = 0; i < this.length; i++) {
      if (!valuesEqual(this.data[i], other.data[i])) return false;
      if (this.types && JSON.stringify(this.types[i]) !== JSON.stringify(other.types![i])) return false;
    }
    return true;
  }

  toJSON(): unknown {
    return { dtype: this.dtype, values: this.toArray() };
  }
}

function inferDType(values: readonly unknown[]): FrameDType {
  if (values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'bigint')) {
    return values.every((v) => typeof v === 'bigint' || Number.isSafeInteger(v)) ? 'int64' : 'float64';
  }
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'bool';
  if (values.length > 0 && values.every((v) => v instanceof Date || v === null) && values.some((v) => v !== null)) return 'datetime64[ns]';
  return 'object';
}

/** The Python type an object column gives a JS value (numbers are ints when whole, as pickles write them). */
function objectType(v: unknown, i: number): ValueType {
  if (v === null || v === undefined) return { kind: 'none' };
  const scalar = inferScalarType(v);
  if (scalar === undefined) throw new TypeMismatchError(`Value ${i} of an object column is ${describeJs(v)}; object columns hold scalars and None.`);
  return { kind: 'scalar', scalar: typeof v === 'number' && Number.isSafeInteger(v) ? 'int' : scalar };
}

/** Row labels (or the column labels of a frame) with their dtype, the axis name and, for datetimes, pandas' frequency. */
export class Index {
  readonly values: Column;
  readonly name: Label;
  /** A DatetimeIndex's frequency as pandas writes it (`'D'`, `'15T'`, `'M'`), or null; it must fit the values. */
  readonly freq: string | null;

  /**
   * @throws TypeMismatchError when a frequency is given for labels that are not datetimes.
   */
  constructor(values: ColumnInput, name: Label = null, freq: string | null = null) {
    this.values = Column.from(values);
    this.name = name;
    if (freq !== null && this.values.dtype !== 'datetime64[ns]') {
      throw new TypeMismatchError(`A frequency ('${freq}') needs datetime labels, but the labels are ${this.values.dtype}.`);
    }
    this.freq = freq;
  }

  /** 0, 1, …, n-1 as int64 (what pandas' RangeIndex is stored as). */
  static range(n: number, name: Label = null): Index {
    return new Index(BigInt64Array.from({ length: n }, (_, i) => BigInt(i)), name);
  }

  get length(): number {
    return this.values.length;
  }

  /** Label i (see {@link Column.at}). */
  at(i: number): unknown {
    return this.values.at(i);
  }

  equals(other: unknown): boolean {
    return other instanceof Index && valuesEqual(other.name, this.name) && other.freq === this.freq && this.values.equals(other.values);
  }

  toJSON(): unknown {
    return { name: this.name, ...(this.freq === null ? {} : { freq: this.freq }), ...(this.values.toJSON() as object) };
  }
}

/** Options of {@link DataFrame.from}. */
export interface DataFrameOptions {
  /** Row labels (default 0…n-1). */
  index?: Index | ColumnInput;
  /** A dtype per column name, where inference would pick another. */
  dtypes?: Record<string, FrameDType>;
}

/**
 * A pandas DataFrame: row labels, column labels and one typed {@link Column} per label.
 * @example
 * const df = DataFrame.from({ x: Float64Array.of(1, 2), name: ['a', 'b'] }, { index: ['r1', 'r2'] });
 * df.get('x')?.at(1); // 2
 */
export class DataFrame {
  readonly [PANDAS_VALUE] = true as const;
  readonly index: Index;
  /** The column labels with their dtype (text labels are `object`) and the columns axis name. */
  readonly columnLabels: Index;
  /** The columns by label, in order. */
  readonly columns: ReadonlyMap<Label, Column>;

  /**
   * @throws InvalidArgumentError when the labels repeat or the lengths disagree.
   */
  constructor(index: Index, columnLabels: Index, columns: readonly Column[]) {
    if (columnLabels.length !== columns.length) {
      throw new InvalidArgumentError(`A DataFrame with ${columnLabels.length} column labels needs ${columnLabels.length} columns, but got ${columns.length}.`);
    }
    const map = new Map<Label, Column>();
    columns.forEach((c, i) => {
      const label = columnLabels.at(i) as Label;
      if (map.has(label)) throw new InvalidArgumentError(`The column label ${JSON.stringify(String(label))} appears twice; h5traj's DataFrame needs unique labels.`);
      if (c.length !== index.length) {
        throw new InvalidArgumentError(`Column ${JSON.stringify(String(label))} has ${c.length} values, but the index has ${index.length}.`);
      }
      map.set(label, c);
    });
    this.index = index;
    this.columnLabels = columnLabels;
    this.columns = map;
  }

  /**
   * A DataFrame from `{ label: values }` (see {@link Column.from} for the dtype each gets).
   * @throws TypeMismatchError / InvalidArgumentError for values that do not fit or lengths that differ.
   */
  static from(columns: Record<string, ColumnInput>, options: DataFrameOptions = {}): DataFrame {
    const cols = Object.entries(columns).map(([k, v]) => Column.from(v, options.dtypes?.[k]));
    const n = cols[0]?.length ?? (options.index ? Column.from(options.index instanceof Index ? options.index.values : options.index).length : 0);
    const index = options.index instanceof Index ? options.index : options.index ? new Index(options.index) : Index.range(n);
    return new DataFrame(index, new Index(Object.keys(columns)), cols);
  }

  /** `[rows, columns]`. */
  get shape(): [number, number] {
    return [this.index.length, this.columns.size];
  }

  /** The column with this label. */
  get(label: Label): Column | undefined {
    return this.columns.get(label);
  }

  equals(other: unknown): boolean {
    if (!(other instanceof DataFrame) || !other.index.equals(this.index) || !other.columnLabels.equals(this.columnLabels)) return false;
    const mine = [...this.columns.values()];
    return [...other.columns.values()].every((c, i) => c.equals(mine[i]));
  }

  /** A one-line summary (pandas prints a table, which does not fit a leaf's one-line text). */
  toString(): string {
    const cols = [...this.columns].map(([label, c]) => `${String(label)}: ${c.dtype}`).join(', ');
    return `DataFrame(${this.index.length} rows; ${cols})`;
  }

  toJSON(): unknown {
    return { index: this.index.toJSON(), columns: [...this.columns].map(([name, c]) => ({ name, ...(c.toJSON() as object) })) };
  }
}

/**
 * A pandas Series: row labels, one typed {@link Column} of values, and a name.
 * @example new Series([1.5, 2.5], { name: 'x' }).values.dtype // 'float64'
 */
export class Series {
  readonly [PANDAS_VALUE] = true as const;
  readonly index: Index;
  readonly values: Column;
  readonly name: Label;

  /**
   * @throws InvalidArgumentError when the index and the values differ in length.
   */
  constructor(values: ColumnInput, options: { index?: Index | ColumnInput; name?: Label; dtype?: FrameDType } = {}) {
    this.values = Column.from(values, options.dtype);
    this.index = options.index instanceof Index ? options.index : options.index ? new Index(options.index) : Index.range(this.values.length);
    if (this.index.length !== this.values.length) {
      throw new InvalidArgumentError(`A Series with ${this.values.length} values needs as many index labels, but got ${this.index.length}.`);
    }
    this.name = options.name ?? null;
  }

  get length(): number {
    return this.values.length;
  }

  equals(other: unknown): boolean {
    return other instanceof Series && valuesEqual(other.name, this.name) && other.index.equals(this.index) && other.values.equals(this.values);
  }

  /** A one-line summary, like {@link DataFrame.toString}. */
  toString(): string {
    return `Series(${this.name === null ? '' : `${String(this.name)}: `}${this.length} values of ${this.values.dtype})`;
  }

  toJSON(): unknown {
    return { name: this.name, index: this.index.toJSON(), ...(this.values.toJSON() as object) };
  }
}
