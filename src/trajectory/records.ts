/**
 * Plain records of tree nodes: what storage writes and reads, what worker threads send back, and
 * what the run journal holds. A record carries everything a node is (class, comment,
 * annotations, typed data) without the tree around it.
 */
import { StateError } from '../errors.js';
import { BaseParameter } from '../leaves/parameter.js';
import { Result } from '../leaves/result.js';
import { type TypedValue } from '../values/types.js';
import { groupState, groupClassForBranch, type NNGroupNode } from '../tree/group.js';
import type { LeafConstructor, NNLeafNode } from '../tree/leaf-node.js';
import { nodeState, type NNNode } from '../tree/node.js';

/** The data of a leaf. A parameter's range holds values of the default's type. */
export type LeafData =
  | { kind: 'parameter'; value: TypedValue; range?: unknown[] }
  | { kind: 'result'; items: [string, TypedValue][] };

/** A leaf (parameter or result). `data` is undefined for a skeleton (an empty leaf). */
export interface LeafRecord {
  type: 'leaf';
  fullName: string;
  className: string;
  comment: string;
  annotations: [string, TypedValue][];
  data: LeafData | undefined;
}

/** A group node. */
export interface GroupRecord {
  type: 'group';
  fullName: string;
  comment: string;
  annotations: [string, TypedValue][];
}

/** A soft link: `fullName` points at `target`. */
export interface LinkRecord {
  type: 'link';
  fullName: string;
  target: string;
}

export type NodeRecord = LeafRecord | GroupRecord | LinkRecord;

function annotationsOf(node: NNNode): [string, TypedValue][] {
  const ann = nodeState(node).annotations;
  return ann ? ann.typedEntries() : [];
}

/** The record of a leaf. */
export function leafToRecord(leaf: NNLeafNode): LeafRecord {
  let data: LeafData | undefined;
  if (leaf instanceof BaseParameter) {
    const value = leaf._typedDefault();
    if (value) data = leaf.v_explored ? { kind: 'parameter', value, range: leaf.f_get_range(false) } : { kind: 'parameter', value };
  } else if (leaf instanceof Result) {
    if (!leaf.f_is_empty()) data = { kind: 'result', items: leaf._typedItems() };
  } else {
    throw new StateError(`The leaf '${leaf.v_full_name}' is a ${leaf.f_get_class_name()}, which h5traj cannot store.`, { path: leaf.v_full_name });
  }
  return {
    type: 'leaf',
    fullName: leaf.v_full_name,
    className: leaf.f_get_class_name(),
    comment: leaf.v_comment,
    annotations: annotationsOf(leaf),
    data,
  };
}

/** The record of a group. */
export function groupToRecord(group: NNGroupNode): GroupRecord {
  return { type: 'group', fullName: group.v_full_name, comment: group.v_comment, annotations: annotationsOf(group) };
}

/** Records of a node and everything below it (groups before their children, links last). */
export function subtreeRecords(node: NNNode): NodeRecord[] {
  return [...iterSubtreeRecords(node)];
}

/**
 * {@link subtreeRecords} one at a time, so that storing a large trajectory does not hold a record
 * (with its data) for every node at once: only the links wait for the end. The walk recurses over
 * the tree's depth, never over the number of runs.
 */
export function* iterSubtreeRecords(node: NNNode): Generator<NodeRecord> {
  const links: LinkRecord[] = [];
  function* visit(n: NNNode): Generator<NodeRecord> {
    if (n.v_is_leaf) {
      yield leafToRecord(n as NNLeafNode);
      return;
    }
    const g = n as NNGroupNode;
    if (!g.v_is_root) yield groupToRecord(g);
    for (const [name, target] of groupState(g).links) {
      links.push({ type: 'link', fullName: g.v_full_name ? `${g.v_full_name}.${name}` : name, target: target.v_full_name });
    }
    for (const child of groupState(g).children.values()) yield* visit(child);
  }
  yield* visit(node);
  yield* links;
}

/** Puts a record's data into an existing leaf (loading); the leaf's class must fit the data. */
export function applyLeafData(leaf: NNLeafNode, data: LeafData | undefined): void {
  if (data === undefined) return;
  if (data.kind === 'parameter' && leaf instanceof BaseParameter) {
    leaf._restore(data.value, data.range);
  } else if (data.kind === 'result' && leaf instanceof Result) {
    leaf.f_empty();
    for (const [name, value] of data.items) leaf._setTyped(name, value);
  } else {
    throw new StateError(`The data found for '${leaf.v_full_name}' (${data.kind}) does not fit its class ${leaf.f_get_class_name()}.`, {
      path: leaf.v_full_name,
    });
  }
}

/** Creates a detached leaf from a record, using `classFor` to pick the class by name. */
export function recordToLeaf(record: LeafRecord, classFor: (className: string) => LeafConstructor): NNLeafNode {
  const Cls = classFor(record.className);
  const leaf = new Cls(record.fullName);
  leaf.v_comment = record.comment;
  for (const [k, v] of record.annotations) leaf.v_annotations.setTyped(k, v);
  applyLeafData(leaf, record.data);
  return leaf;
}

/** Whether a leaf class is one of the standard ones or a user class given to the trajectory. */
export type ClassResolver = (className: string) => LeafConstructor;

/**
 * Puts a record into a trajectory: the groups on the way are created (of the branch's group
 * class), a group record sets comment and annotations, a leaf record creates the leaf (or fills
 * an existing empty one), a link record links to its target. Returns the node.
 */
export function attachRecord(root: NNGroupNode, record: NodeRecord, classFor: ClassResolver): NNNode | undefined {
  const parts = record.fullName.split('.');
  const name = parts[parts.length - 1]!;
  let parent: NNGroupNode = root;
  for (const part of parts.slice(0, -1)) {
    const next = parent._childOrLink(part);
    if (next && next.v_is_leaf) {
      throw new StateError(`'${next.v_full_name}' is a leaf, but '${record.fullName}' needs it to be a group.`, { path: record.fullName });
    }
    parent = (next as NNGroupNode | undefined) ?? parent._attachChild(makeGroupFor(root, parts[0]!), part);
  }
  const existing = parent._childOrLink(name);
  switch (record.type) {
    case 'group': {
      const group = (existing as NNGroupNode | undefined) ?? parent._attachChild(makeGroupFor(root, parts[0]!), name);
      group.v_comment = record.comment;
      for (const [k, v] of record.annotations) group.v_annotations.setTyped(k, v);
      nodeState(group).stored = true;
      return group;
    }
    case 'leaf': {
      if (existing) {
        if (!existing.v_is_leaf) {
          throw new StateError(`'${record.fullName}' is a group in memory but a leaf in storage.`, { path: record.fullName });
        }
        applyLeafData(existing as NNLeafNode, record.data);
        nodeState(existing).stored = true;
        return existing;
      }
      const leaf = recordToLeaf(record, classFor);
      nodeState(leaf).stored = true;
      return parent._attachChild(leaf, name);
    }
    case 'link': {
      if (existing) return existing;
      const target = resolveFullName(root, record.target);
      if (!target) return undefined;
      groupState(parent).links.set(name, target);
      return target;
    }
  }
}

/** The node with this exact full name, or undefined. */
export function resolveFullName(root: NNGroupNode, fullName: string): NNNode | undefined {
  let node: NNNode = root;
  for (const part of fullName.split('.')) {
    if (node.v_is_leaf) return undefined;
    const next = (node as NNGroupNode)._childOrLink(part);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

function makeGroupFor(root: NNGroupNode, branch: string): NNGroupNode {
  const Cls = groupClassForBranch(branch);
  return new Cls('');
}
