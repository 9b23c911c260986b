/**
 * Decoders for the small object header messages: dataspace, data layout, filter pipeline, link,
 * link info and attribute info. Each takes the message body's cursor and returns plain data.
 */
import { NativeUnsupportedError } from '../model.js';
import { DATASPACE, DATASPACE_HAS_MAX, LAYOUT, LINK, LINK_FLAG, UNDEF, align8 } from '../format.js';
import { CorruptError, Cursor } from './byte-source.js';

/** A dataspace: `shape` `[]` for a scalar, `null` for NULL; `maxshape` entries `null` = unlimited. */
export interface Space {
  shape: number[] | null;
  maxshape: (number | null)[] | null;
}

export function decodeDataspace(c: Cursor): Space {
  const flags = c.buf[c.pos + 2] ?? 0;
  const shape = decodeShape(c);
  if (!shape) return { shape: null, maxshape: null };
  if (!(flags & DATASPACE_HAS_MAX)) return { shape, maxshape: [...shape] };
  const maxshape: (number | null)[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = c.len();
    maxshape.push(d === UNDEF ? null : d);
  }
  return { shape, maxshape };
}

/** The shape of a dataspace message (all an attribute needs), leaving the cursor after it. */
export function decodeShape(c: Cursor): number[] | null {
  const version = c.u8();
  if (version < 1 || version > 2) throw new CorruptError(`a dataspace message has version ${version}`);
  const rank = c.u8();
  const flags = c.u8();
  let kind: number;
  if (version === 1) {
    c.skip(5); // reserved
    kind = rank > 0 ? DATASPACE.SIMPLE : DATASPACE.SCALAR;
  } else kind = c.u8();
  if (kind === DATASPACE.NULL) return null;
  if (flags & ~3) throw new CorruptError(`a dataspace message has flags ${flags}`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = c.len();
    if (d === UNDEF) throw new CorruptError('a dataspace has an undefined dimension');
    shape.push(d);
  }
  return shape;
}

/**
 * Where a dataset's elements are. Chunk dimensions exclude the trailing element-size one.
 * Version 4 encodes compact and contiguous storage as version 3 does; only its chunk indexes
 * (and virtual datasets) are new, and those are not handled.
 */
export type Layout =
  | { kind: 'compact'; data: Uint8Array }
  | { kind: 'contiguous'; addr: number }
  | { kind: 'chunked'; btree: number; chunk: number[] };

export function decodeLayout(c: Cursor, where: string): Layout {
  const version = c.u8();
  if (version < 1 || version > 4) throw new CorruptError(`a data layout message has version ${version}`);
  if (version < 3) {
    const ndims = c.u8();
    const cls = c.u8();
    c.skip(5);
    const addr = cls === LAYOUT.CONTIGUOUS || cls === LAYOUT.CHUNKED ? c.addr() : UNDEF;
    const dims: number[] = [];
    for (let i = 0; i < ndims; i++) dims.push(c.u32());
    if (cls === LAYOUT.COMPACT) return { kind: 'compact', data: c.copy(c.u32()) };
    if (cls === LAYOUT.CONTIGUOUS) return { kind: 'contiguous', addr };
    if (cls === LAYOUT.CHUNKED) return { kind: 'chunked', btree: addr, chunk: dims.slice(0, -1) };
    throw new CorruptError(`a data layout message has class ${cls}`);
  }
  const cls = c.u8();
  switch (cls) {
    case LAYOUT.COMPACT:
      return { kind: 'compact', data: c.copy(c.u16()) };
    case LAYOUT.CONTIGUOUS:
      return { kind: 'contiguous', addr: c.addr() };
    case LAYOUT.CHUNKED: {
      if (version === 4) {
        throw new NativeUnsupportedError('chunked storage with the chunk indexes of data layout version 4 (HDF5 1.10+, e.g. h5py libver="latest")', where);
      }
      const ndims = c.u8();
      const btree = c.addr();
      const dims: number[] = [];
      for (let i = 0; i < ndims; i++) dims.push(c.u32());
      return { kind: 'chunked', btree, chunk: dims.slice(0, -1) };
    }
    case LAYOUT.VIRTUAL:
      throw new NativeUnsupportedError('virtual datasets', where);
    default:
      throw new CorruptError(`a data layout message has class ${cls}`);
  }
}

export interface Filter {
  id: number;
  name: string;
  flags: number;
  values: number[];
}

/** The filters of a filter pipeline message, in the order they were applied when writing. */
export function decodeFilters(c: Cursor): Filter[] {
  const version = c.u8();
  if (version !== 1 && version !== 2) throw new CorruptError(`a filter pipeline message has version ${version}`);
  const n = c.u8();
  if (version === 1) c.skip(6);
  const filters: Filter[] = [];
  for (let i = 0; i < n; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    const flags = c.u16();
    const nvalues = c.u16();
    let name = '';
    if (nameLength > 0) {
      const raw = c.take(version === 1 ? align8(nameLength) : nameLength);
      const end = raw.indexOf(0);
      name = raw.toString('latin1', 0, end < 0 ? raw.length : end);
    }
    const values: number[] = [];
    for (let v = 0; v < nvalues; v++) values.push(c.u32());
    if (version === 1 && nvalues % 2 === 1) c.skip(4);
    filters.push({ id, name, flags, values });
  }
  return filters;
}

/** A link as stored in a Link message (compact or dense groups) or a symbol table entry. */
export interface RawLink {
  name: string;
  link: { kind: 'hard'; addr: number } | { kind: 'soft'; target: string } | { kind: 'external'; file: string; path: string };
}

export function decodeLink(c: Cursor, where: string): RawLink {
  const version = c.u8();
  if (version !== 1) throw new CorruptError(`a link message has version ${version}`);
  const flags = c.u8();
  const type = flags & LINK_FLAG.HAS_TYPE ? c.u8() : LINK.HARD;
  if (flags & LINK_FLAG.CREATION_ORDER) c.skip(8); // creation order
  if (flags & LINK_FLAG.HAS_CHARSET) c.skip(1); // name character set (ASCII or UTF-8; decoded alike)
  const name = c.text(c.uint(1 << (flags & LINK_FLAG.NAME_WIDTH)));
  switch (type) {
    case LINK.HARD:
      return { name, link: { kind: 'hard', addr: c.addr() } };
    case LINK.SOFT:
      return { name, link: { kind: 'soft', target: c.text(c.u16()) } };
    case LINK.EXTERNAL: {
      const value = c.sub(c.u16());
      const vflags = value.u8();
      if (vflags >> 4 !== 0) throw new CorruptError(`an external link has version ${vflags >> 4}`);
      const file = value.cstring();
      const path = value.cstring();
      return { name, link: { kind: 'external', file, path } };
    }
    default:
      throw new NativeUnsupportedError(`user-defined links (type ${type})`, `${where}/${name}`);
  }
}

/**
 * Moves a Link Info or Attribute Info message's cursor to where the addresses of dense storage
 * start: the fractal heap, then the v2 B-tree name index (read them with `addr()`; either is
 * undefined when storage is compact).
 */
export function seekDenseStorage(c: Cursor, message: 'link info' | 'attribute info'): Cursor {
  c.skip(1); // version
  const flags = c.u8();
  if (flags & 1) c.skip(message === 'link info' ? 8 : 2); // maximum creation index
  return c;
}
