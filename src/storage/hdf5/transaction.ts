/**
 * Every change to an HDF5 file is made on a copy: the file is copied beside itself, the copy is
 * changed, closed and synced, and then renamed over the original. h5wasm cannot make a file
 * crash-safe in place (a killed writer can destroy the whole file), but a rename is atomic: after
 * a crash the file is either the old one or the new one, never half-written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { H5TrajError, StorageError } from '../../errors.js';
import { acquireLock } from '../lock.js';
import { checkHdf5File } from './file-check.js';
import { H5File } from './h5.js';

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes a finished temporary file the real one: sync its bytes, rename it over `target` (atomic
 * on one file system), and sync the folder so the rename itself survives a power cut.
 */
export function replaceWithTemp(tmp: string, target: string): void {
  // A write that failed unnoticed (a full disk) leaves a short file: never let it replace a good one.
  try {
    checkHdf5File(tmp);
  } catch (e) {
    throw new StorageError(`Writing '${target}' produced an incomplete HDF5 file (${(e as Error).message.split(tmp).join('the new copy')}); '${target}' was left as it was.`, { file: target, cause: e });
  }
  fsyncPath(tmp);
  fs.renameSync(tmp, target);
  syncFolderOf(target);
}

/** Syncs the folder holding `file`, so a new or renamed name survives a power cut. */
export function syncFolderOf(file: string): void {
  try {
    fsyncPath(path.dirname(path.resolve(file)));
  } catch {
    // Some file systems do not allow syncing a directory; renames and creations stay atomic.
  }
}

const tempPrefix = (filename: string) => `.${path.basename(filename)}.h5traj-tmp-`;

/** A temporary name beside `filename` (same folder, so the rename stays on one file system). */
export function tempPathFor(filename: string): string {
  return path.join(path.dirname(filename), `${tempPrefix(filename)}${process.pid}-${Date.now().toString(36)}`);
}

/** Removes copies left by writers that were killed mid-transaction (call while holding the lock). */
export function removeStaleTemps(filename: string): void {
  const dir = path.dirname(filename);
  const prefix = tempPrefix(filename);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
}

/**
 * Runs `change` on a writable copy of `filename` (a new file when it does not exist, or with
 * `fresh`) and replaces the file with it. On an error the copy is removed and the file is untouched.
 * @throws FileLockedError when another process holds the file's lock.
 */
export function withWriteTransaction<T>(filename: string, change: (f: H5File) => T, options: { fresh?: boolean } = {}): T {
  const release = acquireLock(filename);
  // Holding the lock, no other writer is active: any copy of this file still around is stale.
  removeStaleTemps(filename);
  const tmp = tempPathFor(filename);
  try {
    const exists = fs.existsSync(filename) && !options.fresh;
    if (exists) fs.copyFileSync(filename, tmp);
    let f: H5File | undefined;
    let result: T;
    try {
      f = H5File.openSync(tmp, exists ? 'a' : 'w');
      result = change(f);
    } finally {
      f?.close();
    }
    replaceWithTemp(tmp, filename);
    return result;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof H5TrajError) {
      // Errors raised inside name the temporary copy; the user knows the file by its own name.
      e.message = e.message.split(tmp).join(filename);
      throw e;
    }
    throw new StorageError(`Writing '${filename}' failed, and the file was left as it was: ${(e as Error).message}`, { file: filename, cause: e });
  } finally {
    release();
  }
}

/** Opens a file for reading, runs `read`, and closes it again. */
export function withReadFile<T>(filename: string, read: (f: H5File) => T): T {
  const f = H5File.openSync(filename, 'r');
  try {
    return read(f);
  } finally {
    f.close();
  }
}
