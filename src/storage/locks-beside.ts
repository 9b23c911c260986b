/**
 * The locks beside an HDF5 file: its own (`<file>.lock`, held for one commit) and those of the
 * explorations running on it (`<file>.<trajectory>.<time>.journal.lock`, held by an Environment
 * from its first store to its end; the journal's name is made in environment/journal.ts).
 * Merges and `run --overwrite` look here to stay out of a running exploration's file, and
 * `h5traj unlock` to find what to remove.
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapeRegExp } from './atomic.js';
import { inspectLock, lockPathFor, type LockInfo } from './lock.js';

/** A lock beside a file, with what it guards. */
export interface FileLock extends LockInfo {
  /** `file`: one commit to the file; `exploration`: an Environment running `trajectory` on it. */
  kind: 'file' | 'exploration';
  trajectory?: string;
}


/** Every lock file beside `filename`, read now (those that vanish meanwhile are left out). */
export function locksBeside(filename: string): FileLock[] {
  const dir = path.dirname(path.resolve(filename));
  const own = path.join(dir, path.basename(lockPathFor(filename)));
  // Trajectory names have no dots: `a.hdf5.x.hdf5.T.1.journal.lock` belongs to `a.hdf5.x.hdf5`, not to `a.hdf5`.
  const exploration = new RegExp(`^${escapeRegExp(path.basename(filename))}\\.([^.]+)\\.\\d+\\.journal\\.lock$`);
  const out: FileLock[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const full = path.join(dir, name);
    const m = exploration.exec(name);
    if (full !== own && !m) continue;
    const info = inspectLock(full);
    if (info) out.push(m ? { ...info, kind: 'exploration', trajectory: m[1]! } : { ...info, kind: 'file' });
  }
  return out;
}

/** Explorations that may be running on `filename` now (their lock is not stale). */
export function runningExplorations(filename: string): FileLock[] {
  return locksBeside(filename).filter((l) => l.kind === 'exploration' && l.state !== 'stale');
}
