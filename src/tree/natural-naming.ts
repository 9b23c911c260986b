/**
 * Natural naming: the Proxy handler of every group. Property names that are not API members are
 * looked up in the tree (`traj.parameters.x`, `traj.x`, `traj['group.x']`), and assignment adds
 * nodes, links or values as pypet's `__setattr__` does.
 */
import { InvalidArgumentError, InvalidNameError, TypeMismatchError } from '../errors.js';
import type { NNGroupNode } from './group.js';
import { NNLeafNode } from './leaf-node.js';
import { isValidName, translateWildcards } from './names.js';
import { NNNode, nodeState } from './node.js';

/** Names that the Proxy treats as probes (never nodes): returning undefined keeps JS idioms working. */
function isNodeName(prop: string): boolean {
  if (prop.includes('.')) {
    return prop.split('.').every((p) => p === '$' || p === '$set' || isValidName(p));
  }
  return prop === '$' || prop === '$set' || isValidName(prop);
}

/** Natural-naming read: the node (or its value under fast access). */
function naturalGet(group: NNGroupNode, name: string): unknown {
  const root = nodeState(group).root;
  return group._get(name, { fast_access: root?.v_fast_access ?? true, auto_load: root?.v_auto_load ?? false });
}

/**
 * Natural-naming write, as pypet's `__setattr__`: a node of this tree becomes a link
 * (`traj.mylink = traj.f_get('x')`); a new node is added here, taking the key as its name when
 * it has none (`traj.par.t = new Parameter('', 1)`); any other value sets a leaf's value
 * (`traj.parameters.x = 3`).
 */
function naturalSet(group: NNGroupNode, name: string, value: unknown): void {
  if (value instanceof NNNode) {
    assignNode(group, name, value);
    return;
  }
  const node = group.f_get<NNNode>(name, { fast_access: false });
  if (!node.v_is_leaf) {
    throw new TypeMismatchError(`'${node.v_full_name}' is a group; only leaves can be assigned values.`, { path: node.v_full_name });
  }
  (node as NNLeafNode).f_set(value);
}

function assignNode(group: NNGroupNode, key: string, value: NNNode): void {
  const name = translateWildcards(key, nodeState(group).root?.v_idx ?? -1);
  const where = group.v_full_name === '' ? name : `${group.v_full_name}.${name}`;
  if (nodeState(value).root !== undefined) {
    if (nodeState(value).root !== nodeState(group).root || nodeState(group).root === undefined) {
      throw new InvalidArgumentError(`'${value.v_full_name}' belongs to another trajectory; it cannot be linked or added as '${where}'.`, { path: where });
    }
    group.f_add_link(name, value);
    return;
  }
  const own = value.v_full_name;
  if (own === '') value._rename(name);
  else if (own !== name && !own.startsWith(`${name}.`)) {
    throw new InvalidNameError(
      `The node is called '${own}' but is assigned as '${name}'; the names must match (or give the node the name '' to take the key's).`,
      { path: where, expected: name, got: own },
    );
  }
  if (value instanceof NNLeafNode) group.f_add_leaf(value);
  else group.f_add_group(value as NNGroupNode);
}

export const GROUP_HANDLER: ProxyHandler<NNGroupNode> = {
  get(target, prop, receiver) {
    if (typeof prop === 'symbol' || prop in target) return Reflect.get(target, prop, receiver);
    if (!isNodeName(prop)) return undefined;
    return naturalGet(target, prop);
  },
  set(target, prop, value, receiver) {
    if (typeof prop === 'symbol' || prop in target || !isNodeName(prop)) {
      return Reflect.set(target, prop, value, receiver);
    }
    naturalSet(target, prop, value);
    return true;
  },
  has(target, prop) {
    if (typeof prop === 'symbol' || prop in target) return true;
    return isNodeName(prop) && target.f_contains(prop, { shortcuts: nodeState(target).root?.v_shortcuts ?? true });
  },
};
