/**
 * Crash-point injection, as SQLite tests its journal: every durable step (a file write, fsync,
 * rename, removal, journal append or truncation, lock take or release) calls {@link durableStep}
 * first. In tests, `H5TRAJ_CRASH_STEPS=<folder>` numbers the steps of a process — and of its
 * threads and child processes — by creating `<folder>/<n>` (content: the step's kind and file),
 * and `H5TRAJ_CRASH_AT=k` makes the process kill itself (SIGKILL, nothing runs after it) just
 * before step k. A test first counts the steps of a scenario, then crashes it at each one.
 * Both variables are read once; unset (always, outside tests) a step costs one comparison.
 */
import fs from 'node:fs';
import path from 'node:path';

/** What a durable step does, for the step log a failing crash test prints. */
export type DurableStepKind =
  | 'write'
  | 'copy'
  | 'fsync'
  | 'fsync-dir'
  | 'chmod'
  | 'rename'
  | 'remove'
  | 'truncate'
  | 'journal-append'
  | 'journal-sync'
  | 'lock-take'
  | 'lock-release';

const folder = process.env.H5TRAJ_CRASH_STEPS || undefined;
const crashAt = Number(process.env.H5TRAJ_CRASH_AT ?? 0);
/** The last step number this thread took; numbers are unique across threads and processes. */
let last = 0;

/** Announces a durable step about to happen (see the file comment). */
export function durableStep(kind: DurableStepKind, file: string): void {
  if (folder === undefined) return;
  // Exclusive creation hands out each number once, to whichever thread or process asks first.
  for (let n = last + 1; ; n++) {
    try {
      fs.writeFileSync(path.join(folder, String(n)), `${kind} ${file}\n`, { flag: 'wx' });
      last = n;
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  if (last === crashAt) process.kill(process.pid, 'SIGKILL');
}
