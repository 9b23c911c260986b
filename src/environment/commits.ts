/**
 * Journal entries into the trajectory's file: the commit they make (runs the trajectory has
 * completed already left out), written through the storage service — in this thread, or in the
 * writer thread, which wraps the same service — and then the runs marked completed in memory.
 */
import type { Commit } from '../trajectory/storage-service.js';
import type { NodeRecord } from '../trajectory/records.js';
import { trajectoryState } from '../trajectory/state.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { BackgroundWriter } from './background-writer.js';
import type { JournalEntry } from './journal.js';
import { buffersIn } from './wire.js';

/** The commit of journaled entries and other new nodes, or undefined when there is nothing to write. */
function commitOf(traj: Trajectory, entries: readonly JournalEntry[], nodes: NodeRecord[]): Commit | undefined {
  const commit: Commit = { runs: [], failures: [], nodes };
  for (const e of entries) {
    if (e.idx >= traj.v_length) continue;
    if (e.kind === 'run') {
      if (!traj.f_is_completed(e.idx)) commit.runs.push({ idx: e.idx, info: e.info, records: e.records });
    } else {
      commit.failures.push(e);
    }
  }
  return commit.runs.length === 0 && commit.failures.length === 0 && nodes.length === 0 ? undefined : commit;
}

/**
 * Marks the committed runs completed in memory; the commit wrote their rows, so the next
 * `f_store` need not (it writes only the rows changed since).
 */
function applyCommit(traj: Trajectory, commit: Commit): void {
  const runs = trajectoryState(traj).runs;
  for (const r of commit.runs) runs.update(r.idx, r.info, true);
}

/** Writes journaled entries and nodes into the file (atomically) and marks the runs completed in memory. */
export function commitEntries(traj: Trajectory, entries: readonly JournalEntry[], nodes: NodeRecord[] = []): void {
  const commit = commitOf(traj, entries, nodes);
  if (!commit) return;
  traj.v_storage_service!.commit(traj, commit);
  applyCommit(traj, commit);
}

/** {@link commitEntries} through the writer thread: settled once written; undefined when there is nothing to write. */
export function commitInBackground(writer: BackgroundWriter, traj: Trajectory, entries: readonly JournalEntry[]): Promise<void> | undefined {
  const commit = commitOf(traj, entries, []);
  if (!commit) return undefined;
  // The records' arrays move to the writer thread; what the runs returned stays usable here.
  const returned = new Set<ArrayBufferLike>();
  for (const e of entries) if (e.kind === 'run') for (const b of buffersIn(e.returned)) returned.add(b);
  return writer.commit(commit, returned).then(() => applyCommit(traj, commit));
}
