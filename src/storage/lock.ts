/**
 * A lock file beside an HDF5 file (`<file>.lock`), since HDF5 (in h5wasm) has no locking of its
 * own. It names the holder (host and pid); a lock left by a process that no longer exists on this
 * host is taken over, so a crash never locks a file forever.
 */
import fs from 'node:fs';
import os from 'node:os';
import { FileLockedError, StorageError } from '../errors.js';

interface Holder {
  host: string;
  pid: number;
  since: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks held by this process, with a count so nested transactions share one lock. */
const held = new Map<string, number>();

/** The lock path of a file. */
export function lockPathFor(filename: string): string {
  return `${filename}.lock`;
}

/**
 * Takes the lock of `filename` (re-entrant within this process).
 * @throws FileLockedError naming the holder when another live process holds it.
 */
export function acquireLock(filename: string): () => void {
  const path = lockPathFor(filename);
  const count = held.get(path) ?? 0;
  if (count > 0) {
    held.set(path, count + 1);
    return () => releaseLock(path);
  }
  const me: Holder = { host: os.hostname(), pid: process.pid, since: Date.now() / 1000 };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      held.set(path, 1);
      return () => releaseLock(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StorageError(`Cannot create the lock file '${path}': ${(e as Error).message}.`, { file: filename, cause: e });
      }
      let holder: Holder | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(path, 'utf8')) as Holder;
      } catch {
        holder = undefined; // unreadable: written by a crashed process mid-way; treat as stale
      }
      const stale = !holder || (holder.host === me.host && !alive(holder.pid));
      if (!stale) {
        throw new FileLockedError(
          `The file '${filename}' is being written by process ${holder!.pid} on ${holder!.host} (since ${new Date(holder!.since * 1000).toISOString()}); wait for it to finish, or remove '${path}' if that process is gone.`,
          { file: filename },
        );
      }
      fs.rmSync(path, { force: true });
    }
  }
  throw new FileLockedError(`The lock file '${path}' keeps reappearing; another writer is starting at the same time.`, { file: filename });
}

function releaseLock(path: string): void {
  const count = held.get(path) ?? 0;
  if (count > 1) {
    held.set(path, count - 1);
    return;
  }
  held.delete(path);
  fs.rmSync(path, { force: true });
}
