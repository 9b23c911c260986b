/**
 * Decoders for the small object header messages: dataspace, data layout, filter pipeline, link,
 * link info and attribute info. Each takes the message body's cursor and returns plain data.
 *
 * What they return is made by class constructors and array builtins, never by object or array
 * literals: see `young.ts` for why (V8 pretenures literal sites that a cache taught to survive).
 */
import { NativeUnsupportedError } from '../model.js';
import { DATASPACE, DATASPACE_HAS_MAX, LAYOUT, LINK, LINK_FLAG, UNDEF, align8 } from '../format.js';
import { CorruptError, Cursor } from './byte-source.js';
import { youngCopy } from './young.js';

/** A dataspace: `shape` `[]` for a scalar, `null` for NULL; `maxshape` entries `null` = unlimited. */
export interface Space {
  shape: number[] | null;
  maxshape: (number | null)[] | null;
}

export function decodeDataspace(c: Cursor): Space {
  const flags = c.buf[c.pos + 2] ?? 0;
  const shape = decodeShape(c);
  if (!shape) return new DecodedSpace(null, null);
  if (!(flags & DATASPACE_HAS_MAX)) return new DecodedSpace(shape, shape.slice());
  const maxshape = MAX_DIMS;
  maxshape.length = 0;
  for (let i = 0; i < shape.length; i++) {
    const d = c.len();
    maxshape.push(d === UNDEF ? null : d);
  }
  return new DecodedSpace(shape, youngCopy(maxshape));
}

class DecodedSpace implements Space {
  constructor(
    readonly shape: number[] | null,
    readonly maxshape: (number | null)[] | null,
  ) {}
}

// Scratch lists, copied out (`youngCopy`) when done: nothing here recurses.
const DIMS: number[] = [];
const MAX_DIMS: (number | null)[] = [];

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
  const shape = DIMS;
  shape.length = 0;
  for (let i = 0; i < rank; i++) {
    const d = c.len();
    if (d === UNDEF) throw new CorruptError('a dataspace has an undefined dimension');
    shape.push(d);
  }
  return youngCopy(shape);
}

/**
 * Where a dataset's elements are. Chunk dimensions exclude the trailing element-size one.
 * Version 4 encodes compact and contiguous storage as version 3 does; only its chunk indexes
 * (and virtual datasets) are new, and those are not handled.
 */
export type Layout = CompactLayout | ContiguousLayout | ChunkedLayout;

export class CompactLayout {
  readonly kind = 'compact';
  constructor(readonly data: Uint8Array) {}
}

export class ContiguousLayout {
  readonly kind = 'contiguous';
  constructor(readonly addr: number) {}
}

export class ChunkedLayout {
  readonly kind = 'chunked';
  constructor(
    readonly btree: number,
    readonly chunk: number[],
  ) {}
}

/** A layout's chunk dimensions: all but the trailing element-size one of `dims` (scratch). */
function chunkDims(dims: number[]): number[] {
  return youngCopy(dims, dims.length - 1);
}

export function decodeLayout(c: Cursor, where: string): Layout {
  const version = c.u8();
  if (version < 1 || version > 4) throw new CorruptError(`a data layout message has version ${version}`);
  if (version < 3) {
    const ndims = c.u8();
    const cls = c.u8();
    c.skip(5);
    const addr = cls === LAYOUT.CONTIGUOUS || cls === LAYOUT.CHUNKED ? c.addr() : UNDEF;
    const dims = DIMS;
    dims.length = 0;
    for (let i = 0; i < ndims; i++) dims.push(c.u32());
    if (cls === LAYOUT.COMPACT) return new CompactLayout(c.copy(c.u32()));
    if (cls === LAYOUT.CONTIGUOUS) return new ContiguousLayout(addr);
    if (cls === LAYOUT.CHUNKED) return new ChunkedLayout(addr, chunkDims(dims));
    throw new CorruptError(`a data layout message has class ${cls}`);
  }
  const cls = c.u8();
  switch (cls) {
    case LAYOUT.COMPACT:
      return new CompactLayout(c.copy(c.u16()));
    case LAYOUT.CONTIGUOUS:
      return new ContiguousLayout(c.addr());
    case LAYOUT.CHUNKED: {
      if (version === 4) {
        throw new NativeUnsupportedError('chunked storage with the chunk indexes of data layout version 4 (HDF5 1.10+, e.g. h5py libver="latest")', where);
      }
      const ndims = c.u8();
      const btree = c.addr();
      const dims = DIMS;
      dims.length = 0;
      for (let i = 0; i < ndims; i++) dims.push(c.u32());
      return new ChunkedLayout(btree, chunkDims(dims));
    }
    case LAYOUT.VIRTUAL:
      throw new NativeUnsupportedError('virtual datasets', where);
    default:
      throw new CorruptError(`a data layout message has class ${cls}`);
  }
}

export class Filter {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly flags: number,
    readonly values: number[],
  ) {}
}

/** The filters of a filter pipeline message, in the order they were applied when writing. */
export function decodeFilters(c: Cursor): Filter[] {
  const version = c.u8();
  if (version !== 1 && version !== 2) throw new CorruptError(`a filter pipeline message has version ${version}`);
  const n = c.u8();
  if (version === 1) c.skip(6);
  const filters = Array.from<Filter>({ length: n });
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
    const values = Array.from({ length: nvalues }, () => c.u32());
    if (version === 1 && nvalues % 2 === 1) c.skip(4);
    filters[i] = new Filter(id, name, flags, values);
  }
  return filters;
}

export class HardTarget {
  readonly kind = 'hard';
  constructor(readonly addr: number) {}
}

/**
 * Soft and external links are rare, and the graph keeps them as they are read, as plain data
 * (compared with what a writer made), so they stay literals.
 */
export type SoftTarget = { kind: 'soft'; target: string };
export type ExternalTarget = { kind: 'external'; file: string; path: string };

/** A link as stored in a Link message (compact or dense groups) or a symbol table entry. */
export class RawLink {
  constructor(
    readonly name: string,
    readonly link: HardTarget | SoftTarget | ExternalTarget,
  ) {}
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
      return new RawLink(name, new HardTarget(c.addr()));
    case LINK.SOFT:
      return new RawLink(name, { kind: 'soft', target: c.text(c.u16()) });
    case LINK.EXTERNAL: {
      const value = c.sub(c.u16());
      const vflags = value.u8();
      if (vflags >> 4 !== 0) throw new CorruptError(`an external link has version ${vflags >> 4}`);
      const file = value.cstring();
      const path = value.cstring();
      return new RawLink(name, { kind: 'external', file, path });
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
