/**
 * Undoing a chunk's filter pipeline: deflate (zlib), shuffle and fletcher32 (its checksum
 * verified), the filters
 * PyTables and h5py use by default. Other filters (blosc, lzf, szip…) are reported only when a
 * chunk that went through them is decoded, since their chunks can still be copied as they are.
 */
import zlib from 'node:zlib';
import { NativeUnsupportedError } from '../model.js';
import { CorruptError } from './byte-source.js';
import type { Filter } from './messages.js';
import { fletcher32 } from '../checksum.js';

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
        // (HDF5 refuses a level outside 0–9 before inflating)
        if ((f.values[0] ?? 0) > 9) throw new CorruptError(`the deflate filter of ${where} has the invalid level ${f.values[0]}`);
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
        if (buf.length < 4) throw new CorruptError(`a chunk of ${where} is too short for its fletcher32 checksum`);
        checkFletcher32(buf, where);
        buf = buf.subarray(0, buf.length - 4);
        break;
      default:
        throw new NativeUnsupportedError(`the HDF5 filter ${f.id}${f.name ? ` (${f.name})` : ''}`, where);
    }
  }
  return buf;
}

/**
 * Checks the Fletcher-32 checksum stored (little-endian) after a chunk's bytes. HDF5 before 1.6.3
 * stored it with the bytes of each 16-bit half swapped; HDF5 accepts both, and so does this.
 */
function checkFletcher32(buf: Buffer, where: string): void {
  const n = buf.length - 4;
  const stored = buf.readUInt32LE(n);
  const sum = fletcher32(buf, 0, n);
  const swapped = (((sum & 0x00ff00ff) << 8) | ((sum >>> 8) & 0x00ff00ff)) >>> 0;
  if (stored !== sum && stored !== swapped) throw new CorruptError(`a chunk of ${where} fails its fletcher32 checksum: the file is corrupt`);
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
