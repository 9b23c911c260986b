/**
 * Short text and JSON renderings of values of the model (not Python's repr: see python-repr.ts):
 * pypet's `f_val_to_str` and a JSON.stringify replacer for bigint, Buffer, Complex and NDArray.
 */
import { NDArray } from './ndarray.js';
import { Complex } from './types.js';

/**
 * A number's text, exactly as `String(n)` writes it. A finite number goes through JSON.stringify,
 * which writes the same digits without V8's number-to-string cache: that cache keeps each string
 * it makes alive long enough for V8 to promote it to the old generation, so a pass over a
 * million runs that turned numbers into text left millions of dead strings there, waiting for a
 * full collection (the CLI's export and get peaked 60-130 MB higher at a million runs).
 * @example numberText(0.5) // '0.5'
 */
export function numberText(n: number): string {
  return Number.isFinite(n) ? JSON.stringify(n) : String(n);
}

/** A short human-readable rendering of a value (pypet's `f_val_to_str`). */
export function valueToString(v: unknown, maxLength = 64): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = numberText(v);
  else if (typeof v === 'bigint' || typeof v === 'boolean') s = String(v);
  else if (Buffer.isBuffer(v)) s = `b'${v.toString('latin1')}'`;
  else if (v instanceof Complex) s = v.toString();
  else if (v instanceof NDArray || Array.isArray(v) || isTypedArray(v)) s = jsonStart(v, maxLength);
  else s = JSON.stringify(v, jsonReplacer) ?? String(v);
  return s.length > maxLength ? s.slice(0, maxLength - 1) + '…' : s;
}

/** Any typed array (Float64Array, BigInt64Array, …): indexed elements and a length. */
type TypedArray = ArrayBufferView & { readonly length: number; readonly [i: number]: number | bigint };

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * The start of `JSON.stringify(v, jsonReplacer)` for an array, typed array or NDArray (an
 * NDArray as its nested lists): all of it, or the first `limit` characters and more, written
 * element by element. A preview of a run's array of a million numbers (the CLI's `get` shows
 * one per run) wrote all of them and kept 60 characters: megabytes of text per run, which V8
 * keeps with its large objects until a full collection (peak RSS grew by ~100 MiB over 120 runs
 * holding 1 MiB each).
 */
function jsonStart(v: unknown, limit: number): string {
  let out = '';
  const element = (x: unknown): string => JSON.stringify(x, jsonReplacer) ?? 'null';
  // Each walk returns false once `out` is long enough: the rest is never written.
  const ndarray = (a: NDArray, dim: number, offset: number): boolean => {
    if (a.shape.length === 0) {
      out += element(a.at(0));
      return out.length <= limit;
    }
    const stride = a.shape.slice(dim + 1).reduce((x, y) => x * y, 1);
    out += '[';
    for (let i = 0; i < a.shape[dim]!; i++) {
      if (i > 0) out += ',';
      if (dim === a.shape.length - 1) out += element(a.at(offset + i));
      else if (!ndarray(a, dim + 1, offset + i * stride)) return false;
      if (out.length > limit) return false;
    }
    out += ']';
    return true;
  };
  const walk = (x: unknown): boolean => {
    if (x instanceof NDArray) return ndarray(x, 0, 0);
    if (isTypedArray(x)) {
      // (JSON writes a typed array as an object keyed by index)
      out += '{';
      for (let i = 0; i < x.length; i++) {
        out += `${i > 0 ? ',' : ''}"${i}":${element(x[i])}`;
        if (out.length > limit) return false;
      }
      out += '}';
      return true;
    }
    if (!Array.isArray(x)) {
      out += element(x);
      return out.length <= limit;
    }
    out += '[';
    for (let i = 0; i < x.length; i++) {
      if (i > 0) out += ',';
      if (!walk(x[i])) return false;
    }
    out += ']';
    return out.length <= limit;
  };
  walk(v);
  return out;
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
