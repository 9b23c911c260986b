/**
 * Writing a trajectory into an open (writable) HDF5 file in pypet's layout: the whole trajectory
 * the first time, then only what is new or changed (pypet's `f_store` semantics), and the
 * Environment's commits of finished runs.
 */
import { StorageError } from '../../errors.js';
import { BaseParameter } from '../../leaves/parameter.js';
import { groupState, type NNGroupNode } from '../../tree/group.js';
import type { NNLeafNode } from '../../tree/leaf-node.js';
import { ANNOTATIONS_CHANGED } from '../../tree/annotations.js';
import { nodeState, type NNNode } from '../../tree/node.js';
import { runName } from '../../tree/names.js';
import { groupToRecord, iterSubtreeRecords, leafToRecord, type NodeRecord } from '../../trajectory/records.js';
import type { Commit, RunFailure } from '../../trajectory/storage-service.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { fromRunRow, toLeafWrite, toRunRow } from './layout/convert.js';
import { fixedString, F64, I32 } from './engine/h5types.js';
import { joinPath, type H5File } from './engine/h5file.js';
import { listTrajectories, nodePath, writeGroupNode, writeLeaf, writeLink, writeNodeAnnotations } from './layout/nodes.js';
import {
  appendRuns,
  forEachCompletedRun,
  createRuns,
  readRuns,
  runCount,
  updateRuns,
  type RunInfo,
  writeExplorations,
  writeInfo,
} from './layout/overview.js';
import { OverviewRows, createOverviewTables, type OverviewMemory } from './layout/overview-tables.js';
import { type Hdf5Settings, settingsOf, writeHdf5Settings } from './layout/settings.js';
import { appendTableRows, createTable } from './layout/table.js';
import { extendParameterRange, storedRangeLength } from './layout/parameters.js';
import { h5trajVersion } from '../../version.js';
import { trajectoryState } from '../../trajectory/state.js';

function infoOf(traj: Trajectory) {
  return {
    name: traj.v_name,
    time: traj.v_time,
    timestamp: traj.v_timestamp,
    comment: traj.v_comment,
    length: traj.v_length,
    version: traj.v_version,
    python: traj.v_python,
    writer: `h5traj ${h5trajVersion()} (node ${process.versions.node})`,
  };
}

/**
 * Writes node records. Each leaf goes through the overview tables, which also decide whether its
 * comment is written (pypet's purge_duplicate_comments).
 */
export function writeRecords(f: H5File, traj: string, records: Iterable<NodeRecord>, overview: OverviewRows): void {
  for (const rec of records) {
    if (rec.type === 'group') {
      writeGroupNode(f, traj, rec.fullName, { comment: rec.comment, annotations: Object.fromEntries(rec.annotations) });
    } else if (rec.type === 'link') {
      if (!f.exists(nodePath(traj, rec.fullName))) writeLink(f, traj, rec.fullName, rec.target);
    } else {
      const writeComment = overview.leafWritten(rec, !f.exists(nodePath(traj, rec.fullName)));
      writeLeaf(f, traj, rec.fullName, toLeafWrite(rec), { skipComment: !writeComment });
    }
  }
}

/**
 * Leaves out branch groups (`derived_parameters`, …) with nothing in or below them: pypet creates
 * a branch in the file only when something is stored in it, and loads an empty one as a group.
 */
function* withoutBareBranches(traj: Trajectory, records: Iterable<NodeRecord>): Generator<NodeRecord> {
  // Streamed (records are written one at a time): a branch is bare when its group in the tree
  // holds nothing, which is when no record below it follows.
  for (const r of records) {
    if (r.type === 'group' && !r.fullName.includes('.') && r.comment === '' && r.annotations.length === 0) {
      const branch = groupState(traj).children.get(r.fullName) as NNGroupNode | undefined;
      if (!branch || (groupState(branch).children.size === 0 && groupState(branch).links.size === 0)) continue;
    }
    yield r;
  }
}

/** Runs `write` with the overview rows of one write, and appends the rows afterwards. */
function withOverview(f: H5File, traj: string, memory: OverviewMemory, write: (rows: OverviewRows) => void): void {
  const rows = new OverviewRows(f, traj, memory);
  write(rows);
  rows.flush();
}

/**
 * What a store marks in memory (changed runs and nodes now stored), to call once its write is in
 * the file and not before: a write that fails after the rows went into it (a later item that
 * cannot be stored, a full disk when the file is closed or renamed) leaves the file as it was, so
 * memory must keep those changes to store them again on the next try.
 */
export type AfterWrite = () => void;

function markStored(node: NNNode): void {
  const mark = (n: NNNode) => {
    const state = nodeState(n);
    state.stored = true;
    if (state.annotations) state.annotations[ANNOTATIONS_CHANGED] = false;
  };
  mark(node);
  if (!node.v_is_leaf) for (const child of (node as NNGroupNode).f_iter_nodes()) mark(child);
}

/**
 * Writes a trajectory that is not yet in the file, with the settings and overview tables its
 * `config.hdf5` leaves ask for (`fallback` where it has none).
 */
export function writeNewTrajectory(f: H5File, traj: Trajectory, memory: OverviewMemory, fallback: Hdf5Settings, onlyInit = false): AfterWrite {
  if (listTrajectories(f).includes(traj.v_name)) {
    throw new StorageError(
      `The file '${f.path}' already holds a trajectory named '${traj.v_name}'; load it with f_load, or store under another name.`,
      { file: f.path, path: traj.v_name },
    );
  }
  writeGroupNode(f, traj.v_name, '', { comment: traj.v_comment, annotations: Object.fromEntries(traj.v_annotations.typedEntries()) });
  writeInfo(f, traj.v_name, infoOf(traj));
  createRuns(f, traj.v_name, runRows(traj, 0), traj.v_time);
  writeExplorations(f, traj.v_name, [...trajectoryState(traj).explored.keys()]);
  const settings = settingsOf(traj, fallback);
  writeHdf5Settings(f, traj.v_name, settings);
  createOverviewTables(f, traj.v_name, settings);
  if (!onlyInit) withOverview(f, traj.v_name, memory, (rows) => writeRecords(f, traj.v_name, withoutBareBranches(traj, iterSubtreeRecords(traj)), rows));
  return () => {
    trajectoryState(traj).runs.markStored();
    if (!onlyInit) markStored(traj);
    nodeState(traj).stored = true;
  };
}

/** Writes what changed in a trajectory already in the file (new nodes, new items, runs). */
export function writeTrajectoryUpdates(f: H5File, traj: Trajectory, memory: OverviewMemory): AfterWrite {
  const name = traj.v_name;
  writeGroupNode(f, name, '', { comment: traj.v_comment, annotations: Object.fromEntries(traj.v_annotations.typedEntries()) });
  writeInfo(f, name, infoOf(traj));
  const onDisk = runCount(f, name);
  if (traj.v_length < onDisk) {
    throw new StorageError(`The trajectory '${name}' has ${traj.v_length} runs in memory but ${onDisk} in '${f.path}'; runs cannot be removed from a stored trajectory.`, { file: f.path });
  }
  writeChangedRuns(f, traj, onDisk);
  if (traj.v_length > onDisk) appendRuns(f, name, runRows(traj, onDisk));
  writeExplorations(f, name, [...trajectoryState(traj).explored.keys()]);
  const records: NodeRecord[] = [];
  const annotated: NNNode[] = [];
  collectUnstored(traj, records, f, name, annotated);
  withOverview(f, name, memory, (rows) => writeRecords(f, name, records, rows));
  // Annotations set on stored nodes (`node.v_annotations.info = …`) are written, as pypet adds new ones.
  for (const node of annotated) writeNodeAnnotations(f, name, node.v_full_name, nodeState(node).annotations?.typedEntries() ?? []);
  return () => {
    trajectoryState(traj).runs.markStored();
    markStored(traj);
  };
}

/**
 * Rows of changed runs written by one call of {@link updateRuns} (~46 MB of rows at most, of
 * which only the `completed` flags of their span are read back).
 */
const CHANGED_BLOCK = 65_536;

/**
 * Writes the stored runs (below `onDisk`) that changed since the run table was last stored, and
 * only those: the stored table is not read back and compared (issue 13: at the end of a
 * million-run exploration that took 6.5 s and ~200 MB). A run the file knows as completed is
 * never marked not completed: memory takes the file's row instead (the file may have been
 * written by an Environment since this trajectory was loaded).
 */
function writeChangedRuns(f: H5File, traj: Trajectory, onDisk: number): void {
  const name = traj.v_name;
  const runs = trajectoryState(traj).runs;
  let block: number[] = [];
  const flush = (): void => {
    if (block.length === 0) return;
    const done = completedInFile(f, name, block);
    const rows: RunInfo[] = [];
    for (const i of block) {
      const mine = runs.get(i);
      if (mine.completed === 1 || !done.has(i)) rows.push(toRunRow(mine));
      else for (const row of readRuns(f, name, [i, i + 1])) {
        const { idx: _idx, name: _name, ...info } = fromRunRow(row);
        runs.update(i, info, true);
      }
    }
    if (rows.length > 0) updateRuns(f, name, rows);
    block = [];
  };
  for (const i of runs.changedRuns()) {
    if (i >= onDisk) break;
    block.push(i);
    if (block.length >= CHANGED_BLOCK) flush();
  }
  flush();
}

/** The trajectory's runs from `start` on as `overview/runs` rows, made one at a time. */
function* runRows(traj: Trajectory, start: number): Generator<RunInfo> {
  for (const r of trajectoryState(traj).runs.records(start)) yield toRunRow(r);
}

/**
 * Records of nodes never stored, plus stored parameters whose range grew and results with new
 * items; stored nodes whose annotations changed go to `annotated`.
 */
function collectUnstored(group: NNGroupNode, out: NodeRecord[], f: H5File, traj: string, annotated: NNNode[]): void {
  for (const child of groupState(group).children.values()) {
    if (!nodeState(child).stored && child.v_is_leaf) {
      // The `config.hdf5.*` defaults a trajectory got from its service, loaded without its config:
      // the file's own settings stay (pypet, too, leaves data it finds on disk alone).
      if (child.v_full_name.startsWith('config.hdf5.') && f.exists(nodePath(traj, child.v_full_name))) {
        nodeState(child).stored = true;
        continue;
      }
      out.push(leafToRecord(child as NNLeafNode));
      continue;
    }
    if (!nodeState(child).stored) {
      // A group not stored yet (e.g. a branch group after a load that skipped its branch): its
      // children say themselves whether they are stored, such as what a run committed already.
      out.push(groupToRecord(child as NNGroupNode));
      collectUnstored(child as NNGroupNode, out, f, traj, annotated);
      continue;
    }
    if (nodeState(child).annotations?.[ANNOTATIONS_CHANGED]) annotated.push(child);
    if (child.v_is_leaf) {
      const leaf = child as NNLeafNode;
      if (leaf instanceof BaseParameter && leaf.v_explored) {
        // f_expand (or exploring after storing) lengthens the range: append what is new.
        const path = nodePath(traj, leaf.v_full_name);
        const onDisk = storedRangeLength(f, path);
        const record = leafToRecord(leaf);
        if (onDisk < leaf.f_get_range_length() && record.data?.kind === 'parameter') {
          const write = toLeafWrite(record);
          if (write.data?.kind === 'parameter') extendParameterRange(f, path, leaf.f_get_class_name(), write.data, onDisk, `'${leaf.v_full_name}'`);
        }
      }
      if (!(leaf instanceof BaseParameter) && !leaf.f_is_empty()) {
        // pypet stores only new items of a stored result; existing ones need { overwrite }.
        const record = leafToRecord(leaf);
        const path = nodePath(traj, leaf.v_full_name);
        if (record.data?.kind === 'result') {
          const fresh = record.data.items.filter(([k]) => !f.exists(joinPath(path, ...k.split('.'))));
          if (fresh.length > 0) out.push({ ...record, data: { kind: 'result', items: fresh } });
        }
      }
    } else {
      collectUnstored(child as NNGroupNode, out, f, traj, annotated);
    }
  }
  for (const [name, target] of groupState(group).links) {
    out.push({ type: 'link', fullName: group.v_full_name ? `${group.v_full_name}.${name}` : name, target: target.v_full_name });
  }
}

/**
 * Writes the given nodes (and the groups above them). As in pypet, a stored result only gains the
 * items that are not on disk yet; replacing stored items needs `overwrite` (a file rewrite).
 */
export function writeItems(f: H5File, traj: Trajectory, nodes: readonly NNNode[], memory: OverviewMemory): void {
  const records: NodeRecord[] = [];
  for (const node of nodes) {
    if (node.v_is_root) continue;
    if (!node.v_is_leaf) {
      records.push(groupToRecord(node as NNGroupNode));
      continue;
    }
    const record = leafToRecord(node as NNLeafNode);
    const path = nodePath(traj.v_name, node.v_full_name);
    if (record.data?.kind === 'result' && f.exists(path)) {
      const fresh = record.data.items.filter(([k]) => !f.exists(joinPath(path, ...k.split('.'))));
      records.push({ ...record, data: { kind: 'result', items: fresh } });
    } else if (record.data?.kind === 'parameter' && f.exists(path) && f.childNames(path).length > 0) {
      records.push({ ...record, data: undefined }); // stored parameter data stays; metadata is refreshed
    } else {
      records.push(record);
    }
  }
  withOverview(f, traj.v_name, memory, (rows) => writeRecords(f, traj.v_name, records, rows));
  for (const node of nodes) nodeState(node).stored = true;
}

const FAILURES = 'h5traj_run_failures';

/** Appends failure rows to `overview/h5traj_run_failures` (ignored by pypet). */
function writeFailures(f: H5File, traj: string, failures: readonly RunFailure[]): void {
  if (failures.length === 0) return;
  const path = joinPath('/', traj, 'overview', FAILURES);
  const cut = (s: string, n: number) => {
    const b = Buffer.from(s, 'utf8');
    return b.length <= n ? s : b.subarray(0, n).toString('utf8').replace(/\uFFFD$/, '');
  };
  const data = {
    idx: failures.map((x) => x.idx),
    timestamp: failures.map((x) => x.timestamp),
    message: failures.map((x) => cut(x.message, 1024)),
    stack: failures.map((x) => cut(x.stack, 4096)),
  };
  if (f.exists(path)) appendTableRows(f, path, data);
  else {
    createTable(f, path, [
      { name: 'idx', type: I32 },
      { name: 'timestamp', type: F64 },
      { name: 'message', type: fixedString(1024, 'utf8') },
      { name: 'stack', type: fixedString(4096, 'utf8') },
    ], data);
  }
}

/**
 * Run indices the file already holds as completed, among `indices` (sorted): read from the one
 * span of `overview/runs` they cover, so a commit costs what it adds, not the whole table.
 */
function completedInFile(f: H5File, name: string, indices: readonly number[]): Set<number> {
  if (indices.length === 0) return new Set();
  const done = new Set<number>();
  forEachCompletedRun(f, name, [indices[0]!, indices[indices.length - 1]! + 1], (idx) => done.add(idx));
  return done;
}

/**
 * Writes an Environment commit: the runs' nodes and rows, failures, and other new nodes. A run
 * the file already holds as completed is left out: the file, not the committer's memory, says
 * what is done, so a commit repeated after a crash, or made by a second process that loaded the
 * trajectory before the first one finished, never writes a run twice.
 */
export function writeCommit(f: H5File, name: string, commit: Commit, memory: OverviewMemory): void {
  // Runs finish out of order on worker threads; writing them in run order keeps the file the
  // same as a serial run's (pypet keeps a repeated comment only on the first leaf written).
  const sorted = [...commit.runs].sort((a, b) => a.idx - b.idx);
  const done = completedInFile(f, name, sorted.map((r) => r.idx));
  const runs = sorted.filter((r) => !done.has(r.idx));
  withOverview(f, name, memory, (rows) => {
    for (const run of runs) writeRecords(f, name, run.records, rows);
    if (runs.length > 0) {
      updateRuns(f, name, runs.map((r) => toRunRow({ ...r.info, idx: r.idx, name: runName(r.idx) })));
    }
    writeRecords(f, name, commit.nodes, rows);
  });
  writeFailures(f, name, commit.failures);
}

export { FAILURES as FAILURES_TABLE };
