/**
 * Version-2 object headers ("OHDR") and the messages the writer (`writer.ts`) puts in them.
 *
 * One header is one chunk holding exactly its messages: no free space, no times, no creation
 * order. HDF5 copes with a full header when it later adds a message (it allocates a continuation
 * chunk and moves a message of at least 16 bytes there — every header here has one: the layout
 * of a dataset, the link info or the symbol table message of a group), and it reads chunks of any
 * size, so a compact group with thousands of links would be one large chunk with a 4-byte size
 * field (the writer makes such groups old-style instead, unless they cannot be).
 */
import { StorageError } from '../../../../errors.js';
import { lookup3 } from '../checksum.js';
import { CHARSET, DATASPACE, DATASPACE_HAS_MAX, LAYOUT, LINK, LINK_FLAG, SIG, UNDEF, signatureBytes } from '../format.js';
import { ByteWriter } from './byte-writer.js';
import type { FileSink } from './file-sink.js';

const OHDR = signatureBytes(SIG.OBJECT_HEADER);
/** Room kept before the messages for the longest prefix: signature, version, flags, 8-byte size. */
const PREFIX = 4 + 1 + 1 + 8;

/**
 * Builds one object header at a time in a reused buffer: {@link begin}, messages, {@link finishInto}.
 * Message bodies are written straight into the header through {@link w}.
 */
export class HeaderBuilder {
  readonly w = new ByteWriter(64 * 1024);

  begin(): void {
    this.w.reset().skip(PREFIX); // filled in by finishInto
  }

  /** Adds a message with a ready body. */
  message(type: number, flags: number, body: Uint8Array): void {
    this.w.u8(type).u16(body.length).u8(flags).bytes(body);
  }

  /** Starts a message whose body the caller writes next; pass the result to {@link end}. */
  open(type: number, flags: number): number {
    this.w.u8(type).u16(0).u8(flags);
    return this.w.length;
  }

  end(bodyStart: number): void {
    const size = this.w.length - bodyStart;
    if (size > 0xffff) throw new StorageError(`An HDF5 header message of ${size} bytes exceeds the limit of 65,535.`);
    this.w.setU16(bodyStart - 3, size);
  }

  /** Completes the header (prefix, checksum), appends it to `sink` and returns its address. */
  finishInto(sink: FileSink): number {
    const size = this.w.length - PREFIX;
    const widthCode = size < 0x100 ? 0 : size < 0x10000 ? 1 : size < 0x100000000 ? 2 : 3;
    const width = 1 << widthCode;
    const start = PREFIX - 6 - width;
    const all = this.w.buffer;
    all.set(OHDR, start);
    all[start + 4] = 2;
    all[start + 5] = widthCode;
    for (let i = 0; i < width; i++) all[start + 6 + i] = i < 4 ? (size >>> (8 * i)) & 0xff : Math.floor(size / 2 ** (8 * i)) & 0xff;
    const checksum = lookup3(all, start, this.w.length);
    this.w.u32(checksum);
    return sink.writeRange(this.w.buffer, start, this.w.length);
  }
}

/** Size of a dataspace message body. */
export const dataspaceSize = (shape: readonly number[] | null): number => (shape === null || shape.length === 0 ? 4 : 4 + 16 * shape.length);

/**
 * Dataspace message (version 2): `[]` scalar, `null` NULL, else simple with maximum dimensions
 * (always present, as HDF5 writes them; `null` entries unlimited).
 */
export function writeDataspace(w: ByteWriter, shape: readonly number[] | null, maxshape?: readonly (number | null)[] | null): void {
  if (shape === null) {
    w.u8(2).u8(0).u8(0).u8(DATASPACE.NULL);
    return;
  }
  const simple = shape.length > 0;
  w.u8(2).u8(shape.length).u8(simple ? DATASPACE_HAS_MAX : 0).u8(simple ? DATASPACE.SIMPLE : DATASPACE.SCALAR);
  for (const d of shape) w.u64(d);
  for (let i = 0; i < shape.length; i++) w.u64(maxshape ? (maxshape[i] ?? UNDEF) : shape[i]!);
}

/** Link info message: no creation order, compact storage (no fractal heap, no name index). */
export const LINK_INFO = new ByteWriter(18).u8(0).u8(0).u64(UNDEF).u64(UNDEF).finish();
/**
 * Attribute info message: no creation order, compact storage (no fractal heap, no name index).
 * Written in every header that has attributes, as libhdf5 does: libhdf5 counts a version-2
 * header's attributes from this message (`H5O_attr_count_real`), so without it `H5Aget_num_attrs`,
 * `H5Oget_info` and h5py's `len(attrs)` say 0, and h5repack copies none of the attributes.
 */
export const ATTRIBUTE_INFO = new ByteWriter(18).u8(0).u8(0).u64(UNDEF).u64(UNDEF).finish();
/** Group info message with the default phase-change values (8 compact / 6 dense links). */
export const GROUP_INFO = Uint8Array.of(0, 0);

/** Whether a string is plain ASCII (then its UTF-8 bytes are its char codes). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** UTF-8 bytes of a name, without allocating for ASCII names. */
function writeName(w: ByteWriter, name: string, ascii: boolean): void {
  if (ascii) w.ascii(name);
  else w.bytes(Buffer.from(name, 'utf8'));
}

/** What a link message points to. */
export type LinkTarget = { hard: number } | { soft: string } | { external: Uint8Array };

/** Link message (version 1); the name charset is given only for non-ASCII names, as h5py writes. */
export function writeLink(w: ByteWriter, name: string, target: LinkTarget): void {
  const ascii = isAscii(name);
  const nameLength = ascii ? name.length : Buffer.byteLength(name, 'utf8');
  const lenCode = nameLength < 0x100 ? 0 : nameLength < 0x10000 ? 1 : 2;
  const hard = 'hard' in target;
  w.u8(1).u8(lenCode | (hard ? 0 : LINK_FLAG.HAS_TYPE) | (ascii ? 0 : LINK_FLAG.HAS_CHARSET));
  if (!hard) w.u8('soft' in target ? LINK.SOFT : LINK.EXTERNAL);
  if (!ascii) w.u8(CHARSET.utf8);
  w.uint(nameLength, 1 << lenCode);
  writeName(w, name, ascii);
  if ('hard' in target) w.u64(target.hard);
  else {
    const value = 'soft' in target ? Buffer.from(target.soft, 'utf8') : target.external;
    w.u16(value.length).bytes(value);
  }
}

/** The value of an external link: flags byte 0, then file and object path, NUL-terminated. */
export function externalLinkValue(file: string, path: string): Uint8Array {
  return Buffer.concat([Buffer.of(0), Buffer.from(file, 'utf8'), Buffer.of(0), Buffer.from(path, 'utf8'), Buffer.of(0)]);
}

/** Size of an attribute message body (version 3), to check it against the 64 KiB limit early. */
export function attributeSize(name: string, datatype: Uint8Array, shape: readonly number[] | null, dataBytes: number): number {
  return 9 + Buffer.byteLength(name, 'utf8') + 1 + datatype.length + dataspaceSize(shape) + dataBytes;
}

/** Attribute message (version 3): name (NUL-terminated, charset 1 when non-ASCII), type, space, data. */
export function writeAttribute(w: ByteWriter, name: string, datatype: Uint8Array, shape: readonly number[] | null, data: Uint8Array): void {
  const ascii = isAscii(name);
  const nameLength = ascii ? name.length : Buffer.byteLength(name, 'utf8');
  w.u8(3).u8(0).u16(nameLength + 1).u16(datatype.length).u16(dataspaceSize(shape)).u8(ascii ? CHARSET.ascii : CHARSET.utf8);
  writeName(w, name, ascii);
  w.u8(0).bytes(datatype);
  writeDataspace(w, shape);
  w.bytes(data);
}

/**
 * HDF5's default fill value message (version 3) for a layout: allocation late (contiguous) or
 * incremental (chunked), fill written "if set", no value defined.
 */
export const FILL_CONTIGUOUS = Uint8Array.of(3, 0x0a);
export const FILL_CHUNKED = Uint8Array.of(3, 0x0b);

/** Data layout message (version 3), contiguous: address (undefined when empty) and byte size. */
export function writeContiguousLayout(w: ByteWriter, address: number, size: number): void {
  w.u8(3).u8(LAYOUT.CONTIGUOUS).u64(address).u64(size);
}

/** Data layout message (version 3), chunked: B-tree address and chunk dims plus the element size. */
export function writeChunkedLayout(w: ByteWriter, btree: number, chunks: readonly number[], elementSize: number): void {
  w.u8(3).u8(LAYOUT.CHUNKED).u8(chunks.length + 1).u64(btree);
  for (const c of chunks) w.u32(c);
  w.u32(elementSize);
}

/** Object reference count message, needed when more than one hard link points at an object. */
export function writeRefCount(w: ByteWriter, count: number): void {
  w.u8(0).u32(count);
}
