/**
 * A lock file beside an HDF5 file (`<file>.lock`), since HDF5 (in h5wasm) has no locking of its
 * own. It names its holder: host, pid, the process's start time and the thread. A lock of this
 * host whose process is gone — or that names this very process from an earlier start (a reused
 * pid) — is stale and taken over, so a crash never locks a file forever. A live holder is waited
 * for briefly (two threads of one exploration may take turns) before a FileLockedError. A lock
 * of another host is never judged stale (its processes cannot be seen from here); `h5traj
 * unlock --force` is the user's way to remove it.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { threadId } from 'node:worker_threads';
import { FileLockedError, StorageError } from '../errors.js';
import { durableStep } from './durable-step.js';

/** What a lock file records about its holder. */
export interface LockHolder {
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
function isStale(holder: LockHolder | undefined): boolean {
  if (!holder) return true; // unreadable: written by a process that died while writing it
  if (holder.host !== os.hostname()) return false; // cannot tell for another host: assume live
  if (!alive(holder.pid)) return true;
  if (holder.pid === process.pid && holder.start !== undefined && Math.abs(holder.start - PROCESS_START) > 2000) return true;
  return false;
}

/** How long an unreadable lock may be one that its writer is still writing (created, not yet written). */
const WRITING_MS = 5000;

function readHolder(path: string): { holder: LockHolder | undefined; text: string; young: boolean } | undefined {
  try {
    const text = fs.readFileSync(path, 'utf8');
    const young = Date.now() - fs.statSync(path).mtimeMs < WRITING_MS;
    try {
      return { holder: JSON.parse(text) as LockHolder, text, young };
    } catch {
      return { holder: undefined, text, young };
    }
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * Removes a lock atomically: only the exact lock that was read (`text`) is taken away. Returns
 * whether it was removed (false when it changed or went meanwhile).
 */
function takeOverStale(path: string, staleText: string): boolean {
  const aside = `${path}.stale-${process.pid}-${threadId}-${Date.now().toString(36)}`;
  try {
    durableStep('rename', path);
    fs.renameSync(path, aside);
  } catch {
    return false; // someone else took it first
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
  return moved === staleText;
}

/** A lock file as found: its holder (undefined when unreadable) and whether it can still be in use. */
export interface LockInfo {
  path: string;
  holder: LockHolder | undefined;
  /** `stale`: its writer is gone (taken over by the next writer); `live`: a process here holds it; `other-host`: written on another host, whose processes h5traj cannot see. */
  state: 'stale' | 'live' | 'other-host';
  text: string;
}

/** Reads the lock file at `lockPath` (a path from {@link lockPathFor}); undefined when there is none. */
export function inspectLock(lockPath: string): LockInfo | undefined {
  const current = readHolder(lockPath);
  if (!current) return undefined;
  const state = isStale(current.holder) ? 'stale' : current.holder!.host !== os.hostname() ? 'other-host' : 'live';
  return { path: lockPath, holder: current.holder, state, text: current.text };
}

/** Removes the lock `info` describes, unless it changed since (then false). For `h5traj unlock`. */
export function removeLock(info: LockInfo): boolean {
  return takeOverStale(info.path, info.text);
}

/** The holder of a lock, for messages: `process 123 on host-a (since 2026-…)`. */
export function describeHolder(h: LockHolder): string {
  const who = h.pid === process.pid && h.host === os.hostname() ? `this process (pid ${h.pid})` : `process ${h.pid} on ${h.host}`;
  return `${who}, since ${new Date(h.since * 1000).toISOString()}`;
}

/** Creates `path` with `text`; fails with EEXIST when it exists, and leaves nothing behind on any other failure. */
function writeNew(path: string, text: string): void {
  const fd = fs.openSync(path, 'wx');
  try {
    fs.writeSync(fd, text);
  } catch (e) {
    // An empty lock (a full disk) would read as unreadable: never leave one.
    fs.closeSync(fd);
    fs.rmSync(path, { force: true });
    throw e;
  }
  fs.closeSync(fd);
}

function cannotCreate(path: string, filename: string, e: unknown): StorageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' || code === 'EDQUOT'
    ? `the disk holding '${nodePath.dirname(nodePath.resolve(path))}' is full (${code}); free space, then try again`
    : (e as Error).message;
  return new StorageError(`Cannot create the lock file '${path}': ${why}.`, { file: filename, cause: e });
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
  const me: LockHolder = { host: os.hostname(), pid: process.pid, since: Date.now() / 1000, start: PROCESS_START, thread: threadId };
  const deadline = Date.now() + waitBudget();
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      durableStep('lock-take', path);
      writeNew(path, JSON.stringify(me));
      held.set(path, 1);
      return () => releaseLock(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(path, filename, e);
    }
    const current = readHolder(path);
    if (!current) continue; // released meanwhile: try again at once
    // Created but not written yet (`writeNew` creates, then writes): its writer is alive. Only an
    // unreadable lock older than that was left by a process that died while writing it.
    if (!current.holder && current.young) {
      sleep(delay);
      continue;
    }
    if (isStale(current.holder)) {
      takeOverStale(path, current.text);
      continue;
    }
    if (Date.now() >= deadline) {
      const h = current.holder!;
      const who = h.pid === process.pid ? `another thread of this process (pid ${h.pid})` : `process ${h.pid} on ${h.host}`;
      // A lock is never taken from a process that may be alive; only the user can say it is not.
      const gone = h.host !== os.hostname()
        ? `. h5traj cannot tell whether a process on another host is alive, so this lock never goes stale: if that process is gone, run h5traj unlock ${filename} --force`
        : h.pid === process.pid ? '' : `, or, if process ${h.pid} is not an h5traj writer (its pid was reused), run h5traj unlock ${filename} --force`;
      throw new FileLockedError(
        `The file '${filename}' is being written by ${who} (since ${new Date(h.since * 1000).toISOString()}); wait for it to finish${gone}.`,
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
