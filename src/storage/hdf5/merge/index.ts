/**
 * Merging stored trajectories in HDF5 files (pypet's `f_merge` / `f_merge_many`,
 * `docs/file-layout.md` §11), without loading their data: HDF5 objects are copied run by run.
 *
 * What changes in the target trajectory's group:
 * - every merged run of the other trajectory is copied from its file (the same file or another)
 *   under its new name: `results/…/run_<new>` and `derived_parameters/…/run_<new>`, in the
 *   `run_set_<new // 1000>` bucket when the run sat in a bucket;
 * - `overview/runs` gets a row per merged run, `overview/info.length` the new length,
 *   `overview/explorations` the parameters that became explored;
 * - each parameter whose values differ gets rows appended to its `explored_data` table (created
 *   from `data` when it was not explored); ArrayParameters and PickleParameters get their new
 *   arrays (`explored__rr__/set_NNNNN/xa_NNNNNNNN`, `xp_NNNNNNNN`) and index rows;
 * - results and derived parameters outside runs that are missing here are copied (pypet's keep
 *   rules), and so are the other's `config.environment` / `config.git` / `config.merge` entries;
 * - `config/merge/merge_<hexsha7>_<time>/` records the merge.
 *
 * Crash safety: the whole merge is one write transaction under the file's lock. The file is
 * copied beside itself, the copy is changed, closed, synced and renamed over the original; a
 * crash at any moment leaves the old file. When a table cannot grow in place (not chunked, a
 * string column too narrow, …) or a trajectory must be removed from the file, the merge instead
 * writes a new file from scratch (everything copied except the replaced tables), still as one
 * transaction. Nothing is written before every check has passed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileLockedError, MergeError } from '../../../errors.js';
import { BaseParameter } from '../../../leaves/parameter.js';
import { type MergeSummary, type MergedTrajectory, type ResolvedMergeOptions } from '../../../trajectory/merge.js';
import { applyLeafData, resolveFullName } from '../../../trajectory/records.js';
import type { Trajectory } from '../../../trajectory/trajectory.js';
import { acquireLock, describeHolder } from '../../lock.js';
import { runningExplorations } from '../../locks-beside.js';
import { fromFileLeafData } from '../layout/convert.js';
import { copyAttributes, copyTree, newCopyStats, type CopyStats } from '../transactions/copy.js';
import type { H5File } from '../engine/h5file.js';
import { openH5Copy, openH5Sync } from '../engine/open-file.js';
import { loadTrajectory } from '../load.js';
import { listTrajectories, readLeaf } from '../layout/nodes.js';
import { durableStep } from '../../durable-step.js';
import { assertWritable, removeStaleTemps, withWriteTransaction } from '../transactions/transaction.js';
import { failedWrite, replaceThroughTemp } from '../../atomic.js';
import { completedRuns, readSide } from './side.js';
import { Context, planAll } from './plan.js';
import { applyAll } from './write.js';


/**
 * Writes `filename` anew (the caller holds its lock): `build` gets a writable file that is a
 * copy of the old one (`copy`) or empty (`fresh`); it is then closed, synced and renamed over
 * `filename`. On an error the temporary file is removed and `filename` is untouched.
 */
function replaceFile(filename: string, mode: 'copy' | 'fresh', build: (out: H5File) => void): void {
  replaceThroughTemp(filename, (tmp) => {
    // A copy made by the engine, written once to `tmp` (the native engine) — not a byte copy
    // changed in place, whose own close would write a temporary beside the temporary.
    const out = mode === 'copy' ? openH5Copy(filename, tmp) : openH5Sync(tmp, 'w');
    try {
      build(out);
    } finally {
      out.close();
    }
  }, { onError: failedWrite(filename, `Merging into '${filename}'`) });
}


/** Copies a whole file's content into `dst`, leaving out some trajectories and datasets. */
function copyFileContent(src: H5File, dst: H5File, dropped: ReadonlySet<string>, replaced: ReadonlySet<string>, stats: CopyStats): void {
  copyAttributes(src, '/', dst, '/', stats);
  for (const name of src.childNames('/')) {
    if (dropped.has(name)) continue;
    copyTree(src, `/${name}`, dst, `/${name}`, replaced.size ? { skip: (p) => replaced.has(p) } : {}, stats);
  }
}

/** Rewrites a file without some of its trajectories (under the file's lock). */
function removeTrajectories(filename: string, names: ReadonlySet<string>): void {
  assertWritable(filename);
  const release = acquireLock(filename);
  try {
    const src = openH5Sync(filename, 'r');
    try {
      replaceFile(filename, 'fresh', (out) => copyFileContent(src, out, names, new Set(), newCopyStats()));
    } finally {
      src.close();
    }
  } finally {
    release();
  }
}

/** Backs up the trajectories before the merge (see `MergeOptions.backup_filename`). */
function writeBackups(option: string | boolean | undefined, sides: readonly { file: string; name: string }[]): string[] {
  if (option === undefined || option === false) return [];
  if (typeof option === 'string') {
    const names = sides.map((s) => s.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) {
      throw new MergeError(`Cannot back up both trajectories into '${option}': both are named '${twice}'; use backup_filename: true (one file each).`, { file: option });
    }
    withWriteTransaction(option, (dst) => {
      for (const s of sides) {
        if (dst.exists(`/${s.name}`)) throw new MergeError(`The backup file '${option}' already holds a trajectory '${s.name}'.`, { file: option, path: s.name });
        const src = openH5Sync(s.file, 'r');
        try {
          copyTree(src, `/${s.name}`, dst, `/${s.name}`);
        } finally {
          src.close();
        }
      }
    });
    return [option];
  }
  const written: string[] = [];
  for (const s of sides) {
    let target = path.join(path.dirname(s.file), `backup_${s.name}.hdf5`);
    for (let k = 1; written.includes(target) || fs.existsSync(target); k++) target = path.join(path.dirname(s.file), `backup_${s.name}_${k}.hdf5`);
    const src = openH5Sync(s.file, 'r');
    const alone = listTrajectories(src).length === 1;
    try {
      replaceThroughTemp(target, (tmp) => {
        if (alone) {
          durableStep('copy', tmp);
          fs.copyFileSync(s.file, tmp);
          return;
        }
        const dst = openH5Sync(tmp, 'w');
        try {
          copyTree(src, `/${s.name}`, dst, `/${s.name}`);
        } finally {
          dst.close();
        }
      });
    } finally {
      src.close();
    }
    written.push(target);
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * An exploration running on the target commits runs into it until its end; a merge replacing the
 * file meanwhile would be overwritten by (or would overwrite) its next commit.
 */
function refuseRunningExploration(filename: string): void {
  const running = runningExplorations(filename)[0];
  if (!running) return;
  const unlock = running.state === 'other-host' ? ` (if that process is gone, h5traj unlock ${filename} --force removes its lock)` : '';
  throw new FileLockedError(
    `Cannot merge into '${filename}': an exploration of trajectory '${running.trajectory}' is running on it (${describeHolder(running.holder!)}); merge once it has finished${unlock}.`,
    { file: filename },
  );
}

/**
 * Merges the stored trajectories `others` into `traj`, stored in `filename` (see the module
 * note), and brings `traj` up to date in memory: runs, explored ranges, new config items. The
 * merged runs' results and derived parameters are on disk; they load on access (auto-loading) or
 * with `f_load` / `f_update_skeleton`.
 * @throws MergeError when the trajectories cannot be merged (nothing is written then).
 */
export function mergeIntoFile(filename: string, traj: Trajectory, others: readonly Trajectory[], options: ResolvedMergeOptions): MergeSummary {
  const file = path.resolve(filename);
  const timestamp = Date.now() / 1000;
  const sources = others.map((o) => ({ file: path.resolve(o.v_filename!), name: o.v_name }));
  for (const o of others) o.v_storage_service?.close?.();
  let backups: string[] = [];
  let ctx!: Context;
  assertWritable(filename);
  const release = acquireLock(filename);
  try {
    refuseRunningExploration(filename);
    removeStaleTemps(filename);
    const src = openH5Sync(filename, 'r');
    try {
      const a = readSide(src, file, traj.v_name, options);
      ctx = {
        file, name: traj.v_name, options, src, a, others: [], tables: new Map(), copies: [], newRuns: [], filledRuns: [],
        completed: completedRuns(a.runs),
        explorations: [...a.explorations], changed: new Set(), newlyExplored: [], replaced: new Set(), dropped: new Set(),
        timestamp, warnings: [], stats: newCopyStats(),
      };
      planAll(ctx, sources);
      backups = writeBackups(options.backup_filename, [{ file, name: ctx.name }, ...sources]);
      const rewrite = ctx.replaced.size > 0 || ctx.dropped.size > 0;
      replaceFile(filename, rewrite ? 'fresh' : 'copy', (out) => {
        if (rewrite) copyFileContent(src, out, ctx.dropped, ctx.replaced, ctx.stats);
        applyAll(ctx, out);
      });
    } finally {
      src.close();
    }
  } finally {
    release();
  }
  if (options.delete_other_trajectory) {
    const byFile = new Map<string, Set<string>>();
    for (const o of ctx.others) if (!o.sameFile) byFile.set(o.file, (byFile.get(o.file) ?? new Set()).add(o.name));
    for (const [f, names] of byFile) {
      try {
        removeTrajectories(f, names);
      } catch (e) {
        // The merge itself is committed; the other file simply keeps its trajectory.
        ctx.warnings.push(`The merge is complete, but ${[...names].join(', ')} could not be removed from '${f}': ${(e as Error).message}`);
      }
    }
  }
  refreshTrajectory(filename, traj, [...ctx.changed]);
  for (const w of new Set(ctx.warnings)) process.emitWarning(w, 'H5TrajMergeWarning');
  return summarize(ctx, backups);
}

function summarize(ctx: Context, backups: string[]): MergeSummary {
  const others: MergedTrajectory[] = ctx.others.map((o) => ({
    name: o.name,
    filename: o.file,
    length: o.length,
    merged_runs: o.plan.used.length,
    duplicates_removed: o.plan.duplicates,
    run_map: o.runMap,
    ...(o.record ? { merge_record: o.record } : {}),
    mode: o.mode,
  }));
  const merged = others.reduce((s, o) => s + o.merged_runs, 0);
  const length = ctx.a.runs.length + ctx.newRuns.length;
  return {
    length_before: ctx.a.runs.length,
    length,
    merged_runs: merged,
    duplicates_removed: others.reduce((s, o) => s + o.duplicates_removed, 0),
    others,
    changed_parameters: [...ctx.changed],
    newly_explored: ctx.newlyExplored,
    rewrote_file: ctx.replaced.size > 0 || ctx.dropped.size > 0,
    backups,
    warnings: [...new Set(ctx.warnings)],
    incomplete_runs: Array.from({ length }, (_, i) => i).filter((i) => !ctx.completed.has(i)),
  };
}

/** Brings a trajectory in memory up to date with its merged file. */
function refreshTrajectory(filename: string, traj: Trajectory, changed: readonly string[]): void {
  const f = openH5Sync(filename, 'r');
  try {
    for (const full of changed) {
      const node = resolveFullName(traj, full);
      if (!(node instanceof BaseParameter) || node.f_is_empty()) continue;
      applyLeafData(node, fromFileLeafData(readLeaf(f, traj.v_name, full, node.f_get_class_name())));
    }
    loadTrajectory(f, traj, { name: traj.v_name, load_parameters: -2, load_derived_parameters: 0, load_results: 0, load_other_data: 0, force: true });
  } finally {
    f.close();
  }
}
