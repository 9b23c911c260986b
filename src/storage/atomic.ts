/**
 * Replacing a file atomically: a new version is written to a temporary file beside it, synced,
 * and renamed over it, so that after a crash the file is either the old one or the new one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { H5TrajError, ReadOnlyFileError, StorageError } from '../errors.js';
import { durableStep } from './durable-step.js';
import { checkHdf5File } from './hdf5/engine/file-check.js';

function fsyncPath(p: string, kind: 'fsync' | 'fsync-dir' = 'fsync'): void {
  durableStep(kind, p);
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Refuses to replace a file its user may not write, as h5py (libhdf5) does: a rename would
 * otherwise replace a read-only file (the folder is writable) and lose its protection. The mode
 * bits are read directly because `access()` says yes to root for every file: the bits of the
 * class the process falls in (owner, group, others) must allow writing; for root, any write bit.
 * @throws ReadOnlyFileError naming the file and its mode.
 */
export function assertWritable(filename: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filename);
  } catch {
    return; // a new file: its folder decides
  }
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no POSIX mode bits
  const mode = stat.mode & 0o777;
  let writable: boolean;
  if (uid === 0) writable = (mode & 0o222) !== 0;
  else if (stat.uid === uid) writable = (mode & 0o200) !== 0;
  else if (stat.gid === process.getgid?.() || (process.getgroups?.() ?? []).includes(stat.gid)) writable = (mode & 0o020) !== 0;
  else writable = (mode & 0o002) !== 0;
  if (!writable) {
    throw new ReadOnlyFileError(
      `Cannot write '${filename}': the file is read-only (mode ${mode.toString(8).padStart(4, '0')}); make it writable (chmod u+w) if it should change.`,
      { file: filename },
    );
  }
}

/**
 * Gives the new version of `target` the mode, owner and group of the file it replaces (a rename
 * would otherwise leave the umask's mode and the writer's owner). Owner and group change only
 * where the process may (root; or a group the user belongs to).
 */
function keepModeAndOwner(tmp: string, target: string): void {
  let old: fs.Stats;
  try {
    old = fs.statSync(target);
  } catch {
    return; // a new file
  }
  durableStep('chmod', tmp);
  fs.chmodSync(tmp, old.mode & 0o7777);
  const now = fs.statSync(tmp);
  if (now.uid === old.uid && now.gid === old.gid) return;
  try {
    fs.chownSync(tmp, old.uid, old.gid);
  } catch {
    try {
      fs.chownSync(tmp, now.uid, old.gid);
    } catch {
      // Not allowed to give the file away: it keeps the writer's owner and group.
    }
  }
  // chown clears set-id bits; put the mode back whole.
  fs.chmodSync(tmp, old.mode & 0o7777);
}

/**
 * Makes a finished temporary file the real one: give it the old file's mode and owner, sync its
 * bytes, rename it over `target` (atomic on one file system), and sync the folder so the rename
 * itself survives a power cut. An HDF5 file (the default) is checked first to be complete; `hdf5:
 * false` is for other files (the CLI's exports and plots).
 * @throws ReadOnlyFileError when `target` is read-only; StorageError when the new copy is incomplete.
 */
export function replaceWithTemp(tmp: string, target: string, options: { hdf5?: boolean } = {}): void {
  assertWritable(target);
  // A write that failed unnoticed (a full disk) leaves a short file: never let it replace a good one.
  if (options.hdf5 ?? true) {
    try {
      checkHdf5File(tmp);
    } catch (e) {
      throw new StorageError(`Writing '${target}' produced an incomplete HDF5 file (${(e as Error).message.split(tmp).join('the new copy')}); '${target}' was left as it was.`, { file: target, cause: e });
    }
  }
  keepModeAndOwner(tmp, target);
  fsyncPath(tmp);
  durableStep('rename', target);
  fs.renameSync(tmp, target);
  syncFolderOf(target);
}

/**
 * Writes a new version of `target` through a temporary file beside it: `write(tmp)` fills the
 * temporary file, which then replaces `target` ({@link replaceWithTemp}, with its `options`). On
 * an error the temporary file is removed, `target` is left as it was, and `onError` turns the
 * error into the one thrown (by default the error itself, naming `target` instead of the copy).
 * @example replaceThroughTemp('a.hdf5', (tmp) => writeNativeFile(tmp, root));
 */
export function replaceThroughTemp<T>(
  target: string,
  write: (tmp: string) => T,
  options: { hdf5?: boolean; onError?: (e: unknown) => unknown } = {},
): T {
  const tmp = tempPathFor(target);
  try {
    const result = write(tmp);
    replaceWithTemp(tmp, target, options);
    return result;
  } catch (e) {
    removeTemp(tmp);
    throw options.onError ? options.onError(e) : nameTarget(e, target);
  }
}

/**
 * The error of a failed write of `target` (for {@link replaceThroughTemp}'s `onError`): h5traj's
 * own errors name `target` instead of its temporary copy; any other becomes a StorageError saying
 * what failed (`doing`, e.g. "Writing 'a.hdf5'") and that `file` was left as it was.
 */
export function failedWrite(target: string, doing: string, file = target): (e: unknown) => unknown {
  return (e) => {
    if (e instanceof H5TrajError) return nameTarget(e, target);
    return nameTarget(new StorageError(`${doing} failed, and the file was left as it was: ${(e as Error).message}`, { file, cause: e }), target);
  };
}

/** Syncs the folder holding `file`, so a new or renamed name survives a power cut. */
export function syncFolderOf(file: string): void {
  try {
    fsyncPath(path.dirname(path.resolve(file)), 'fsync-dir');
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

/** Removes a temporary file after a failed write (a durable step: the folder changes). */
export function removeTemp(tmp: string): void {
  durableStep('remove', tmp);
  fs.rmSync(tmp, { force: true });
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
    if (!name.startsWith(prefix) && !name.startsWith(`.${prefix}`)) continue;
    durableStep('remove', path.join(dir, name));
    fs.rmSync(path.join(dir, name), { force: true });
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

/** `text` as a literal inside a regular expression (file names hold dots). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A text that changes whenever a file (given by its `stat`) is replaced (another inode) or rewritten (size
 * or times), so that whoever keeps a file parsed or open notices a new version.
 */
export function fileVersion(stat: fs.Stats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}
