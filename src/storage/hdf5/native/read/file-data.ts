/**
 * Dataset contents read on demand from the source file ({@link NData}): compact (in the object
 * header), contiguous, or chunked through a v1 B-tree with optional filters. Unallocated
 * storage reads as the fill value, as HDF5 does. Variable-length strings come back as Buffers.
 */
import type { H5Type } from '../../engine/h5types.js';
import { constants } from 'node:buffer';
import { FormatError, H5TrajError, StorageError } from '../../../../errors.js';
import { type NData, type NRawChunks, type StoredChunks, NativeUnsupportedError } from '../model.js';
import { UNDEF } from '../format.js';
import { type ByteSource, CorruptError } from './byte-source.js';
import { type ChunkRef, copyChunk, listChunks } from './chunks.js';
import { isVariableLength } from '../../engine/h5types.js';
import { fileElementSize } from './datatype.js';
import { type Filter, type Layout } from './messages.js';
import { undoFilters } from './filters.js';
import type { GlobalHeap } from './global-heap.js';

/** What the datasets of one file share: the open file and its global heap. */
export interface DataFile {
  src: ByteSource;
  heap: GlobalHeap;
}

/** A dataset's filter pipeline: the message body (for copying chunks as stored) and its filters. */
export interface Pipeline {
  body: Uint8Array;
  filters: Filter[];
}

type Values = { bytes: Uint8Array; strings?: Buffer[] };

/** The most bytes one read returns: what one Node.js buffer holds (4 GiB on Node 20). */
const MAX_READ = constants.MAX_LENGTH;

/** The {@link NData} of a dataset stored in the source file. */
export class FileData implements NData {
  private chunkList: ChunkRef[] | undefined;
  /** Present only for chunked datasets with filters (see {@link NData.rawChunks}). */
  rawChunks?: () => NRawChunks;

  /**
   * @param where the dataset's path, for messages
   * @param fillValue the Fill Value message body: its value (when defined) is what unallocated
   *   storage reads as
   */
  constructor(
    private readonly file: DataFile,
    private readonly where: string,
    private readonly type: H5Type,
    private readonly shape: number[] | null,
    private readonly layout: Layout,
    private readonly pipeline: Pipeline | undefined,
    private readonly fillValue: Uint8Array | undefined,
  ) {
    if (layout.kind === 'chunked' && pipeline) {
      this.rawChunks = () =>
        this.guard(() => ({
          filterPipeline: pipeline.body,
          chunks: this.chunks().map((c) => ({ offset: [...c.offset], filterMask: c.filterMask, bytes: file.src.readRaw(c.addr, c.size) })),
        }));
    }
  }

  read(): Values {
    const shape = this.shape;
    return this.region(0, shape && shape.length > 0 ? shape[0]! : 1);
  }

  readRows(start: number, end: number, scratch?: Uint8Array): Values {
    const shape = this.shape;
    if (!shape || shape.length === 0) return this.read();
    const from = Math.max(0, Math.min(start, shape[0]!));
    return this.region(from, Math.max(from, Math.min(end, shape[0]!)), scratch);
  }

  /**
   * The stored chunks, for an unfiltered dataset chunked along its first dimension only (the
   * row tables appending commits grow), as far as they follow each other from row 0.
   */
  storedChunks(): StoredChunks | undefined {
    const { layout, shape, pipeline } = this;
    if (layout.kind !== 'chunked' || pipeline || !shape || shape.length === 0) return undefined;
    if (layout.chunk.some((c, d) => d > 0 && c !== shape[d])) return undefined;
    const rows = layout.chunk[0]!;
    const sorted = [...this.guard(() => this.chunks())].sort((a, b) => a.offset[0]! - b.offset[0]!);
    const chunks: { address: number; nbytes: number }[] = [];
    for (const c of sorted) {
      if (c.offset[0] !== chunks.length * rows || c.filterMask !== 0) break;
      chunks.push({ address: c.addr, nbytes: c.size });
    }
    return { chunks, changedFrom: 0, changedTo: 0 };
  }

  /** Runs `fn`, turning damage found on the way into a {@link FormatError} naming the file. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof H5TrajError || e instanceof NativeUnsupportedError) throw e;
      const file = this.file.src.path;
      throw new FormatError(`Cannot read dataset '${this.where}' of '${file}': ${(e as Error).message}.`, { file, path: this.where, cause: e });
    }
  }

  private chunks(): ChunkRef[] {
    const { layout, shape } = this;
    if (layout.kind !== 'chunked') return [];
    return (this.chunkList ??= listChunks(this.file.src, layout.btree, shape?.length ?? 0));
  }

  /**
   * Rows `[start, end)` of the first dimension (the one element of a scalar when rank 0); the
   * bytes of contiguous and chunked data are assembled in `scratch` when it is large enough
   * (compact data is copied from its header, as before).
   */
  private region(start: number, end: number, scratch?: Uint8Array): Values {
    return this.guard(() => {
      const { type, shape, layout } = this;
      const { src } = this.file;
      src.assertOpen();
      if (!shape) return { bytes: new Uint8Array(0) };
      const es = fileElementSize(type, src.offsetSize);
      const rowElems = shape.slice(1).reduce((a, b) => a * b, 1);
      const n = (shape.length === 0 ? 1 : end - start) * rowElems;
      const at = start * rowElems * es;
      // A read lands in one buffer. Its size comes from the dataspace (damage can make it huge;
      // chunked and unallocated data are assembled in memory before anything is read), so it is
      // bounded first; a sound dataset this large is not damage, only too big to read whole.
      if (n * es > MAX_READ) {
        const file = src.path;
        throw new StorageError(
          `The dataset '${this.where}' of '${file}' holds ${n * es} bytes, more than one Node.js buffer holds (${MAX_READ}); read it in row ranges.`,
          { file, path: this.where },
        );
      }
      let raw: Uint8Array;
      if (n === 0) raw = new Uint8Array(0);
      else if (layout.kind === 'compact') {
        if (layout.data.length < at + n * es) throw new Error(`its compact data has ${layout.data.length} bytes, fewer than its shape needs`);
        raw = layout.data.slice(at, at + n * es);
      } else if (layout.kind === 'contiguous') {
        const into = within(scratch, n * es);
        if (layout.addr === UNDEF) raw = this.filled(n, es, scratch);
        else if (into !== undefined) {
          raw = into;
          src.readInto(layout.addr + at, n * es, raw, 0);
        } else raw = src.readRaw(layout.addr + at, n * es);
      } else raw = this.assemble(start, end, n, es, scratch);
      if (isVariableLength(type)) return { bytes: new Uint8Array(0), strings: this.file.heap.strings(raw, n) };
      return { bytes: raw };
    });
  }

  /** `n` elements of the fill value (zeros without one), in `scratch` when it is large enough. */
  private filled(n: number, es: number, scratch?: Uint8Array): Uint8Array {
    const fill = this.fillValue && fillElement(this.fillValue);
    // (a scratch holds the bytes of an earlier read: they must not show through)
    const out = within(scratch, n * es)?.fill(0) ?? new Uint8Array(n * es);
    if (fill && fill.length === es && fill.some((b) => b !== 0)) for (let i = 0; i < n; i++) out.set(fill, i * es);
    return out;
  }

  private assemble(start: number, end: number, n: number, es: number, scratch?: Uint8Array): Uint8Array {
    const { shape, layout, pipeline, where } = this;
    const { src } = this.file;
    if (layout.kind !== 'chunked' || !shape) throw new Error('not a chunked dataset');
    const out = this.filled(n, es, scratch);
    const lo = shape.map((_, k) => (k === 0 ? start : 0));
    const hi = shape.map((d, k) => (k === 0 ? end : d));
    // Unfiltered chunks of whole rows (a table's, a 1-D array's) hold their rows as contiguous
    // bytes, as the output does: those rows are read straight into place.
    const rowBytes = es * shape.slice(1).reduce((a, b) => a * b, 1);
    const wholeRows = !pipeline && layout.chunk.every((d, k) => k === 0 || d === shape[k]);
    for (const c of this.chunks()) {
      if (c.offset[0]! >= end || c.offset[0]! + layout.chunk[0]! <= start) continue;
      if (wholeRows) {
        const first = Math.max(start, c.offset[0]!);
        const last = Math.min(end, c.offset[0]! + layout.chunk[0]!);
        if (c.size < layout.chunk[0]! * rowBytes) throw new CorruptError(`a chunk of ${c.size} bytes is smaller than its ${layout.chunk[0]} rows of ${rowBytes} bytes`);
        src.readInto(c.addr + (first - c.offset[0]!) * rowBytes, (last - first) * rowBytes, out, (first - start) * rowBytes);
        continue;
      }
      const raw = src.readRaw(c.addr, c.size);
      const data = pipeline ? undoFilters(raw, pipeline.filters, c.filterMask, where) : raw;
      copyChunk(data, layout.chunk, c.offset, out, lo, hi, es);
    }
    return out;
  }
}

/** The first `bytes` of `scratch` when it has that many, else undefined. */
function within(scratch: Uint8Array | undefined, bytes: number): Uint8Array | undefined {
  return scratch !== undefined && scratch.length >= bytes ? scratch.subarray(0, bytes) : undefined;
}

/** The value of a Fill Value message body (versions 1–3), when one is defined. */
function fillElement(body: Uint8Array): Uint8Array | undefined {
  // version; then allocation time, write time, "defined" (v1, v2) or flags (v3, bit 5 = has value)
  const old = body[0]! < 3;
  const defined = old ? body[3] !== 0 : (body[1]! & 0x20) !== 0;
  const at = old ? 4 : 2;
  if (!defined || body.length < at + 4) return undefined;
  const size = body[at]! | (body[at + 1]! << 8) | (body[at + 2]! << 16) | (body[at + 3]! << 24);
  return size > 0 && at + 4 + size <= body.length ? body.subarray(at + 4, at + 4 + size) : undefined;
}
