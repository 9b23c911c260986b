/**
 * One exploration per trajectory at a time, and no file replaced under a running exploration:
 * an exploration holds a lock on its journal (see `storage/lock.ts`) while it runs.
 */
import path from 'node:path';
import { FileLockedError } from '../errors.js';
import { acquireLock, describeHolder, lockPathFor, removeLock } from '../storage/lock.js';
import { locksBeside } from '../storage/locks-beside.js';

/**
 * Takes the exploration's lock on its journal `journalPath`; returns its release. A second
 * process (a doubled `--resume`) would otherwise fold, and delete, the first one's live journal.
 * @throws FileLockedError naming the process that runs the exploration.
 */
export function lockExploration(journalPath: string, trajName: string, filename: string): () => void {
  try {
    return acquireLock(journalPath, { reentrant: false });
  } catch (e) {
    if (!(e instanceof FileLockedError)) throw e;
    throw new FileLockedError(
      `Another exploration of trajectory '${trajName}' in '${filename}' is running (in ${e.message.replace(/^The file '[^']*' is being written by /, '').replace(/; wait.*$/, '')}); wait for it to finish.`,
      { file: filename, cause: e },
    );
  }
}

/**
 * Refuses to replace `filename` while another exploration (of any trajectory) runs on it; the
 * locks of explorations that died go, as their journals will.
 * @throws FileLockedError naming the running exploration.
 */
export function refuseOtherExplorations(journalPath: string, filename: string): void {
  const own = path.resolve(lockPathFor(journalPath));
  const others = locksBeside(filename).filter((l) => l.kind === 'exploration' && path.resolve(l.path) !== own);
  const other = others.find((l) => l.state !== 'stale');
  if (!other) {
    for (const l of others) removeLock(l);
    return;
  }
  throw new FileLockedError(
    `An exploration of trajectory '${other.trajectory}' is running on '${filename}' (${describeHolder(other.holder!)}); overwriting would replace the file under it. Wait for it to finish.`,
    { file: filename },
  );
}
