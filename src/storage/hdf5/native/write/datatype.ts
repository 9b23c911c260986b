/**
 * Datatype message bodies (HDF5 message 0x0003) for {@link H5Type}s, as HDF5 ≥ 1.10 writes them
 * with the library's low version bound at v108: atomic types (integers, floats, strings,
 * bitfields, variable-length strings) in version 1, and compound, array and enum types upgraded
 * to version 3 (unpadded member names, compact member offsets, no array permutations), which
 * HDF5 does for every type it stores under that bound. A type read from a file whose original
 * message is known (`sourceTypeBytes`) is re-emitted byte for byte instead.
 */
import { StorageError } from '../../../../errors.js';
import { type H5Type, type StrPad, describeH5Type, isVariableLength } from '../../engine/h5types.js';
import { ByteWriter, bytesFor } from './byte-writer.js';
import { sourceTypeBytes } from '../model.js';
import { CHARSET, STRING_PADS, TYPE_CLASS, VLEN_KIND, vlenElementSize } from '../format.js';

const CLASS = TYPE_CLASS;
/** String padding codes by name. */
const PAD = Object.fromEntries(STRING_PADS.map((pad, code) => [pad, code])) as Record<StrPad, number>;

/** IEEE layouts: sign bit, exponent location/size, mantissa size, bias. */
const FLOATS: Record<number, [sign: number, expLoc: number, expSize: number, mantSize: number, bias: number]> = {
  2: [15, 10, 5, 10, 15],
  4: [31, 23, 8, 23, 127],
  8: [63, 52, 11, 52, 1023],
};

/** Bytes one element of `t` takes in the file (the writer's addresses are 8 bytes: a variable-length string takes 16). */
export function diskSize(t: H5Type): number {
  return isVariableLength(t) ? vlenElementSize(8) : t.size;
}


/** Encoded types by object, and atomic ones also by value (graphs often hold a fresh object per attribute). */
const cache = new WeakMap<H5Type, Uint8Array>();
const atomicCache = new Map<string, Uint8Array>();

function atomicKey(t: H5Type): string | undefined {
  switch (t.class) {
    case 'int':
      return `i${t.size}${t.signed ? 's' : 'u'}`;
    case 'float':
    case 'bitfield':
      return `${t.class}${t.size}`;
    case 'string':
      return `s${t.vlen ? 'v' : t.size}${t.cset}${t.pad}`;
    default:
      return undefined;
  }
}

/**
 * The datatype message body for `t`.
 * @throws StorageError for a type HDF5 cannot store as given (an `other` class without its
 * source bytes, a float of unusual size, variable-length strings nested in other types).
 */
export function encodeDatatype(t: H5Type): Uint8Array {
  const source = sourceTypeBytes.get(t);
  if (source) return source;
  let body = cache.get(t);
  if (body) return body;
  const key = atomicKey(t);
  body = key === undefined ? undefined : atomicCache.get(key);
  if (!body) {
    const w = new ByteWriter(64);
    encodeInto(w, t, true);
    body = w.finish();
    if (key !== undefined) atomicCache.set(key, body);
  }
  cache.set(t, body);
  return body;
}

/** Header: class and version in one byte, 24 class bits, element size. */
function header(w: ByteWriter, cls: number, version: number, bits: number, size: number): void {
  w.u8(cls | (version << 4)).u8(bits & 0xff).u8((bits >>> 8) & 0xff).u8((bits >>> 16) & 0xff).u32(size);
}

function encodeInto(w: ByteWriter, t: H5Type, top: boolean): void {
  const source = sourceTypeBytes.get(t);
  if (source) {
    w.bytes(source);
    return;
  }
  switch (t.class) {
    case 'int':
      header(w, CLASS.FIXED_POINT, 1, t.signed ? 0x08 : 0, t.size);
      w.u16(0).u16(8 * t.size);
      return;
    case 'bitfield':
      header(w, CLASS.BITFIELD, 1, 0, t.size);
      w.u16(0).u16(8 * t.size);
      return;
    case 'float': {
      const layout = FLOATS[t.size];
      if (!layout) throw new StorageError(`A float of ${t.size} bytes cannot be written to HDF5.`);
      const [sign, expLoc, expSize, mantSize, bias] = layout;
      header(w, CLASS.FLOATING_POINT, 1, 0x20 | (sign << 8), t.size); // 0x20: implied leading mantissa bit
      w.u16(0).u16(8 * t.size).u8(expLoc).u8(expSize).u8(0).u8(mantSize).u32(bias);
      return;
    }
    case 'string':
      if (t.vlen) {
        if (!top) throw new StorageError('Variable-length strings inside compound or array types cannot be written.');
        // A string sequence, padding, character set; the base is one unsigned byte.
        header(w, CLASS.VARIABLE_LENGTH, 1, VLEN_KIND.STRING | (PAD[t.pad] << 4) | (CHARSET[t.cset] << 8), vlenElementSize(8));
        header(w, CLASS.FIXED_POINT, 1, 0, 1);
        w.u16(0).u16(8);
        return;
      }
      header(w, CLASS.STRING, 1, PAD[t.pad] | (CHARSET[t.cset] << 4), t.size);
      return;
    case 'compound': {
      header(w, CLASS.COMPOUND, 3, t.members.length, t.size);
      const offsetSize = bytesFor(t.size);
      for (const m of t.members) {
        w.bytes(Buffer.from(m.name, 'utf8')).u8(0).uint(m.offset, offsetSize);
        encodeInto(w, m.type, false);
      }
      return;
    }
    case 'array':
      header(w, CLASS.ARRAY, 3, 0, t.size);
      w.u8(t.dims.length);
      for (const d of t.dims) w.u32(d);
      encodeInto(w, t.base, false);
      return;
    case 'enum': {
      const names = Object.keys(t.members);
      header(w, CLASS.ENUM, 3, names.length, t.size);
      encodeInto(w, { class: 'int', size: t.size, signed: t.signed }, false);
      for (const name of names) w.bytes(Buffer.from(name, 'utf8')).u8(0);
      for (const name of names) {
        const v = BigInt.asUintN(8 * t.size, BigInt(t.members[name]!));
        for (let i = 0; i < t.size; i++) w.u8(Number((v >> BigInt(8 * i)) & 0xffn));
      }
      return;
    }
    case 'vlen':
      if (!top) throw new StorageError('Variable-length sequences inside compound or array types cannot be written.');
      header(w, CLASS.VARIABLE_LENGTH, 1, VLEN_KIND.SEQUENCE, vlenElementSize(8)); // the base type follows
      encodeInto(w, t.base, false);
      return;
    case 'other':
      throw new StorageError(`The ${describeH5Type(t)} datatype cannot be written: its original definition is not known.`);
  }
}
