/**
 * Getting nodes from a group: `f_get`, `f_get_all` and `f_contains` with the root's defaults
 * (shortcuts, depth, the viewed run), loading missing parts on the way (auto-load), and a
 * not-found message that says where it looked. `search.ts` walks the tree; this module turns a
 * group's options into that walk and its result into what the caller asked for.
 */
import { NotFoundError } from '../errors.js';
import type { GetOptions } from './group-options.js';
import { groupState } from './group-state.js';
import { lazyGroupsBelow, loadAllLazy } from './lazy-children.js';
import type { GroupRoot, NNGroupNode } from './group.js';
import type { NNLeafNode } from './leaf-node.js';
import { runName, translateWildcards } from './names.js';
import { nodeState, type NNNode } from './node.js';
import { findAll, findNode, type SearchOptions } from './search.js';

/** The root as groups see it, if `group` is part of a trajectory. */
function rootOf(group: NNGroupNode): GroupRoot | undefined {
  return nodeState(group).root as GroupRoot | undefined;
}

/** The search options of a call from `group`: the call's, else the root's defaults. */
export function searchOptionsFor(group: NNGroupNode, options: GetOptions): SearchOptions {
  const root = rootOf(group);
  return {
    shortcuts: options.shortcuts ?? root?.v_shortcuts ?? true,
    max_depth: options.max_depth ?? root?.v_max_depth,
    backwards_search: options.backwards_search ?? false,
    runIdx: root?.v_idx ?? -1,
    ...(root?._searchIndex() ?? { index: new Map(), links: new Map() }),
  };
}

/**
 * Loads the children still only in storage of every group at or below `group` that a search
 * can see (viewed as a run, only that run's group); whether any were loaded.
 */
function loadLazyBelow(group: NNGroupNode): boolean {
  const idx = rootOf(group)?.v_idx ?? -1;
  let loaded = false;
  for (const g of lazyGroupsBelow(group)) {
    const lazy = groupState(g).lazy!;
    if (idx < 0) {
      loadAllLazy(g);
      loaded = true;
    } else if (lazy.has(runName(idx))) {
      loaded = lazy.load(g, runName(idx)) !== undefined || loaded;
    }
  }
  return loaded;
}

/** {@link NNGroupNode.f_get} without the options check (natural naming calls it on every access). */
export function getFrom<T>(group: NNGroupNode, name: string, options: GetOptions): T {
  const root = rootOf(group);
  const translated = translateWildcards(name, root?.v_idx ?? -1);
  const autoLoad = options.auto_load ?? false;
  let node = findNode(group, translated, searchOptionsFor(group, options));
  // A shortcut may lead into children still only in storage: load them and look again.
  if (!node && loadLazyBelow(group)) node = findNode(group, translated, searchOptionsFor(group, options));
  if (!node && autoLoad && root) node = autoLoadPath(group, root, translated);
  if (!node) throw notFound(group, translated, options);
  if (node.v_is_leaf) {
    const leaf = node as NNLeafNode;
    if (autoLoad && leaf.f_is_empty() && root) root._autoLoadData(leaf);
    if (options.fast_access) return leaf._fastAccess() as T;
  }
  return node as T;
}

/** Follows a dotted name from `group`, loading each missing part from storage. */
function autoLoadPath(group: NNGroupNode, root: GroupRoot, name: string): NNNode | undefined {
  let node: NNNode = group;
  for (const part of name.split('.')) {
    if (node.v_is_leaf) return undefined;
    const g = node as NNGroupNode;
    const next = g._childOrLink(part) ?? root._autoLoadChild(g, part);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

function notFound(group: NNGroupNode, name: string, options: GetOptions): NotFoundError {
  const root = rootOf(group);
  const where = group.v_full_name === '' ? 'the trajectory' : `'${group.v_full_name}'`;
  const how = (options.shortcuts ?? root?.v_shortcuts ?? true) ? 'anywhere below' : 'directly under';
  const run = (root?.v_idx ?? -1) >= 0 ? ` (viewing run ${runName(root!.v_idx)}, other runs are hidden)` : '';
  const children = [...groupState(group).children.keys()];
  const hint = children.length > 0 && children.length <= 12 ? ` Its children are: ${children.join(', ')}.` : '';
  return new NotFoundError(`No node named '${name}' was found ${how} ${where}${run}.${hint}`, { path: name });
}

/** {@link NNGroupNode.f_get_all} without the options check. */
export function getAllFrom(group: NNGroupNode, name: string, options: { max_depth?: number }): NNNode[] {
  loadLazyBelow(group);
  const translated = translateWildcards(name, rootOf(group)?.v_idx ?? -1);
  return findAll(group, translated, searchOptionsFor(group, { max_depth: options.max_depth }));
}

/** {@link NNGroupNode.f_contains} without the options check. */
export function containsFrom(
  group: NNGroupNode,
  item: string | NNNode,
  options: { shortcuts?: boolean; max_depth?: number; backwards_search?: boolean },
): boolean {
  const name = typeof item === 'string' ? item : item.v_full_name.slice(group.v_full_name === '' ? 0 : group.v_full_name.length + 1);
  if (typeof item !== 'string' && !item.v_full_name.startsWith(group.v_full_name)) return false;
  try {
    const found = findNode(group, translateWildcards(name, rootOf(group)?.v_idx ?? -1), searchOptionsFor(group, { shortcuts: false, ...options }));
    return found !== undefined && (typeof item === 'string' || found === item);
  } catch {
    return false;
  }
}
