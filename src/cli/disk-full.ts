/**
 * Turning "no space left on device" during a write into one sentence a user can act on: which
 * disk is full, what of ours takes the space there (the HDF5 file, its run journals), what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors.js';
import { journalsBeside } from '../environment/journal.js';

const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** The errno code when `e` (or one of its causes) says the disk or the quota is full. */
function fullCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 10; c = c.cause, depth++) {
    const code = (c as NodeJS.ErrnoException).code;
    if (code && FULL.has(code)) return code;
    const named = /\b(ENOSPC|EDQUOT)\b/.exec(c.message);
    if (named) return named[1];
  }
  return undefined;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * A StorageError saying that the disk holding `file` is full, what of ours is on it, and `then`
 * (what to do once there is space), when `e` comes from a full disk; otherwise undefined.
 */
export function diskFullError(e: unknown, file: string, then: string): StorageError | undefined {
  const code = fullCode(e);
  if (!code) return undefined;
  const dir = path.dirname(path.resolve(file));
  const ours = [`'${file}' takes ${size(sizeOf(file))}`];
  const journals = journalsBeside(file).reduce((sum, j) => sum + sizeOf(j), 0);
  if (journals > 0) ours.push(`its run journal (the runs not yet in the file) ${size(journals)}`);
  let disk = '';
  try {
    const s = fs.statfsSync(dir);
    disk = ` (${size(s.blocks * s.bsize)}, ${size(s.bavail * s.bsize)} free)`;
  } catch {
    // statfs is not available everywhere; the sentence stands without the sizes.
  }
  return new StorageError(
    `The disk holding '${dir}'${disk} is full (${code}); ${ours.join(' and ')}. Free space there, then ${then}.`,
    { file, cause: e },
  );
}
