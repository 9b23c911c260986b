/**
 * Global heap collections ("GCOL") holding variable-length strings, for the writer.
 *
 * A variable-length string element in a dataset or attribute is 16 bytes: its byte length, the
 * address of the collection holding the bytes, and the object's index there. HDF5 reads a
 * collection as a whole, so collections must be at least 4096 bytes (its first speculative
 * read), and unused space at the end is declared as the free-space object 0. We pack many
 * strings into one collection, up to 64 KiB (HDF5 makes 4 KiB ones, which would waste space
 * when each run has a few short strings) and at most 65,535 objects (the index is 16 bits).
 *
 * The collection being filled is written at the sink's current position, so its address is
 * known while strings are added — provided nothing else is written until {@link flush}.
 */
import { ByteWriter } from './byte-writer.js';
import type { FileSink } from './file-sink.js';
import { GLOBAL_HEAP, SIG, align8, signatureBytes, vlenElementSize } from '../format.js';

const MIN_SIZE = 4096;
const TARGET_SIZE = 64 * 1024;
const MAX_OBJECTS = 0xffff;
const HEADER = GLOBAL_HEAP.headerSize(8);
const OBJ_HEADER = GLOBAL_HEAP.objectHeaderSize(8);
const GCOL = signatureBytes(SIG.GLOBAL_HEAP);

export class GlobalHeapWriter {
  private objects: Uint8Array[] = [];
  private used = HEADER;

  constructor(private readonly sink: FileSink) {}

  /** Stores `strings` and returns their elements (16 bytes each) in order. */
  encode(strings: readonly Uint8Array[]): Uint8Array {
    const w = new ByteWriter(vlenElementSize(8) * strings.length);
    for (const s of strings) {
      const need = OBJ_HEADER + align8(s.length);
      if (this.objects.length > 0 && (this.used + need > TARGET_SIZE || this.objects.length === MAX_OBJECTS)) this.flush();
      this.objects.push(s);
      this.used += need;
      w.u32(s.length).u64(this.sink.pos).u32(this.objects.length);
    }
    return w.view();
  }

  /** Writes the collection being filled, if any. */
  flush(): void {
    if (this.objects.length === 0) return;
    const size = Math.max(MIN_SIZE, this.used);
    const w = new ByteWriter(size);
    w.bytes(GCOL).u8(GLOBAL_HEAP.VERSION).zeros(3).u64(size);
    this.objects.forEach((s, i) => {
      w.u16(i + 1).u16(0).u32(0).u64(s.length).bytes(s).zeros(align8(s.length) - s.length);
    });
    const free = size - this.used;
    // Free space of 16 bytes or more is object 0, whose size counts its own header.
    if (free >= OBJ_HEADER) w.u16(GLOBAL_HEAP.FREE_SPACE).u16(0).u32(0).u64(free);
    w.zeros(size - w.length);
    this.sink.write(w.view());
    this.objects = [];
    this.used = HEADER;
  }
}
