/**
 * Adding nodes from a group, the rules applied before anything is attached: which full name a new
 * node gets (wildcards, the branch prefixed at the root, pypet's `runs.run_XXXXXXXX` during a
 * run, the reserved `overview`), which kind of leaf `f_add_leaf` adds under a branch, and what
 * the `f_add_*` arguments mean (a name and value, a leaf, or a leaf class first). `group.ts`
 * attaches what these rules decide.
 */
import { InvalidArgumentError, InvalidNameError, TypeMismatchError } from '../errors.js';
import type { NNGroupNode } from './group.js';
import { NNLeafNode, type LeafConstructor, type LeafOptions } from './leaf-node.js';
import { splitAndCheck, translateWildcards, isRunGroupName, runName, type Branch } from './names.js';
import { nodeState } from './node.js';

/** The kinds of leaf a group can add, each tied to a branch. */
export type LeafKind = 'config' | 'parameter' | 'derived_parameter' | 'result' | 'leaf';

/** Arguments of the `f_add_*` leaf methods (see {@link NNGroupNode.f_add_parameter}). */
export type AddLeafArgs =
  | [name: string, value?: unknown, options?: LeafOptions]
  | [leaf: NNLeafNode]
  | [cls: LeafConstructor, name: string, value?: unknown, options?: LeafOptions];

// Maps, not object literals: user names ('constructor', 'toString') must not find Object's members.
const BRANCH_OF = new Map<LeafKind, Branch>([
  ['config', 'config'],
  ['parameter', 'parameters'],
  ['derived_parameter', 'derived_parameters'],
  ['result', 'results'],
]);

const KIND_OF_BRANCH = new Map<string, LeafKind>([
  ['config', 'config'],
  ['parameters', 'parameter'],
  ['derived_parameters', 'derived_parameter'],
  ['results', 'result'],
]);

/**
 * The kind of leaf `f_add_leaf` adds from `group` (the branch of the name at the root, else the
 * group's branch; `'leaf'` outside the four standard branches), with that kind's branch.
 */
export function leafKindFor(group: NNGroupNode, args: AddLeafArgs): { kind: LeafKind; branch: Branch | undefined } {
  const nameArg = typeof args[0] === 'string' ? args[0] : typeof args[1] === 'string' ? args[1] : undefined;
  const first = group.v_is_root && nameArg ? nameArg.split('.')[0] ?? '' : group.v_branch;
  const kind = KIND_OF_BRANCH.get(first) ?? 'leaf';
  return { kind, branch: BRANCH_OF.get(kind) };
}

/**
 * Resolves the full name of a new node added from `group`: wildcards translated, the branch
 * prefixed when adding at the root, and, during a run, results and derived parameters added at
 * the root placed under `runs.run_XXXXXXXX` as pypet does.
 * @throws InvalidNameError for `overview` at the top; InvalidArgumentError outside `branch`.
 */
export function fullNameForNew(group: NNGroupNode, name: string, kind: LeafKind | 'group', branch?: Branch): string {
  const idx = nodeState(group).root?.v_idx ?? -1;
  let parts = splitAndCheck(translateWildcards(name, idx));
  const runScoped = branch === 'results' || branch === 'derived_parameters';
  const inRun = idx >= 0 && runScoped && !parts.some((p) => isRunGroupName(p));
  if (branch && group.v_is_root) {
    if (parts[0] !== branch) {
      if (inRun) parts = ['runs', runName(idx), ...parts];
      parts = [branch, ...parts];
    }
  } else if (branch && inRun) {
    if (group.v_depth === 1 && !(parts.length === 1 && parts[0] === 'runs')) parts = ['runs', runName(idx), ...parts];
    else if (group.v_depth === 2 && group.v_name === 'runs') parts = [runName(idx), ...parts];
  }
  const full = group.v_full_name === '' ? parts.join('.') : `${group.v_full_name}.${parts.join('.')}`;
  const fullParts = full.split('.');
  if (fullParts[0] === 'overview') {
    throw new InvalidNameError(`'overview' cannot be added directly under the trajectory: pypet reserves it for its bookkeeping tables.`, { path: full });
  }
  if (branch && fullParts[0] !== branch) {
    throw new InvalidArgumentError(
      `Cannot add ${kind === 'group' ? 'a group' : `a ${kind.replace('_', ' ')}`} '${full}' outside the '${branch}' branch; add it from the trajectory or from a group under '${branch}'.`,
      { path: full },
    );
  }
  return full;
}

/**
 * Reads the `f_add_*` arguments: an instance to attach, or the name and a maker of the leaf.
 * `leafClass` gives the root's class for a plain name and value, and is asked only then.
 * @throws InvalidArgumentError / TypeMismatchError for arguments of the wrong kind.
 */
export function parseLeafArgs(args: AddLeafArgs, leafClass: () => LeafConstructor): {
  instance?: NNLeafNode; name: string; make: (full: string) => NNLeafNode;
} {
  const [first, ...rest] = args;
  if (first instanceof NNLeafNode) {
    return { instance: first, name: first.v_full_name, make: () => first };
  }
  if (typeof first === 'function') {
    const Cls = first as LeafConstructor;
    const [name, value, options] = rest as [string, unknown, LeafOptions | undefined];
    if (typeof name !== 'string') {
      throw new InvalidArgumentError(`After a leaf class, give the name as a string (got ${typeof name}).`);
    }
    return { name, make: (full) => new Cls(full, value, options) };
  }
  if (typeof first !== 'string') {
    throw new TypeMismatchError(`The first argument must be a name, a leaf or a leaf class, not ${typeof first}.`);
  }
  const Cls = leafClass();
  const [value, options] = rest as [unknown, LeafOptions | undefined];
  return { name: first, make: (full) => (rest.length === 0 ? new Cls(full) : new Cls(full, value, options)) };
}
