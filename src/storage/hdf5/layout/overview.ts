/**
 * The `overview/` tables pypet needs to load a trajectory (`docs/file-layout.md` §3): `info` (one
 * row), `runs` (one row per run; pypet builds its run list from this table only) and
 * `explorations` (the explored parameters). `hdf5_settings` is in `settings.ts`, the informational
 * overview and summary tables in `overview-tables.ts`.
 */
import { FormatError, StorageError } from '../../../errors.js';
import { type H5File, attrText, joinPath, stringAttr } from '../engine/h5file.js';
import { F64, I32, fixedString } from '../engine/h5types.js';
import {
  type TableColumn, appendTableRows, createTable, numericColumn, numberColumn, readTable, resizeTable, tableRows, textColumn, writeTableRows, readTableColumns,
} from './table.js';
import { maxOf } from '../../../fold.js';
import type { TrajectoryIdentity } from '../../../trajectory/state.js';

/**
 * Attribute of `overview/info` recording which h5traj last wrote the trajectory, e.g.
 * `h5traj 0.1.0 (node 20.20.2)`: `info.version`/`info.python` hold what pypet checks, so this is
 * where a file says it came from h5traj. pypet ignores it.
 */
export const WRITER_ATTR = 'H5TRAJ_WRITER';

/** The `overview/info` row: the trajectory's identity, its comment and its number of runs. */
export interface TrajectoryInfo extends TrajectoryIdentity {
  comment: string;
  /** Number of runs. */
  length: number;
  /** Which h5traj wrote the trajectory ({@link WRITER_ATTR}); absent in pypet's files. */
  writer?: string;
}

/** An `overview/runs` row. */
export interface RunInfo {
  idx: number;
  name: string;
  time: string;
  timestamp: number;
  finish_timestamp: number;
  runtime: string;
  parameter_summary: string;
  short_environment_hexsha: string;
  completed: boolean;
}

const overviewPath = (traj: string, table: string) => joinPath('/', traj, 'overview', table);

/** Width of the time columns: pypet uses the length of the trajectory's time string. */
const timeWidth = (time: string) => Math.max(1, Buffer.byteLength(time, 'utf8'));

const infoColumns = (time: string): TableColumn[] => [
  { name: 'name', type: fixedString(512) },
  { name: 'time', type: fixedString(timeWidth(time)) },
  { name: 'length', type: I32 },
  { name: 'timestamp', type: F64 },
  { name: 'comment', type: fixedString(512) },
  { name: 'python', type: fixedString(128) },
  { name: 'version', type: fixedString(128) },
];

const runColumns = (width: number): TableColumn[] => [
  { name: 'idx', type: I32 },
  { name: 'name', type: fixedString(128) },
  { name: 'time', type: fixedString(width) },
  { name: 'timestamp', type: F64 },
  { name: 'finish_timestamp', type: F64 },
  { name: 'runtime', type: fixedString(18) },
  { name: 'parameter_summary', type: fixedString(512) },
  { name: 'short_environment_hexsha', type: fixedString(7) },
  { name: 'completed', type: I32 },
];

function ensureOverview(f: H5File, traj: string): void {
  f.ensureGroup(joinPath('/', traj, 'overview'));
}

function requireTable(f: H5File, traj: string, table: string): string {
  const path = overviewPath(traj, table);
  if (f.typeOf(path) !== 'dataset') {
    throw new FormatError(`'${f.path}' has no table overview/${table} for trajectory '${traj}'; pypet writes it, so this is not a complete pypet trajectory.`, { file: f.path, path });
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// info

/** Writes `overview/info` (creating it, or rewriting its row; strings are cut to the column widths). */
export function writeInfo(f: H5File, traj: string, info: TrajectoryInfo): void {
  ensureOverview(f, traj);
  const path = overviewPath(traj, 'info');
  const row = {
    name: [info.name], time: [info.time], length: [info.length], timestamp: [info.timestamp],
    comment: [info.comment], python: [info.python], version: [info.version],
  };
  if (f.exists(path)) writeTableRows(f, path, 0, row);
  else createTable(f, path, infoColumns(info.time), row, { title: 'info' });
  if (info.writer !== undefined) f.writeAttr(path, WRITER_ATTR, stringAttr(info.writer));
}

/** Reads `overview/info`. */
export function readInfo(f: H5File, traj: string): TrajectoryInfo {
  const path = requireTable(f, traj, 'info');
  const t = readTable(f, path);
  if (t.nrows < 1) throw new FormatError(`The table overview/info of trajectory '${traj}' in '${f.path}' is empty.`, { file: f.path });
  const text = (c: string) => (c in t.columns ? textColumn(t, c)[0] ?? '' : '');
  return {
    name: text('name'),
    time: text('time'),
    timestamp: numberColumn(t, 'timestamp')[0] ?? 0,
    comment: text('comment'),
    length: numberColumn(t, 'length')[0] ?? 0,
    version: text('version'),
    python: text('python'),
    ...(f.hasAttr(path, WRITER_ATTR) ? { writer: attrText(f, path, WRITER_ATTR) ?? '' } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// runs

function runsToColumns(runs: readonly RunInfo[]) {
  return {
    idx: runs.map((r) => r.idx),
    name: runs.map((r) => r.name),
    time: runs.map((r) => r.time),
    timestamp: runs.map((r) => r.timestamp),
    finish_timestamp: runs.map((r) => r.finish_timestamp),
    runtime: runs.map((r) => r.runtime),
    parameter_summary: runs.map((r) => r.parameter_summary),
    short_environment_hexsha: runs.map((r) => r.short_environment_hexsha),
    completed: runs.map((r) => (r.completed ? 1 : 0)),
  };
}

/** `items` in arrays of at most `size`, so that a million rows are never encoded at once. */
function* blocks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let block: T[] = [];
  for (const item of items) {
    block.push(item);
    if (block.length === size) {
      yield block;
      block = [];
    }
  }
  if (block.length > 0) yield block;
}

/**
 * Creates `overview/runs` with these rows (row i must be run i). `trajTime` is the trajectory's
 * time string; its length is the width of the `time` column, as in pypet. `runs` may be a
 * generator: rows are encoded and written a block at a time (a 1M-run table is 0.7 GB encoded).
 */
export function createRuns(f: H5File, traj: string, runs: Iterable<RunInfo>, trajTime: string): void {
  ensureOverview(f, traj);
  const path = overviewPath(traj, 'runs');
  let start: number | undefined;
  for (const block of blocks(runs, RUN_WRITE_ROWS)) {
    if (start === undefined) {
      checkRunOrder(f, block, 0, (i, idx) => `Row ${i} of overview/runs must hold run ${i}, not run ${idx}.`);
      createTable(f, path, runColumns(timeWidth(trajTime)), runsToColumns(block), { title: 'runs' });
      start = block.length;
    } else {
      start = appendRunBlock(f, path, block, start);
    }
  }
  if (start === undefined) createTable(f, path, runColumns(timeWidth(trajTime)), runsToColumns([]), { title: 'runs' });
}

/** Appends runs (their indices must continue the table); `runs` may be a generator, as for {@link createRuns}. */
export function appendRuns(f: H5File, traj: string, runs: Iterable<RunInfo>): void {
  const path = requireTable(f, traj, 'runs');
  let start = tableRows(f, path);
  for (const block of blocks(runs, RUN_WRITE_ROWS)) start = appendRunBlock(f, path, block, start);
}

function appendRunBlock(f: H5File, path: string, block: readonly RunInfo[], start: number): number {
  checkRunOrder(f, block, start, (i, idx) => `The next row of overview/runs is run ${i}, not run ${idx}.`);
  appendTableRows(f, path, runsToColumns(block));
  return start + block.length;
}

function checkRunOrder(f: H5File, block: readonly RunInfo[], start: number, message: (row: number, idx: number) => string): void {
  block.forEach((r, i) => {
    if (r.idx !== start + i) throw new StorageError(message(start + i, r.idx), { file: f.path });
  });
}

/**
 * Rewrites the rows of the given runs in place (by `idx`). Consecutive indices are written in
 * one call, so updating many runs at once is cheap.
 */
export function updateRuns(f: H5File, traj: string, runs: readonly RunInfo[]): void {
  const path = requireTable(f, traj, 'runs');
  const n = tableRows(f, path);
  const sorted = [...runs].sort((a, b) => a.idx - b.idx);
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.idx === sorted[j - 1]!.idx + 1) j++;
    const block = sorted.slice(i, j);
    const first = block[0]!.idx;
    if (first < 0 || first + block.length > n) {
      throw new StorageError(`Cannot update run ${first}: overview/runs of '${traj}' has ${n} rows (append new runs instead).`, { file: f.path });
    }
    writeTableRows(f, path, first, runsToColumns(block));
    i = j;
  }
}

/** Shrinks or grows `overview/runs` to `n` rows (a merge or expand may need it). */
export function resizeRuns(f: H5File, traj: string, n: number): void {
  resizeTable(f, requireTable(f, traj, 'runs'), n);
}

/** Number of rows of `overview/runs` (read without reading them). */
export function runCount(f: H5File, traj: string): number {
  return tableRows(f, requireTable(f, traj, 'runs'));
}

/**
 * Rows of `overview/runs` read at a time by {@link forEachRun}: ~1.5 MB. A block's decoded rows
 * live while it is appended; 16,384 rows (~12 MB) outlived V8's young generation, so every block
 * was promoted and V8 let the old generation grow to 3-4× the live heap before collecting it:
 * opening the 1M-run file peaked at 525-620 MB RSS, 480 MB with these blocks, no slower.
 */
const READ_BLOCK_ROWS = 2_048;
/**
 * Rows of `overview/runs` encoded at a time when writing (~0.7 MB): each block's encoding is
 * garbage once its rows are in the table, and V8 frees such buffers late (issue 13). Its rows
 * (a record and a column of cells each) die young only if a block is small: 8,192 rows lived
 * through scavenges and reached the old generation (~20 MB of garbage at 100k runs).
 */
const RUN_WRITE_ROWS = 1_024;

/**
 * Calls `each` with every row of `overview/runs`, in order, reading a block of rows at a time:
 * a 1M-run table is 0.7 GB as stored, which is never held whole. `expect` is told first how many
 * rows there are and how many bytes each takes (a load sizes its run table by them).
 */
export function forEachRun(f: H5File, traj: string, each: (run: RunInfo) => void, blockRows = READ_BLOCK_ROWS, expect?: (rows: number, rowBytes: number) => void): void {
  const path = requireTable(f, traj, 'runs');
  const rows = tableRows(f, path);
  const rowBytes = f.datasetInfo(path).type.size;
  expect?.(rows, rowBytes);
  // Every block is read into this one buffer, not a buffer of its own (1.5 MB) left for V8 to
  // free later: docs/native-engine.md §6 says what those cost (~40 MB of peak RSS at 1M runs).
  const scratch = rows > 0 ? new Uint8Array(Math.min(rows, blockRows) * rowBytes) : undefined;
  for (let start = 0; start < rows; start += blockRows) {
    for (const run of readRuns(f, traj, [start, Math.min(rows, start + blockRows)], scratch)) each(run);
  }
}

/**
 * Rows of `overview/runs` decoded at a time by {@link forEachCompletedRun}: ~46 MB of pypet's
 * 709-byte rows, of which only two integer columns are decoded.
 */
const COMPLETED_BLOCK_ROWS = 65_536;

/**
 * Calls `each` with the index of every completed run among rows `[start, end)` of
 * `overview/runs` (all rows without `rows`), reading a block of rows at a time and decoding only
 * the columns `idx` and `completed` (`h5traj info`; a commit checks the span of runs it writes).
 * A run is completed when its `completed` is not 0: pypet writes 0 or 1 and tests the value's
 * truth (`all(info['completed'] for …)`), so any other value counts as Python counts it.
 * @throws FormatError when the table is missing or lacks the columns `idx` and `completed`.
 */
export function forEachCompletedRun(f: H5File, traj: string, rows: [number, number] | undefined, each: (idx: number) => void, blockRows = COMPLETED_BLOCK_ROWS): void {
  const path = requireTable(f, traj, 'runs');
  const { type, shape } = f.datasetInfo(path);
  const idxMember = type.class === 'compound' ? type.members.find((m) => m.name === 'idx') : undefined;
  const doneMember = type.class === 'compound' ? type.members.find((m) => m.name === 'completed') : undefined;
  if (type.class !== 'compound' || !idxMember || !doneMember || shape?.length !== 1) {
    throw new FormatError(`overview/runs of '${traj}' in '${f.path}' has no columns idx and completed; it is not pypet's run table.`, { file: f.path, path });
  }
  const [first, end] = rows ?? [0, shape[0]!];
  for (let start = first; start < end; start += blockRows) {
    const stop = Math.min(end, start + blockRows);
    const bytes = f.readDataset(path, [start, stop]).bytes;
    const idx = numericColumn(bytes, type, idxMember, stop - start);
    const done = numericColumn(bytes, type, doneMember, stop - start);
    for (let r = 0; r < stop - start; r++) if (done[r] !== 0) each(idx[r]!);
  }
}

/** Reads `overview/runs` (or rows `[start, end)`; their bytes into `scratch`, see {@link H5File.readDataset}). */
export function readRuns(f: H5File, traj: string, rows?: [number, number], scratch?: Uint8Array): RunInfo[] {
  const t = readTableColumns(f, requireTable(f, traj, 'runs'), rows, scratch);
  const idx = t.number('idx');
  const name = t.text('name');
  const time = t.text('time');
  const ts = t.number('timestamp');
  const fts = t.number('finish_timestamp');
  const runtime = t.text('runtime');
  const summary = t.text('parameter_summary');
  const hexsha = t.text('short_environment_hexsha');
  const completed = t.number('completed');
  const out = new Array<RunInfo>(idx.length);
  for (let i = 0; i < idx.length; i++) {
    out[i] = new RunRow(idx[i]!, name[i]!, time[i]!, ts[i]!, fts[i]!, runtime[i]!, summary[i]!, hexsha[i]!, completed[i] !== 0);
  }
  return out;
}

/**
 * A row read from `overview/runs`. A class, not an object literal: V8 pretenures a literal whose
 * objects it saw survive, and a block of rows alive at a scavenge taught it that, after which
 * every row of a 1M-run table was made in the old generation as garbage (opening the file peaked
 * at 440 MB instead of 310 in about half of the runs). Instances of a class are always made young.
 */
class RunRow implements RunInfo {
  constructor(
    readonly idx: number,
    readonly name: string,
    readonly time: string,
    readonly timestamp: number,
    readonly finish_timestamp: number,
    readonly runtime: string,
    readonly parameter_summary: string,
    readonly short_environment_hexsha: string,
    readonly completed: boolean,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// explorations

/**
 * Writes `overview/explorations` (full names such as `parameters.x`). The column is 1.5 × the
 * longest name wide, as in pypet; an existing table is rewritten if the names fit its width.
 */
export function writeExplorations(f: H5File, traj: string, names: readonly string[]): void {
  ensureOverview(f, traj);
  const path = overviewPath(traj, 'explorations');
  const longest = maxOf(names, (n) => Buffer.byteLength(n, 'utf8'), 0);
  if (f.exists(path)) {
    const width = f.datasetInfo(path).type.size;
    if (longest > width) {
      throw new StorageError(
        `overview/explorations of '${traj}' in '${f.path}' holds names of at most ${width} bytes, but '${names.find((n) => Buffer.byteLength(n) > width)}' is longer; HDF5 datasets cannot be replaced, so write the trajectory to a new file.`,
        { file: f.path },
      );
    }
    resizeTable(f, path, names.length);
    writeTableRows(f, path, 0, { explorations: names });
    return;
  }
  const width = longest === 0 ? 1 : Math.floor(1.5 * longest);
  createTable(f, path, [{ name: 'explorations', type: fixedString(width) }], { explorations: names }, {});
}

/** Reads `overview/explorations`; an absent table means nothing is explored. */
export function readExplorations(f: H5File, traj: string): string[] {
  const path = overviewPath(traj, 'explorations');
  if (f.typeOf(path) !== 'dataset') return [];
  return textColumn(readTable(f, path), 'explorations');
}
