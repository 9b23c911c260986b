/**
 * The natural-naming tree of a loaded trajectory, as text lines (`├── x = 1.0  Parameter float`)
 * or as nested JSON. Parameters show their values; results and derived parameters, loaded as a
 * skeleton, get their data read one leaf at a time as they are shown (results are emptied again
 * afterwards), so memory stays flat and `| head` stops the work early.
 */
import { H5TrajError } from '../errors.js';
import { BaseParameter } from '../leaves/parameter.js';
import { Result } from '../leaves/result.js';
import { describeType, type ValueType } from '../values/types.js';
import type { NNGroupNode } from '../tree/group.js';
import type { NNLeafNode } from '../tree/leaf-node.js';
import type { NNNode } from '../tree/node.js';
import { pythonRepr } from '../values/python-repr.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { bold, dim } from './io.js';
import { numericSeries, sparkPreview } from './sparkline.js';
import { PREVIEW } from './values.js';

/** Explored values shown in a parameter's line. */
const RANGE_PREVIEW = 5;

type Entry = { name: string; node: NNNode; link: boolean };

function entriesOf(group: NNGroupNode): Entry[] {
  return [
    ...Object.entries(group.f_get_children()).map(([name, node]) => ({ name, node, link: false })),
    ...Object.entries(group.f_get_links()).map(([name, node]) => ({ name, node, link: true })),
  ];
}

function short(text: string, max = PREVIEW): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What a leaf holds, read from storage if it is an empty skeleton leaf. */
interface LeafView {
  type?: string;
  value?: unknown;
  valueType?: ValueType;
  range?: unknown[];
  items?: string[];
  error?: string;
}

function viewLeaf(traj: Trajectory, leaf: NNLeafNode): LeafView {
  const loadedHere = leaf.f_is_empty() && leaf.v_stored;
  try {
    if (loadedHere) traj.f_load_items([leaf]);
  } catch (e) {
    if (!(e instanceof H5TrajError)) throw e;
    return { error: e.message };
  }
  if (leaf instanceof BaseParameter) {
    if (leaf.f_is_empty()) return {};
    const valueType = leaf.v_value_type!;
    const view: LeafView = { type: describeType(valueType), value: leaf.f_get_default(), valueType };
    if (leaf.v_explored) view.range = leaf.f_get_range(false);
    return view;
  }
  if (leaf instanceof Result) {
    const items = leaf.f_keys();
    // A result's data is only read for its item names; drop it again to keep memory flat.
    if (loadedHere) leaf.f_empty();
    return { items };
  }
  return {};
}

function comment(node: NNNode): string {
  return node.v_comment ? dim(`  # ${short(node.v_comment, 60)}`) : '';
}

function leafLine(traj: Trajectory, name: string, leaf: NNLeafNode): string {
  const v = viewLeaf(traj, leaf);
  const cls = leaf.f_get_class_name();
  if (v.error) return `${name}  ${cls}  (cannot be read: ${v.error})`;
  if (v.items) return `${name}  ${cls} [${short(v.items.join(', '))}]${comment(leaf)}`;
  if (v.type === undefined) return `${name}  ${cls} (empty)${comment(leaf)}`;
  const series = process.stdout.isTTY ? numericSeries(v.value) : undefined;
  let line = `${name} = ${series ? sparkPreview(series) : short(pythonRepr(v.value, v.valueType))}  ${cls} ${v.type}`;
  if (v.range) {
    const shown = v.range.slice(0, RANGE_PREVIEW).map((x) => short(pythonRepr(x, v.valueType), 20)).join(', ');
    line += `, explored over ${v.range.length} values: ${shown}${v.range.length > RANGE_PREVIEW ? ', …' : ''}`;
  }
  return line + comment(leaf);
}

function entryLine(traj: Trajectory, e: Entry, expanded: boolean): string {
  if (e.link) return `${e.name} -> ${e.node.v_full_name}`;
  if (e.node.v_is_leaf) return leafLine(traj, e.name, e.node as NNLeafNode);
  const g = e.node as NNGroupNode;
  const hidden = !expanded && g.f_has_children() ? dim(`  (${g.f_children()} children not shown)`) : '';
  return `${bold(e.name)}${hidden}${comment(g)}`;
}

/** The first line: the trajectory, or the node the tree starts at. */
export function headLine(traj: Trajectory, start: NNNode): string {
  if (start === traj) return `${bold(traj.v_name)}  Trajectory, ${traj.v_length} run${traj.v_length === 1 ? '' : 's'}${comment(traj)}`;
  return start.v_is_leaf ? leafLine(traj, start.v_full_name, start as NNLeafNode) : `${bold(start.v_full_name)}${comment(start)}`;
}

/**
 * The tree below `start` as lines, `depth` levels deep (undefined: all), drawn with box
 * characters. Lines are produced one at a time, so a consumer can stop early.
 */
export function* treeLines(traj: Trajectory, start: NNNode, depth?: number): Generator<string> {
  const group = start.v_is_leaf ? undefined : (start as NNGroupNode);
  const hidden = group && depth === 0 && group.f_has_children() ? dim(`  (${group.f_children()} children not shown)`) : '';
  yield headLine(traj, start) + hidden;
  if (group && depth !== 0) yield* below(traj, group, '', 1, depth);
}

function* below(traj: Trajectory, group: NNGroupNode, prefix: string, level: number, depth: number | undefined): Generator<string> {
  const entries = entriesOf(group);
  for (const [i, e] of entries.entries()) {
    const last = i === entries.length - 1;
    const expand = !e.link && !e.node.v_is_leaf && (depth === undefined || level < depth);
    yield `${prefix}${last ? '└── ' : '├── '}${entryLine(traj, e, expand)}`;
    if (expand) yield* below(traj, e.node as NNGroupNode, prefix + (last ? '    ' : '│   '), level + 1, depth);
  }
}

/** The tree below `start` as nested JSON (values in full), `depth` levels deep. */
export function treeJson(traj: Trajectory, start: NNNode, depth?: number): Record<string, unknown> {
  const root = start === traj
    ? { name: traj.v_name, full_name: '', kind: 'trajectory', comment: traj.v_comment, runs: traj.v_length }
    : nodeJson(traj, { name: start.v_name, node: start, link: false });
  if (!start.v_is_leaf) Object.assign(root, childrenJson(traj, start as NNGroupNode, 1, depth));
  return root;
}

function childrenJson(traj: Trajectory, group: NNGroupNode, level: number, depth: number | undefined): Record<string, unknown> {
  if (depth !== undefined && level > depth) return group.f_has_children() ? { children_not_shown: group.f_children() } : { children: [] };
  return {
    children: entriesOf(group).map((e) => {
      const json = nodeJson(traj, e);
      if (!e.link && !e.node.v_is_leaf) Object.assign(json, childrenJson(traj, e.node as NNGroupNode, level + 1, depth));
      return json;
    }),
  };
}

function nodeJson(traj: Trajectory, e: Entry): Record<string, unknown> {
  const { name, node } = e;
  if (e.link) return { name, kind: 'link', target: node.v_full_name };
  const base: Record<string, unknown> = { name, full_name: node.v_full_name };
  if (!node.v_is_leaf) return { ...base, kind: 'group', comment: node.v_comment };
  const v = viewLeaf(traj, node as NNLeafNode);
  const json: Record<string, unknown> = {
    ...base,
    kind: node instanceof BaseParameter ? 'parameter' : 'result',
    class: node.f_get_class_name(),
    comment: node.v_comment,
  };
  if (v.error) json.error = v.error;
  if (v.items) json.items = v.items;
  if (v.type !== undefined) Object.assign(json, { type: v.type, value: v.value, explored: v.range !== undefined });
  if (v.range) json.range = v.range;
  return json;
}
