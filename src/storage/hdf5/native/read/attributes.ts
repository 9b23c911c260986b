/**
 * Attributes, compact (Attribute messages in the object header, versions 1–3) or dense
 * (Attribute Info message → fractal heap + v2 B-tree of type 8), decoded into {@link H5Data}s.
 */
import { NativeUnsupportedError } from '../model.js';
import { UNDEF, align8 } from '../format.js';
import { type ByteSource, CorruptError, type Cursor, utf8Name } from './byte-source.js';
import { forEachRecord } from './btree2.js';
import { isVariableLength } from '../../engine/h5types.js';
import { type TypeCache, fileElementSize } from './datatype.js';
import { FractalHeap } from './fractal-heap.js';
import type { GlobalHeap } from './global-heap.js';
import type { Interner } from '../intern.js';
import { decodeShape, seekDenseStorage } from './messages.js';
import type { H5Data } from '../../engine/h5file.js';

/** An attribute as decoded: shared by all identical Attribute messages of the file. */
export interface RawAttribute {
  name: string;
  value: H5Data;
}

/** What decoding attributes needs besides their bytes. */
export interface AttributeContext {
  types: TypeCache;
  heap: GlobalHeap;
  attributes: Interner<RawAttribute>;
}

/**
 * Decodes one Attribute message body; `where` is the owner's path. The message holds name, type,
 * dataspace and data, so identical messages (pypet repeats a few thousands of times) share one
 * decoded attribute.
 */
export function decodeAttribute(c: Cursor, ctx: AttributeContext, where: string): RawAttribute {
  const { buf, pos, end } = c;
  return ctx.attributes.find(buf, pos, end) ?? ctx.attributes.add(decodeNew(c, ctx, where));
}

function decodeNew(c: Cursor, ctx: AttributeContext, where: string): RawAttribute {
  const version = c.u8();
  if (version < 1 || version > 3) throw new CorruptError(`an attribute message of ${where} has version ${version}`);
  const flags = c.u8();
  if (version > 1 && flags & 3) throw new NativeUnsupportedError('attributes with a shared (committed) datatype or dataspace', where);
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version >= 3) c.skip(1); // name character set
  const pad = (n: number) => (version === 1 ? align8(n) : n);
  const buf = c.buf;
  const nameAt = c.need(pad(nameSize));
  // The stored size counts the name and its NUL; HDF5 refuses a name of another length.
  const nameEnd = buf.indexOf(0, nameAt);
  if (nameSize === 0 || nameEnd !== nameAt + nameSize - 1) throw new CorruptError(`an attribute name of ${where} does not have its stored length ${nameSize}`);
  const name = utf8Name(buf, nameAt, nameEnd);
  return { name, value: decodeValue(c, ctx, pad(typeSize), pad(spaceSize), `attribute '${name}' of ${where}`) };
}

function decodeValue(c: Cursor, ctx: AttributeContext, typeSize: number, spaceSize: number, where: string): H5Data {
  const type = ctx.types.decode(c, typeSize, where);
  const spaceAt = c.pos;
  const shape = decodeShape(c);
  c.pos = spaceAt + spaceSize;
  if (!shape) return { type, shape: null, bytes: new Uint8Array(0) };
  const count = shape.length === 0 ? 1 : shape.reduce((a, b) => a * b, 1);
  const size = count * fileElementSize(type, c.offsetSize);
  if (isVariableLength(type)) return { type, shape, bytes: new Uint8Array(0), strings: ctx.heap.strings(c.take(size), count) };
  return { type, shape, bytes: c.copy(size) };
}

/**
 * Stores in `out` from index `n` on the attributes stored densely, given the object's Attribute
 * Info message; returns the new count.
 */
export function denseAttributes(src: ByteSource, info: Cursor, ctx: AttributeContext, where: string, out: RawAttribute[], n: number): number {
  seekDenseStorage(info, 'attribute info');
  const heap = info.addr();
  const nameIndex = info.addr();
  return heap === UNDEF || nameIndex === UNDEF ? n : n + readDense(src, heap, nameIndex, ctx, where, out, n);
}

/** (Apart, so that objects without dense attributes do not pay for the closure.) */
function readDense(src: ByteSource, heap: number, nameIndex: number, ctx: AttributeContext, where: string, out: RawAttribute[], from: number): number {
  const fheap = new FractalHeap(src, heap, where);
  let n = from;
  forEachRecord(src, nameIndex, 8, (buf, pos) => {
    // heap ID (8), message flags (1), creation order (4), name hash (4)
    if (buf[pos + 8]! & 2) throw new NativeUnsupportedError('shared attribute messages (SOHM)', where);
    out[n++] = decodeAttribute(fheap.get(buf, pos, 8), ctx, where);
  }, where);
  return n - from;
}
