/**
 * A group's shared state: its children and links, behind the node's state symbol. Apart from
 * `group.ts` so that the modules doing a group's jobs (children, searching) reach the state
 * without importing the group class at run time.
 */
import type { NNGroupNode } from './group.js';
import type { LazyChildren } from './lazy-children.js';
import { NODE_STATE, type NNNode, type NodeState } from './node.js';

/**
 * What h5traj's modules share of a group besides its {@link NodeState}: its children and links.
 * - `children`: only `tree/` adds and removes children (`_attachChild`, `_detach`); others read.
 * - `links`: the tree, loading, run records and the run executor set and delete links through
 *   this map; it is a LinkMap, so every change reaches the root's link index.
 * - `lazy`: children still only in storage (see `lazy-children.ts`); loading sets it, through
 *   `setLazyChildren`. `children` holds only what is in memory.
 */
export interface GroupState extends NodeState {
  readonly children: Map<string, NNNode>;
  readonly links: Map<string, NNNode>;
  lazy: LazyChildren | undefined;
}

/**
 * A group's shared state (see {@link GroupState} for who may change what).
 * @example for (const [name, target] of groupState(group).links) …
 */
export function groupState(group: NNGroupNode): GroupState {
  return group[NODE_STATE];
}
