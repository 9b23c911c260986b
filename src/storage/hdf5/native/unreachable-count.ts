/**
 * How many bytes of a file old versions left behind, kept in the file's reserved head so that the
 * commit policy (`append-commit.ts`) knows when to compact without walking the file: each
 * appending commit adds the bytes of the objects it wrote new versions of (their old versions
 * are unreachable now; an old version is about as big as the new one) and records the sum here,
 * beside the superblock it belongs to.
 *
 * The count sits at {@link COUNT_AT}, inside the {@link RESERVED} bytes the native writer keeps at
 * the start of a file and nothing in HDF5 points at: magic, the end-of-file and root addresses of
 * the superblock it was counted for, the count, a checksum. It is written with the commit's
 * recovery record, before the superblock switch; a count whose addresses are not the current
 * superblock's (a commit that did not switch, a file rewritten whole) is stale, and reads as 0.
 * It is an estimate for a policy, never used to find data: a wrong count costs at most an early
 * or a late compaction.
 */
import fs from 'node:fs';
import { durableStep } from '../../durable-step.js';
import { lookup3 } from './checksum.js';
import { RESERVED, SLOT } from './write/superblock.js';
import { ByteWriter } from './write/byte-writer.js';

/** Where the count lives: in the reserved head, past the recovery slot's record. */
export const COUNT_AT = SLOT + 256;
const MAGIC = Buffer.from('H5TRAJ-U', 'latin1');
/** Magic, end of file, root address, count, checksum. */
const COUNT_SIZE = 8 + 3 * 8 + 4;
if (COUNT_AT + COUNT_SIZE > RESERVED) throw new Error('the unreachable count does not fit the reserved head');

/** The count recorded for the superblock with this end of file and root in the file open as `fd`; 0 when none is. */
export function readUnreachable(fd: number, eof: number, root: number): number {
  const b = Buffer.alloc(COUNT_SIZE);
  if (fs.readSync(fd, b, 0, COUNT_SIZE, COUNT_AT) < COUNT_SIZE || !b.subarray(0, 8).equals(MAGIC)) return 0;
  if (lookup3(b, 0, COUNT_SIZE - 4) !== b.readUInt32LE(COUNT_SIZE - 4)) return 0;
  if (Number(b.readBigUInt64LE(8)) !== eof || Number(b.readBigUInt64LE(16)) !== root) return 0;
  return Number(b.readBigUInt64LE(24));
}

/** Records `count` for the superblock about to be switched to (synced with the recovery record that follows). */
export function writeUnreachable(fd: number, path: string, eof: number, root: number, count: number): void {
  const w = new ByteWriter(COUNT_SIZE);
  w.bytes(MAGIC).u64(eof).u64(root).u64(count);
  const bytes = w.u32(lookup3(w.view())).finish();
  durableStep('write', path);
  fs.writeSync(fd, bytes, 0, bytes.length, COUNT_AT);
}
