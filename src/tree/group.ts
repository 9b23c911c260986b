/**
 * Group nodes: children, adding groups and leaves by dotted names, searching, and the Proxy that
 * gives natural naming (`traj.parameters.x`, `traj.x`, `traj['group.x']`).
 */
import { InvalidArgumentError, InvalidNameError, NodeExistsError, NotFoundError, StateError, TypeMismatchError } from '../errors.js';
import { NNLeafNode, type LeafConstructor, type LeafOptions } from './leaf-node.js';
import { splitAndCheck, translateWildcards, isRunGroupName, runName, type Branch } from './names.js';
import { NNNode, NODE_STATE, nodeState, type NodeState, type TreeRoot } from './node.js';
import { checkOptions, optionNames, type OptionSpec } from '../options.js';
import { LinkMap } from './links.js';
import { GROUP_HANDLER } from './natural-naming.js';
import { findAll, findNode, inOtherRun, type SearchOptions } from './search.js';
import { lazyGroupsBelow, loadAllLazy, type LazyChildren } from './lazy-children.js';

/** The kinds of leaf a group can add, each tied to a branch. */
export type LeafKind = 'config' | 'parameter' | 'derived_parameter' | 'result' | 'leaf';

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

/** Options of {@link NNGroupNode.f_get}. */
export interface GetOptions {
  /** Return a parameter's value (or a result's single same-named item) instead of the leaf. */
  fast_access?: boolean;
  /** Allow hopping over groups (default true). */
  shortcuts?: boolean;
  /** Deepest level a shortcut may reach. */
  max_depth?: number;
  /** Match the last name and check the path backwards. */
  backwards_search?: boolean;
  /** Load missing nodes and empty leaves from storage. */
  auto_load?: boolean;
}

const GET_OPTIONS: OptionSpec = {
  known: optionNames<GetOptions>({ fast_access: true, shortcuts: true, max_depth: true, backwards_search: true, auto_load: true }),
};
const COMMENT_ONLY: OptionSpec = { known: ['comment'] };
const RECURSIVE_ONLY: OptionSpec = { known: ['recursive'] };

/** Options of a group's {@link NNGroupNode.f_store} (pypet's names). */
export interface GroupStoreOptions {
  /** Store the subtree too (default true). */
  recursive?: boolean;
  /** pypet's constant: 0 nothing, 1 only nodes never stored, 2 new nodes and new items (default), 3 overwrite. */
  store_data?: 0 | 1 | 2 | 3;
  /** Deepest level below this group to store. */
  max_depth?: number;
}

/** Options of a group's {@link NNGroupNode.f_load} (pypet's names). */
export interface GroupLoadOptions {
  /** Load the subtree too (default true). */
  recursive?: boolean;
  /** pypet's load constant (default 2, data). */
  load_data?: number;
}

const GROUP_STORE_OPTIONS: OptionSpec = { known: optionNames<GroupStoreOptions>({ recursive: true, store_data: true, max_depth: true }) };

const GROUP_LOAD_OPTIONS: OptionSpec = {
  known: optionNames<GroupLoadOptions>({ recursive: true, load_data: true }),
  unsupported: new Map([['max_depth', 'a group loads itself or its whole subtree (recursive); load deeper parts with f_load_child']]),
};

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
    Object.assign(this[NODE_STATE], { children: new Map<string, NNNode>(), links: new LinkMap(proxy), lazy: undefined });
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
    const recursive = options.recursive ?? true;
    const runIdx = this[NODE_STATE].root?.v_idx ?? -1;
    loadAllLazy(this);
    for (const child of this[NODE_STATE].children.values()) {
      if (inOtherRun(child.v_name, runIdx)) continue;
      yield child;
      if (recursive && !child.v_is_leaf) yield* (child as NNGroupNode).f_iter_nodes(options);
    }
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
    const out = new Map<string, unknown>();
    const seen = new Map<string, string>();
    for (const leaf of this.f_iter_leaves()) {
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

  // -------------------------------------------------------------------------------------------
  // Searching

  protected _searchOptions(options: GetOptions): SearchOptions {
    const root = this[NODE_STATE].root as GroupRoot | undefined;
    return {
      shortcuts: options.shortcuts ?? root?.v_shortcuts ?? true,
      max_depth: options.max_depth ?? root?.v_max_depth,
      backwards_search: options.backwards_search ?? false,
      runIdx: root?.v_idx ?? -1,
      ...(root?._searchIndex() ?? { index: new Map(), links: new Map() }),
    };
  }

  /**
   * Finds a node by (dotted) name; see the README for the search rules.
   * @throws NotFoundError when nothing matches (the message says where it looked).
   * @throws NotUniqueNodeError when a shortcut matches several nodes.
   * @example traj.f_get('groupA.param1', { fast_access: true })
   */
  f_get<T = any>(name: string, options: GetOptions = {}): T {
    checkOptions(`f_get('${name}')`, options, GET_OPTIONS);
    return this._get<T>(name, options);
  }

  /** {@link f_get} without the options check (natural naming calls it on every access). */
  _get<T = any>(name: string, options: GetOptions): T {
    const root = this[NODE_STATE].root as GroupRoot | undefined;
    const translated = translateWildcards(name, root?.v_idx ?? -1);
    const autoLoad = options.auto_load ?? false;
    let node = findNode(this, translated, this._searchOptions(options));
    // A shortcut may lead into children still only in storage: load them and look again.
    if (!node && this._loadLazyBelow()) node = findNode(this, translated, this._searchOptions(options));
    if (!node && autoLoad && root) node = this._autoLoadPath(translated);
    if (!node) throw this._notFound(translated, options);
    if (node.v_is_leaf) {
      const leaf = node as NNLeafNode;
      if (autoLoad && leaf.f_is_empty() && root) root._autoLoadData(leaf);
      if (options.fast_access) return leaf._fastAccess() as T;
    }
    return node as T;
  }

  /** Follows a dotted name from here, loading each missing part from storage. */
  private _autoLoadPath(name: string): NNNode | undefined {
    const root = this._groupRoot;
    let node: NNNode = this;
    for (const part of name.split('.')) {
      if (node.v_is_leaf) return undefined;
      const group = node as NNGroupNode;
      const next = group._childOrLink(part) ?? root._autoLoadChild(group, part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private _notFound(name: string, options: GetOptions): NotFoundError {
    const { root, children: kids } = this[NODE_STATE];
    const where = this.v_full_name === '' ? 'the trajectory' : `'${this.v_full_name}'`;
    const how = (options.shortcuts ?? root?.v_shortcuts ?? true) ? 'anywhere below' : 'directly under';
    const run = (root?.v_idx ?? -1) >= 0 ? ` (viewing run ${runName(root!.v_idx)}, other runs are hidden)` : '';
    const children = [...kids.keys()];
    const hint = children.length > 0 && children.length <= 12 ? ` Its children are: ${children.join(', ')}.` : '';
    return new NotFoundError(`No node named '${name}' was found ${how} ${where}${run}.${hint}`, { path: name });
  }

  /**
   * Loads the children still only in storage of every group at or below this one that a search
   * can see (viewed as a run, only that run's group); whether any were loaded.
   */
  private _loadLazyBelow(): boolean {
    const idx = this[NODE_STATE].root?.v_idx ?? -1;
    let loaded = false;
    for (const g of lazyGroupsBelow(this)) {
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

  /** All nodes below matching the (dotted) name, e.g. every `z` of every run. */
  f_get_all(name: string, options: { max_depth?: number } = {}): NNNode[] {
    checkOptions('f_get_all()', options, { known: ['max_depth'] });
    this._loadLazyBelow();
    const translated = translateWildcards(name, this[NODE_STATE].root?.v_idx ?? -1);
    return findAll(this, translated, this._searchOptions({ max_depth: options.max_depth }));
  }

  /** Whether a node (name, or the node itself) can be found from here with these options. */
  f_contains(item: string | NNNode, options: { shortcuts?: boolean; max_depth?: number; backwards_search?: boolean } = {}): boolean {
    checkOptions('f_contains()', options, { known: ['shortcuts', 'max_depth', 'backwards_search'] });
    const name = typeof item === 'string' ? item : item.v_full_name.slice(this.v_full_name === '' ? 0 : this.v_full_name.length + 1);
    if (typeof item !== 'string' && !item.v_full_name.startsWith(this.v_full_name)) return false;
    try {
      const found = findNode(this, translateWildcards(name, this[NODE_STATE].root?.v_idx ?? -1), this._searchOptions({ shortcuts: false, ...options }));
      return found !== undefined && (typeof item === 'string' || found === item);
    } catch {
      return false;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Adding

  /**
   * Resolves the full name of a new node added from this group: wildcards translated, the branch
   * prefixed when adding at the root, and, during a run, results and derived parameters added at
   * the root placed under `runs.run_XXXXXXXX` as pypet does.
   */
  protected _fullNameForNew(name: string, kind: LeafKind | 'group', branch?: Branch): string {
    const root = this[NODE_STATE].root;
    const idx = root?.v_idx ?? -1;
    let parts = splitAndCheck(translateWildcards(name, idx));
    const runScoped = branch === 'results' || branch === 'derived_parameters';
    const inRun = idx >= 0 && runScoped && !parts.some((p) => isRunGroupName(p));
    if (branch && this.v_is_root) {
      if (parts[0] !== branch) {
        if (inRun) parts = ['runs', runName(idx), ...parts];
        parts = [branch, ...parts];
      }
    } else if (branch && inRun) {
      if (this.v_depth === 1 && !(parts.length === 1 && parts[0] === 'runs')) parts = ['runs', runName(idx), ...parts];
      else if (this.v_depth === 2 && this.v_name === 'runs') parts = [runName(idx), ...parts];
    }
    const full = this.v_full_name === '' ? parts.join('.') : `${this.v_full_name}.${parts.join('.')}`;
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
    const { root, children, links } = this[NODE_STATE];
    if (children.has(name) || links.has(name)) {
      throw new NodeExistsError(`'${this._childFull(name)}' already exists.`, { path: this._childFull(name) });
    }
    (node as unknown as { _name: string })._name = name;
    node._attach(this, root);
    children.set(name, node);
    root?._nodeAdded(node);
    if (!node.v_is_leaf) {
      // A subtree attached at once (e.g. loaded) registers all its nodes and links.
      const group = node as unknown as NNGroupNode;
      for (const sub of group._reattachSubtree()) root?._nodeAdded(sub);
      group._indexLinks(true);
    }
    return node;
  }

  /** Re-homes every node below after this group was attached; yields them. */
  *_reattachSubtree(): IterableIterator<NNNode> {
    for (const [name, child] of this[NODE_STATE].children) {
      (child as unknown as { _name: string })._name = name;
      child._attach(this, this[NODE_STATE].root);
      yield child;
      if (!child.v_is_leaf) yield* (child as NNGroupNode)._reattachSubtree();
    }
  }

  private _childFull(name: string): string {
    return this.v_full_name === '' ? name : `${this.v_full_name}.${name}`;
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
    const full = this._fullNameForNew(instance ? instance.v_full_name : (nameOrGroup as string), 'group', branch);
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
    const nameArg = typeof args[0] === 'string' ? args[0] : typeof args[1] === 'string' ? args[1] : undefined;
    const first = this.v_is_root && nameArg ? nameArg.split('.')[0] ?? '' : this.v_branch;
    const kind = KIND_OF_BRANCH.get(first) ?? 'leaf';
    return this._addLeaf(kind, BRANCH_OF.get(kind), args);
  }

  /** Adds a link `name` here pointing at `target` (a node, or a name searched from the root). */
  f_add_link(name: string, target: NNNode | string): NNNode {
    const root = this._rootGroup();
    const node = typeof target === 'string' ? root.f_get<NNNode>(target, { shortcuts: false }) : target;
    const full = this._fullNameForNew(name, 'group');
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
      throw new NotFoundError(`'${this._childFull(name)}' is not a link.`, { path: this._childFull(name) });
    }
  }

  protected _addLeaf(kind: LeafKind, branch: Branch | undefined, args: AddLeafArgs): NNLeafNode {
    const { instance, name, make } = this._parseLeafArgs(kind, args);
    const full = this._fullNameForNew(name, kind, branch);
    const parts = full.split('.');
    const parent = this._ensureGroups(parts.slice(0, -1));
    const last = parts[parts.length - 1]!;
    if (parent._childOrLink(last)) {
      throw new NodeExistsError(`'${full}' already exists; remove it first or choose another name.`, { path: full });
    }
    const leaf = instance ?? make(full);
    return parent._attachChild(leaf, last);
  }

  private _parseLeafArgs(kind: LeafKind, args: AddLeafArgs): {
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
    const Cls = this._groupRoot._leafClassFor(kind);
    const [value, options] = rest as [unknown, LeafOptions | undefined];
    return { name: first, make: (full) => (rest.length === 0 ? new Cls(full) : new Cls(full, value, options)) };
  }

  // -------------------------------------------------------------------------------------------
  // Removing

  /**
   * Removes a direct child from memory (not from disk). A group with children needs
   * `recursive: true`.
   */
  f_remove_child(name: string, options: { recursive?: boolean } = {}): void {
    checkOptions('f_remove_child()', options, RECURSIVE_ONLY);
    const child = this[NODE_STATE].children.get(name);
    if (!child) {
      if (this[NODE_STATE].links.delete(name)) return;
      throw new NotFoundError(`'${this._childFull(name)}' does not exist, so it cannot be removed.`, { path: this._childFull(name) });
    }
    if (!child.v_is_leaf && (child as NNGroupNode).f_has_children() && !options.recursive) {
      throw new InvalidArgumentError(
        `The group '${child.v_full_name}' has children; pass { recursive: true } to remove it with its subtree.`,
        { path: child.v_full_name },
      );
    }
    this._detach(child);
  }

  /** Adds (or drops) the links of this group and every group below to the root's link index. */
  _indexLinks(add: boolean): void {
    const root = this[NODE_STATE].root as GroupRoot | undefined;
    if (!root) return;
    // Every group, whatever run the tree is viewed as.
    const stack: NNGroupNode[] = [this];
    for (let g = stack.pop(); g; g = stack.pop()) {
      for (const name of groupState(g).links.keys()) (add ? root._linkAdded(g, name) : root._linkRemoved(g, name));
      for (const child of groupState(g).children.values()) if (!child.v_is_leaf) stack.push(child as NNGroupNode);
    }
  }

  /** Detaches a child and its subtree from the indexes (children still only in storage stay there). */
  _detach(child: NNNode): void {
    if (!child.v_is_leaf) {
      (child as NNGroupNode)._indexLinks(false);
      for (const sub of [...(child as NNGroupNode)._loadedNodes()]) this[NODE_STATE].root?._nodeRemoved(sub);
    }
    this[NODE_STATE].root?._nodeRemoved(child);
    this[NODE_STATE].children.delete(child.v_name);
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

/** Arguments of the `f_add_*` leaf methods (see {@link NNGroupNode.f_add_parameter}). */
export type AddLeafArgs =
  | [name: string, value?: unknown, options?: LeafOptions]
  | [leaf: NNLeafNode]
  | [cls: LeafConstructor, name: string, value?: unknown, options?: LeafOptions];

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
