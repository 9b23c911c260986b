/**
 * HDF5 element types and their binary form, independent of h5wasm.
 *
 * h5wasm's own conversions are lossy for what pypet files hold: fixed-length strings are cut at
 * the first NUL (pickles and `bytes` values contain NULs), int64 members of array types turn into
 * doubles, and bitfields (PyTables' booleans) come back as opaque bytes. So the wrapper in `wasm/wasm-file.ts`
 * moves raw bytes only, and this module encodes and decodes them. Everything is little-endian,
 * and compound members are packed (no padding), as PyTables and h5wasm lay them out.
 */
import { StorageError } from '../../../errors.js';

/** A compound member: its name, byte offset in the record, and type. */
export interface H5Member {
  name: string;
  offset: number;
  type: H5Type;
}

/** String padding (how HDF5 fills unused bytes of a fixed-length string). */
export type StrPad = 'nullterm' | 'nullpad' | 'spacepad';

/** An HDF5 datatype, reduced to what h5traj reads and writes. Sizes are in bytes. */
export type H5Type =
  | { class: 'int'; size: number; signed: boolean }
  | { class: 'float'; size: number }
  /** `H5T_STD_B8LE` and friends: PyTables' booleans (the native engine writes them; h5wasm cannot). */
  | { class: 'bitfield'; size: number }
  | { class: 'string'; size: number; vlen: boolean; cset: 'ascii' | 'utf8'; pad: StrPad }
  | { class: 'compound'; size: number; members: H5Member[] }
  /** Array member types (PyTables columns holding tuples or arrays; the native engine writes them, h5wasm cannot). */
  | { class: 'array'; size: number; base: H5Type; dims: number[] }
  /** Enums (h5py's booleans); values are read as their integer base. */
  | { class: 'enum'; size: number; signed: boolean; members: Record<string, number> }
  /**
   * Variable-length sequences of one-byte integers (`H5T_VLEN` of `uint8`): PyTables' ObjectAtom,
   * where pandas keeps pickled object columns. Read and written as one Buffer per element.
   */
  | { class: 'vlen'; size: number; base: H5Type }
  | { class: 'other'; size: number; h5class: number };

/** A decoded element of an HDF5 array type: its dimensions and the flat, row-major items. */
export class ArrayElement {
  constructor(
    readonly dims: number[],
    readonly items: unknown[],
  ) {}
}

// -------------------------------------------------------------------------------------------
// Type constructors

/** A signed (`int8`…`int64`) or unsigned integer type. */
export const intType = (size: number, signed = true): H5Type => ({ class: 'int', size, signed });
/** IEEE float of 4 or 8 bytes. */
export const floatType = (size: 4 | 8 = 8): H5Type => ({ class: 'float', size });
/** The types pypet uses most. */
export const I8 = intType(1);
export const U8 = intType(1, false);
export const I32 = intType(4);
export const I64 = intType(8);
export const F64 = floatType(8);

/**
 * A fixed-length string of `size` bytes (at least 1). `ascii` is PyTables' `StringCol` (a
 * NUL-terminated C string, readable as bytes); `utf8` is what h5wasm writes for `'S<n>'` (space
 * padded), which PyTables reads as `str`.
 */
export function fixedString(size: number, cset: 'ascii' | 'utf8' = 'ascii'): H5Type {
  return { class: 'string', size: Math.max(1, size), vlen: false, cset, pad: cset === 'ascii' ? 'nullterm' : 'spacepad' };
}

/** A packed compound type from `[name, type]` pairs, in this order. */
export function compoundType(fields: readonly (readonly [string, H5Type])[]): H5Type & { class: 'compound' } {
  let offset = 0;
  const members = fields.map(([name, type]) => {
    const m = { name, offset, type };
    offset += type.size;
    return m;
  });
  return { class: 'compound', size: offset, members };
}

/** pypet's complex numbers: compound `{r, i}` of float64 (complex128) or float32 (complex64). */
export const complexType = (partSize: 4 | 8 = 8) => compoundType([['r', floatType(partSize)], ['i', floatType(partSize)]]);

/** Whether `t` is a variable-length string type (stored as heap references, read as Buffers). */
export const isVlenString = (t: H5Type): boolean => t.class === 'string' && t.vlen;

/** A variable-length sequence of bytes (PyTables' ObjectAtom); size 8 as h5wasm reports it (a wasm32 `hvl_t`). */
export const VLEN_BYTES: H5Type = { class: 'vlen', size: 8, base: U8 };

/** Whether elements of `t` live in the global heap: vlen strings and vlen byte sequences (both read as Buffers). */
export const isVariableLength = (t: H5Type): boolean => isVlenString(t) || t.class === 'vlen';

/** Whether a compound type is pypet's complex layout (`r`, `i` floats). */
export function isComplexType(t: H5Type): t is H5Type & { class: 'compound' } {
  return t.class === 'compound' && t.members.length === 2 && t.members[0]?.name === 'r' && t.members[1]?.name === 'i'
    && t.members.every((m) => m.type.class === 'float');
}

/** A short, readable name of a type for messages, e.g. `int64`, `string(12, ascii)`, `compound{a,b}`. */
export function describeH5Type(t: H5Type): string {
  switch (t.class) {
    case 'int':
      return `${t.signed ? '' : 'u'}int${t.size * 8}`;
    case 'float':
      return `float${t.size * 8}`;
    case 'bitfield':
      return `bitfield${t.size * 8}`;
    case 'string':
      return t.vlen ? `vlen string (${t.cset})` : `string(${t.size}, ${t.cset})`;
    case 'compound':
      return `compound{${t.members.map((m) => m.name).join(',')}}`;
    case 'array':
      return `array[${t.dims.join('x')}] of ${describeH5Type(t.base)}`;
    case 'enum':
      return `enum(${Object.keys(t.members).join('|')})`;
    case 'vlen':
      return `vlen sequence of ${describeH5Type(t.base)}`;
    case 'other':
      return `HDF5 class ${t.h5class}`;
  }
}

// -------------------------------------------------------------------------------------------
// Decoding

/**
 * The bytes of a fixed-length string element with the padding removed: trailing NULs for
 * NUL-terminated/-padded strings (what numpy does, so embedded NULs survive), trailing spaces for
 * space-padded ones.
 */
export function stripPadding(raw: Uint8Array, pad: StrPad): Buffer {
  let end = raw.length;
  const padByte = pad === 'spacepad' ? 0x20 : 0;
  while (end > 0 && raw[end - 1] === padByte) end--;
  if (pad === 'spacepad') while (end > 0 && raw[end - 1] === 0) end--; // h5wasm NUL-fills 'S<n>'
  return Buffer.from(raw.buffer, raw.byteOffset, end);
}

function decodeInt(view: DataView, at: number, size: number, signed: boolean): number | bigint {
  switch (size) {
    case 1:
      return signed ? view.getInt8(at) : view.getUint8(at);
    case 2:
      return signed ? view.getInt16(at, true) : view.getUint16(at, true);
    case 4:
      return signed ? view.getInt32(at, true) : view.getUint32(at, true);
    case 8:
      return signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true);
    default:
      throw new StorageError(`An integer of ${size} bytes cannot be read.`);
  }
}

/** Decodes one element of type `t` at byte `at` of `bytes`. */
export function decodeElement(bytes: Uint8Array, at: number, t: H5Type): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeAt(view, bytes, at, t);
}

function decodeAt(view: DataView, bytes: Uint8Array, at: number, t: H5Type): unknown {
  switch (t.class) {
    case 'int':
    case 'enum':
      return decodeInt(view, at, t.size, t.signed);
    case 'float':
      if (t.size === 8) return view.getFloat64(at, true);
      if (t.size === 4) return view.getFloat32(at, true);
      throw new StorageError(`A float of ${t.size} bytes (e.g. float16) cannot be read.`);
    case 'bitfield':
      return bytes.subarray(at, at + t.size).some((b) => b !== 0);
    case 'string':
      if (t.vlen) throw new StorageError('Variable-length strings inside other types cannot be read.');
      return stripPadding(bytes.subarray(at, at + t.size), t.pad);
    case 'compound': {
      const rec: Record<string, unknown> = {};
      for (const m of t.members) rec[m.name] = decodeAt(view, bytes, at + m.offset, m.type);
      return rec;
    }
    case 'array': {
      const n = t.dims.reduce((a, b) => a * b, 1);
      const items = new Array<unknown>(n);
      for (let i = 0; i < n; i++) items[i] = decodeAt(view, bytes, at + i * t.base.size, t.base);
      return new ArrayElement([...t.dims], items);
    }
    case 'other':
      throw new StorageError(`HDF5 datatype class ${t.h5class} cannot be read.`);
  }
}

/**
 * Decodes `count` consecutive elements. Integers of 8 bytes come back as `bigint`, smaller ones
 * as `number`; bitfields as booleans; fixed strings as Buffers (raw bytes, padding removed);
 * compounds as records; array members as {@link ArrayElement}.
 */
export function decodeElements(bytes: Uint8Array, t: H5Type, count: number): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = decodeAt(view, bytes, i * t.size, t);
  return out;
}

/** The typed-array class for a numeric type, or undefined for other types. */
export function typedArrayClassOf(t: H5Type) {
  if (t.class === 'float') return t.size === 8 ? Float64Array : t.size === 4 ? Float32Array : undefined;
  if (t.class !== 'int' && t.class !== 'enum') return undefined;
  const table = t.signed
    ? { 1: Int8Array, 2: Int16Array, 4: Int32Array, 8: BigInt64Array }
    : { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array, 8: BigUint64Array };
  return table[t.size as 1 | 2 | 4 | 8];
}

/** Numeric elements as a fresh, aligned typed array (the fast path for arrays and columns). */
export function decodeNumeric(bytes: Uint8Array, t: H5Type, count: number) {
  const Ctor = typedArrayClassOf(t);
  if (!Ctor) throw new StorageError(`A ${describeH5Type(t)} is not a numeric type.`);
  // Uint8Array's slice copies into a fresh, aligned buffer (a Buffer's own slice would not copy).
  const copy = Uint8Array.prototype.slice.call(bytes, 0, count * t.size);
  return new Ctor(copy.buffer, 0, count);
}

// -------------------------------------------------------------------------------------------
// Encoding

function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new StorageError(`${what} must be an integer, but it is ${String(v)}.`);
}

/**
 * Cuts UTF-8 bytes to at most `size` bytes without splitting a character (PyTables cuts strings
 * that do not fit a column the same way, only it may split characters).
 */
function fitBytes(b: Buffer, size: number): Buffer {
  if (b.length <= size) return b;
  let end = size;
  while (end > 0 && ((b[end] ?? 0) & 0xc0) === 0x80) end--; // do not start inside a character
  return b.subarray(0, end);
}

/**
 * Writes an ASCII string's bytes at `at` (the caller checked they fit); false, having written
 * nothing that matters, when it holds another character (then it needs UTF-8 encoding). Table
 * cells are mostly short ASCII: a Buffer per cell was most of the garbage of a million-row table.
 */
function writeAscii(out: Uint8Array, at: number, v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c > 0x7f) return false;
    out[at + i] = c;
  }
  return true;
}

function encodeAt(view: DataView, out: Uint8Array, at: number, t: H5Type, v: unknown, what: string): void {
  switch (t.class) {
    case 'int': {
      // Safe integers of up to 4 bytes need no BigInt: DataView's setters wrap them modulo 2^(8·size)
      // as BigInt.asUintN does (a million-row table has millions of such cells).
      if (typeof v === 'number' && Number.isSafeInteger(v) && t.size <= 4) {
        if (t.size === 4) view.setUint32(at, v >>> 0, true);
        else if (t.size === 2) view.setUint16(at, v & 0xffff, true);
        else view.setUint8(at, v & 0xff);
        return;
      }
      const b = toBigInt(v, what);
      switch (t.size) {
        case 1: view.setUint8(at, Number(BigInt.asUintN(8, b))); return;
        case 2: view.setUint16(at, Number(BigInt.asUintN(16, b)), true); return;
        case 4: view.setUint32(at, Number(BigInt.asUintN(32, b)), true); return;
        case 8: view.setBigUint64(at, BigInt.asUintN(64, b), true); return;
      }
      throw new StorageError(`An integer of ${t.size} bytes cannot be written.`);
    }
    case 'float': {
      if (typeof v !== 'number') throw new StorageError(`${what} must be a number, but it is ${String(v)}.`);
      if (t.size === 8) view.setFloat64(at, v, true);
      else view.setFloat32(at, v, true);
      return;
    }
    case 'string': {
      if (t.vlen) throw new StorageError('Variable-length strings cannot be written inside a record.');
      if (typeof v === 'string' && v.length <= t.size && writeAscii(out, at, v)) {
        out.fill(t.pad === 'spacepad' ? 0x20 : 0, at + v.length, at + t.size);
        return;
      }
      const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v) : undefined;
      if (!b) throw new StorageError(`${what} must be a string or bytes, but it is ${String(v)}.`);
      out.set(fitBytes(b, t.size), at);
      if (t.pad === 'spacepad') out.fill(0x20, at + Math.min(b.length, t.size), at + t.size);
      return;
    }
    case 'compound': {
      const rec = v as Record<string, unknown>;
      if (typeof rec !== 'object' || rec === null) throw new StorageError(`${what} must be a record of the fields ${t.members.map((m) => m.name).join(', ')}.`);
      for (const m of t.members) encodeAt(view, out, at + m.offset, m.type, rec[m.name], `${what}.${m.name}`);
      return;
    }
    case 'bitfield': {
      // PyTables' BoolCol: one byte, 0 or 1.
      if (typeof v !== 'boolean' && v !== 0 && v !== 1) throw new StorageError(`${what} must be a boolean, but it is ${String(v)}.`);
      out.fill(0, at, at + t.size);
      view.setUint8(at, v === true || v === 1 ? 1 : 0);
      return;
    }
    case 'array': {
      // A cell already encoded as its element bytes (the fast path), or a decoded ArrayElement.
      if (v instanceof Uint8Array && v.length === t.size) {
        out.set(v, at);
        return;
      }
      const n = t.dims.reduce((a, b) => a * b, 1);
      if (!(v instanceof ArrayElement) || v.items.length !== n) {
        throw new StorageError(`${what} must be an array of shape [${t.dims.join(', ')}] (${n} items of ${describeH5Type(t.base)}).`);
      }
      v.items.forEach((item, i) => encodeAt(view, out, at + i * t.base.size, t.base, item, `${what}[${i}]`));
      return;
    }
    default:
      throw new StorageError(`HDF5 ${describeH5Type(t)} values cannot be written (${what}).`);
  }
}

/** Encodes values as consecutive elements of type `t` (bools as 0/1 for integer types). */
export function encodeElements(values: readonly unknown[], t: H5Type, what = 'a value'): Uint8Array {
  const out = new Uint8Array(values.length * t.size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => encodeAt(view, out, i * t.size, t, v, what));
  return out;
}

/**
 * Encodes a table given column-wise (`columns[name][row]`) as records of compound type `t`,
 * into `scratch` if given and big enough (the answer is then a view of it).
 */
export function encodeColumns(columns: Record<string, ArrayLike<unknown>>, t: H5Type & { class: 'compound' }, rows: number, scratch?: Uint8Array): Uint8Array {
  // Into `scratch` when it is big enough (zeroed first: padding bytes are zero): for bytes that
  // are copied away at once, such as rows handed to `writeRows`.
  const out = scratch !== undefined && scratch.length >= rows * t.size ? scratch.subarray(0, rows * t.size).fill(0) : new Uint8Array(rows * t.size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const m of t.members) {
    const col = columns[m.name];
    if (!col || col.length !== rows) {
      throw new StorageError(`Column '${m.name}' needs ${rows} values, but ${col ? col.length : 'none'} were given.`);
    }
    for (let r = 0; r < rows; r++) encodeAt(view, out, r * t.size + m.offset, m.type, col[r], `column '${m.name}' row ${r}`);
  }
  return out;
}

/** Decodes records of compound type `t` column-wise: `{ name: values[] }`. */
export function decodeColumns(bytes: Uint8Array, t: H5Type & { class: 'compound' }, rows: number): Record<string, unknown[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, unknown[]> = {};
  for (const m of t.members) {
    const col = new Array<unknown>(rows);
    for (let r = 0; r < rows; r++) col[r] = decodeAt(view, bytes, r * t.size + m.offset, m.type);
    out[m.name] = col;
  }
  return out;
}
