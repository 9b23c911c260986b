/**
 * The one walk from a branch to a run's group (`results.runs.run_00000003`): `f_get_from_runs`,
 * a run's result values (records, reuse) and the CLI's run readers all go this way, loading from
 * storage what is not in memory and telling the caller what it loaded, so that a scan over many
 * runs can drop each run again and keep memory flat.
 */
import { NotFoundError } from '../errors.js';
import type { NNGroupNode } from '../tree/group.js';
import { groupState } from '../tree/group.js';
import { runName } from '../tree/names.js';
import { nodeState, type NNNode } from '../tree/node.js';
import type { TrajectoryCore } from './state.js';

/**
 * How a walk loads what is not in memory: not at all (`false`); node by node, as natural
 * naming's auto-load does (`'node'`); or a run's whole skeleton in one read (`'subtree'`, for
 * scans that then look at several names in each run).
 */
export type RunLoad = false | 'node' | 'subtree';

/** A run's group, and whether this walk loaded it (then the caller drops it again when done). */
export interface FoundRunGroup {
  group: NNGroupNode;
  loaded: boolean;
}

const asGroup = (node: NNNode | undefined): NNGroupNode | undefined => (node && !node.v_is_leaf ? (node as NNGroupNode) : undefined);

/** `<where>.runs`, the group holding the run groups (loaded as a skeleton node unless `load` is false), or undefined. */
export function runsGroup(traj: TrajectoryCore, where: string, load: RunLoad): NNGroupNode | undefined {
  const branch = asGroup(groupState(traj).children.get(where));
  if (!branch) return undefined;
  return asGroup(branch._childOrLink('runs') ?? (load ? traj._autoLoadChild(branch, 'runs') : undefined));
}

/**
 * The group of run `idx` below `runs` (see {@link runsGroup}), loaded as `load` says, or undefined.
 * @example const found = runGroup(traj, runs, 3, 'node'); … if (found?.loaded) runs._detach(found.group);
 */
export function runGroup(traj: TrajectoryCore, runs: NNGroupNode, idx: number, load: RunLoad): FoundRunGroup | undefined {
  const name = runName(idx);
  const inMemory = runs._childOrLink(name);
  if (inMemory) return inMemory.v_is_leaf ? undefined : { group: inMemory as NNGroupNode, loaded: false };
  let group: NNGroupNode | undefined;
  if (load === 'node') group = asGroup(traj._autoLoadChild(runs, name));
  else if (load === 'subtree' && nodeState(traj).stored) {
    try {
      group = asGroup(runs.f_load_child(name, { recursive: true, load_data: 1 }));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return group ? { group, loaded: true } : undefined;
}

/**
 * Drops a run group that a scan loaded from `runs` again (storage still has it): a run group
 * still listed as only in storage (`lazy-runs.ts`) becomes so again, any other is detached.
 */
export function releaseRunGroup(runs: NNGroupNode, group: NNGroupNode): void {
  const lazy = groupState(runs).lazy;
  if (lazy?.unload) lazy.unload(runs, group);
  else runs._detach(group);
}
