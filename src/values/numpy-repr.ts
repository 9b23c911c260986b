/**
 * numpy's text of an array: `str(a)` (`[1. 2. 3.]`, `[[1 2]\n [3 4]]`) and `repr(a)`
 * (`array([1., 2., 3.])`, `array([[1, 2],\n       [3, 4]], dtype=int32)`), as numpy ≥ 1.14 prints
 * with its default print options (precision 8, `floatmode='maxprec'`, line width 75, arrays of
 * more than 1000 elements summarized to 3 items per edge). pypet shows a Parameter holding an array
 * with `repr`, and writes that text into its overview tables, so h5traj must print the same.
 *
 * Follows numpy's `arrayprint.py`: one format per array (floats share their padding and switch to
 * scientific notation together; integers are right-aligned), then `_formatArray`'s line wrapping.
 */
import { type NDArray } from './ndarray.js';
import { pythonFloatRepr, pythonRepr } from '../leaves/python-repr.js';

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
/** dtypes numpy's repr leaves out (`dtype_is_implied`). */
const IMPLIED = new Set(['float64', 'int64', 'bool', 'complex128']);

type Format = (x: unknown) => string;

/**
 * numpy's `str(a)`: elements separated by spaces; a 0-d array prints its element as Python does.
 * @example numpyStr(NDArray.fromNested([[1, 2], [3, 4]], 'int64')) // '[[1 2]\n [3 4]]'
 */
export function numpyStr(a: NDArray): string {
  if (a.shape.length === 0) return itemStr(a);
  return array2string(a, ' ', '', LINE_WIDTH);
}

/**
 * numpy's `repr(a)`: `array(...)` with `, ` separators, continuation lines indented under the
 * bracket, and `dtype=...` unless the dtype is implied (float64, int64, bool, complex128).
 * @example numpyRepr(NDArray.fromNested([1, 2, 3])) // 'array([1., 2., 3.])'
 */
export function numpyRepr(a: NDArray): string {
  const prefix = 'array(';
  const implied = IMPLIED.has(a.dtype) && a.size > 0;
  const suffix = implied ? ')' : ',';
  const body = a.size > 0 || (a.shape.length === 1 && a.shape[0] === 0)
    ? array2string(a, ', ', prefix, LINE_WIDTH - suffix.length)
    : `[], shape=(${a.shape.join(', ')})`;
  const text = prefix + body + suffix;
  if (implied) return text;
  const dtype = `dtype=${/^[<|]/.test(a.dtype) ? `'${a.dtype}'` : a.dtype})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  return text + (lastLine + dtype.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ') + dtype;
}

/** Python's `str()` of a 0-d array's element (numpy prints `str(a.item())`-like text). */
function itemStr(a: NDArray): string {
  const v = a.at(0);
  if (typeof v === 'string') return v;
  if (a.dtype === 'float32' && typeof v === 'number') return pythonFloatRepr(Number(shortest(v, true).text));
  return pythonRepr(v, a.dtype.startsWith('float') ? { kind: 'scalar', scalar: 'float' } : undefined);
}

function array2string(a: NDArray, separator: string, prefix: string, lineWidth: number): string {
  if (a.size === 0) return '[]';
  const summary = a.size > THRESHOLD ? '...' : '';
  const shown = summary ? shownIndices(a.shape) : undefined;
  const format = formatFor(a, shown ? shown.map((i) => a.data[i]) : Array.from(a.data as ArrayLike<unknown>), a.shape.length === 0);
  return formatArray(a, format, lineWidth, ' '.repeat(1 + prefix.length), separator, summary);
}

/** Flat indices of the elements a summarized array shows (numpy's `_leading_trailing`). */
function shownIndices(shape: readonly number[]): number[] {
  const perAxis = shape.map((n) => (n > 2 * EDGE_ITEMS ? [...range(0, EDGE_ITEMS), ...range(n - EDGE_ITEMS, n)] : range(0, n)));
  const strides = stridesOf(shape);
  let out = [0];
  perAxis.forEach((idx, axis) => {
    out = out.flatMap((base) => idx.map((i) => base + i * strides[axis]!));
  });
  return out;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i]!;
  }
  return strides;
}

/** numpy's `_formatArray`: nested brackets, rows wrapped at the line width, summaries as `...`. */
function formatArray(a: NDArray, format: Format, lineWidth: number, nextLinePrefix: string, separator: string, summary: string): string {
  const strides = stridesOf(a.shape);
  const sepEnd = separator.trimEnd();
  const recurse = (offset: number, axis: number, hanging: string, width: number): string => {
    const axesLeft = a.shape.length - axis;
    if (axesLeft === 0) return format(a.data[offset]);
    const nextHanging = `${hanging} `;
    const nextWidth = width - 1;
    const len = a.shape[axis]!;
    const stride = strides[axis]!;
    const showSummary = summary !== '' && 2 * EDGE_ITEMS < len;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : len;
    const child = (i: number) => recurse(offset + i * stride, axis + 1, nextHanging, nextWidth);
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = width - Math.max(sepEnd.length, 1);
      let line = hanging;
      const extend = (word: string) => {
        if (line.length + word.length > elemWidth && line.length > hanging.length) {
          s += `${line.trimEnd()}\n`;
          line = hanging;
        }
        line += word;
      };
      for (let i = 0; i < leading; i++) {
        extend(child(i));
        line += separator;
      }
      if (showSummary) {
        extend(summary);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        extend(child(len - i));
        line += separator;
      }
      extend(child(len - 1));
      s += line;
    } else {
      const lineSep = sepEnd + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hanging + child(i) + lineSep;
      if (showSummary) s += hanging + summary + lineSep;
      for (let i = trailing; i > 1; i--) s += hanging + child(len - i) + lineSep;
      s += hanging + child(len - 1);
    }
    return `[${s.slice(hanging.length)}]`;
  };
  return recurse(0, 0, nextLinePrefix, lineWidth);
}

/** The element format of an array, fitted to the elements it shows (numpy's `_get_format_function`). */
function formatFor(a: NDArray, values: unknown[], zeroD: boolean): Format {
  const { dtype } = a;
  if (dtype === 'bool') {
    const trueText = zeroD ? 'True' : ' True';
    return (x) => (x ? trueText : 'False');
  }
  if (dtype.startsWith('<U') || dtype.startsWith('|S')) return (x) => pythonRepr(x);
  if (dtype.startsWith('complex')) {
    const parts = values as { re: number; im: number }[];
    const f32 = dtype === 'complex64';
    const re = floatFormat(parts.map((c) => c.re), f32, false);
    const im = floatFormat(parts.map((c) => c.im), f32, true);
    return (x) => {
      const c = x as { re: number; im: number };
      const i = im(c.im);
      const end = i.trimEnd().length;
      return `${re(c.re)}${i.slice(0, end)}j${i.slice(end)}`;
    };
  }
  if (dtype.startsWith('float')) {
    const f = floatFormat(values as number[], dtype === 'float32', false);
    return (x) => f(x as number);
  }
  // integers: right-aligned to the widest of the largest and the smallest value
  const texts = (values as (number | bigint)[]).map(String);
  const width = Math.max(0, ...texts.map((t) => t.length));
  return (x) => String(x).padStart(width);
}

/** Shortest round-trip digits of a finite value: `digits` × 10^(exp − digits.length + 1). */
function shortest(x: number, f32: boolean): { digits: string; exp: number; text: string } {
  let text = Math.abs(x).toExponential();
  if (f32) {
    // the shortest decimal that reads back as the same float32 (numpy prints float32 so)
    for (let p = 0; p <= 8; p++) {
      const candidate = Math.abs(x).toExponential(p);
      if (Math.fround(Number(candidate)) === Math.abs(x)) {
        text = candidate;
        break;
      }
    }
  }
  const [mantissa, exp] = text.split('e') as [string, string];
  return { digits: mantissa.replace('.', '').replace(/0+$/, '') || '0', exp: Number(exp), text: (x < 0 || Object.is(x, -0) ? '-' : '') + text };
}

interface Parts {
  int: string;
  frac: string;
  exp?: string;
}

const signOf = (x: number, plus: boolean) => (x < 0 || Object.is(x, -0) ? '-' : plus ? '+' : '');

/** numpy's `dragon4_positional(x, precision=8, unique=True, trim='.')`, split at the point. */
function positional(x: number, f32: boolean, plus: boolean): Parts {
  const { digits, exp } = shortest(x, f32);
  const fracNeeded = Math.max(0, digits.length - 1 - exp);
  let int: string;
  let frac: string;
  if (fracNeeded > PRECISION) {
    [int, frac] = Math.abs(x).toFixed(PRECISION).split('.') as [string, string];
  } else if (exp >= 0) {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  return { int: signOf(x, plus) + int, frac: frac.replace(/0+$/, '') };
}

/** numpy's `dragon4_scientific(x, precision=8, unique=True, trim='.')`, in parts. */
function scientific(x: number, f32: boolean, plus: boolean): Parts {
  const s = shortest(x, f32);
  const text = s.digits.length - 1 > PRECISION ? Math.abs(x).toExponential(PRECISION) : Math.abs(Number(s.text)).toExponential(s.digits.length - 1);
  const [mantissa, exp] = text.split('e') as [string, string];
  const [int, frac = ''] = mantissa.split('.') as [string, string?];
  const e = Number(exp);
  return { int: signOf(x, plus) + int, frac: frac.replace(/0+$/, ''), exp: `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}` };
}

/** numpy's `FloatingFormat` for these values: shared padding, scientific notation for all or none. */
function floatFormat(values: readonly number[], f32: boolean, plus: boolean): (x: number) => string {
  const finite = values.filter(Number.isFinite);
  const magnitudes = finite.filter((x) => x !== 0).map(Math.abs);
  let expFormat = false;
  if (magnitudes.length > 0) {
    const max = Math.max(...magnitudes);
    const min = Math.min(...magnitudes);
    expFormat = max >= 1e8 || min < 1e-4 || max / min > 1000;
  }
  const parts = finite.map((x) => (expFormat ? scientific(x, f32, plus) : positional(x, f32, plus)));
  let padLeft = Math.max(0, ...parts.map((p) => p.int.length));
  const fracWidth = Math.max(0, ...parts.map((p) => p.frac.length));
  const expWidth = Math.max(2, ...parts.map((p) => (p.exp?.length ?? 0) - 1));
  const padRight = expFormat ? expWidth + 2 + fracWidth : fracWidth;
  if (finite.length !== values.length) {
    const negInf = plus || values.some((x) => x === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  return (x) => {
    if (!Number.isFinite(x)) {
      const text = Number.isNaN(x) ? `${plus ? '+' : ''}nan` : `${x < 0 ? '-' : plus ? '+' : ''}inf`;
      return text.padStart(padLeft + padRight + 1);
    }
    if (expFormat) {
      const p = scientific(x, f32, plus);
      const exp = p.exp!;
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(fracWidth, '0')}e${exp[0]}${exp.slice(1).padStart(expWidth, '0')}`;
    }
    const p = positional(x, f32, plus);
    return `${p.int.padStart(padLeft)}.${p.frac.padEnd(padRight)}`;
  };
}
