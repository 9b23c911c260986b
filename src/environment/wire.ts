/**
 * Values crossing a thread boundary or written to the journal go through structured clone
 * (v8.serialize), which keeps typed arrays, bigint, Map and Set but not classes or the tuple
 * marker. These functions tag what structured clone would lose and restore it on the other side.
 */
import { isTuple, markTuple } from '../values/markers.js';
import { NDArray, type NDArrayData } from '../values/ndarray.js';
import { Complex } from '../values/types.js';

const TAG = '__h5traj_wire__';

type Tagged =
  | { [TAG]: 'nd'; dtype: string; shape: number[]; data: unknown }
  | { [TAG]: 'complex'; re: number; im: number }
  | { [TAG]: 'buffer'; bytes: Uint8Array }
  | { [TAG]: 'tuple'; items: unknown[] };

/** A structured-clone-safe copy of a value of the value model (records included). */
export function toWire(v: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (v === null || typeof v !== 'object') return v;
  // Cyclic data cannot be stored; say so instead of recursing until the stack overflows.
  if (seen.has(v)) throw new TypeError('it contains a cycle (an object that contains itself)');
  seen.add(v);
  try {
    return toWireInner(v, seen);
  } finally {
    seen.delete(v);
  }
}

function toWireInner(v: object, seen: WeakSet<object>): unknown {
  if (v instanceof NDArray) {
    const data = ArrayBuffer.isView(v.data) ? v.data : (v.data as unknown[]).map((x) => toWire(x, seen));
    return { [TAG]: 'nd', dtype: v.dtype, shape: [...v.shape], data } satisfies Tagged;
  }
  if (v instanceof Complex) return { [TAG]: 'complex', re: v.re, im: v.im } satisfies Tagged;
  if (Buffer.isBuffer(v)) return { [TAG]: 'buffer', bytes: new Uint8Array(v) } satisfies Tagged;
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    const items = v.map((x) => toWire(x, seen));
    return isTuple(v) ? ({ [TAG]: 'tuple', items } satisfies Tagged) : items;
  }
  if (v instanceof Set) return new Set([...v].map((x) => toWire(x, seen)));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, toWire(x, seen)]));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x, seen)]));
}

/** Restores a value made by {@link toWire}. */
export function fromWire(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(fromWire);
  if (v instanceof Set) return new Set([...v].map(fromWire));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, fromWire(x)]));
  const tagged = v as Partial<Tagged>;
  switch (tagged[TAG]) {
    case 'nd': {
      const t = tagged as Extract<Tagged, { [TAG]: 'nd' }>;
      const data = ArrayBuffer.isView(t.data) ? t.data : (t.data as unknown[]).map(fromWire);
      return new NDArray(t.dtype as NDArray['dtype'], t.shape, data as NDArrayData);
    }
    case 'complex': {
      const t = tagged as Extract<Tagged, { [TAG]: 'complex' }>;
      return new Complex(t.re, t.im);
    }
    case 'buffer':
      return Buffer.from((tagged as Extract<Tagged, { [TAG]: 'buffer' }>).bytes);
    case 'tuple':
      return markTuple((tagged as Extract<Tagged, { [TAG]: 'tuple' }>).items.map(fromWire));
    default:
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  }
}
