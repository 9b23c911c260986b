/**
 * pandas values in the tagged JSON form of `h5traj dump --json` and of pypet's view
 * (`scripts/pypet-view.py`, which writes the same form from the real pandas objects):
 *
 *     {"type": "pandas.DataFrame", "index": AXIS, "columns": AXIS, "data": [COLUMN, …]}
 *     {"type": "pandas.Series", "name": LABEL, "index": AXIS, "dtype": …, "values": […]}
 *
 * AXIS is `{"name", "dtype", "values"}` (and `"freq"` for a DatetimeIndex with one) and COLUMN `{"dtype", "values"}`. Values follow the dtype:
 * numbers (NaN and ±Infinity as strings), booleans, `datetime64[ns]` as numpy's ISO text with
 * nanoseconds (`"NaT"` when missing), and `object` values tagged one by one like any other value.
 */
import { type ValueType } from '../../../values/types.js';
import { type Column, DataFrame, type Index, NAT, Series } from '../../../values/frame.js';

type Tagged = { type: string } & Record<string, unknown>;

/** numpy's `datetime_as_string(x, unit='ns')`. */
export function isoNanoseconds(ns: bigint): string {
  if (ns === NAT) return 'NaT';
  let ms = ns / 1_000_000n;
  let rest = ns % 1_000_000n;
  if (rest < 0n) {
    rest += 1_000_000n;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${rest.toString().padStart(6, '0')}`;
}

const num = (v: number): number | string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);

function columnValues(c: Column, tag: (value: unknown, type: ValueType) => Tagged): unknown[] {
  if (c.dtype === 'datetime64[ns]') return Array.from(c.data as BigInt64Array, isoNanoseconds);
  if (c.dtype === 'object') return (c.data as unknown[]).map((v, i) => tag(v, c.types![i]!));
  return c.toArray().map((v) => (typeof v === 'number' ? num(v) : v));
}

const axis = (ix: Index, tag: (value: unknown, type: ValueType) => Tagged) =>
  ({ name: ix.name, dtype: ix.values.dtype, ...(ix.freq === null ? {} : { freq: ix.freq }), values: columnValues(ix.values, tag) });

/**
 * The manifest form of a DataFrame or Series; `tag` tags the values of object columns.
 * @example pandasManifest(new Series([1.5]), tag) // { type: 'pandas.Series', name: null, index: {…}, dtype: 'float64', values: [1.5] }
 */
export function pandasManifest(v: unknown, tag: (value: unknown, type: ValueType) => Tagged): Tagged {
  if (v instanceof DataFrame) {
    return {
      type: 'pandas.DataFrame',
      index: axis(v.index, tag),
      columns: axis(v.columnLabels, tag),
      data: [...v.columns.values()].map((c) => ({ dtype: c.dtype, values: columnValues(c, tag) })),
    };
  }
  if (v instanceof Series) {
    return { type: 'pandas.Series', name: v.name, index: axis(v.index, tag), dtype: v.values.dtype, values: columnValues(v.values, tag) };
  }
  return { type: 'unsupported', reason: 'a value marked as pandas data is neither a DataFrame nor a Series' };
}
