/**
 * Group nodes: the facade of a group's methods (pypet's `f_`/`v_` names). The jobs live beside
 * it: children (`children.ts`), getting nodes (`group-get.ts`), the rules for adding
 * (`adding.ts`), options (`group-options.ts`), shared state (`group-state.ts`), links
 * (`links.ts`) and the natural-naming Proxy (`natural-naming.ts`).
 */
import { NodeExistsError, NotFoundError, StateError } from '../errors.js';
import { fullNameForNew, leafKindFor, parseLeafArgs, type AddLeafArgs, type LeafKind } from './adding.js';
import {
  attachChild, childFullName, detachChild, indexLinks, iterNodes, leavesToDict, reattachSubtree, removeChild,
} from './children.js';
import { containsFrom, getAllFrom, getFrom } from './group-get.js';
import {
  COMMENT_ONLY, GET_OPTIONS, GROUP_LOAD_OPTIONS, GROUP_STORE_OPTIONS, RECURSIVE_ONLY,
  type GetOptions, type GroupLoadOptions, type GroupStoreOptions,
} from './group-options.js';
import { groupState, type GroupState } from './group-state.js';
import type { LeafConstructor, NNLeafNode } from './leaf-node.js';
import type { Branch } from './names.js';
import { NNNode, NODE_STATE, checkedComment, newNodeState, nodeState, type TreeRoot } from './node.js';
import { checkOptions } from '../options.js';
import { LinkMap } from './links.js';
import { GROUP_HANDLER } from './natural-naming.js';
import { loadAllLazy } from './lazy-children.js';

export type { AddLeafArgs, LeafKind } from './adding.js';
export type { GetOptions, GroupLoadOptions, GroupStoreOptions } from './group-options.js';
export { groupState, type GroupState } from './group-state.js';

/** The root's extra duties towards groups: leaf classes and the storage hooks of groups. */
export interface GroupRoot extends TreeRoot {
  _leafClassFor(kind: LeafKind): LeafConstructor;
  /** The nodes by name, and the groups holding a link by link name (shortcut search finds links too). */
  _searchIndex(): { index: ReadonlyMap<string, ReadonlySet<NNNode>>; links: ReadonlyMap<string, ReadonlySet<NNGroupNode>> };
  _linkAdded(holder: NNGroupNode, name: string): void;
  _linkRemoved(holder: NNGroupNode, name: string): void;
  /** Stores a child; `storeData` is pypet's store constant (0 nothing … 3 overwrite), `maxDepth` limits the subtree. */
  _storeChild(group: NNGroupNode, name: string, recursive: boolean, storeData?: number, maxDepth?: number): void;
  _loadChild(group: NNGroupNode, name: string, recursive: boolean, loadData: number): NNNode;
}

/** A group in the trajectory tree. Any name not starting with `f_`/`v_`/`_` may be a child. */
export class NNGroupNode extends NNNode {
  /** Natural naming: any other property is a child node (or its value under fast access). */
  [name: string]: any;

  declare readonly [NODE_STATE]: GroupState;

  constructor(fullName = '', comment = '') {
    super(fullName, comment);
    // Natural naming: unknown property names are looked up in the tree.
    const proxy = new Proxy(this, GROUP_HANDLER);
    // The link map reports the proxy, the object every other part of the tree holds.
    const state: GroupState = { ...newNodeState(), children: new Map<string, NNNode>(), links: new LinkMap(proxy), lazy: undefined };
    (this as { [NODE_STATE]: GroupState })[NODE_STATE] = state;
    return proxy;
  }

  get v_is_leaf(): boolean {
    return false;
  }

  /** The root as groups see it. */
  protected get _groupRoot(): GroupRoot {
    const root = this[NODE_STATE].root;
    if (!root) throw new StateError(`The group '${this.v_full_name}' is not part of a trajectory.`);
    return root as GroupRoot;
  }

  // -------------------------------------------------------------------------------------------
  // Children

  /** A direct child or link by name (a child still only in storage is loaded, see `lazy-children.ts`). */
  _childOrLink(name: string): NNNode | undefined {
    const state = this[NODE_STATE];
    return state.children.get(name) ?? state.links.get(name) ?? state.lazy?.load(this, name);
  }

  /** Direct children in insertion order (no links); children still in storage are loaded first. */
  _childNodes(): IterableIterator<NNNode> {
    loadAllLazy(this);
    return this[NODE_STATE].children.values();
  }

  /** Number of children (pypet's `f_children`), counting those still in storage. */
  f_children(): number {
    return this[NODE_STATE].children.size + (this[NODE_STATE].lazy?.pending ?? 0);
  }

  /** Whether the group has children. */
  f_has_children(): boolean {
    return this.f_children() > 0;
  }

  /** The children as an object name → node (a copy; children still in storage are loaded). */
  f_get_children(): Record<string, NNNode> {
    loadAllLazy(this);
    return Object.fromEntries(this[NODE_STATE].children);
  }

  /** The links of this group as an object name → target node. */
  f_get_links(): Record<string, NNNode> {
    return Object.fromEntries(this[NODE_STATE].links);
  }

  /** Iterates the nodes below, depth first (`recursive: false`: only the children). */
  *f_iter_nodes(options: { recursive?: boolean } = {}): IterableIterator<NNNode> {
    checkOptions('f_iter_nodes()', options, RECURSIVE_ONLY);
    yield* iterNodes(this, options.recursive ?? true);
  }

  /**
   * The nodes below that are in memory, depth first, whatever run the tree is viewed as; unlike
   * {@link f_iter_nodes} it loads nothing (for bookkeeping such as marking nodes stored).
   */
  *_loadedNodes(): IterableIterator<NNNode> {
    for (const child of this[NODE_STATE].children.values()) {
      yield child;
      if (!child.v_is_leaf) yield* (child as NNGroupNode)._loadedNodes();
    }
  }

  /** Iterates all leaves below, depth first. */
  *f_iter_leaves(): IterableIterator<NNLeafNode> {
    for (const node of this.f_iter_nodes()) if (node.v_is_leaf) yield node as NNLeafNode;
  }

  /**
   * All leaves below as an object keyed by full name (or short name with `short_names`, which
   * throws when two leaves share a name); values instead of leaves with `fast_access`.
   */
  f_to_dict(options: { fast_access?: boolean; short_names?: boolean } = {}): Record<string, unknown> {
    checkOptions('f_to_dict()', options, { known: ['fast_access', 'short_names'] });
    return leavesToDict(this.f_iter_leaves(), options);
  }

  // -------------------------------------------------------------------------------------------
  // Searching

  /**
   * Finds a node by (dotted) name; see the README for the search rules.
   * @throws NotFoundError when nothing matches (the message says where it looked).
   * @throws NotUniqueNodeError when a shortcut matches several nodes.
   * @example traj.f_get('groupA.param1', { fast_access: true })
   */
  f_get<T = any>(name: string, options: GetOptions = {}): T {
    checkOptions(`f_get('${name}')`, options, GET_OPTIONS);
    return getFrom<T>(this, name, options);
  }

  /** {@link f_get} without the options check (natural naming calls it on every access). */
  _get<T = any>(name: string, options: GetOptions): T {
    return getFrom<T>(this, name, options);
  }

  /** All nodes below matching the (dotted) name, e.g. every `z` of every run. */
  f_get_all(name: string, options: { max_depth?: number } = {}): NNNode[] {
    checkOptions('f_get_all()', options, { known: ['max_depth'] });
    return getAllFrom(this, name, options);
  }

  /** Whether a node (name, or the node itself) can be found from here with these options. */
  f_contains(item: string | NNNode, options: { shortcuts?: boolean; max_depth?: number; backwards_search?: boolean } = {}): boolean {
    checkOptions('f_contains()', options, { known: ['shortcuts', 'max_depth', 'backwards_search'] });
    return containsFrom(this, item, options);
  }

  // -------------------------------------------------------------------------------------------
  // Adding

  /** Walks from the root along `parts`, creating missing groups; returns the last group. */
  protected _ensureGroups(fullParts: string[], comment = ''): NNGroupNode {
    let group: NNGroupNode = this._rootGroup();
    for (let i = 0; i < fullParts.length; i++) {
      const part = fullParts[i]!;
      // A group still only in storage is loaded, not made again beside it.
      const existing = groupState(group).children.get(part) ?? groupState(group).lazy?.load(group, part);
      if (existing) {
        if (existing.v_is_leaf) {
          throw new NodeExistsError(
            `Cannot add below '${existing.v_full_name}': it is a leaf, not a group.`,
            { path: existing.v_full_name },
          );
        }
        group = existing as NNGroupNode;
      } else {
        group = group._attachChild(makeGroup(fullParts[0]!, i === fullParts.length - 1 ? comment : ''), part);
      }
    }
    return group;
  }

  private _rootGroup(): NNGroupNode {
    let g: NNGroupNode = this;
    for (let up = nodeState(g).parent; up; up = nodeState(g).parent) g = up;
    return g;
  }

  /** Attaches a detached node as child `name`. */
  _attachChild<N extends NNNode>(node: N, name: string): N {
    return attachChild(this, node, name);
  }

  /** Re-homes every node below after this group was attached; yields them. */
  _reattachSubtree(): IterableIterator<NNNode> {
    return reattachSubtree(this);
  }

  /** Adds an empty group (and the groups on the way), or a detached group object. */
  f_add_group(name: string | NNGroupNode, options: { comment?: string } = {}): NNGroupNode {
    checkOptions('f_add_group()', options, COMMENT_ONLY);
    return this._addGroup(name, undefined, options.comment);
  }

  f_add_parameter_group(name: string | NNGroupNode, options: { comment?: string } = {}): NNGroupNode {
    checkOptions('f_add_parameter_group()', options, COMMENT_ONLY);
    return this._addGroup(name, 'parameters', options.comment);
  }

  f_add_config_group(name: string | NNGroupNode, options: { comment?: string } = {}): NNGroupNode {
    checkOptions('f_add_config_group()', options, COMMENT_ONLY);
    return this._addGroup(name, 'config', options.comment);
  }

  f_add_derived_parameter_group(name: string | NNGroupNode, options: { comment?: string } = {}): NNGroupNode {
    checkOptions('f_add_derived_parameter_group()', options, COMMENT_ONLY);
    return this._addGroup(name, 'derived_parameters', options.comment);
  }

  f_add_result_group(name: string | NNGroupNode, options: { comment?: string } = {}): NNGroupNode {
    checkOptions('f_add_result_group()', options, COMMENT_ONLY);
    return this._addGroup(name, 'results', options.comment);
  }

  /** Adds a group by name, or a detached group object under its own (dotted) name, as pypet does. */
  protected _addGroup(nameOrGroup: string | NNGroupNode, branch: Branch | undefined, comment = ''): NNGroupNode {
    const instance = typeof nameOrGroup === 'string' ? undefined : nameOrGroup;
    const full = fullNameForNew(this, instance ? instance.v_full_name : (nameOrGroup as string), 'group', branch);
    checkedComment(comment, full); // before any group along the way is made
    const parts = full.split('.');
    const parent = this._ensureGroups(parts.slice(0, -1));
    const last = parts[parts.length - 1]!;
    if (parent._childOrLink(last)) {
      throw new NodeExistsError(`The group '${full}' already exists.`, { path: full });
    }
    return parent._attachChild(instance ?? makeGroup(parts[0]!, comment), last);
  }

  /**
   * Adds a parameter: `f_add_parameter(name, value, { comment, dtype })`, an instance
   * (`f_add_parameter(new ArrayParameter('x', arr))`) or a class first
   * (`f_add_parameter(ArrayParameter, 'x', arr)`).
   * @example traj.f_add_parameter('groupA.param1', 1.5, { comment: 'step size' })
   */
  f_add_parameter(...args: AddLeafArgs): any {
    return this._addLeaf('parameter', 'parameters', args);
  }

  /** Adds a config parameter (see {@link f_add_parameter}). */
  f_add_config(...args: AddLeafArgs): any {
    return this._addLeaf('config', 'config', args);
  }

  /** Adds a derived parameter (see {@link f_add_parameter}); during a run it lands under the run. */
  f_add_derived_parameter(...args: AddLeafArgs): any {
    return this._addLeaf('derived_parameter', 'derived_parameters', args);
  }

  /**
   * Adds a result: `f_add_result('z', 42)` (one item named like the result),
   * `f_add_result('out', { a, b, arr })` (named items), `f_add_result('out', { out: obj })`
   * (an object as one item). During a run it lands under `results.runs.run_XXXXXXXX`.
   */
  f_add_result(...args: AddLeafArgs): any {
    return this._addLeaf('result', 'results', args);
  }

  /** Adds a generic leaf; under a standard branch it adds that branch's kind of leaf. */
  f_add_leaf(...args: AddLeafArgs): any {
    const { kind, branch } = leafKindFor(this, args);
    return this._addLeaf(kind, branch, args);
  }

  /** Adds a link `name` here pointing at `target` (a node, or a name searched from the root). */
  f_add_link(name: string, target: NNNode | string): NNNode {
    const root = this._rootGroup();
    const node = typeof target === 'string' ? root.f_get<NNNode>(target, { shortcuts: false }) : target;
    const full = fullNameForNew(this, name, 'group');
    const parts = full.split('.');
    const parent = this._ensureGroups(parts.slice(0, -1));
    const last = parts[parts.length - 1]!;
    if (parent._childOrLink(last)) throw new NodeExistsError(`'${full}' already exists.`, { path: full });
    groupState(parent).links.set(last, node);
    this[NODE_STATE].root?._linkAdded(parent, last);
    return node;
  }

  /** Removes a link. */
  f_remove_link(name: string): void {
    if (!this[NODE_STATE].links.delete(name)) {
      throw new NotFoundError(`'${childFullName(this, name)}' is not a link.`, { path: childFullName(this, name) });
    }
  }

  protected _addLeaf(kind: LeafKind, branch: Branch | undefined, args: AddLeafArgs): NNLeafNode {
    const { instance, name, make } = parseLeafArgs(args, () => this._groupRoot._leafClassFor(kind));
    const full = fullNameForNew(this, name, kind, branch);
    const parts = full.split('.');
    const parent = this._ensureGroups(parts.slice(0, -1));
    const last = parts[parts.length - 1]!;
    if (parent._childOrLink(last)) {
      throw new NodeExistsError(`'${full}' already exists; remove it first or choose another name.`, { path: full });
    }
    const leaf = instance ?? make(full);
    return parent._attachChild(leaf, last);
  }

  // -------------------------------------------------------------------------------------------
  // Removing

  /**
   * Removes a direct child from memory (not from disk). A group with children needs
   * `recursive: true`.
   */
  f_remove_child(name: string, options: { recursive?: boolean } = {}): void {
    checkOptions('f_remove_child()', options, RECURSIVE_ONLY);
    removeChild(this, name, options.recursive ?? false);
  }

  /** Adds (or drops) the links of this group and every group below to the root's link index. */
  _indexLinks(add: boolean): void {
    indexLinks(this, add);
  }

  /** Detaches a child and its subtree from the indexes (children still only in storage stay there). */
  _detach(child: NNNode): void {
    detachChild(this, child);
  }

  // -------------------------------------------------------------------------------------------
  // Storage of subtrees (pypet's group-level I/O)

  /** Stores a child (or a subtree with `recursive`) to disk; `store_data` as in {@link f_store}. */
  f_store_child(name: string, options: GroupStoreOptions = {}): void {
    checkOptions('f_store_child()', options, GROUP_STORE_OPTIONS);
    this._groupRoot._storeChild(this, name, options.recursive ?? false, options.store_data, options.max_depth);
  }

  /** Loads a child (or a subtree with `recursive`) from disk; `load_data` as in `f_load`. */
  f_load_child(name: string, options: GroupLoadOptions = {}): NNNode {
    checkOptions('f_load_child()', options, GROUP_LOAD_OPTIONS);
    return this._groupRoot._loadChild(this, name, options.recursive ?? false, options.load_data ?? 2);
  }

  /**
   * Stores this group (and, by default, its subtree) to disk: pypet's `group.f_store()`.
   * The trajectory must have been stored once.
   * @example traj.results.f_store({ store_data: STORE_DATA })
   */
  f_store(options: GroupStoreOptions = {}): void {
    checkOptions(`'${this.v_full_name}'.f_store()`, options, GROUP_STORE_OPTIONS);
    this._parentForIO('f_store')._groupRoot._storeChild(this[NODE_STATE].parent!, this.v_name, options.recursive ?? true, options.store_data, options.max_depth);
  }

  /**
   * Loads this group (and, by default, its subtree) from disk: pypet's `group.f_load()`.
   * @example traj.results.f_load({ load_data: LOAD_SKELETON })
   */
  f_load(options: GroupLoadOptions = {}): void {
    checkOptions(`'${this.v_full_name}'.f_load()`, options, GROUP_LOAD_OPTIONS);
    this._parentForIO('f_load')._groupRoot._loadChild(this[NODE_STATE].parent!, this.v_name, options.recursive ?? true, options.load_data ?? 2);
  }

  private _parentForIO(what: string): NNGroupNode {
    if (!this[NODE_STATE].parent) throw new StateError(`The group '${this.v_full_name}' is not part of a trajectory, so ${what} has nowhere to go.`);
    return this[NODE_STATE].parent;
  }

  /** pypet's `str(group)`: `ParameterGroup parameters (\`comment\`): (x: Parameter), …` (six children at most). */
  override _str(): string {
    return `${super._str()}: ${this._childrenText()}`;
  }

  /** pypet's list of the first six children with their classes. */
  protected _childrenText(): string {
    const kids = [...this[NODE_STATE].children].slice(0, 7).map(([name, node], i) => (i === 6 ? '...' : `(${name}: ${node.f_get_class_name()})`));
    return kids.join(', ');
  }
}

/** Groups under `config`. */
export class ConfigGroup extends NNGroupNode {}
/** Groups under `parameters`. */
export class ParameterGroup extends NNGroupNode {}
/** Groups under `derived_parameters`. */
export class DerivedParameterGroup extends NNGroupNode {}
/** Groups under `results`. */
export class ResultGroup extends NNGroupNode {}

/** The group class pypet uses for a branch. */
export function groupClassForBranch(branch: string): typeof NNGroupNode {
  switch (branch) {
    case 'config':
      return ConfigGroup;
    case 'parameters':
      return ParameterGroup;
    case 'derived_parameters':
      return DerivedParameterGroup;
    case 'results':
      return ResultGroup;
    default:
      return NNGroupNode;
  }
}

function makeGroup(branch: string, comment: string): NNGroupNode {
  const Cls = groupClassForBranch(branch);
  return new Cls('', comment);
}
