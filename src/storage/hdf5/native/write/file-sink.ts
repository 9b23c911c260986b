/**
 * The output file as an append-only byte stream with known addresses.
 *
 * The writer lays the file out in one forward pass, so every object's address is simply the
 * number of bytes written before it. Writes are gathered in a large block and handed to the OS
 * a block at a time (tens of thousands of small headers would otherwise cost a syscall each);
 * big pieces of raw data bypass the block. Only the superblock is written out of order, at the
 * end, into the space reserved at offset 0. An appending commit (`append-commit.ts`) opens an
 * existing file and starts at its end instead.
 */
import fs from 'node:fs';
import { durableStep } from '../../../durable-step.js';

const BLOCK = 4 * 1024 * 1024;

/**
 * The block of the sink closed last, for the next one: each commit opens a sink, and a new 4 MiB
 * block per commit was external memory freed only by a full collection (issue 13: it piled up
 * between collections in a long exploration). Sinks are used one at a time, synchronously.
 */
let spare: Buffer | undefined;

export class FileSink {
  readonly fd: number;
  private block: Buffer;
  private used = 0;
  /** Address the next byte will have (the file size so far). */
  pos = 0;

  /** A new file at `path` (created or truncated), or with `appendAt` the existing one, written from that address on. */
  constructor(readonly path: string, appendAt?: number) {
    durableStep('write', path);
    this.fd = fs.openSync(path, appendAt === undefined ? 'w' : 'r+');
    this.pos = appendAt ?? 0;
    this.block = spare ?? Buffer.allocUnsafe(BLOCK);
    spare = undefined;
  }

  /** Appends `bytes`; returns their address. */
  write(bytes: Uint8Array): number {
    const at = this.pos;
    if (bytes.length > BLOCK - this.used) {
      this.flush();
      if (bytes.length >= BLOCK / 2) {
        this.writeFully(bytes, at);
        this.pos += bytes.length;
        return at;
      }
    }
    this.block.set(bytes, this.used);
    this.used += bytes.length;
    this.pos += bytes.length;
    return at;
  }

  /** Appends bytes `[start, end)` of `source`; returns their address. */
  writeRange(source: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n > BLOCK - this.used) return this.write(source.subarray(start, end));
    const at = this.pos;
    const block = this.block;
    const used = this.used;
    // Headers are a few hundred bytes: a loop is cheaper than a subarray view to copy from.
    if (n < 1024) for (let i = 0; i < n; i++) block[used + i] = source[start + i]!;
    else block.set(source.subarray(start, end), used);
    this.used += n;
    this.pos += n;
    return at;
  }

  /** Appends `n` zero bytes; returns their address. */
  zeros(n: number): number {
    const at = this.pos;
    let left = n;
    while (left > 0) {
      if (this.used === BLOCK) this.flush();
      const k = Math.min(left, BLOCK - this.used);
      this.block.fill(0, this.used, this.used + k);
      this.used += k;
      left -= k;
    }
    this.pos += n;
    return at;
  }

  /** Overwrites bytes already written (flushes first). */
  writeAt(address: number, bytes: Uint8Array): void {
    this.flush();
    this.writeFully(bytes, address);
  }

  /** What {@link overwrite} replaced, so that {@link undoOverwrites} can put it back. */
  private readonly replaced: { address: number; bytes: Uint8Array }[] = [];

  /** {@link writeAt} of bytes an appending commit writes before the end of file, whose old content is `before`. */
  overwrite(address: number, bytes: Uint8Array, before: Uint8Array): void {
    this.replaced.push({ address, bytes: before });
    this.writeAt(address, bytes);
  }

  /** Writes {@link afterSwitch} keeps for after the superblock switch. */
  private readonly deferred: { address: number; bytes: Uint8Array }[] = [];

  /**
   * Keeps `bytes` to be written at `address` (in a node both the stored and the new version
   * reach) once the new version is in place ({@link writeAfterSwitch}): before the switch, the
   * stored version must stay as it was.
   */
  afterSwitch(address: number, bytes: Uint8Array): void {
    this.deferred.push({ address, bytes });
  }

  /** Writes what {@link afterSwitch} kept (the caller switched the superblock). */
  writeAfterSwitch(): void {
    for (const d of this.deferred) this.writeAt(d.address, d.bytes);
    this.deferred.length = 0;
  }

  /** Puts back what {@link overwrite} replaced (after a failed commit: the file is then byte for byte as before). */
  undoOverwrites(): void {
    for (const r of this.replaced.reverse()) this.writeAt(r.address, r.bytes);
    this.replaced.length = 0;
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeFully(this.block.subarray(0, this.used), this.pos - this.used);
    this.used = 0;
  }

  /** Flushes and makes everything written so far durable. */
  sync(): void {
    this.flush();
    durableStep('fsync', this.path);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.block.length === BLOCK) spare = this.block;
    this.block = Buffer.alloc(0);
    fs.closeSync(this.fd);
  }

  private writeFully(bytes: Uint8Array, position: number): void {
    durableStep('write', this.path);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done, position + done);
  }
}
