/**
 * Finding nodes by name, as pypet's natural naming does.
 *
 * A dotted name is followed part by part. Each part is first looked up among the direct children
 * (and links); with shortcuts it may also be found deeper, at the smallest depth where it occurs:
 * two matches at that depth make the name ambiguous ({@link NotUniqueNodeError}). Links count as
 * found at the place they hang (a link `parameters.g.l` is two levels below `parameters`), as in
 * pypet. While the tree is viewed as a single run, the subtrees of the other runs are invisible.
 */
import { NotUniqueNodeError } from '../errors.js';
import { runName, runIndexOf } from './names.js';
import type { NNGroupNode } from './group.js';
import { NODE_STATE, type NNNode } from './node.js';
import { minOf } from '../fold.js';

export interface SearchOptions {
  /** Whether a part of the name may be found below (not only among) the children. */
  shortcuts: boolean;
  /** Deepest level (relative to the start) a shortcut may reach; undefined for no limit. */
  max_depth?: number | undefined;
  /** Match the last part anywhere below and check that the path passes the other parts in order. */
  backwards_search?: boolean;
  /** The run whose subtree is visible (-1: all runs). */
  runIdx: number;
  /** All nodes of the tree by short name (for searches from the root). */
  index: ReadonlyMap<string, ReadonlySet<NNNode>>;
  /** The groups holding a link, by link name. */
  links: ReadonlyMap<string, ReadonlySet<NNGroupNode>>;
}

/** A node found by a search, with the full name of the place it was found at (a link's own place). */
interface Hit {
  at: string;
  node: NNNode;
}

/** Whether a node lies inside the subtree of a run other than `runIdx`. */
export function inOtherRun(fullName: string, runIdx: number): boolean {
  if (runIdx < 0 || !fullName.includes('run_')) return false;
  const current = runName(runIdx);
  for (const part of fullName.split('.')) {
    if (runIndexOf(part) !== undefined && part !== current) return true;
  }
  return false;
}

function depthBelow(at: string, start: NNGroupNode): number {
  return at.split('.').length - start.v_depth;
}

function isBelow(at: string, start: NNGroupNode): boolean {
  const s = start.v_full_name;
  return s === '' ? at !== '' : at.startsWith(s + '.');
}

function linkPlace(holder: NNGroupNode, name: string): string {
  return holder.v_full_name === '' ? name : `${holder.v_full_name}.${name}`;
}

/** Finds a node; undefined when there is none. Throws NotUniqueNodeError when ambiguous. */
export function findNode(start: NNGroupNode, name: string, opts: SearchOptions): NNNode | undefined {
  const parts = name.split('.');
  if (opts.backwards_search && parts.length > 1) return backwardsSearch(start, parts, opts);
  let node: NNNode = start;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!node.v_is_leaf) {
      const group = node as NNGroupNode;
      const direct = group._childOrLink(part);
      if (direct) {
        node = direct;
        continue;
      }
      if (opts.shortcuts) {
        const found = shortcut(group, part, opts, parts.slice(i + 1));
        if (found) {
          node = found;
          continue;
        }
      }
    }
    return undefined;
  }
  return node;
}

/** Whether `rest` can be followed from `node` (direct children, or shortcuts when allowed). */
function leadsTo(node: NNNode, rest: string[], opts: SearchOptions): boolean {
  if (rest.length === 0) return true;
  if (node.v_is_leaf) return false;
  try {
    return findNode(node as NNGroupNode, rest.join('.'), opts) !== undefined;
  } catch {
    return false;
  }
}

/** The shallowest node (or link) called `name` below `start`, respecting the run view and max depth. */
function shortcut(start: NNGroupNode, name: string, opts: SearchOptions, rest: string[] = []): NNNode | undefined {
  const candidates = opts.index.get(name);
  const holders = opts.links.get(name);
  if (!candidates?.size && !holders?.size) return undefined;
  // The index is fastest from high up; deep in a big tree a walk of the small subtree is cheaper.
  const hits: Hit[] = (candidates?.size ?? 0) > 64 && start.v_depth >= 2
    ? walkLevels(start, name, opts)
    : shallowest(
      [
        ...[...(candidates ?? [])].map((node) => ({ at: node.v_full_name, node })),
        ...[...(holders ?? [])].map((holder) => ({ at: linkPlace(holder, name), node: holder[NODE_STATE].links.get(name)! })),
      ].filter((h) => isBelow(h.at, start) && visible(h.at, start, opts)),
      start,
    );
  if (hits.length === 0) return undefined;
  // A node and links to it at the same depth are one match.
  let matches = [...new Map(hits.map((h) => [h.node, h])).values()];
  // In a dotted name, the rest of the path can tell equally deep matches apart ('crun.z').
  if (matches.length > 1 && rest.length > 0) {
    const leading = matches.filter((m) => leadsTo(m.node, rest, opts));
    if (leading.length > 0) matches = leading;
  }
  if (matches.length > 1) {
    const names = matches.map((m) => m.at).sort();
    throw new NotUniqueNodeError(
      `The name '${name}' is ambiguous below ${start.v_full_name ? `'${start.v_full_name}'` : 'the trajectory'}: ${listSome(names)} are all ${depthBelow(matches[0]!.at, start)} levels down. Give more of the path.`,
      names,
      { path: name },
    );
  }
  return matches[0]!.node;
}

function visible(at: string, start: NNGroupNode, opts: SearchOptions): boolean {
  if (opts.max_depth !== undefined && depthBelow(at, start) > opts.max_depth) return false;
  return !inOtherRun(at.slice(start.v_full_name.length), opts.runIdx);
}

function shallowest(hits: Hit[], start: NNGroupNode): Hit[] {
  if (hits.length <= 1) return hits;
  const min = minOf(hits, (h) => depthBelow(h.at, start));
  return hits.filter((h) => depthBelow(h.at, start) === min);
}

/** Level-order walk of the subtree: the matches at the first level that has any. */
function walkLevels(start: NNGroupNode, name: string, opts: SearchOptions): Hit[] {
  let level: NNGroupNode[] = [start];
  let depth = 0;
  while (level.length > 0 && (opts.max_depth === undefined || depth < opts.max_depth)) {
    depth += 1;
    const matches: Hit[] = [];
    const next: NNGroupNode[] = [];
    for (const group of level) {
      const link = group[NODE_STATE].links.get(name);
      if (link) matches.push({ at: linkPlace(group, name), node: link });
      for (const child of group._childNodes()) {
        if (opts.runIdx >= 0 && inOtherRun(child.v_name, opts.runIdx)) continue;
        if (child.v_name === name) matches.push({ at: child.v_full_name, node: child });
        if (!child.v_is_leaf) next.push(child as NNGroupNode);
      }
    }
    if (matches.length > 0) return matches;
    level = next;
  }
  return [];
}

function backwardsSearch(start: NNGroupNode, parts: string[], opts: SearchOptions): NNNode | undefined {
  const found = findAll(start, parts.join('.'), opts);
  if (found.length > 1) {
    const names = found.map((m) => m.v_full_name).sort();
    throw new NotUniqueNodeError(
      `The name '${parts.join('.')}' matches several nodes in a backwards search: ${listSome(names)}.`,
      names,
      { path: parts.join('.') },
    );
  }
  return found[0];
}

/**
 * Every node below `start` whose name is the last part of `name` and whose path passes the other
 * parts in order (pypet's `f_get_all`).
 */
export function findAll(start: NNGroupNode, name: string, opts: SearchOptions): NNNode[] {
  const parts = name.split('.');
  const last = parts[parts.length - 1]!;
  const candidates = opts.index.get(last) ?? new Set<NNNode>();
  const startDepth = start.v_depth;
  return [...candidates]
    .filter((n) => isBelow(n.v_full_name, start) && visible(n.v_full_name, start, opts))
    .filter((n) => {
      const path = n.v_full_name.split('.').slice(startDepth, -1);
      let i = 0;
      for (const p of path) if (i < parts.length - 1 && p === parts[i]) i += 1;
      return i === parts.length - 1;
    })
    .sort((a, b) => (a.v_full_name < b.v_full_name ? -1 : a.v_full_name > b.v_full_name ? 1 : 0));
}

/** The first few names, and how many more there are. */
function listSome(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
