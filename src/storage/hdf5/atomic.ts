/**
 * Replacing a file atomically: a new version is written to a temporary file beside it, synced,
 * and renamed over it, so that after a crash the file is either the old one or the new one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from '../../errors.js';
import { checkHdf5File } from './file-check.js';

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

const TEMP_MARK = '.h5traj-tmp-';
/** A temporary name's basename: `.<target basename>.h5traj-tmp-<pid>-<time>-<counter>`. */
const TEMP_NAME = /^\.(.+)\.h5traj-tmp-[0-9a-z]+-[0-9a-z]+-[0-9a-z]+$/;

/**
 * The file a temporary copy stands for: a temporary name is made only for a real file, so a
 * copy written beside a copy (the native engine closing a copy it edits) stays a copy of the target.
 */
export function targetOfTemp(file: string): string {
  let base = path.basename(file);
  for (let m = TEMP_NAME.exec(base); m; m = TEMP_NAME.exec(base)) base = m[1]!;
  return path.join(path.dirname(file), base);
}

const tempPrefix = (filename: string) => `.${path.basename(targetOfTemp(filename))}${TEMP_MARK}`;

/** A temporary name beside `filename` (same folder, so the rename stays on one file system). */
let tempCounter = 0;

export function tempPathFor(filename: string): string {
  const unique = `${process.pid}-${Date.now().toString(36)}-${(tempCounter++).toString(36)}`;
  return path.join(path.dirname(filename), `${tempPrefix(filename)}${unique}`);
}

/**
 * Removes copies left by writers that were killed mid-transaction (call while holding the lock),
 * including copies of copies, which earlier versions named `..<file>.h5traj-tmp-…-0.h5traj-tmp-…`.
 */
export function removeStaleTemps(filename: string): void {
  const dir = path.dirname(filename);
  const prefix = tempPrefix(filename);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) || name.startsWith(`.${prefix}`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * Makes an error raised while writing a temporary copy of `target` name `target`, the file the
 * user knows, instead of the copy (in its message and `file` field). Returns the same error.
 */
export function nameTarget<E>(e: E, target: string): E {
  if (!(e instanceof Error)) return e;
  // Every temporary copy of `target` is `tempPathFor(target)`: the same folder and prefix.
  const temps = new RegExp(`${escapeRegExp(path.join(path.dirname(target), tempPrefix(target)))}[0-9a-z]+-[0-9a-z]+-[0-9a-z]+`, 'g');
  e.message = e.message.replace(temps, target);
  const withFile = e as { file?: unknown };
  if (typeof withFile.file === 'string' && withFile.file !== targetOfTemp(withFile.file)) withFile.file = target;
  return e;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A text that changes whenever a file (given by its `stat`) is replaced (another inode) or rewritten (size
 * or times), so that whoever keeps a file parsed or open notices a new version.
 */
export function fileVersion(stat: fs.Stats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}
