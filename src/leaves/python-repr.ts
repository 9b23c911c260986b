/**
 * Python's `repr` of values of the value model. pypet writes `repr(value)` into run summaries
 * (`x: 1.0,   y: 1`), so a file written by h5traj must render values exactly as Python would.
 */
import { Complex, FLOAT_TYPES, isPlainObject, isTuple, NDArray, type ValueType } from './values.js';
import { numpyRepr } from '../values/numpy-repr.js';

/** Python's `repr` of a float (shortest round-trip digits; exponent below 1e-4 and from 1e16). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    text = `${intPart}.${frac || '0'}`;
  } else {
    text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** Python's `repr` of a str. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function bytesRepr(b: Buffer): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if (c === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return out + quote;
}

/**
 * Python's `repr` of a value. `type` says whether a JS number is an int or a float (without it,
 * integral numbers print as ints).
 */
export function pythonRepr(v: unknown, type?: ValueType): string {
  const scalar = type && (type.kind === 'scalar' || type.kind === 'list' || type.kind === 'tuple') ? type.scalar : null;
  const floaty = scalar !== null && FLOAT_TYPES.has(scalar);
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return floaty || !Number.isInteger(v) ? pythonFloatRepr(v) : String(v);
  if (typeof v === 'string') return pythonStrRepr(v);
  if (Buffer.isBuffer(v)) return bytesRepr(v);
  if (v instanceof Complex) {
    const im = (x: number) => (Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pythonFloatRepr(x));
    if (v.re === 0 && !Object.is(v.re, -0)) return `${im(v.im)}j`;
    return `(${im(v.re)}${v.im < 0 || Object.is(v.im, -0) ? '-' : '+'}${im(Math.abs(v.im))}j)`;
  }
  if (v instanceof NDArray) return numpyRepr(v);
  if (v instanceof Set) return v.size === 0 ? 'set()' : `{${[...v].map((x) => pythonRepr(x)).join(', ')}}`;
  if (Array.isArray(v)) {
    const inner = v.map((x) => pythonRepr(x, type)).join(', ');
    if (isTuple(v)) return v.length === 1 ? `(${inner},)` : `(${inner})`;
    return `[${inner}]`;
  }
  if (isPlainObject(v)) {
    const entries = type?.kind === 'dict' ? type.entries : {};
    return `{${Object.entries(v).map(([k, x]) => `${pythonStrRepr(k)}: ${pythonRepr(x, entries[k])}`).join(', ')}}`;
  }
  return String(v);
}
