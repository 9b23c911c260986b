/**
 * Walks over the trajectory's branches: the collections (`f_get_parameters`, `f_get_results`, …),
 * locking parameters, whether the trajectory is empty, and removing items from memory.
 */
import { InvalidArgumentError } from '../errors.js';
import { BaseParameter } from '../leaves/parameter.js';
import { groupState, type NNGroupNode } from '../tree/group.js';
import type { NNLeafNode } from '../tree/leaf-node.js';
import { nodeState, type NNNode } from '../tree/node.js';
import type { TrajectoryCore } from './state.js';
import type { CollectOptions } from './trajectory-options.js';

/** The group of a top-level branch, if the trajectory has it. */
function branchGroup(traj: TrajectoryCore, branch: string): NNGroupNode | undefined {
  return groupState(traj).children.get(branch) as NNGroupNode | undefined;
}

/**
 * The leaves of a branch by full name (their values with `fast_access`), those `filter` keeps.
 * @throws InvalidArgumentError for `fast_access` with `copy: false`.
 */
export function collectBranch(traj: TrajectoryCore, branch: string, options: CollectOptions, filter: (l: NNLeafNode) => boolean = () => true): Record<string, unknown> {
  if (options.copy === false && options.fast_access) {
    throw new InvalidArgumentError('fast_access needs copy: true, because values are copies by nature.');
  }
  const group = branchGroup(traj, branch);
  const out: Record<string, unknown> = {};
  if (!group) return out;
  for (const leaf of group.f_iter_leaves()) {
    if (filter(leaf)) out[leaf.v_full_name] = options.fast_access ? leaf._fastAccess() : leaf;
  }
  return out;
}

/** Locks every non-empty parameter of a branch. */
export function lockBranch(traj: TrajectoryCore, branch: string): void {
  const group = branchGroup(traj, branch);
  if (!group) return;
  for (const leaf of group.f_iter_leaves()) if (leaf instanceof BaseParameter && !leaf.f_is_empty()) leaf.f_lock();
}

/** Whether the trajectory holds no parameters and no results (config is ignored). */
export function isEmpty(traj: TrajectoryCore): boolean {
  for (const branch of ['parameters', 'results', 'derived_parameters']) {
    const group = branchGroup(traj, branch);
    if (group && group.f_iter_leaves().next().done === false) return false;
  }
  return true;
}

/**
 * Removes items from memory (not from disk), each found by `nodeOf` when its turn comes; with
 * `removeEmptyGroups`, the groups they leave empty too.
 */
export function removeItems<I>(items: Iterable<I>, nodeOf: (item: I) => NNNode, removeEmptyGroups: boolean): void {
  for (const item of items) {
    const node = nodeOf(item);
    let parent = nodeState(node).parent;
    if (!parent) continue;
    parent._detach(node);
    if (!removeEmptyGroups) continue;
    for (let up = nodeState(parent).parent; up && !parent.f_has_children() && parent.v_depth > 1; up = nodeState(parent).parent) {
      up._detach(parent);
      parent = up;
    }
  }
}
