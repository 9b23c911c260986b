/**
 * The superblock the native writer puts at offset 0, and the recovery slot beside it that makes
 * switching it safe (see `docs/commit-design.md` §2).
 *
 * The writer reserves the first {@link RESERVED} bytes of a file: the 48-byte version-2
 * superblock, and at {@link SLOT} (the second sector) a recovery slot marked with {@link MAGIC}.
 * Nothing in the file points at the slot, so HDF5 readers never look at it. An appending commit
 * writes a recovery record there — the superblock in force and the one about to replace it —
 * and syncs it before it writes the new superblock. If that write is torn (a device that does not
 * write 48 bytes of one sector atomically, a power cut), the superblock fails its checksum, and
 * the next writer puts the old one back from the record ({@link repairTornSuperblock}).
 */
import fs from 'node:fs';
import { durableStep } from '../../../durable-step.js';
import { lookup3 } from '../checksum.js';
import { SIG, SUPERBLOCK_V2, UNDEF, signatureBytes } from '../format.js';
import { ByteWriter } from './byte-writer.js';

/** Bytes reserved at the start of every file the native writer makes. */
export const RESERVED = 1024;
/** The version-2 superblock with 8-byte addresses: 48 bytes. */
export const SUPERBLOCK_SIZE = SUPERBLOCK_V2.size(8);
/** Address of the recovery slot. */
export const SLOT = 512;
const MAGIC = Buffer.from('H5TRAJ-R', 'latin1');
const SIGNATURE = signatureBytes(SIG.SUPERBLOCK);
/** Magic, slot version, the old and the new superblock, checksum. */
const RECORD_SIZE = 8 + 4 + 2 * SUPERBLOCK_SIZE + 4;

/** Superblock version 2: 8-byte offsets and lengths, base 0, no extension, end of file, root header. */
export function superblock(eof: number, rootAddress: number): Uint8Array {
  const w = new ByteWriter(SUPERBLOCK_SIZE);
  w.bytes(SIGNATURE).u8(2).u8(8).u8(8).u8(0);
  w.u64(0).u64(UNDEF).u64(eof).u64(rootAddress);
  return w.u32(lookup3(w.view())).finish();
}

/** The slot as a new file has it: marked, with no record. */
export function emptySlot(): Uint8Array {
  const out = new Uint8Array(RECORD_SIZE);
  out.set(MAGIC, 0);
  return out;
}

function recoveryRecord(old: Uint8Array, next: Uint8Array): Uint8Array {
  const w = new ByteWriter(RECORD_SIZE);
  w.bytes(MAGIC).u32(1).bytes(old).bytes(next);
  return w.u32(lookup3(w.view())).finish();
}

/** The superblock fields an appending commit needs. */
export interface SuperblockState {
  eof: number;
  root: number;
  /** The superblock's 48 bytes. */
  bytes: Uint8Array;
}

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** Parses 48 bytes as a superblock the native writer writes; undefined when they are not one (or fail the checksum). */
function parseSuperblock(b: Buffer): SuperblockState | undefined {
  if (b.length < SUPERBLOCK_SIZE || !b.subarray(0, 8).equals(SIGNATURE)) return undefined;
  const L = SUPERBLOCK_V2;
  if (b[L.VERSION] !== 2 || b[L.OFFSET_SIZE] !== 8 || b[L.LENGTH_SIZE] !== 8 || b[L.FLAGS] !== 0) return undefined;
  if (u64(b, L.base(8)) !== 0 || b.readBigUInt64LE(L.extension(8)) !== 0xffffffffffffffffn) return undefined;
  if (lookup3(b, 0, L.checksum(8)) !== b.readUInt32LE(L.checksum(8))) return undefined;
  return { eof: u64(b, L.eof(8)), root: u64(b, L.root(8)), bytes: new Uint8Array(b.subarray(0, SUPERBLOCK_SIZE)) };
}

function readHead(fd: number): Buffer {
  const head = Buffer.alloc(SLOT + RECORD_SIZE);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  return head.subarray(0, n);
}

const hasSlot = (head: Buffer): boolean => head.length >= SLOT + RECORD_SIZE && head.subarray(SLOT, SLOT + 8).equals(MAGIC);

/**
 * The superblock of the file open as `fd` when the file can take appending commits: written by
 * the native writer (version-2 superblock at 0, recovery slot present) and not torn; else undefined.
 */
export function appendableState(fd: number): SuperblockState | undefined {
  const head = readHead(fd);
  return hasSlot(head) ? parseSuperblock(head) : undefined;
}

/**
 * Switches the superblock of the file open as `fd` from `old` to `next`: the recovery record
 * first (synced together with whatever the commit appended before), then the superblock itself,
 * synced.
 */
export function switchSuperblock(fd: number, path: string, old: Uint8Array, next: Uint8Array): void {
  const record = recoveryRecord(old, next);
  durableStep('write', path);
  fs.writeSync(fd, record, 0, record.length, SLOT);
  durableStep('fsync', path);
  fs.fsyncSync(fd);
  durableStep('write', path);
  fs.writeSync(fd, next, 0, next.length, 0);
  durableStep('fsync', path);
  fs.fsyncSync(fd);
}

/**
 * Puts back the superblock an interrupted switch tore, from the recovery record (call holding
 * the file's lock, before parsing it). Does nothing, and returns false, when the superblock is
 * whole, the file has no valid record, or the record is older than the file's last write (the
 * file is longer than the record's new superblock says); true when it repaired the file.
 */
export function repairTornSuperblock(path: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r+');
  } catch {
    return false; // missing or read-only: nothing a writer could repair
  }
  try {
    const head = readHead(fd);
    if (!hasSlot(head) || parseSuperblock(head) !== undefined) return false;
    const record = head.subarray(SLOT, SLOT + RECORD_SIZE);
    if (lookup3(record, 0, RECORD_SIZE - 4) !== record.readUInt32LE(RECORD_SIZE - 4)) return false;
    const old = record.subarray(12, 12 + SUPERBLOCK_SIZE);
    const next = parseSuperblock(record.subarray(12 + SUPERBLOCK_SIZE, 12 + 2 * SUPERBLOCK_SIZE));
    if (parseSuperblock(old) === undefined || next === undefined) return false;
    // The record belongs to the torn write only if nobody wrote past the end of file the record's
    // new superblock gives: an h5traj commit ends the file exactly there, while another writer
    // (h5py, libhdf5) extends it. Putting back a stale record's superblock would silently drop
    // that writer's data and the commit before it, so the file is left as it is and fails to open.
    if (fs.fstatSync(fd).size > next.eof) return false;
    durableStep('write', path);
    fs.writeSync(fd, old, 0, old.length, 0);
    durableStep('fsync', path);
    fs.fsyncSync(fd);
    return true;
  } finally {
    fs.closeSync(fd);
  }
}
