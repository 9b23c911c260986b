/**
 * Children a group knows to exist in storage but has not put in memory yet: a skeleton load of a
 * trajectory with a million runs lists `results.runs` without creating a million run groups. The
 * group asks its {@link LazyChildren} when a name is not among its children in memory, so natural
 * naming, `f_get` and dotted paths find a run's group as if it had been loaded all along; a full
 * iteration over the group's children loads them all first.
 */
import type { GroupState, NNGroupNode } from './group.js';
import { NODE_STATE, type NNNode } from './node.js';

// Not group.ts's groupState(): group.ts imports this module, and a type import keeps it one-way.
const groupState = (group: NNGroupNode): GroupState => group[NODE_STATE];

/**
 * What a group needs of a source of children not loaded yet (see `trajectory/lazy-runs.ts`). The
 * children are run groups (`run_XXXXXXXX`): a search while the tree is viewed as one run loads
 * only that run's.
 */
export interface LazyChildren {
  /** How many children are still only in storage. */
  readonly pending: number;
  /** Whether `name` is a child still only in storage. */
  has(name: string): boolean;
  /**
   * Loads the child `name` (and its subtree, as a skeleton) into `group`, if it is still only in
   * storage, and returns it; undefined otherwise. Loads each child at most once.
   */
  load(group: NNGroupNode, name: string): NNNode | undefined;
  /** Detaches the loaded child `child` of `group` and lists it as only in storage again, if it was stored. */
  unload?(group: NNGroupNode, child: NNNode): void;
  /** The names of the children still only in storage, in storage order. */
  names(): IterableIterator<string>;
}

// The groups of each tree that have children only in storage, so that a search need not walk the
// whole tree to find them. Weak: a tree that is gone takes its entry along.
const LAZY_GROUPS = new WeakMap<object, Set<NNGroupNode>>();

/**
 * Gives `group` (attached to a tree) a source of children still in storage; the tree asks it for
 * names it does not hold.
 */
export function setLazyChildren(group: NNGroupNode, lazy: LazyChildren): void {
  const state = groupState(group);
  state.lazy = lazy;
  const root = state.root;
  if (!root) return;
  let groups = LAZY_GROUPS.get(root);
  if (!groups) LAZY_GROUPS.set(root, (groups = new Set()));
  groups.add(group);
}

/** The groups at or below `start` that still have children only in storage. */
export function lazyGroupsBelow(start: NNGroupNode): NNGroupNode[] {
  const root = groupState(start).root;
  const groups = root ? LAZY_GROUPS.get(root) : undefined;
  if (!groups) return [];
  const out: NNGroupNode[] = [];
  const prefix = start.v_full_name === '' ? '' : `${start.v_full_name}.`;
  for (const g of groups) {
    const state = groupState(g);
    if (!state.lazy || state.lazy.pending === 0 || state.root !== root) {
      groups.delete(g);
      continue;
    }
    if (g === start || g.v_full_name.startsWith(prefix)) out.push(g);
  }
  return out;
}

/** Loads every child still in storage of `group` (a full iteration over its children needs them). */
export function loadAllLazy(group: NNGroupNode): void {
  const lazy = groupState(group).lazy;
  if (!lazy || lazy.pending === 0) return;
  for (const name of lazy.names()) lazy.load(group, name);
}
