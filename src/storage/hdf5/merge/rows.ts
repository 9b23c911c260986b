/** Rows of compound tables as raw bytes: picking, repeating, converting and widening them for a merge. */
import { FormatError } from '../../../errors.js';
import { H5File } from '../engine/h5file.js';
import { type H5Type, I64, compoundType, decodeElement, encodeColumns, encodeElements, stripPadding } from '../engine/h5types.js';
import { Compound, UNLIMITED } from './shared.js';


/** Rows of a table in their own compound type. */
export interface Rows {
  type: Compound;
  bytes: Uint8Array;
  count: number;
}

export function asCompound(t: H5Type, where: string): Compound {
  if (t.class !== 'compound') throw new FormatError(`${where} is not a table (a compound dataset).`);
  return t;
}

export function readRows(f: H5File, p: string, range?: [number, number]): Rows {
  const d = f.readDataset(p, range);
  return { type: asCompound(d.type, `'${p}' in '${f.path}'`), bytes: d.bytes, count: d.shape?.[0] ?? 0 };
}

/** Rows `indices` of `rows`, in that order. */
export function pickRows(rows: Rows, indices: readonly number[]): Rows {
  const size = rows.type.size;
  if (indices.length === rows.count && indices.every((v, i) => v === i)) return rows;
  const out = new Uint8Array(indices.length * size);
  indices.forEach((r, i) => out.set(rows.bytes.subarray(r * size, (r + 1) * size), i * size));
  return { type: rows.type, bytes: out, count: indices.length };
}

/** The first row of `rows`, `n` times. */
export function repeatRow(rows: Rows, n: number): Rows {
  const size = rows.type.size;
  const out = new Uint8Array(n * size);
  const row = rows.bytes.subarray(0, size);
  for (let i = 0; i < n; i++) out.set(row, i * size);
  return { type: rows.type, bytes: out, count: n };
}

/** Rows of a one-column table holding `values`. */
export function valueRows(type: Compound, values: readonly unknown[]): Rows {
  const column = type.members[0]!.name;
  return { type, bytes: encodeColumns({ [column]: values }, type, values.length), count: values.length };
}

export const sameType = (a: H5Type, b: H5Type) => JSON.stringify(a) === JSON.stringify(b);

/** Length of a fixed string's content (padding removed). */
export function contentLength(bytes: Uint8Array, at: number, t: H5Type & { class: 'string' }): number {
  return stripPadding(bytes.subarray(at, at + t.size), t.pad).length;
}

/**
 * Converts one element between two types without loss, or returns false: equal types (bytes
 * copied), fixed strings whose content fits, integers in range, floats, bitfields ↔ unsigned.
 */
export function convertElement(from: H5Type, src: Uint8Array, at: number, to: H5Type, out: Uint8Array, outAt: number): boolean {
  if (sameType(from, to) || (from.size === to.size && ((from.class === 'bitfield' && to.class === 'int') || (from.class === 'int' && to.class === 'bitfield')))) {
    out.set(src.subarray(at, at + from.size), outAt);
    return true;
  }
  if (from.class === 'string' && to.class === 'string' && !from.vlen && !to.vlen) {
    const content = stripPadding(src.subarray(at, at + from.size), from.pad);
    if (content.length > to.size) return false;
    out.set(content, outAt);
    out.fill(to.pad === 'spacepad' ? 0x20 : 0, outAt + content.length, outAt + to.size);
    return true;
  }
  if ((from.class === 'int' && to.class === 'int') || (from.class === 'float' && to.class === 'float')) {
    const v = decodeElement(src, at, from);
    if (to.class === 'int') {
      const b = BigInt(v as number | bigint);
      const bits = BigInt(to.size * 8);
      const [lo, hi] = to.signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
      if (b < lo || b > hi) return false;
      out.set(encodeElements([b], to), outAt);
      return true;
    }
    const x = v as number;
    if (to.size === 4 && !Number.isNaN(x) && Math.fround(x) !== x) return false;
    out.set(encodeElements([x], to), outAt);
    return true;
  }
  return false;
}

/** `rows` in type `to` (members matched by name), or undefined when a value does not fit. */
export function convertRows(rows: Rows, to: Compound): Uint8Array | undefined {
  if (sameType(rows.type, to)) return rows.bytes;
  const out = new Uint8Array(rows.count * to.size);
  for (const m of to.members) {
    const fm = rows.type.members.find((x) => x.name === m.name);
    if (!fm) return undefined;
    for (let r = 0; r < rows.count; r++) {
      if (!convertElement(fm.type, rows.bytes, r * rows.type.size + fm.offset, m.type, out, r * to.size + m.offset)) return undefined;
    }
  }
  return out;
}

/** `base` with its string columns widened so that every row of `parts` fits. */
export function widenType(base: Compound, parts: readonly Rows[]): Compound {
  let changed = false;
  const fields = base.members.map((m) => {
    if (m.type.class !== 'string' || m.type.vlen) return [m.name, m.type] as const;
    let size = m.type.size;
    for (const rows of parts) {
      const fm = rows.type.members.find((x) => x.name === m.name);
      if (!fm || fm.type.class !== 'string' || fm.type.vlen) continue;
      for (let r = 0; r < rows.count; r++) size = Math.max(size, contentLength(rows.bytes, r * rows.type.size + fm.offset, fm.type));
    }
    if (size !== m.type.size) changed = true;
    return [m.name, { ...m.type, size }] as const;
  });
  return changed ? compoundType(fields) : base;
}

/** Rows a dataset can hold: its maximum length if chunked, else its current length. */
export function capacity(f: H5File, p: string): number {
  const info = f.datasetInfo(p);
  const max = info.chunks ? (info.maxshape?.[0] ?? 0) : (info.shape?.[0] ?? 0);
  return max >= UNLIMITED ? Infinity : max;
}

export function setNrows(f: H5File, p: string, rows: number): void {
  if (f.hasAttr(p, 'NROWS')) f.writeAttr(p, 'NROWS', { type: I64, shape: [], data: encodeElements([rows], I64) });
}
