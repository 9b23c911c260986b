/**
 * A lock file beside an HDF5 file (`<file>.lock`), since HDF5 (in h5wasm) has no locking of its
 * own. It names its holder: host, pid, the process's start time and the thread. A lock whose
 * process is gone — or whose pid now belongs to another process (the start time differs) — is
 * stale and taken over, so a crash never locks a file forever. A live holder is waited for
 * briefly (two threads of one exploration may take turns) before a FileLockedError.
 */
import fs from 'node:fs';
import os from 'node:os';
import { threadId } from 'node:worker_threads';
import { FileLockedError, StorageError } from '../errors.js';
import { durableStep } from './durable-step.js';

interface Holder {
  host: string;
  pid: number;
  since: number;
  /** When the holding process started (ms since the epoch), to tell a reused pid apart. */
  start?: number;
  thread?: number;
}

const PROCESS_START = Math.round(Date.now() - process.uptime() * 1000);

/** How long to wait for a live holder (ms); H5TRAJ_LOCK_WAIT_MS overrides. */
function waitBudget(): number {
  const v = Number(process.env.H5TRAJ_LOCK_WAIT_MS);
  return Number.isFinite(v) && v >= 0 ? v : 2000;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether a holder can no longer be writing. */
function isStale(holder: Holder | undefined): boolean {
  if (!holder) return true; // unreadable: written by a process that died while writing it
  if (holder.host !== os.hostname()) return false; // cannot tell for another host: assume live
  if (!alive(holder.pid)) return true;
  if (holder.pid === process.pid && holder.start !== undefined && Math.abs(holder.start - PROCESS_START) > 2000) return true;
  return false;
}

function readHolder(path: string): { holder: Holder | undefined; text: string } | undefined {
  try {
    const text = fs.readFileSync(path, 'utf8');
    try {
      return { holder: JSON.parse(text) as Holder, text };
    } catch {
      return { holder: undefined, text };
    }
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Removes a stale lock atomically: only the exact lock judged stale is taken away. */
function takeOverStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${threadId}-${Date.now().toString(36)}`;
  try {
    durableStep('rename', path);
    fs.renameSync(path, aside);
  } catch {
    return; // someone else took it first
  }
  const moved = fs.readFileSync(aside, 'utf8');
  if (moved !== staleText) {
    // A fresh lock replaced the stale one between reading and renaming: give it back.
    try {
      fs.linkSync(aside, path);
    } catch {
      // the lock name is taken again, by a writer that will release it
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Locks held by this thread, with a count so nested transactions share one lock. */
const held = new Map<string, number>();

/** The lock path of a file. */
export function lockPathFor(filename: string): string {
  return `${filename}.lock`;
}

/**
 * Takes the lock of `filename` (re-entrant within this thread unless `reentrant: false`).
 * Returns the release function.
 * @throws FileLockedError naming the holder when another live process or thread keeps it.
 */
export function acquireLock(filename: string, options: { reentrant?: boolean } = {}): () => void {
  const path = lockPathFor(filename);
  const count = held.get(path) ?? 0;
  if (count > 0) {
    if (options.reentrant === false) {
      throw new FileLockedError(`The file '${filename}' is being written by this thread already (pid ${process.pid}); wait for it to finish.`, { file: filename });
    }
    held.set(path, count + 1);
    return () => releaseLock(path);
  }
  const me: Holder = { host: os.hostname(), pid: process.pid, since: Date.now() / 1000, start: PROCESS_START, thread: threadId };
  const deadline = Date.now() + waitBudget();
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      durableStep('lock-take', path);
      fs.writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      held.set(path, 1);
      return () => releaseLock(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StorageError(`Cannot create the lock file '${path}': ${(e as Error).message}.`, { file: filename, cause: e });
      }
    }
    const current = readHolder(path);
    if (!current) continue; // released meanwhile: try again at once
    if (isStale(current.holder)) {
      takeOverStale(path, current.text);
      continue;
    }
    if (Date.now() >= deadline) {
      const h = current.holder!;
      const who = h.pid === process.pid ? `another thread of this process (pid ${h.pid})` : `process ${h.pid} on ${h.host}`;
      throw new FileLockedError(
        `The file '${filename}' is being written by ${who} (since ${new Date(h.since * 1000).toISOString()}); wait for it to finish, or remove '${path}' if that process is gone.`,
        { file: filename },
      );
    }
    sleep(delay);
  }
}

function releaseLock(path: string): void {
  const count = held.get(path) ?? 0;
  if (count > 1) {
    held.set(path, count - 1);
    return;
  }
  held.delete(path);
  durableStep('lock-release', path);
  fs.rmSync(path, { force: true });
}
