/**
 * What a stored trajectory holds, read from its overview tables only (`h5traj info`): name,
 * creation time, comment, number of runs, explored parameters, which runs completed and which
 * failed. Loading the trajectory for this would decode every explored value and every row of the
 * run table (709 bytes a run, a 1M-run file's run table is 0.7 GB); here the run table is read in
 * blocks of rows and only its `completed` column is decoded, and no run group is opened.
 */
import type { RunFailure } from '../../trajectory/storage-service.js';
import type { H5File } from './engine/h5file.js';
import { forEachCompletedRun, readExplorations, readInfo } from './layout/overview.js';
import { joinPath } from './engine/paths.js';
import { FAILURES_TABLE } from './store.js';
import { numberColumn, readTable, textColumn } from './layout/table.js';

/** A stored trajectory as its overview tables describe it. */
export interface StoredSummary {
  name: string;
  /** Creation time, `YYYY_MM_DD_HHhMMmSSs`. */
  time: string;
  comment: string;
  /** Number of runs (the length of the exploration). */
  length: number;
  /** Full names of the explored parameters, sorted (`parameters.x`). */
  explored: string[];
  /** 1 for each run that completed, else 0 (`length` entries; runs missing from the table are 0). */
  completed: Uint8Array;
  /** The latest failure of each run that did not complete, by run index. */
  failures: RunFailure[];
  /** Whether the trajectory's environment config records shards (`config.environment.*.shard`). */
  hasShardRecords: boolean;
}

/**
 * Reads the summary of the trajectory `traj` from the overview tables of `f`.
 * @throws FormatError when the overview tables are missing or not pypet's tables.
 * @example
 * const s = readSummary(f, 'W1'); // s.completed.reduce((n, c) => n + c, 0) runs completed
 */
export function readSummary(f: H5File, traj: string): StoredSummary {
  const info = readInfo(f, traj);
  const completed = readCompleted(f, traj, info.length);
  return {
    name: info.name,
    time: info.time,
    comment: info.comment,
    length: info.length,
    explored: readExplorations(f, traj).sort(),
    completed,
    failures: latestFailures(f, traj, (i) => i < completed.length && completed[i] !== 1),
    hasShardRecords: hasShardRecords(f, traj),
  };
}

/**
 * The `completed` column of the run table as 1 per completed run (`length` entries; runs the
 * table lacks are 0), read a block of rows at a time by {@link forEachCompletedRun}.
 */
export function readCompleted(f: H5File, traj: string, length: number, blockRows?: number): Uint8Array {
  const out = new Uint8Array(length);
  if (!f.exists(joinPath('/', traj, 'overview', 'runs'))) return out;
  forEachCompletedRun(f, traj, undefined, (i) => {
    if (i >= 0 && i < length) out[i] = 1;
  }, blockRows);
  return out;
}

/**
 * The failures table of `traj`: the latest failure of each run for which `open(idx)` holds (a
 * run of the trajectory that has not completed since), by run index.
 */
export function latestFailures(f: H5File, traj: string, open: (idx: number) => boolean): RunFailure[] {
  const path = joinPath('/', traj, 'overview', FAILURES_TABLE);
  if (!f.exists(path)) return [];
  const t = readTable(f, path);
  const idx = numberColumn(t, 'idx');
  const timestamp = numberColumn(t, 'timestamp');
  const message = textColumn(t, 'message');
  const stack = textColumn(t, 'stack');
  const latest = new Map<number, RunFailure>();
  idx.forEach((i, k) => latest.set(i, { kind: 'failure', idx: i, timestamp: timestamp[k]!, message: message[k]!, stack: stack[k]! }));
  return [...latest.values()].filter((x) => open(x.idx)).sort((a, b) => a.idx - b.idx);
}

/** Whether a `shard` node lies below `config/environment` (its environments' groups, two levels). */
function hasShardRecords(f: H5File, traj: string): boolean {
  const env = joinPath('/', traj, 'config', 'environment');
  if (f.typeOf(env) !== 'group') return false;
  if (f.childNames(env).includes('shard')) return true;
  return f.childNames(env).some((name) => f.typeOf(joinPath(env, name)) === 'group' && f.childNames(joinPath(env, name)).includes('shard'));
}
