/**
 * Every change to an HDF5 file makes a new version beside it, which is synced and then renamed
 * over the original: the native engine writes the changed graph as a new file; h5wasm changes a
 * byte copy (it cannot make a file crash-safe in place: a killed writer can destroy the whole
 * file). A rename is atomic, so after a crash the file is either the old one or the new one.
 * With appending commits on (`native/append-commit.ts`), the native engine changes a file it
 * wrote itself where it is, appending the changed objects and then switching the superblock.
 */
import fs from 'node:fs';
import { acquireLock } from '../../lock.js';
import { assertWritable, failedWrite, removeStaleTemps, replaceThroughTemp } from '../../atomic.js';
import type { H5File } from '../engine/h5file.js';
import { engineName, openH5Copy, openH5Sync } from '../engine/open-file.js';
import { appendCommitsEnabled } from '../native/append-commit.js';
import { NativeUnsupportedError } from '../native/model.js';
import { NativeH5File } from '../native/native-file.js';
import { repairTornSuperblock } from '../native/write/superblock.js';

export { assertWritable, nameTarget, removeTemp, replaceWithTemp, syncFolderOf, tempPathFor, removeStaleTemps } from '../../atomic.js';

/**
 * Runs `change` on a writable copy of `filename` (a new file when it does not exist, or with
 * `fresh`) and replaces the file with it. On an error the copy is removed and the file is untouched.
 * @throws FileLockedError when another process holds the file's lock; ReadOnlyFileError when the
 *   file exists and is read-only.
 */
export function withWriteTransaction<T>(filename: string, change: (f: H5File) => T, options: { fresh?: boolean } = {}): T {
  assertWritable(filename);
  const release = acquireLock(filename);
  // Holding the lock, no other writer is active: any copy of this file still around is stale.
  removeStaleTemps(filename);
  repairTornSuperblock(filename);
  try {
    const exists = fs.existsSync(filename) && !options.fresh;
    const inPlace = exists ? openForAppending(filename) : undefined;
    if (inPlace) {
      try {
        return changeInPlace(inPlace, change);
      } catch (e) {
        throw failedWrite(filename, `Writing '${filename}'`)(e);
      }
    }
    // Errors raised inside name the temporary copy; the user knows the file by its own name.
    return replaceThroughTemp(filename, (tmp) => {
      const f = openH5Copy(exists ? filename : undefined, tmp);
      try {
        return change(f);
      } finally {
        f.close();
      }
    }, { onError: failedWrite(filename, `Writing '${filename}'`) });
  } finally {
    release();
  }
}

/** The file opened by the native engine for appending commits, when they are on and it can read it. */
function openForAppending(filename: string): NativeH5File | undefined {
  if (!appendCommitsEnabled() || engineName() !== 'native') return undefined;
  try {
    return NativeH5File.open(filename, 'a');
  } catch (e) {
    if (e instanceof NativeUnsupportedError) return undefined;
    throw e;
  }
}

/** Runs `change` on `f` and writes it (appending, or rewriting when it must); a failed change writes nothing. */
function changeInPlace<T>(f: NativeH5File, change: (f: H5File) => T): T {
  let result: T;
  try {
    result = change(f);
  } catch (e) {
    f.discard();
    throw e;
  }
  f.close();
  return result;
}

/** Opens a file for reading, runs `read`, and closes it again. */
export function withReadFile<T>(filename: string, read: (f: H5File) => T): T {
  const f = openH5Sync(filename, 'r');
  try {
    return read(f);
  } finally {
    f.close();
  }
}

/**
 * Puts right, under the file's lock, what a crashed writer of `filename` left that would stop a
 * reader: a torn superblock switch (back to the version before it) and stale temporary copies.
 * Writers do this when they start; a reader that is about to write anyway (a resume) calls it
 * before it reads, so that it reads the version the next write will build on.
 * @throws FileLockedError when another live process keeps the file's lock.
 */
export function recoverAfterCrash(filename: string): void {
  if (!fs.existsSync(filename)) return;
  const release = acquireLock(filename);
  try {
    removeStaleTemps(filename);
    repairTornSuperblock(filename);
  } finally {
    release();
  }
}
