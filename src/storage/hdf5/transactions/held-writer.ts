/**
 * Writes to one file again and again (the Environment's checkpoints), each write crash-safe,
 * without paying a full parse per write: the native engine keeps the file's graph in memory
 * between writes and writes it out whole each time (new file, renamed over the old one). The
 * graph is parsed again when the file changed on disk meanwhile (another writer), when a write
 * failed, or when the data held in memory passes a bound (it is then read from the file again).
 * Files the native engine does not handle get the ordinary transaction per write.
 */
import fs from 'node:fs';
import { H5TrajError, StorageError } from '../../../errors.js';
import { acquireLock } from '../../lock.js';
import { assertWritable, fileVersion, nameTarget, removeStaleTemps } from '../../atomic.js';
import type { H5File } from '../engine/h5file.js';
import { NativeUnsupportedError } from '../native/model.js';
import { NativeH5File } from '../native/native-file.js';
import { repairTornSuperblock } from '../native/write/superblock.js';
import { engineName } from '../engine/open-file.js';
import { withWriteTransaction } from './transaction.js';

/**
 * Above this many bytes of data held in memory, the graph is dropped after a write and parsed
 * again for the next. The data is on disk already; parsing reads only metadata, and a file
 * holding much data mostly has little metadata (400 runs of 4 MB: milliseconds). 32 MiB keeps
 * W5 with two worker threads within 500 MB.
 */
const MAX_HELD_BYTES = 32 * 1024 * 1024;

const identity = (filename: string): string => fileVersion(fs.statSync(filename));

export class HeldFileWriter {
  private held: { filename: string; file: NativeH5File; identity: string } | undefined;

  /** Runs `change` on `filename` and puts the result on disk before returning. */
  write(filename: string, change: (f: H5File) => void): void {
    assertWritable(filename);
    if (engineName() === 'native' && fs.existsSync(filename) && this.writeHeld(filename, change)) return;
    this.drop();
    withWriteTransaction(filename, change);
  }

  /** {@link write} on the held graph; false (nothing done) when h5wasm must do it. */
  private writeHeld(filename: string, change: (f: H5File) => void): boolean {
    const release = acquireLock(filename);
    try {
      const file = this.fileFor(filename);
      if (!file) return false;
      try {
        change(file);
        file.checkpoint();
      } catch (e) {
        // The graph may hold half of the change: never write it; parse the file again next time.
        this.drop();
        if (e instanceof H5TrajError) throw nameTarget(e, filename);
        throw new StorageError(`Writing '${filename}' failed, and the file was left as it was: ${(e as Error).message}`, { file: filename, cause: e });
      }
      this.held!.identity = identity(filename);
      if (file.memoryBytes > MAX_HELD_BYTES) this.drop();
      return true;
    } finally {
      release();
    }
  }

  /** The held graph of `filename`, parsed anew when needed; undefined when h5wasm must do it. */
  private fileFor(filename: string): NativeH5File | undefined {
    const held = this.held;
    if (held && held.filename === filename && held.identity === identity(filename)) return held.file;
    this.drop();
    // Parsing anew, under the lock: copies left by a killed writer are of no use to anyone.
    removeStaleTemps(filename);
    repairTornSuperblock(filename);
    try {
      const file = NativeH5File.openCopy(filename, filename);
      this.held = { filename, file, identity: identity(filename) };
      return file;
    } catch (e) {
      if (e instanceof NativeUnsupportedError) return undefined;
      throw e;
    }
  }

  private drop(): void {
    this.held?.file.discard();
    this.held = undefined;
  }

  /** Releases the held graph (everything is on disk already). */
  close(): void {
    this.drop();
  }
}
