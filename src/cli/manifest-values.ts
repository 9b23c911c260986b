/**
 * Typed values in the tagged JSON form of the reference manifests (`fixtures/pypet/README.md`),
 * which is also what `h5traj dump --json` prints: `{"type":"int","value":3}`,
 * `{"type":"numpy.int16","value":3}`, `{"type":"ndarray","dtype":"float64","shape":[3],"value":[…]}`,
 * lists/tuples with `items`, bytes as `value_hex`, complex as `[re, im]`, NaN/±Infinity as
 * strings, pickled objects as `{"type":"object:<module>.<Class>","repr":…}`. Integers beyond
 * 2^53 stay `bigint`; {@link stringifyManifest} writes them as exact JSON numbers.
 */
import { COMPLEX_TYPES, Complex, type ScalarType, type TypedValue, type ValueType } from '../values/types.js';
import { NDArray } from '../values/ndarray.js';
import { isPlainObject } from '../values/coerce.js';
import { isTuple } from '../values/markers.js';
import { pandasManifest } from '../storage/hdf5/layout/pandas-manifest.js';
import { isFrozenSet } from '../values/markers.js';
import { pythonRepr } from '../values/python-repr.js';

/** A value in manifest form. */
export type ManifestValue = { type: string } & Record<string, unknown>;

const PYTHON_SCALARS = new Set(['int', 'float', 'bool', 'complex', 'str', 'bytes']);

/** `int` → `int`; numpy names get numpy's module: `int16` → `numpy.int16`. */
export const manifestTypeName = (scalar: ScalarType): string => (PYTHON_SCALARS.has(scalar) ? scalar : `numpy.${scalar}`);

function num(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** A JS element as JSON: numbers (NaN as a string), bigint kept, bytes as hex, complex as a pair. */
function element(v: unknown): unknown {
  if (typeof v === 'number') return num(v);
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (v instanceof Complex) return [num(v.re), num(v.im)];
  return v;
}

function scalarValue(scalar: ScalarType, v: unknown): ManifestValue {
  const type = manifestTypeName(scalar);
  if (Buffer.isBuffer(v)) return { type, value_hex: v.toString('hex') };
  if (COMPLEX_TYPES.has(scalar) && v instanceof Complex) return { type, value: [num(v.re), num(v.im)] };
  return { type, value: element(v) };
}

/**
 * Converts a typed value into the manifest's tagged form.
 * @example toManifestValue({ value: 3, type: { kind: 'scalar', scalar: 'int16' } }) // { type: 'numpy.int16', value: 3 }
 */
export function toManifestValue(tv: TypedValue): ManifestValue {
  return tagged(tv.value, tv.type);
}

function tagged(v: unknown, t: ValueType): ManifestValue {
  switch (t.kind) {
    case 'scalar':
      return scalarValue(t.scalar, v);
    case 'list':
    case 'tuple':
      return { type: t.kind, items: (v as unknown[]).map((e) => (t.scalar ? scalarValue(t.scalar, e) : inferTagged(e))) };
    case 'ndarray': {
      const a = v as NDArray;
      const flat = Array.from({ length: a.size }, (_, i) => element(a.at(i)));
      return { type: 'ndarray', dtype: a.dtype, shape: [...a.shape], value: nest(flat, a.shape) };
    }
    case 'dict': {
      const items: Record<string, ManifestValue> = {};
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) items[k] = t.entries[k] ? tagged(e, t.entries[k]) : inferTagged(e);
      return { type: 'dict', items };
    }
    case 'none':
      return { type: 'NoneType', value: null };
    case 'object':
      return inferTagged(v);
    case 'pandas':
      return pandasManifest(v, tagged);
    case 'unsupported':
      return t.pyclass === undefined ? { type: 'unsupported', reason: t.reason } : { type: 'unsupported', reason: t.reason, pyclass: t.pyclass };
  }
}

/** Tags an untyped JS value (content of pickled objects) by its JS form. */
function inferTagged(v: unknown): ManifestValue {
  if (v === null || v === undefined) return { type: 'NoneType', value: null };
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  if (typeof v === 'bigint') return { type: 'int', value: v };
  if (typeof v === 'number') return { type: Number.isInteger(v) ? 'int' : 'float', value: num(v) };
  if (typeof v === 'string') return { type: 'str', value: v };
  if (Buffer.isBuffer(v)) return { type: 'bytes', value_hex: v.toString('hex') };
  if (v instanceof Complex) return { type: 'complex', value: [num(v.re), num(v.im)] };
  if (v instanceof NDArray) return tagged(v, { kind: 'ndarray', dtype: v.dtype });
  if (v instanceof Set) return { type: `object:builtins.${isFrozenSet(v) ? 'frozenset' : 'set'}`, repr: pythonRepr(v) };
  if (Array.isArray(v)) return { type: isTuple(v) ? 'tuple' : 'list', items: v.map(inferTagged) };
  if (isPlainObject(v)) return { type: 'dict', items: Object.fromEntries(Object.entries(v).map(([k, e]) => [k, inferTagged(e)])) };
  return { type: 'object', repr: pythonRepr(v) };
}

function nest(flat: unknown[], shape: readonly number[]): unknown[] {
  if (shape.length <= 1) return flat;
  const [first = 0, ...rest] = shape;
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

const BIGINT_MARK = '\u0000bigint:';

/** JSON text of a manifest value, with `bigint`s written as exact integer literals. */
export function stringifyManifest(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v), indent);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** Parses manifest JSON, keeping integer literals beyond 2^53 exact (as `bigint`). */
export function parseManifest(text: string): unknown {
  const marked = text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, (m, pre: string, digits: string) => {
    const big = BigInt(digits);
    const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER);
    return safe ? m : `${pre}"\\u0000bigint:${digits}"`; // JSON.parse turns the escape into BIGINT_MARK
  });
  return JSON.parse(marked, (_k, v) => (typeof v === 'string' && v.startsWith(BIGINT_MARK) ? BigInt(v.slice(BIGINT_MARK.length)) : v));
}
