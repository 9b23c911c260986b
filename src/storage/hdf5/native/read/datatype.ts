/**
 * Datatype messages → {@link H5Type}, exactly as `typeFromMeta` in `wasm/wasm-file.ts` reports them through
 * h5wasm, so the storage layer cannot tell the engines apart. Two of h5wasm's conventions show
 * here: a variable-length string has size 4 (a wasm32 pointer, its in-memory size), a byte
 * sequence size 8 (a wasm32 `hvl_t`), and an enum is signed when its base integer is.
 *
 * Each decoded type is remembered with the bytes of its message body in `sourceTypeBytes`, so
 * the writer can re-emit foreign types byte for byte. Types h5traj cannot represent faithfully
 * (big-endian numbers, references, time, variable-length sequences of anything but bytes, vlen
 * strings inside other types) throw {@link NativeUnsupportedError}.
 */
import { type H5Member, type H5Type, type StrPad, isVariableLength } from '../../engine/h5types.js';
import { NativeUnsupportedError, sourceTypeBytes } from '../model.js';
import { CorruptError, Cursor, limitEncSize } from './byte-source.js';
import { Interner } from '../intern.js';
import { CHARSET, STRING_PADS, TYPE_CLASS, TYPE_CLASS_NAMES, VLEN_KIND, align8, vlenElementSize } from '../format.js';


/** The significant bits (offset, precision) of a number must lie inside its `size` bytes. */
function checkBits(offset: number, precision: number, size: number, where: string): number {
  if (precision === 0 || offset + precision > 8 * size) {
    throw new CorruptError(`a ${size}-byte number type claims ${precision} bits at bit ${offset} at ${where}`);
  }
  return precision;
}

/** A string's padding (0–2); the other values are reserved, and HDF5 cannot convert them. */
function stringPad(code: number, where: string): StrPad {
  const pad: StrPad | undefined = STRING_PADS[code];
  if (!pad) throw new CorruptError(`a string datatype has the reserved padding ${code} at ${where}`);
  return pad;
}

/** A string's character set: ASCII (0) or UTF-8 (1); the others are reserved. */
function charset(code: number, where: string): 'ascii' | 'utf8' {
  if (code > 1) throw new CorruptError(`a string datatype has the reserved character set ${code} at ${where}`);
  return code === CHARSET.utf8 ? 'utf8' : 'ascii';
}

/** Bytes of one element in the file: a vlen string is a length, a heap address and an index. */
export function fileElementSize(t: H5Type, offsetSize: number): number {
  return isVariableLength(t) ? vlenElementSize(offsetSize) : t.size;
}

/** Decodes the datatype at the cursor (advancing it past the type). `where` names the object. */
export function decodeType(c: Cursor, where: string): H5Type {
  return decodeAt(c, where, true);
}

/**
 * Decoded types by their bytes: a file repeats a few types thousands of times (every pypet
 * leaf has the same string attributes). The types are shared, so never change them in place.
 */
export class TypeCache {
  private readonly types = new Interner<H5Type>();

  /** Decodes the datatype in the next `len` bytes (an attribute's type field, a datatype message). */
  decode(c: Cursor, len: number, where: string): H5Type {
    const { buf, pos } = c;
    const end = pos + len;
    c.skip(len);
    return this.types.find(buf, pos, end) ?? this.types.add(decodeType(new Cursor(buf, c.offsetSize, c.lengthSize, pos, end), where));
  }
}

function decodeAt(c: Cursor, where: string, top: boolean): H5Type {
  const start = c.pos;
  const b0 = c.u8();
  const cls = b0 & 0x0f;
  const version = b0 >> 4;
  const bits = c.u8() | (c.u8() << 8) | (c.u8() << 16);
  const size = c.u32();
  const unsupported = (what: string): never => {
    throw new NativeUnsupportedError(what, where);
  };
  let type: H5Type;
  switch (cls) {
    case TYPE_CLASS.FIXED_POINT:
      if (bits & 1) unsupported('big-endian integer datatypes');
      checkBits(c.u16(), c.u16(), size, where);
      type = { class: 'int', size, signed: (bits & 0x08) !== 0 };
      break;
    case TYPE_CLASS.FLOATING_POINT: // byte order in bits 0 and 6 (VAX order has both)
      if (bits & 0x41) unsupported('big-endian or VAX floating-point datatypes');
      const precision = checkBits(c.u16(), c.u16(), size, where);
      // exponent location and size, mantissa location and size: inside the precision
      const ePos = c.u8();
      const eSize = c.u8();
      const mPos = c.u8();
      const mSize = c.u8();
      if (eSize === 0 || mSize === 0 || ePos + eSize > precision || mPos + mSize > precision) {
        throw new CorruptError(`a floating-point type has its exponent or mantissa outside its ${precision} bits at ${where}`);
      }
      c.skip(4); // exponent bias
      type = { class: 'float', size };
      break;
    case TYPE_CLASS.STRING: {
      const pad = stringPad(bits & 0x0f, where);
      type = { class: 'string', size, vlen: false, cset: charset((bits >> 4) & 0x0f, where), pad };
      break;
    }
    case TYPE_CLASS.BITFIELD:
      if (bits & 1) unsupported('big-endian bitfield datatypes');
      checkBits(c.u16(), c.u16(), size, where);
      type = { class: 'bitfield', size };
      break;
    case TYPE_CLASS.OPAQUE: // an ASCII tag (already padded to 8)
      c.skip(bits & 0xff);
      type = { class: 'other', size, h5class: TYPE_CLASS.OPAQUE };
      break;
    case TYPE_CLASS.COMPOUND:
      type = { class: 'compound', size, members: compoundMembers(c, bits & 0xffff, version, size, where) };
      break;
    case TYPE_CLASS.ENUM:
      type = enumType(c, bits & 0xffff, version, size, where);
      break;
    case TYPE_CLASS.VARIABLE_LENGTH: {
      if ((bits & 0x0f) === VLEN_KIND.SEQUENCE) {
        // A sequence: h5traj reads sequences of one-byte integers (PyTables' ObjectAtom, pickles).
        const base = decodeAt(c, where, false);
        if (!top || base.class !== 'int' || base.size !== 1) unsupported('variable-length sequence datatypes other than byte sequences');
        type = { class: 'vlen', size: 8, base };
        break;
      }
      if ((bits & 0x0f) !== VLEN_KIND.STRING) unsupported('variable-length sequence datatypes');
      if (!top) unsupported('variable-length strings inside compound, array or enum types');
      decodeAt(c, where, false); // the base type (a 1-byte character)
      const pad = stringPad((bits >> 4) & 0x0f, where);
      type = { class: 'string', size: 4, vlen: true, cset: charset((bits >> 8) & 0x0f, where), pad };
      break;
    }
    case TYPE_CLASS.ARRAY: {
      const ndims = c.u8();
      if (version < 3) c.skip(3);
      const dims: number[] = [];
      for (let i = 0; i < ndims; i++) dims.push(c.u32());
      if (version < 3) c.skip(4 * ndims); // permutation indices (never used)
      const base = decodeAt(c, where, false);
      type = { class: 'array', size, base, dims };
      break;
    }
    case TYPE_CLASS.TIME:
      // HDF5 declares the time class unsupported and writes it nowhere; h5py cannot read it.
      throw new CorruptError(`a datatype has the time class, which HDF5 does not support, at ${where}`);
    case TYPE_CLASS.REFERENCE:
      return unsupported(`${TYPE_CLASS_NAMES[cls]} datatypes (object or region references)`);
    default:
      throw new CorruptError(`unknown datatype class ${cls} at ${where}`);
  }
  sourceTypeBytes.set(type, new Uint8Array(c.buf.subarray(start, c.pos)));
  return type;
}

function compoundMembers(c: Cursor, n: number, version: number, size: number, where: string): H5Member[] {
  const members: H5Member[] = [];
  const offsetBytes = limitEncSize(size);
  for (let i = 0; i < n; i++) {
    const nameStart = c.pos;
    const name = c.cstring();
    if (version < 3) c.pos = nameStart + align8(c.pos - nameStart); // name padded to 8 bytes
    const offset = version < 3 ? c.u32() : c.uint(offsetBytes);
    let dims: number[] = [];
    if (version === 1) {
      const ndims = c.u8();
      c.skip(3 + 4 + 4); // reserved, permutation, reserved
      for (let d = 0; d < 4; d++) {
        const v = c.u32();
        if (d < ndims) dims.push(v);
      }
      if (ndims > 4) throw new CorruptError(`a compound member has ${ndims} dimensions at ${where}`);
    }
    let type = decodeAt(c, where, false);
    // Version 1 gives array members as a base type plus dimensions; HDF5 (and h5wasm) turn
    // them into array types.
    if (dims.length > 0) type = { class: 'array', size: type.size * dims.reduce((a, b) => a * b, 1), base: type, dims };
    members.push({ name, offset, type });
  }
  return members;
}

function enumType(c: Cursor, n: number, version: number, size: number, where: string): H5Type {
  const base = decodeAt(c, where, false);
  if (base.class !== 'int') throw new CorruptError(`an enum is based on a ${base.class} type at ${where}`);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = c.pos;
    names.push(c.cstring());
    if (version < 3) c.pos = start + align8(c.pos - start);
  }
  const members: Record<string, number> = {};
  for (const name of names) members[name] = enumValue(c.take(base.size), base.signed);
  return { class: 'enum', size, signed: base.signed, members };
}

/** An enum member's value as h5wasm gives it: converted to a C int (clamped to 32 bits). */
function enumValue(raw: Buffer, signed: boolean): number {
  let v = 0n;
  for (let i = raw.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]!);
  if (signed && raw.length > 0 && (raw[raw.length - 1]! & 0x80)) v -= 1n << BigInt(8 * raw.length);
  const min = -(2n ** 31n);
  const max = 2n ** 31n - 1n;
  return Number(v < min ? min : v > max ? max : v);
}
