/**
 * Compaction: gives back the space old versions left in a file (appending commits write new
 * versions of what they change past the end of the file, `docs/commit-design.md` §3), as h5repack
 * would. The current version is written whole into a new file beside it, which replaces the file
 * by an atomic rename (the whole-file writer of every other rewrite), so a crash leaves the old file.
 */
import fs from 'node:fs';
import { H5TrajError, StorageError } from '../../errors.js';
import { acquireLock } from '../lock.js';
import { assertWritable, nameTarget, removeStaleTemps, removeTemp, replaceWithTemp, tempPathFor } from '../atomic.js';
import { NativeUnsupportedError } from './native/model.js';
import { type NativeSource, openNativeFile } from './native/reader.js';
import { reachableBytes } from './native/reachable.js';
import { appendableState, repairTornSuperblock } from './native/write/superblock.js';
import { readUnreachable } from './native/unreachable-count.js';
import { writeNativeFile } from './native/writer.js';
import { rewriteFile } from './transactions/rewrite.js';

/**
 * The bytes of old versions in a file as its appending commits counted them (`unreachable-count.ts`,
 * an estimate kept in the file's reserved head): read in constant time, so `h5traj info` can
 * report it on a file of any size. Undefined for a file the native writer did not write (no
 * reserved head: PyTables, h5py and h5wasm files), which {@link unreachableBytes} can still walk.
 */
export function recordedUnreachableBytes(filename: string): number | undefined {
  const fd = fs.openSync(filename, 'r');
  try {
    const state = appendableState(fd);
    return state === undefined ? undefined : readUnreachable(fd, state.eof, state.root);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The bytes of a file its current version does not reach (old versions), measured by walking
 * every object the current version reaches (all object headers: minutes on a million runs), or
 * undefined when the file holds structures the walk does not know.
 */
export function unreachableBytes(filename: string): number | undefined {
  const live = reachableBytes(filename);
  return live === undefined ? undefined : Math.max(0, fs.statSync(filename).size - live);
}

/**
 * Rewrites `filename` with only what its current version reaches, atomically; returns its size
 * before and after. A file the native engine does not read is rewritten through h5wasm (which
 * must be loaded, see `prepareToOpen`).
 * @throws FileLockedError when a writer holds the file; ReadOnlyFileError when it is read-only;
 *   StorageError when writing fails (the file is then left as it was).
 * @example const { before, after } = compactFile('sim.hdf5');
 */
export function compactFile(filename: string): { before: number; after: number } {
  const before = fs.statSync(filename).size;
  if (!compactNative(filename)) rewriteFile(filename, { skip: () => false });
  return { before, after: fs.statSync(filename).size };
}

/** {@link compactFile} with the native engine; false (nothing done) when it does not read the file. */
function compactNative(filename: string): boolean {
  assertWritable(filename);
  const release = acquireLock(filename);
  try {
    removeStaleTemps(filename);
    repairTornSuperblock(filename);
    let src: NativeSource;
    try {
      src = openNativeFile(filename);
    } catch (e) {
      if (e instanceof NativeUnsupportedError) return false;
      throw e;
    }
    const tmp = tempPathFor(filename);
    try {
      writeNativeFile(tmp, src.root);
      replaceWithTemp(tmp, filename);
    } catch (e) {
      removeTemp(tmp);
      if (e instanceof H5TrajError) throw nameTarget(e, filename);
      throw new StorageError(`Compacting '${filename}' failed, and the file was left as it was: ${(e as Error).message}`, { file: filename, cause: e });
    } finally {
      src.close();
    }
    return true;
  } finally {
    release();
  }
}
