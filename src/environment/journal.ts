/**
 * The run journal: an append-only file of completed (or failed) runs beside the trajectory file.
 *
 * HDF5 has no journal and a killed h5wasm writer can destroy a whole file, so completed runs are
 * made durable here first and folded into the HDF5 file later by writing a new file and renaming
 * it. Each entry is a frame `[length u32][crc32 u32][v8-serialized payload]`; a frame cut short by
 * a crash fails its length or checksum and is ignored, so every entry that was synced survives.
 *
 * The journal holds only what the file does not: after each commit it is replaced by one holding
 * the entries still waiting ({@link JournalWriter.keepOnly}), so it stays as small as the runs
 * between two commits, however long the exploration (issue 13: a million-run exploration's
 * journal had grown to 1.4 GB).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import v8 from 'node:v8';
import zlib from 'node:zlib';
import { escapeRegExp } from '../storage/atomic.js';
import { FormatError, StorageError } from '../errors.js';
import { durableStep } from '../storage/durable-step.js';
import { syncFolderOf } from '../storage/hdf5/transactions/transaction.js';
import type { RunCommit, RunFailure } from '../trajectory/storage-service.js';
import { fromWire, toWire } from './wire.js';

const MAGIC = Buffer.from('H5TRAJ-JOURNAL-1\n');

/** A run that finished: what its commit writes (its information and the nodes it added), and more. */
export interface CompletedRunEntry extends RunCommit {
  kind: 'run';
  /** The run function's return value (structured-clone-able), kept for `env.run`'s result. */
  returned?: unknown;
  /** True when the results were taken over from a completed run with the same parameters. */
  reused?: boolean;
}

/** An entry of the journal: a completed run, or a failed one (see RunFailure). */
export type JournalEntry = CompletedRunEntry | RunFailure;

/**
 * The journal path of a trajectory: named by file, trajectory name and creation time, so that a
 * journal left by an earlier trajectory of the same name is never folded into a new one.
 */
export function journalPathFor(filename: string, trajName: string, timestamp: number): string {
  return `${filename}.${trajName}.${Math.round(timestamp * 1000)}.journal`;
}

/** Journals beside `filename` (of any trajectory), e.g. to remove them when the file is replaced. */
export function journalsBeside(filename: string): string[] {
  const dir = nodePath.dirname(nodePath.resolve(filename));
  // Trajectory names have no dots: `a.hdf5.x.hdf5.T.1.journal` belongs to `a.hdf5.x.hdf5`, not to `a.hdf5`.
  const own = new RegExp(`^${escapeRegExp(nodePath.basename(filename))}\\.[^.]+\\.\\d+\\.journal$`);
  try {
    return fs.readdirSync(dir).filter((n) => own.test(n)).map((n) => nodePath.join(dir, n));
  } catch {
    return [];
  }
}

/** Reads every intact entry; stops at the first torn or corrupt frame. */
export function readJournal(path: string): { entries: JournalEntry[]; validBytes: number } {
  if (!fs.existsSync(path)) return { entries: [], validBytes: 0 };
  const buf = fs.readFileSync(path);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    if (buf.length < MAGIC.length && MAGIC.subarray(0, buf.length).equals(buf)) return { entries: [], validBytes: 0 };
    throw new FormatError(`The file '${path}' is not an h5traj run journal.`, { file: path });
  }
  const entries: JournalEntry[] = [];
  let pos = MAGIC.length;
  while (pos + 8 <= buf.length) {
    const length = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    if (pos + 8 + length > buf.length) break;
    const payload = buf.subarray(pos + 8, pos + 8 + length);
    if (zlib.crc32(payload) !== crc) break;
    entries.push(fromWire(v8.deserialize(payload)) as JournalEntry);
    pos += 8 + length;
  }
  return { entries, validBytes: pos };
}

/** Where {@link JournalWriter.keepOnly} writes the next journal before renaming it over the journal. */
const nextPathOf = (path: string): string => `${path}.next`;

/** One entry's serialized payload: its frame is `[length][crc32]` and these bytes. */
function payloadOf(entry: JournalEntry): Buffer {
  return v8.serialize(toWire(entry));
}

/** Copies one frame (header and `payload`) into `out` at `at`; returns the end. `out` must have room. */
function putFrame(out: Buffer, at: number, payload: Buffer): number {
  out.writeUInt32LE(payload.length, at);
  out.writeUInt32LE(zlib.crc32(payload), at + 4);
  payload.copy(out, at + 8);
  return at + 8 + payload.length;
}

/**
 * Appended frames are gathered up to this many bytes before they are written: a system call per
 * run cost more than a small run itself (W1: ~17 µs of 270). They are durable only once synced
 * anyway, and {@link JournalWriter.sync} writes them first.
 */
const GATHER_BYTES = 1024 * 1024;

/** Appends entries to a journal; {@link sync} makes them durable. */
export class JournalWriter {
  private fd: number;
  private pending = 0;
  /** Bytes of the journal written so far (gathered frames not included). */
  private offset: number;
  /**
   * Frames not written yet, in one buffer kept from append to append (a Buffer per frame and a
   * concatenation per write were ~3 KB of short-lived memory per W1 run, which piled up between
   * collections: issue 13).
   */
  private gathered = Buffer.allocUnsafe(GATHER_BYTES);
  private gatheredBytes = 0;

  /** Opens (creating) the journal; a torn tail from a crash is cut off first. */
  constructor(readonly path: string) {
    // A next journal a crash left unrenamed: the journal itself is still whole.
    removeNext(path);
    const { validBytes } = readJournal(path);
    try {
      durableStep('write', path);
      this.fd = fs.openSync(path, fs.existsSync(path) ? 'r+' : 'w+');
      durableStep('truncate', path);
      if (validBytes === 0) {
        fs.ftruncateSync(this.fd, 0);
        durableStep('write', path);
        fs.writeSync(this.fd, MAGIC, 0, MAGIC.length, 0);
      } else {
        fs.ftruncateSync(this.fd, validBytes);
      }
      durableStep('fsync', path);
      fs.fsyncSync(this.fd);
      this.offset = Math.max(validBytes, MAGIC.length);
      // A new journal's name must survive a power cut too, not only its contents.
      syncFolderOf(this.path);
    } catch (e) {
      throw new StorageError(`The run journal '${path}' cannot be opened for writing: ${(e as Error).message}.`, { file: path, cause: e });
    }
  }

  /** Appends one entry (not yet durable). */
  append(entry: JournalEntry): void {
    const payload = payloadOf(entry);
    const need = this.gatheredBytes + 8 + payload.length;
    if (need > this.gathered.length) {
      // Only a frame bigger than the whole buffer makes it grow; it shrinks back once written.
      this.writeGathered();
      if (8 + payload.length > this.gathered.length) this.gathered = Buffer.allocUnsafe(8 + payload.length);
    }
    this.gatheredBytes = putFrame(this.gathered, this.gatheredBytes, payload);
    this.pending += 1;
    if (this.gatheredBytes >= GATHER_BYTES) this.writeGathered();
  }

  /** Writes the gathered frames (not yet durable). */
  private writeGathered(): void {
    if (this.gatheredBytes === 0) return;
    const n = this.gatheredBytes;
    this.gatheredBytes = 0;
    durableStep('journal-append', this.path);
    let done = 0;
    while (done < n) done += fs.writeSync(this.fd, this.gathered, done, n - done, this.offset + done);
    this.offset += n;
    if (this.gathered.length > GATHER_BYTES) this.gathered = Buffer.allocUnsafe(GATHER_BYTES);
  }

  /**
   * Makes the journal hold only `entries` (those appended and not yet in the file), durably:
   * called after a commit, whose entries the file now holds. With none left the journal is cut
   * to its header in place; otherwise a new journal with them is written beside it, synced and
   * renamed over it. A crash at any moment leaves the old journal or the new one, and the old
   * one's extra entries are runs the file holds already, which recovery leaves out.
   */
  keepOnly(entries: readonly JournalEntry[]): void {
    // Frames gathered and not written yet are of these entries or of committed ones.
    this.gatheredBytes = 0;
    this.pending = 0;
    if (entries.length === 0) {
      if (this.offset === MAGIC.length) return;
      durableStep('truncate', this.path);
      fs.ftruncateSync(this.fd, MAGIC.length);
      durableStep('fsync', this.path);
      fs.fsyncSync(this.fd);
    } else {
      const next = nextPathOf(this.path);
      const payloads = entries.map(payloadOf);
      const bytes = Buffer.allocUnsafe(payloads.reduce((n, p) => n + 8 + p.length, MAGIC.length));
      MAGIC.copy(bytes, 0);
      payloads.reduce((at, p) => putFrame(bytes, at, p), MAGIC.length);
      durableStep('write', next);
      const fd = fs.openSync(next, 'w+');
      try {
        fs.writeSync(fd, bytes, 0, bytes.length, 0);
        durableStep('fsync', next);
        fs.fsyncSync(fd);
        durableStep('rename', this.path);
        fs.renameSync(next, this.path);
      } catch (e) {
        fs.closeSync(fd);
        throw e;
      }
      fs.closeSync(this.fd);
      this.fd = fd;
      syncFolderOf(this.path);
    }
    this.offset = entries.length === 0 ? MAGIC.length : fs.fstatSync(this.fd).size;
    this.pending = 0;
  }

  /** Entries appended since the last sync. */
  get unsynced(): number {
    return this.pending;
  }

  /** Flushes appended entries to disk. */
  sync(): void {
    if (this.pending === 0) return;
    this.writeGathered();
    durableStep('journal-sync', this.path);
    fs.fsyncSync(this.fd);
    this.pending = 0;
  }

  close(): void {
    this.sync();
    fs.closeSync(this.fd);
  }
}

/** Removes a next journal {@link JournalWriter.keepOnly} did not rename (the journal is whole without it). */
function removeNext(path: string): void {
  const next = nextPathOf(path);
  if (!fs.existsSync(next)) return;
  durableStep('remove', next);
  fs.rmSync(next, { force: true });
}

/** Removes a journal whose entries are all in the HDF5 file (a durable step: the folder changes). */
export function removeJournal(path: string): void {
  removeNext(path);
  if (!fs.existsSync(path)) return;
  durableStep('remove', path);
  fs.rmSync(path, { force: true });
}
