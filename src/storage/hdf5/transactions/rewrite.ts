/**
 * Deleting and replacing stored nodes. h5wasm cannot delete an HDF5 object, so the file is
 * rewritten: a new file receives everything except the nodes to delete (and, for overwrites, the
 * replacements), and is renamed over the old one. Like every other write it is one transaction:
 * a crash leaves the old file. (HDF5 would not reclaim the space of deleted objects anyway.)
 */
import { acquireLock } from '../../lock.js';
import { copyAttributes, copyTree } from './copy.js';
import { type H5File, joinPath } from '../engine/h5file.js';
import { openH5Sync } from '../engine/open-file.js';
import { repairTornSuperblock } from '../native/write/superblock.js';
import { assertWritable, failedWrite, removeStaleTemps, replaceThroughTemp } from '../../atomic.js';

/** What a rewrite leaves out and adds. */
export interface RewritePlan {
  /** HDF5 paths to leave out, with everything below them. */
  skip: (hdf5Path: string) => boolean;
  /** Top-level objects (`/name`) to copy; default: all. */
  keepTopLevel?: (name: string) => boolean;
  /** Writes into the new file after the copy (replacements). */
  then?: (dst: H5File) => void;
}

/**
 * Rewrites `filename` according to `plan` into `target` (default: the file itself, replaced by
 * an atomic rename). Soft links to left-out nodes are left out too.
 */
export function rewriteFile(filename: string, plan: RewritePlan, target = filename): void {
  assertWritable(target);
  const release = acquireLock(target);
  removeStaleTemps(target);
  if (filename === target) repairTornSuperblock(target);
  try {
    replaceThroughTemp(target, (tmp) => rewriteInto(filename, plan, tmp), { onError: failedWrite(target, `Rewriting '${filename}'`, filename) });
  } finally {
    release();
  }
}

/** Writes the rewritten content of `filename` into the new file `tmp`. */
function rewriteInto(filename: string, plan: RewritePlan, tmp: string): void {
  const src = openH5Sync(filename, 'r');
  let dst: H5File | undefined;
  try {
    dst = openH5Sync(tmp, 'w');
    copyAttributes(src, '/', dst, '/');
    for (const name of src.childNames('/')) {
      if (plan.keepTopLevel && !plan.keepTopLevel(name)) continue;
      const p = joinPath('/', name);
      if (plan.skip(p)) continue;
      copyTree(src, p, dst, p, {
        skip: plan.skip,
        mapLink: (linkTarget) => (plan.skip(linkTarget) ? undefined : linkTarget),
      });
    }
    plan.then?.(dst);
  } finally {
    dst?.close();
    src.close();
  }
}

/** A skip predicate for a set of paths (each with its subtree). */
export function skipPaths(paths: Iterable<string>): (p: string) => boolean {
  const set = new Set(paths);
  return (p) => {
    if (set.has(p)) return true;
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) if (set.has(p.slice(0, i))) return true;
    return false;
  };
}
