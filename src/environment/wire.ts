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

/**
 * Nesting depth from which {@link toWire} remembers the objects on its path: a cycle nests
 * without end, so it is still found (one turn past this depth), while the shallow records of
 * every finished run pass without a WeakSet update per object (issue 13: journal time).
 */
const CYCLE_CHECK_DEPTH = 32;

/** A structured-clone-safe copy of a value of the value model (records included). */
export function toWire(v: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth < CYCLE_CHECK_DEPTH) return toWireInner(v, seen, depth + 1);
  // Cyclic data cannot be stored; say so instead of recursing until the stack overflows.
  if (seen.has(v)) throw new TypeError('it contains a cycle (an object that contains itself)');
  seen.add(v);
  try {
    return toWireInner(v, seen, depth + 1);
  } finally {
    seen.delete(v);
  }
}

function toWireInner(v: object, seen: WeakSet<object>, depth: number): unknown {
  if (v instanceof NDArray) {
    const data = ArrayBuffer.isView(v.data) ? v.data : (v.data as unknown[]).map((x) => toWire(x, seen, depth));
    return { [TAG]: 'nd', dtype: v.dtype, shape: [...v.shape], data } satisfies Tagged;
  }
  if (v instanceof Complex) return { [TAG]: 'complex', re: v.re, im: v.im } satisfies Tagged;
  if (Buffer.isBuffer(v)) return { [TAG]: 'buffer', bytes: new Uint8Array(v) } satisfies Tagged;
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    const items = v.map((x) => toWire(x, seen, depth));
    return isTuple(v) ? ({ [TAG]: 'tuple', items } satisfies Tagged) : items;
  }
  if (v instanceof Set) return new Set([...v].map((x) => toWire(x, seen, depth)));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, toWire(x, seen, depth)]));
  // A loop, not Object.fromEntries(Object.entries(…)): every finished run's records pass here.
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = toWire((v as Record<string, unknown>)[k], seen, depth);
    // A key named __proto__ is data here, as Object.fromEntries makes it, not the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
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

/**
 * Visits the typed arrays in a value; `visit` may answer another array to put in its place
 * (`replaceable`: it is an entry of an object, array or map, not a member of a set).
 */
function eachView(
  v: unknown,
  visit: (view: ArrayBufferView, replaceable: boolean) => ArrayBufferView | void,
  seen = new Set<object>(),
): void {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || seen.has(v)) return;
  seen.add(v);
  const inner = (x: unknown, replaceable = true): unknown => {
    if (ArrayBuffer.isView(x)) return visit(x, replaceable) ?? x;
    eachView(x, visit, seen);
    return x;
  };
  if (v instanceof Map) {
    for (const [k, x] of v) {
      const y = inner(x);
      if (y !== x) v.set(k, y); // an existing key: iteration goes on undisturbed
    }
  } else if (v instanceof Set) {
    for (const x of v) inner(x, false);
  } else {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      const y = inner(x);
      if (y !== x) o[k] = y;
    }
  }
}

/** Typed arrays at least this big cross a thread by moving their buffer (see {@link transferList}); smaller ones are cloned. */
export const TRANSFER_BYTES = 64 * 1024;

/**
 * Bytes of the typed arrays in a value (e.g. a run's records): what storing it writes as data.
 * Its own walk, not {@link eachView}'s: it runs on every finished run, and a closure and a key
 * list per object visited were ~6 KB of garbage per W1 run (issue 13: GC time and peak memory).
 */
export function dataBytes(v: unknown): number {
  return bytesOf(v, new Set());
}

function bytesOf(v: unknown, seen: Set<object>): number {
  if (v === null || typeof v !== 'object') return 0;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (seen.has(v)) return 0;
  seen.add(v);
  let n = 0;
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) n += bytesOf(v[i], seen);
  else if (v instanceof Map || v instanceof Set) for (const x of v.values()) n += bytesOf(x, seen);
  else for (const k in v) if (Object.hasOwn(v, k)) n += bytesOf((v as Record<string, unknown>)[k], seen);
  return n;
}

/**
 * The buffers of the big typed arrays (at least `minBytes`) in a wire-form value, to hand to
 * `postMessage` as its transfer list: moved to the other thread instead of copied, so a 4 MB
 * result crosses a thread without a second copy staying behind. Only a buffer a typed array
 * views whole is moved (never a shared one, nor one of Node's pooled small buffers), and none in
 * `keep` (still needed on this side). With `copy`, each such array is first replaced in `v` by a
 * copy, and the copy moves: for arrays the sender's own objects may still use.
 */
export function transferList(v: unknown, minBytes: number, options: { copy?: boolean; keep?: ReadonlySet<ArrayBufferLike> } = {}): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  eachView(v, (view, replaceable) => {
    const buffer = view.buffer;
    if (view.byteLength < minBytes || !(buffer instanceof ArrayBuffer) || options.keep?.has(buffer)) return undefined;
    if (options.copy) {
      // A Buffer's slice is a view, not a copy; a DataView has none.
      if (!replaceable || view instanceof DataView || Buffer.isBuffer(view)) return undefined;
      const copy = (view as Uint8Array).slice();
      out.add(copy.buffer as ArrayBuffer);
      return copy;
    }
    if (view.byteOffset === 0 && view.byteLength === buffer.byteLength) out.add(buffer);
    return undefined;
  });
  return [...out];
}

/** The buffers the typed arrays in a value view (e.g. what a run returned, which must stay usable here). */
export function buffersIn(v: unknown): Set<ArrayBufferLike> {
  const out = new Set<ArrayBufferLike>();
  eachView(v, (view) => {
    out.add(view.buffer);
  });
  return out;
}
