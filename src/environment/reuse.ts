/**
 * Skipping work already done (batchpy's idea): every run is identified by a stable hash of its
 * parameter values, so a run whose values were already computed — earlier in this trajectory, or
 * in another trajectory file — can take over those stored results instead of running again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { BaseParameter } from '../leaves/parameter.js';
import type { NNGroupNode } from '../tree/group.js';
import { runName, runSetName } from '../tree/names.js';
import { pythonRepr } from '../trajectory/python-repr.js';
import { subtreeRecords, type NodeRecord } from '../trajectory/records.js';
import { Trajectory } from '../trajectory/trajectory.js';
import type { CompletedRunEntry } from './journal.js';

/**
 * The hash of run `idx`: SHA-1 over every parameter's full name, type and value in that run,
 * sorted by name. Equal parameter values give equal hashes in any trajectory.
 */
export function runHash(traj: Trajectory, idx: number): string {
  const lines: string[] = [];
  const params = traj._children.get('parameters') as NNGroupNode | undefined;
  for (const leaf of params?.f_iter_leaves() ?? []) {
    if (!(leaf instanceof BaseParameter) || leaf.f_is_empty()) continue;
    const value = leaf.v_explored ? leaf.f_get_range(false)[idx] : leaf.f_get_default();
    lines.push(`${leaf.v_full_name}\t${JSON.stringify(leaf.v_value_type)}\t${pythonRepr(value, leaf.v_value_type)}`);
  }
  lines.sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

/** Where a completed run with a given hash can be found. */
interface Source {
  traj: Trajectory;
  idx: number;
}

/** Completed runs of a trajectory, by hash. */
function completedRuns(traj: Trajectory, into: Map<string, Source>): void {
  for (let i = 0; i < traj.v_length; i++) {
    if (!traj.f_is_completed(i)) continue;
    const h = runHash(traj, i);
    if (!into.has(h)) into.set(h, { traj, idx: i });
  }
}

/** Renames a record of run `from` to run `to` (run and run-set group names). */
function renameRecord(rec: NodeRecord, from: number, to: number): NodeRecord {
  const map = (full: string) =>
    full
      .split('.')
      .map((p) => (p === runName(from) ? runName(to) : p === runSetName(from) ? runSetName(to) : p))
      .join('.');
  return rec.type === 'link' ? { ...rec, fullName: map(rec.fullName), target: map(rec.target) } : { ...rec, fullName: map(rec.fullName) };
}

/** The stored nodes of a run (results and derived parameters), loaded with data. */
function runRecords(source: Source): NodeRecord[] {
  const { traj, idx } = source;
  const out: NodeRecord[] = [];
  for (const where of ['results', 'derived_parameters']) {
    const branch = traj._children.get(where) as NNGroupNode;
    let runs = branch._childOrLink('runs') as NNGroupNode | undefined;
    if (!runs) runs = traj._autoLoadChild(branch, 'runs') as NNGroupNode | undefined;
    if (!runs) continue;
    const present = runs._childOrLink(runName(idx));
    const group = present ?? traj.v_storage_service?.loadChild(traj, runs, runName(idx), true, 2);
    if (!group) continue;
    out.push(...subtreeRecords(group));
    if (!present) runs._detach(group);
  }
  return out;
}

/**
 * For the pending runs of `traj`, entries that reuse results of completed runs with the same
 * parameter values, found in `traj` itself and in the trajectories of `files`.
 */
export function findReusableRuns(traj: Trajectory, pending: readonly number[], files: readonly string[]): CompletedRunEntry[] {
  const sources = new Map<string, Source>();
  completedRuns(traj, sources);
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const probe = new Trajectory('h5traj_reuse', { add_time: false, filename: file });
    const names = (probe.v_storage_service as unknown as { listTrajectories(): string[] }).listTrajectories();
    for (const name of names) {
      const other = new Trajectory(name, { add_time: false, filename: file });
      other.f_load({ name, load_parameters: 2, load_derived_parameters: 0, load_results: 0, load_other_data: 0, force: true });
      completedRuns(other, sources);
    }
  }
  const entries: CompletedRunEntry[] = [];
  for (const idx of pending) {
    const source = sources.get(runHash(traj, idx));
    if (!source || (source.traj === traj && source.idx === idx)) continue;
    const info = source.traj.f_get_run_information(source.idx);
    entries.push({
      kind: 'run',
      idx,
      info: {
        completed: 1,
        time: info.time,
        timestamp: info.timestamp,
        finish_timestamp: info.finish_timestamp,
        runtime: info.runtime,
        parameter_summary: traj._parameterSummary(idx),
        short_environment_hexsha: info.short_environment_hexsha,
      },
      records: runRecords(source).map((r) => renameRecord(r, source.idx, idx)),
    });
  }
  return entries;
}
