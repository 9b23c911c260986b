/**
 * Object headers, as the reader sees them: the list of messages that make a group or a dataset.
 *
 * Version 1 (PyTables, h5py) has no signature and 8-byte aligned messages; version 2 (h5wasm,
 * `libver='latest'`) starts with `OHDR`, may carry times and attribute phase-change values, and
 * numbers messages by creation order when asked. Both continue in further chunks named by
 * continuation messages, which are followed here so callers see one list.
 */
import { NativeUnsupportedError } from '../model.js';
import { ByteSource, CorruptError, Cursor } from './byte-source.js';
import { verifyChecksum } from '../checksum.js';
import { MSG, MSG_FLAG, OHDR_FLAG, SIG } from '../format.js';

/**
 * How many object headers have been parsed in this process: tests use it to check that reading
 * touches only the objects a request needs (issue 13: no eager parse of a 1M-run file).
 */
export const headerReads = { count: 0 };

/** Message types whose body must not be a reference to a shared message elsewhere. */
const NOT_SHARED = new Set<number>([MSG.DATASPACE, MSG.DATATYPE, MSG.FILL, MSG.FILTERS, MSG.ATTRIBUTE, MSG.LINK]);

/** The message types that may be shared: dataspace, datatype, both fill values, filters, attribute. */
const CAN_SHARE = new Set<number>([MSG.DATASPACE, MSG.DATATYPE, MSG.FILL_OLD, MSG.FILL, MSG.FILTERS, MSG.ATTRIBUTE]);

/**
 * Refuses the flag combinations HDF5 refuses ("bad flag combination for message", "message of
 * unshareable class flagged as shareable"): set in no file it writes, they are damage.
 */
function checkFlags(type: number, flags: number, path: string): void {
  if (
    (flags & MSG_FLAG.WAS_UNKNOWN && flags & MSG_FLAG.FAIL_IF_UNKNOWN_FOR_WRITE) ||
    (flags & MSG_FLAG.WAS_UNKNOWN && !(flags & MSG_FLAG.MARK_IF_UNKNOWN)) ||
    (flags & MSG_FLAG.SHAREABLE && !CAN_SHARE.has(type))
  ) {
    throw new CorruptError(`a message of type ${type} in the object header of '${path}' has the impossible flags ${flags}`);
  }
}

/** More continuation chunks than this means a loop in a damaged file. */
const MAX_CHUNKS = 10_000;

/** The message types kept; the others (NIL, times, group info, comments…) are skipped. */
const KEPT = new Uint8Array(256);
for (const t of [
  MSG.DATASPACE, MSG.LINK_INFO, MSG.DATATYPE, MSG.FILL, MSG.LINK, MSG.EXTERNAL_FILES, MSG.LAYOUT, MSG.FILTERS,
  MSG.ATTRIBUTE, MSG.CONTINUATION, MSG.SYMBOL_TABLE, MSG.DRIVER_INFO, MSG.ATTRIBUTE_INFO, MSG.REFERENCE_COUNT,
]) {
  KEPT[t] = 1;
}

/**
 * The messages of one object header, sorted by type while reading it. One instance serves every
 * object of a file: a message is a (buffer, start, end) entry here, and {@link cursor} re-aims a
 * single cursor at it, so reading 60,000 headers allocates nothing per message. A cursor from
 * here is valid until the next call of {@link cursor} or {@link read}.
 */
export class ObjectHeader {
  /** How many hard links point at the object. */
  refCount = 1;
  private count = 0;
  private readonly bufs: Buffer[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly types: number[] = [];
  /** Per message type, the index of its first message, or -1. */
  private readonly first = new Int32Array(0x18);
  // Cursors reused for every header: the message being handed out, the prefix, the chunk.
  private readonly scratch: Cursor;
  private readonly prefix: Cursor;
  private readonly chunk: Cursor;

  constructor(private readonly src: ByteSource) {
    this.scratch = src.cursor(0, 0);
    this.prefix = src.cursor(0, 0);
    this.chunk = src.cursor(0, 0);
  }

  /** Reads the object header at `addr` (of the object at `path`, for messages). */
  read(addr: number, path: string): void {
    headerReads.count++;
    this.count = 0;
    this.refCount = 1;
    this.first.fill(-1);
    if (this.src.aim(this.prefix, addr, Math.min(4, this.src.size - this.src.base - addr)).isSig(SIG.OBJECT_HEADER)) this.readV2(addr, path);
    else this.readV1(addr, path);
  }

  /** Whether the header has a message of `type`. */
  has(type: number): boolean {
    return this.first[type]! >= 0;
  }

  /** The first message of `type` (which must exist: see {@link has}). */
  get(type: number): Cursor {
    return this.cursor(this.first[type]!);
  }

  /** The index of the next message of `type` after index `after` (-1: from the start), or -1. */
  next(type: number, after: number): number {
    for (let i = after < 0 ? this.first[type]! : after + 1; i >= 0 && i < this.count; i++) if (this.types[i] === type) return i;
    return -1;
  }

  /** The message at index `i` (from {@link next}). */
  cursor(i: number): Cursor {
    if (i < 0 || i >= this.count) throw new CorruptError('an object header lacks a message it needs');
    return this.scratch.reset(this.bufs[i]!, this.starts[i]!, this.ends[i]!);
  }

  private add(type: number, flags: number, m: Cursor, size: number, path: string): void {
    checkFlags(type, flags, path);
    if (type === MSG.CONTINUATION) {
      const body = m.need(size); // (the whole message must lie in its chunk)
      m.pos = body;
      const at = m.addr();
      const length = m.len();
      // A chunk named twice would be read (and its continuations followed) again and again.
      for (let i = 0; i < this.chunkCount; i += 2) {
        if (this.chunks[i] === at) throw new CorruptError(`the object header of '${path}' continues in a loop (chunk at address ${at})`);
      }
      this.chunks[this.chunkCount++] = at;
      this.chunks[this.chunkCount++] = length;
      m.pos = body + size;
      return;
    }
    const start = m.need(size);
    if (KEPT[type] !== 1) return;
    if (type === MSG.REFERENCE_COUNT) {
      // (version 2 headers; version 1 has the count in its prefix) version, count
      this.refCount = new Cursor(m.buf, m.offsetSize, m.lengthSize, start + 1, start + size).u32();
      return;
    }
    if (flags & MSG_FLAG.SHARED && NOT_SHARED.has(type)) {
      throw new NativeUnsupportedError('shared object header messages (committed datatypes or SOHM)', path);
    }
    const i = this.count++;
    this.bufs[i] = m.buf;
    this.starts[i] = start;
    this.ends[i] = start + size;
    this.types[i] = type;
    if (this.first[type] === -1) this.first[type] = i;
  }

  /** The chunks of the header: address, length, address, length… (reused; `length = 0` reallocates). */
  private readonly chunks: number[] = [];
  private chunkCount = 0;

  private readV1(addr: number, path: string): void {
    const c = this.src.aim(this.prefix, addr, 16);
    if (c.u8() !== 1) throw new CorruptError(`there is no object header at address ${addr}`);
    c.skip(1 + 2); // reserved, message count
    this.refCount = c.u32();
    const chunks = this.chunks;
    chunks[0] = addr + 16;
    chunks[1] = c.u32();
    this.chunkCount = 2;
    for (let i = 0; i < this.chunkCount; i += 2) {
      if (i > 2 * MAX_CHUNKS) throw new CorruptError(`the object header at address ${addr} has too many continuation chunks`);
      const m = this.src.aim(this.chunk, chunks[i]!, chunks[i + 1]!);
      while (m.left >= 8) {
        const type = m.u16();
        const size = m.u16();
        const flags = m.u8();
        m.skip(3);
        // Version 1 keeps every message 8-byte aligned, so a size that is not is damage.
        if (size % 8 !== 0) throw new CorruptError(`a message in the object header at address ${addr} ('${path}') has the unaligned size ${size}`);
        this.add(type, flags, m, size, path);
      }
    }
  }

  private readV2(addr: number, path: string): void {
    const c = this.src.aim(this.prefix, addr, Math.min(4 + 2 + 16 + 4 + 8, this.src.size - this.src.base - addr));
    const start = c.pos;
    c.skip(4);
    const version = c.u8();
    if (version !== 2) throw new CorruptError(`the object header at address ${addr} has version ${version}`);
    const flags = c.u8();
    if (flags & 0xc0) throw new CorruptError(`the object header at address ${addr} has unknown flags ${flags}`);
    if (flags & OHDR_FLAG.TIMES) c.skip(16); // access, modification, change and birth times
    if (flags & OHDR_FLAG.PHASE_CHANGE) c.skip(4); // attribute phase-change values
    const size0 = c.uint(1 << (flags & OHDR_FLAG.SIZE_WIDTH));
    const headerSize = flags & OHDR_FLAG.CREATION_ORDER ? 6 : 4; // with creation order numbers
    const prefixSize = c.pos - start;
    const chunks = this.chunks;
    chunks[0] = addr;
    chunks[1] = prefixSize + size0 + 4; // the first chunk: prefix, messages, checksum
    this.chunkCount = 2;
    for (let i = 0; i < this.chunkCount; i += 2) {
      if (i > 2 * MAX_CHUNKS) throw new CorruptError(`the object header at address ${addr} has too many continuation chunks`);
      const at = chunks[i]!;
      const m = this.src.aim(this.chunk, at, chunks[i + 1]!);
      // The checksum (last 4 bytes of each chunk) covers the chunk from its signature on.
      if (m.left < 8) throw new CorruptError(`the object header chunk at address ${at} is too short`);
      verifyChecksum(m.buf, m.pos, m.end - 4, i === 0 ? 'object header' : 'object header continuation', at, path);
      if (i > 0 && !m.isSig(SIG.OBJECT_HEADER_CONTINUATION)) throw new CorruptError(`the object header continuation at address ${at} has no OCHK signature`);
      if (i === 0) m.skip(prefixSize);
      m.end -= 4;
      while (m.left >= headerSize) {
        const type = m.u8();
        const size = m.u16();
        const mflags = m.u8();
        if (headerSize === 6) m.skip(2);
        this.add(type, mflags, m, size, path);
      }
    }
  }
}
