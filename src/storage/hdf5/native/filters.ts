/**
 * Undoing a chunk's filter pipeline: deflate (zlib), shuffle and fletcher32, the filters
 * PyTables and h5py use by default. Other filters (blosc, lzf, szip…) are reported only when a
 * chunk that went through them is decoded, since their chunks can still be copied as they are.
 */
import zlib from 'node:zlib';
import { NativeUnsupportedError } from './model.js';
import { CorruptError } from './byte-source.js';
import type { Filter } from './messages.js';

const DEFLATE = 1;
const SHUFFLE = 2;
const FLETCHER32 = 3;

/** `raw` with the filters undone, last applied first; bit i of `mask` set = filter i skipped. */
export function undoFilters(raw: Uint8Array, filters: readonly Filter[], mask: number, where: string): Uint8Array {
  let buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const f = filters[i]!;
    switch (f.id) {
      case DEFLATE:
        try {
          buf = zlib.inflateSync(buf);
        } catch (e) {
          throw new CorruptError(`a chunk of ${where} does not inflate (${(e as Error).message})`);
        }
        break;
      case SHUFFLE:
        buf = unshuffle(buf, f.values[0] ?? 1);
        break;
      case FLETCHER32:
        // The checksum is not verified: a damaged chunk fails to inflate or decodes wrongly either way.
        if (buf.length < 4) throw new CorruptError(`a chunk of ${where} is too short for its fletcher32 checksum`);
        buf = buf.subarray(0, buf.length - 4);
        break;
      default:
        throw new NativeUnsupportedError(`the HDF5 filter ${f.id}${f.name ? ` (${f.name})` : ''}`, where);
    }
  }
  return buf;
}

/** Reverses HDF5's byte shuffle: byte j of every element was stored together, then byte j+1… */
function unshuffle(buf: Buffer, size: number): Buffer {
  if (size <= 1) return buf;
  const n = Math.floor(buf.length / size);
  const out = Buffer.allocUnsafe(buf.length);
  for (let j = 0; j < size; j++) {
    const from = j * n;
    for (let i = 0; i < n; i++) out[i * size + j] = buf[from + i]!;
  }
  buf.copy(out, n * size, n * size); // bytes left over stay in place
  return out;
}
