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
