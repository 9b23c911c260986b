/**
 * Skipping work already done (batchpy's idea): every run is identified by a stable hash of its
 * parameter values, so a run whose values were already computed — earlier in this trajectory, or
 * in another trajectory file — can take over those stored results instead of running again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { BaseParameter } from '../leaves/parameter.js';
import { groupState, type NNGroupNode } from '../tree/group.js';
import { runName, runSetName } from '../tree/names.js';
import { pythonRepr } from '../values/python-repr.js';
import { groupToRecord, subtreeRecords, type NodeRecord } from '../trajectory/records.js';
import { Result } from '../leaves/result.js';
import type { NNLeafNode } from '../tree/leaf-node.js';
import { Trajectory } from '../trajectory/trajectory.js';
import type { CompletedRunEntry } from './journal.js';
import { pushAll } from '../fold.js';
import { nodeState } from '../tree/node.js';
import { trajectoryState } from '../trajectory/state.js';

/**
 * The hash of run `idx`: SHA-1 over every parameter's full name, type and value in that run,
 * sorted by name. Equal parameter values give equal hashes in any trajectory.
 */
export function runHash(traj: Trajectory, idx: number): string {
  const lines: string[] = [];
  const params = groupState(traj).children.get('parameters') as NNGroupNode | undefined;
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

/** Renames a record of run `from` to run `to` (run and run-set names of nodes and of result items). */
function renameRecord(rec: NodeRecord, from: number, to: number): NodeRecord {
  const map = (full: string) =>
    full
      .split('.')
      .map((p) => (p === runName(from) ? runName(to) : p === runSetName(from) ? runSetName(to) : p))
      .join('.');
  if (rec.type === 'link') return { ...rec, fullName: map(rec.fullName), target: map(rec.target) };
  // `f_add_result('neuron.$', v)` names the item like the leaf, i.e. after the run.
  if (rec.type === 'leaf' && rec.data?.kind === 'result') {
    return { ...rec, fullName: map(rec.fullName), data: { kind: 'result', items: rec.data.items.map(([k, v]) => [map(k), v]) } };
  }
  return { ...rec, fullName: map(rec.fullName) };
}

/** A stored trajectory's results and derived parameters without data, and its links by name. */
interface Skeleton {
  traj: Trajectory;
  linksNamed: Map<string, NNGroupNode[]>;
}

/**
 * The skeleton of a stored trajectory, in a trajectory object of its own so that the
 * Environment's tree stays as it is.
 */
function skeletonOf(traj: Trajectory): Skeleton {
  const name = traj.v_name;
  const t = new Trajectory(name, { add_time: false, filename: traj.v_filename!, dynamic_imports: trajectoryState(traj).dynamicImports });
  t.f_load({ name, load_parameters: 1, load_derived_parameters: 1, load_results: 1, load_other_data: 0, force: true });
  const linksNamed = new Map<string, NNGroupNode[]>();
  for (const node of t.f_iter_nodes()) {
    if (node.v_is_leaf) continue;
    for (const link of groupState(node as NNGroupNode).links.keys()) linksNamed.set(link, [...(linksNamed.get(link) ?? []), node as NNGroupNode]);
  }
  return { traj: t, linksNamed };
}

/**
 * The stored nodes of run `idx`, wherever they are (`results.runs.run_X`, `results.neuron.run_X`,
 * `derived_parameters.dp.run_X`, links named `run_X`: everything a run may add), loaded with
 * data, with the groups above them; each leaf's data is released again once recorded.
 */
function runRecords(skeleton: Skeleton, idx: number): NodeRecord[] {
  const rn = runName(idx);
  const own = [...(trajectoryState(skeleton.traj).index.get(rn) ?? [])].filter((n) => n.v_branch === 'results' || n.v_branch === 'derived_parameters');
  const mine = new Set(own);
  const above = new Map<string, NodeRecord>();
  const out: NodeRecord[] = [];
  const addAbove = (from: NNGroupNode | undefined): void => {
    for (let g = from; g && g.v_depth > 1; g = nodeState(g).parent) above.set(g.v_full_name, groupToRecord(g));
  };
  for (const top of own) {
    let up = nodeState(top).parent;
    while (up && !mine.has(up)) up = nodeState(up).parent;
    if (up) continue; // inside another node of this run, recorded with it
    addAbove(nodeState(top).parent);
    const leaves = top.v_is_leaf ? [top as NNLeafNode] : [...(top as NNGroupNode).f_iter_leaves()];
    skeleton.traj.f_load_items(leaves);
    pushAll(out, subtreeRecords(top));
    for (const leaf of leaves) if (leaf instanceof Result) leaf.f_empty();
  }
  for (const group of skeleton.linksNamed.get(rn) ?? []) {
    addAbove(group);
    out.push({ type: 'link', fullName: `${group.v_full_name}.${rn}`, target: groupState(group).links.get(rn)!.v_full_name });
  }
  const groups = [...above.values()].sort((a, b) => a.fullName.split('.').length - b.fullName.split('.').length);
  return [...groups, ...out.filter((r) => r.type !== 'link'), ...out.filter((r) => r.type === 'link')];
}

/**
 * For the pending runs of `traj`, entries that reuse results of completed runs with the same
 * parameter values, found in `traj` itself and in the trajectories of `files`.
 */
export function findReusableRuns(traj: Trajectory, pending: Iterable<number>, files: readonly string[]): CompletedRunEntry[] {
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
  const skeletons = new Map<Trajectory, Skeleton>();
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
      records: runRecords(skeletons.get(source.traj) ?? skeletons.set(source.traj, skeletonOf(source.traj)).get(source.traj)!, source.idx).map((r) =>
        renameRecord(r, source.idx, idx),
      ),
    });
  }
  return entries;
}
