/**
 * A group's children: attaching and detaching them (with their subtrees), keeping the root's
 * node and link indexes current on the way, and walking them (`f_iter_nodes`, `f_to_dict`).
 * Only `tree/` changes a group's children, through these functions (see `group-state.ts`).
 */
import { loadAllLazy } from './lazy-children.js';
import { InvalidArgumentError, NodeExistsError, NotFoundError } from '../errors.js';
import { groupState } from './group-state.js';
import type { GroupRoot, NNGroupNode } from './group.js';
import type { NNLeafNode } from './leaf-node.js';
import { nodeState, type NNNode } from './node.js';
import { inOtherRun } from './search.js';

/** The full name a child `name` of `group` has. */
export function childFullName(group: NNGroupNode, name: string): string {
  return group.v_full_name === '' ? name : `${group.v_full_name}.${name}`;
}

/**
 * Attaches a detached node as child `name` of `group`; a subtree attached at once (e.g. loaded)
 * registers all its nodes and links with the root.
 * @throws NodeExistsError when `group` has a child or link of that name.
 */
export function attachChild<N extends NNNode>(group: NNGroupNode, node: N, name: string): N {
  const { root, children, links } = groupState(group);
  if (children.has(name) || links.has(name)) {
    throw new NodeExistsError(`'${childFullName(group, name)}' already exists.`, { path: childFullName(group, name) });
  }
  node._rename(name);
  node._attach(group, root);
  children.set(name, node);
  root?._nodeAdded(node);
  if (!node.v_is_leaf) {
    const sub = node as unknown as NNGroupNode;
    for (const below of reattachSubtree(sub)) root?._nodeAdded(below);
    indexLinks(sub, true);
  }
  return node;
}

/** Re-homes every node below `group` after it was attached; yields them. */
export function* reattachSubtree(group: NNGroupNode): IterableIterator<NNNode> {
  const { children, root } = groupState(group);
  for (const [name, child] of children) {
    child._rename(name);
    child._attach(group, root);
    yield child;
    if (!child.v_is_leaf) yield* reattachSubtree(child as NNGroupNode);
  }
}

/** Adds (or drops) the links of `group` and every group below to the root's link index. */
export function indexLinks(group: NNGroupNode, add: boolean): void {
  const root = nodeState(group).root as GroupRoot | undefined;
  if (!root) return;
  // Every group, whatever run the tree is viewed as.
  const stack: NNGroupNode[] = [group];
  for (let g = stack.pop(); g; g = stack.pop()) {
    for (const name of groupState(g).links.keys()) (add ? root._linkAdded(g, name) : root._linkRemoved(g, name));
    for (const child of groupState(g).children.values()) if (!child.v_is_leaf) stack.push(child as NNGroupNode);
  }
}

/** Detaches a child of `group` and its subtree from the root's indexes. */
export function detachChild(group: NNGroupNode, child: NNNode): void {
  const { root, children } = groupState(group);
  if (!child.v_is_leaf) {
    indexLinks(child as NNGroupNode, false);
    // Only what is in memory is indexed: children still only in storage stay there.
    for (const sub of [...(child as NNGroupNode)._loadedNodes()]) root?._nodeRemoved(sub);
  }
  root?._nodeRemoved(child);
  children.delete(child.v_name);
}

/**
 * Removes the child (or link) `name` of `group` from memory; a group with children only with
 * `recursive`.
 * @throws NotFoundError when there is no such child; InvalidArgumentError for a group with
 *   children without `recursive`.
 */
export function removeChild(group: NNGroupNode, name: string, recursive: boolean): void {
  const { children, links } = groupState(group);
  const child = children.get(name);
  if (!child) {
    if (links.delete(name)) return;
    throw new NotFoundError(`'${childFullName(group, name)}' does not exist, so it cannot be removed.`, { path: childFullName(group, name) });
  }
  if (!child.v_is_leaf && (child as NNGroupNode).f_has_children() && !recursive) {
    throw new InvalidArgumentError(
      `The group '${child.v_full_name}' has children; pass { recursive: true } to remove it with its subtree.`,
      { path: child.v_full_name },
    );
  }
  detachChild(group, child);
}

/** The nodes below `group`, depth first, leaving out other runs' subtrees while one run is viewed. */
export function* iterNodes(group: NNGroupNode, recursive: boolean): IterableIterator<NNNode> {
  const runIdx = nodeState(group).root?.v_idx ?? -1;
  loadAllLazy(group); // an iteration sees every child, those still only in storage too
  for (const child of groupState(group).children.values()) {
    if (inOtherRun(child.v_name, runIdx)) continue;
    yield child;
    if (recursive && !child.v_is_leaf) yield* iterNodes(child as NNGroupNode, true);
  }
}

/**
 * pypet's `f_to_dict`: the leaves as an object keyed by full name (or short name), leaves or
 * their values (`fast_access`).
 * @throws InvalidArgumentError when `short_names` is set and two leaves share a short name.
 */
export function leavesToDict(leaves: Iterable<NNLeafNode>, options: { fast_access?: boolean; short_names?: boolean }): Record<string, unknown> {
  const out = new Map<string, unknown>();
  const seen = new Map<string, string>();
  for (const leaf of leaves) {
    const key = options.short_names ? leaf.v_name : leaf.v_full_name;
    if (options.short_names && seen.has(key)) {
      throw new InvalidArgumentError(
        `Short names are not unique: '${seen.get(key)}' and '${leaf.v_full_name}' are both called '${key}'.`,
        { path: key },
      );
    }
    seen.set(key, leaf.v_full_name);
    out.set(key, options.fast_access ? leaf._fastAccess() : leaf);
  }
  // fromEntries defines own properties, so a leaf called '__proto__' stays a key.
  return Object.fromEntries(out);
}
