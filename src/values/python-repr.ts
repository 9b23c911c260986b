/**
 * Python's `repr` of values of the model, the one rendering h5traj uses wherever pypet writes or
 * shows `repr(value)`: run summaries (`x: 1.0,   y: 1`), `runHash`, merge plans, the tree view,
 * pickled objects in dumps. An {@link NDArray} prints as numpy 1.24 prints an ndarray with its
 * default print options (`array([1. , 2.5])`, `array([1, 2], dtype=int32)`, line wrapping at 75
 * characters, `...` beyond 1,000 elements). test/values/python-repr.test.ts holds CPython's and
 * numpy's answers for a table of inputs.
 */
import { isPlainObject } from './coerce.js';
import { isFrozenSet, isTuple, Typed } from './markers.js';
import { describeJs, NDArray } from './ndarray.js';
import { childHint, Complex, COMPLEX_TYPES, FLOAT_TYPES, INT_TYPES, type ScalarType, type ValueType } from './types.js';

/**
 * Python's `repr` of a float: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16.
 * With `single`, the digits are the shortest that read back as the same float32, as numpy prints
 * a `float32` (`0.1`, not `0.10000000149011612`).
 */
export function pythonFloatRepr(v: number, single = false): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const sign = v < 0 ? '-' : '';
  const abs = Math.abs(v);
  const { digits, exp } = shortestDigits(abs, single);
  // Python decides by the digits' exponent; numpy's float32 by the value (float32(1e-4) < 1e-4)
  if (single ? abs < 1e-4 || abs >= 1e16 : exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length > exp + 1) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}${digits.padEnd(exp + 1, '0')}.0`;
}

/** Python's `repr` of a complex; with `single`, of numpy's complex64 (float32 parts). */
function complexRepr(c: Complex, single = false): string {
  const part = (x: number) => pythonFloatRepr(single ? Math.fround(x) : x, single).replace(/\.0$/, ''); // complex repr drops ".0"
  const im = part(c.im);
  if (c.re === 0 && !Object.is(c.re, -0)) return `${im}j`;
  return `(${part(c.re)}${im.startsWith('-') ? '' : '+'}${im}j)`;
}

/** Python's quoting: single quotes unless the text has ' and no "; non-printable characters escaped. */
function quote(chars: Iterable<string>, hasSingle: boolean, hasDouble: boolean, isBytes: boolean): string {
  const q = hasSingle && !hasDouble ? '"' : "'";
  let s = '';
  for (const ch of chars) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === q) s += '\\' + ch;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (isBytes ? c < 0x20 || c > 0x7e : ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) { // not printable
      s += c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}`
        : c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
    } else s += ch;
  }
  return `${isBytes ? 'b' : ''}${q}${s}${q}`;
}

const strRepr = (v: string) => quote(v, v.includes("'"), v.includes('"'), false);
const bytesRepr = (v: Buffer) => quote(Array.from(v, (b) => String.fromCharCode(b)), v.includes(0x27), v.includes(0x22), true);

/**
 * Renders a value as Python's `repr` would (`{'a': 1, 'b': [1, 2]}`, `{1, 2, 3}`, `(1,)`,
 * `b'\x00'`, `array([1., 2.])`). A number prints as an int when it is a safe integer, else as a
 * float, unless `type` (a leaf's value type, or what `decodePickle` returned) or a
 * `typed(x, dtype)` wrapper says which. Set order is insertion order, i.e. the order Python pickled.
 * @example pythonRepr([1, 2], { kind: 'list', scalar: 'float' }) // '[1.0, 2.0]'
 */
export function pythonRepr(value: unknown, type?: ValueType): string {
  const v = value;
  const sub = (x: unknown, key: string | number) => pythonRepr(x, childHint(type, key));
  if (v instanceof Typed) return pythonRepr(v.value, { kind: 'scalar', scalar: v.dtype });
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') {
    const s = type?.kind === 'scalar' ? type.scalar : undefined;
    if (s !== undefined && COMPLEX_TYPES.has(s)) return complexRepr(new Complex(v, 0), s === 'complex64');
    if (s !== undefined ? INT_TYPES.has(s) && Number.isInteger(v) : Number.isSafeInteger(v) && !Object.is(v, -0)) {
      return BigInt(v).toString();
    }
    return pythonFloatRepr(v, s === 'float32');
  }
  if (typeof v === 'string') return strRepr(v);
  if (Buffer.isBuffer(v)) return bytesRepr(v);
  if (v instanceof Complex) return complexRepr(v, type?.kind === 'scalar' && type.scalar === 'complex64');
  if (v instanceof NDArray) return ndarrayRepr(v);
  if (Array.isArray(v)) {
    const items = v.map(sub);
    if (!isTuple(v)) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (v instanceof Set) {
    const items = [...v].map((x) => pythonRepr(x)).join(', ');
    if (isFrozenSet(v)) return v.size ? `frozenset({${items}})` : 'frozenset()';
    return v.size ? `{${items}}` : 'set()';
  }
  if (v instanceof Map || isPlainObject(v)) {
    const pairs: [unknown, unknown][] = v instanceof Map ? [...v] : Object.entries(v);
    return `{${pairs.map(([k, x]) => `${pythonRepr(k)}: ${typeof k === 'string' ? sub(x, k) : pythonRepr(x)}`).join(', ')}}`;
  }
  return `<${describeJs(v)}>`;
}

// ---------------------------------------------------------------------------------------------
// numpy's ndarray repr (numpy/core/arrayprint.py of numpy 1.24, default print options)

const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;
/** dtypes numpy leaves out of the repr because the values imply them. */
const IMPLIED_DTYPES = new Set(['int64', 'float64', 'complex128', 'bool']);

/** The shortest decimal digits that read back as `x` (as a float32 when `single`), and the exponent of the first. */
function shortestDigits(x: number, single: boolean): { digits: string; exp: number } {
  let text = x.toExponential();
  if (single) {
    for (let p = 0; p <= 8; p++) {
      text = x.toExponential(p);
      if (Math.fround(Number(text)) === x) break;
    }
  }
  const [mant = '', e = ''] = text.split('e');
  return { digits: mant.replace('.', '').replace(/(.)0+$/, '$1'), exp: Number(e) };
}

/** Dragon4 in numpy's 'unique' mode with at most PRECISION fractional digits, positional: [int part, fraction]. */
function positional(x: number, single: boolean): [string, string] {
  const abs = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const { digits, exp } = shortestDigits(abs, single);
  let int: string;
  let frac: string;
  if (digits.length - 1 - exp > PRECISION) {
    [int = '', frac = ''] = abs.toFixed(PRECISION).split('.'); // the exact value rounded, as Dragon4 cuts off
  } else if (exp < 0) {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  } else {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  }
  return [sign + int, frac.replace(/0+$/, '')];
}

/** Dragon4 in numpy's 'unique' mode with at most PRECISION fractional digits, scientific: [int part, fraction, exponent digits]. */
function scientific(x: number, single: boolean): [string, string, string] {
  const abs = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  let { digits, exp } = shortestDigits(abs, single);
  if (digits.length - 1 > PRECISION) {
    const [mant = '', e = ''] = abs.toExponential(PRECISION).split('e');
    digits = mant.replace('.', '').replace(/(.)0+$/, '$1');
    exp = Number(e);
  }
  const expText = (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return [sign + digits[0], digits.slice(1), expText];
}

/** numpy's FloatingFormat: every element of `data` formatted to one width, decimal points aligned. */
function floatFormat(data: readonly number[], single: boolean, plus: boolean): (x: number) => string {
  const signed = (s: string) => (plus && !s.startsWith('-') ? `+${s}` : s);
  const finite = data.filter(Number.isFinite);
  const nonZero = finite.filter((x) => x !== 0).map(Math.abs);
  const max = Math.max(...nonZero);
  const min = Math.min(...nonZero);
  const expFormat = nonZero.length > 0 && (max >= 1e8 || min < 0.0001 || max / min > 1000);
  let padLeft = 0;
  let padRight = 0;
  let format: (x: number) => string;
  if (expFormat) {
    const parts = finite.map((x) => scientific(x, single));
    const precision = Math.max(...parts.map(([, f]) => f.length));
    const expSize = Math.max(...parts.map(([, , e]) => e.length)) - 1;
    padLeft = Math.max(...parts.map(([i]) => signed(i).length));
    padRight = expSize + 2 + precision;
    format = (x) => {
      const [i, f, e] = scientific(x, single);
      return `${signed(i).padStart(padLeft)}.${f.padEnd(precision, '0')}e${e[0]}${e.slice(1).padStart(expSize, '0')}`;
    };
  } else {
    const parts = finite.map((x) => positional(x, single));
    padLeft = Math.max(0, ...parts.map(([i]) => signed(i).length));
    padRight = Math.max(0, ...parts.map(([, f]) => f.length));
    format = (x) => {
      const [i, f] = positional(x, single);
      return `${signed(i).padStart(padLeft)}.${f.padEnd(padRight)}`;
    };
  }
  if (finite.length !== data.length) {
    const negInf = plus || data.some((x) => x === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  return (x) => {
    if (Number.isFinite(x)) return format(x);
    const text = Number.isNaN(x) ? (plus ? '+nan' : 'nan') : x < 0 ? '-inf' : plus ? '+inf' : 'inf';
    return text.padStart(padLeft + padRight + 1);
  };
}

/** The formatter numpy picks for an array's dtype, fitted to `sample` (all elements, or the corners). */
function elementFormat(a: NDArray, sample: readonly unknown[]): (x: unknown) => string {
  const { dtype } = a;
  if (dtype === 'bool') return (x) => (x ? (a.ndim === 0 ? 'True' : ' True') : 'False');
  if (dtype.startsWith('<U')) return (x) => strRepr(x as string);
  if (dtype.startsWith('|S')) return (x) => bytesRepr(x as Buffer);
  if (COMPLEX_TYPES.has(dtype)) {
    const single = dtype === 'complex64';
    // complex64 elements are kept as doubles (Complex); numpy holds and prints them as float32 pairs
    const part = single ? Math.fround : (x: number) => x;
    const re = floatFormat(sample.map((c) => part((c as Complex).re)), single, false);
    const im = floatFormat(sample.map((c) => part((c as Complex).im)), single, true);
    return (c) => {
      const i = im(part((c as Complex).im));
      const end = i.trimEnd().length; // numpy puts the j before the padding
      return `${re(part((c as Complex).re))}${i.slice(0, end)}j${i.slice(end)}`;
    };
  }
  if (FLOAT_TYPES.has(dtype)) {
    const f = floatFormat(sample as number[], dtype === 'float32', false);
    return (x) => f(x as number);
  }
  const width = Math.max(0, ...sample.map((x) => String(x).length)); // integers: right-aligned
  return (x) => String(x).padStart(width);
}

/** Row-major strides, in elements, of an array of `shape`. */
const stridesOf = (shape: readonly number[]) => shape.map((_, axis) => shape.slice(axis + 1).reduce((p, n) => p * n, 1));

/** The indices numpy prints along an axis of length `len`: all, or the edges around a -1 for `...`. */
function shownPositions(len: number, summarize: boolean): number[] {
  if (!summarize || len <= 2 * EDGE_ITEMS) return Array.from({ length: len }, (_, i) => i);
  return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => len - EDGE_ITEMS + i)];
}

/** Flat offsets of the elements numpy prints (and fits its formatter to): all, or a summary's corners. */
function shownOffsets(a: NDArray, summarize: boolean): number[] {
  const strides = stridesOf(a.shape);
  let offsets = [0];
  a.shape.forEach((len, axis) => {
    const shown = shownPositions(len, summarize).filter((i) => i >= 0);
    offsets = offsets.flatMap((o) => shown.map((i) => o + i * strides[axis]!));
  });
  return offsets;
}

/** numpy's `_extendLine`: appends `word`, first breaking the line when it would pass `width`. */
function extendLine(out: { s: string; line: string }, word: string, width: number, prefix: string): void {
  if (out.line.length + word.length > width && out.line.length > prefix.length) {
    out.s += out.line.trimEnd() + '\n';
    out.line = prefix;
  }
  out.line += word;
}

/**
 * numpy's `_formatArray` (no legacy mode): `separator` ', ' with the prefix `array(` for repr,
 * ' ' with no prefix for str.
 */
function formatArray(a: NDArray, format: (x: unknown) => string, width: number, summarize: boolean, separator = ', ', prefix = 'array('): string {
  const strides = stridesOf(a.shape);
  const recurse = (index: number[], indent: string, currWidth: number): string => {
    const axis = index.length;
    const axesLeft = a.ndim - axis;
    if (axesLeft === 0) return format(a.at(index.reduce((off, i, k) => off + i * strides[k]!, 0)));
    const nextIndent = indent + ' ';
    const nextWidth = currWidth - 1;
    const len = a.shape[axis]!;
    const positions = shownPositions(len, summarize);
    let s = '';
    if (axesLeft === 1) {
      const out = { s: '', line: indent };
      positions.forEach((i, n) => {
        const last = n === positions.length - 1;
        const word = i < 0 ? '...' : recurse([...index, i], nextIndent, nextWidth);
        extendLine(out, word, currWidth - 1, indent); // room for the ',' or ']' after it
        if (!last) out.line += separator;
      });
      s = out.s + out.line;
    } else {
      const sep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      s = positions.map((i) => indent + (i < 0 ? '...' : recurse([...index, i], nextIndent, nextWidth))).join(sep);
    }
    return '[' + s.slice(indent.length) + ']';
  };
  return recurse([], ' '.repeat(prefix.length + 1), width);
}

/** numpy's `repr` of an ndarray: `array([1. , 2.5])`, `array([1, 2], dtype=int32)`, `array([], shape=(0, 3), dtype=float64)`. */
function ndarrayRepr(a: NDArray): string {
  const dtype = a.dtype.startsWith('<U') || a.dtype.startsWith('|S') ? `'${a.dtype}'` : a.dtype;
  const skipDtype = IMPLIED_DTYPES.has(a.dtype) && a.size > 0;
  const suffix = skipDtype ? ')' : ',';
  let body: string;
  if (a.size === 0) {
    body = a.shape.length === 1 ? '[]' : `[], shape=(${a.shape.join(', ')})`;
  } else {
    const summarize = a.size > THRESHOLD;
    const sample = shownOffsets(a, summarize).map((i) => a.at(i));
    body = formatArray(a, elementFormat(a, sample), LINE_WIDTH - suffix.length, summarize);
  }
  const text = `array(${body}${suffix}`;
  if (skipDtype) return text;
  const dtypeText = `dtype=${dtype})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  return text + (lastLine + dtypeText.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat('array('.length) : ' ') + dtypeText;
}

/**
 * numpy's `str(a)`: `[1. 2. 3.]`, `[[1 2]\n [3 4]]` — the repr's element format and line breaks
 * with ' ' between elements and no `array(` prefix; a 0-d array prints its element as Python's
 * `str` of it does. What `String(ndarray)` and `util.inspect` show.
 */
export function numpyStr(a: NDArray): string {
  if (a.ndim === 0) {
    const v = a.at(0);
    if (typeof v === 'string') return v;
    return pythonRepr(v, elementType(a.dtype));
  }
  if (a.size === 0) return '[]';
  const summarize = a.size > THRESHOLD;
  const sample = shownOffsets(a, summarize).map((i) => a.at(i));
  return formatArray(a, elementFormat(a, sample), LINE_WIDTH, summarize, ' ', '');
}

/** The scalar type of an array's elements, for printing one of them as Python does (none for text dtypes). */
function elementType(dtype: string): ValueType | undefined {
  return /^[<|]/.test(dtype) ? undefined : { kind: 'scalar', scalar: dtype as ScalarType };
}
