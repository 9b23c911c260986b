/**
 * The base of every node in the natural-naming tree: groups, parameters and results.
 *
 * A node knows its parent and its root; its full name is fixed when it is attached. All public
 * members carry pypet's `f_`/`v_` prefixes so that every other name is free for the user's tree.
 */
import { InvalidArgumentError } from '../errors.js';
import { funcAlias, varsAlias, type FuncAlias, type VarsAlias } from './aliases.js';
import { Annotations } from './annotations.js';
import { isRunGroupName } from './names.js';
import { internShort } from '../intern.js';
import type { NNGroupNode } from './group.js';

/** What the tree needs to know about its root (the trajectory), without depending on it. */
export interface TreeRoot {
  /** Index of the run the tree is viewed as, or -1. */
  readonly v_idx: number;
  /** Natural naming returns values instead of leaf objects. */
  v_fast_access: boolean;
  /** Natural naming may hop over groups. */
  v_shortcuts: boolean;
  /** Depth limit for shortcut searches (undefined: none). */
  v_max_depth: number | undefined;
  /** Natural naming loads missing nodes and data from storage. */
  v_auto_load: boolean;
  /** Called when a node is attached anywhere in the tree (keeps the root's indexes current). */
  _nodeAdded(node: NNNode): void;
  /** Called when a link `name` is set in `group`. */
  _linkAdded(group: NNGroupNode, name: string): void;
  /** Called when a node is detached. */
  _nodeRemoved(node: NNNode): void;
  /** Loads a node that exists in storage but not in memory, or undefined (auto-load). */
  _autoLoadChild(parent: NNGroupNode, name: string): NNNode | undefined;
  /** Loads an empty leaf's data (auto-load). */
  _autoLoadData(node: NNNode): void;
  /**
   * Called before a stored leaf's data changes (`what` names the change). A run commits only what
   * it adds, so a trajectory executing a run refuses the change instead of dropping it silently.
   */
  _storedLeafChanging(node: NNNode, what: string): void;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The key of a node's shared state. Exported for h5traj's own modules (not from the package
 * entry point): code outside a node's class reaches its state only through {@link nodeState}.
 * A symbol, not `#private`, because groups are Proxies and private fields do not work through one.
 */
export const NODE_STATE = Symbol('h5traj.node');

/**
 * What h5traj's modules share of a node, and who may change it:
 * - `parent`, `root`: the tree's own links; only `tree/` changes them (attaching, detaching).
 * - `stored`: whether storage holds the node. The storage service sets it when it writes or loads
 *   the node; the trajectory's `f_migrate` resets it; the run executor marks what a completed run
 *   added outside its own subtree. Everyone else only reads it.
 * - `annotations`: created on first use by `v_annotations` (a leaf keeps them beside it, see `leaf-node.ts`); storage and records read them, and
 *   loading sets them.
 * - `storedAt`, `storedIn`: where the storage service that read the node found it (an opaque
 *   number the service encodes as it likes, -1 for none) in which open file (its own object), so that loading the node's data
 *   later need not look it up again; only that service sets and reads them, and ignores them
 *   once the file is another.
 */
export interface NodeState {
  parent: NNGroupNode | undefined;
  root: TreeRoot | undefined;
  stored: boolean;
  annotations: Annotations | undefined;
  storedAt: number;
  storedIn: object | undefined;
}

/**
 * The names of {@link NodeState}'s fields. A leaf is its own state (see `leaf-node.ts`), so these
 * are fields of the leaf object, which natural naming must not take for items: a result's item
 * may be called `root` (see `result.ts`).
 */
export const NODE_STATE_FIELDS: ReadonlySet<string> = new Set<keyof NodeState>(['parent', 'root', 'stored', 'annotations', 'storedAt', 'storedIn']);

/** A node's state before it is placed anywhere. */
export function newNodeState(): NodeState {
  return { parent: undefined, root: undefined, stored: false, annotations: undefined, storedAt: -1, storedIn: undefined };
}

/**
 * Where nodes read from storage outside the tree were: below the group `under.<group>` (e.g.
 * `results.runs.run_00000003`), at `relative` (e.g. `out`). One object serves all the nodes of
 * one read, each keeping only its group's name (a string its reader holds anyway).
 */
export interface OutsidePlace {
  readonly under: string;
  readonly relative: string;
}

/**
 * A node's shared state (see {@link NodeState} for who may change what).
 * @example if (!nodeState(leaf).stored) toWrite.push(leaf);
 */
export function nodeState(node: NNNode): NodeState {
  return node[NODE_STATE];
}

/**
 * `comment`, unless it ends in a NUL character: no HDF5 string keeps that for pypet's readers
 * (fixed-length strings are NUL-padded and numpy/PyTables drop trailing NULs; variable-length
 * ones are C strings to libhdf5, so h5py, PyTables and h5wasm read them cut), so it is refused
 * when given rather than lost when read. NULs inside a comment are kept.
 * @throws InvalidArgumentError naming the node (its full name, or the trajectory's name).
 */
export function checkedComment(comment: string, name: string, trajectory = false): string {
  if (!comment.endsWith('\0')) return comment;
  const where = trajectory ? `the trajectory '${name}'` : `'${name}'`;
  throw new InvalidArgumentError(
    `The comment of ${where} ends in a NUL character, which HDF5 strings cannot keep (readers such as pypet and h5py drop trailing NULs); remove it or end the comment with another character.`,
    { path: name },
  );
}

export abstract class NNNode {
  /** Set when the node is attached; the root's full name is ''. */
  /** The full name; for a node placed outside the tree (see `_placeOutside`), the name of the group it was read from. */
  protected _fullName: string;
  /** Set by `_placeOutside`: the rest of the full name, shared by the nodes of one read. */
  protected _outside: OutsidePlace | undefined = undefined;
  /**
   * The node's name, or its name and comment together when it has a comment. A comment is not a
   * field of its own: pypet stores a result's comment only in its first run, so the first result
   * read had one, and V8, which sizes a class's objects by the fields its first few objects got,
   * then gave every result read after it room for one (8 MB for a million results, issue 13).
   */
  protected _name: string | NameAndComment;
  /** Set by the subclass: a group's own state object, a leaf itself (see `leaf-node.ts`). */
  declare readonly [NODE_STATE]: NodeState;

  constructor(fullName: string, comment = '') {
    this._fullName = fullName;
    const dot = fullName.lastIndexOf('.');
    // Shared: a million runs' results all called `out` need not hold a million copies of it.
    const name = dot < 0 ? fullName : internShort(fullName.slice(dot + 1));
    this._name = withComment(name, checkedComment(comment, fullName));
  }

  /** The node's own name. */
  get v_name(): string {
    return nameOf(this._name);
  }

  /** The comment ('' when none). */
  protected get _comment(): string {
    const n = this._name;
    return typeof n === 'string' ? '' : n.comment;
  }

  /** The dotted name from the root, e.g. `parameters.group.x`. */
  get v_full_name(): string {
    const outside = this._outside;
    return outside === undefined ? this._fullName : `${outside.under}.${this._fullName}.${outside.relative}`;
  }

  /** The full name of the parent ('' under the root). */
  get v_location(): string {
    const full = this.v_full_name;
    const dot = full.lastIndexOf('.');
    return dot < 0 ? '' : full.slice(0, dot);
  }

  /** Number of names in the full name (0 for the root). */
  get v_depth(): number {
    const full = this.v_full_name;
    return full === '' ? 0 : full.split('.').length;
  }

  /** The branch (first name of the full name); '' for the root. */
  get v_branch(): string {
    const full = this.v_full_name;
    const dot = full.indexOf('.');
    return dot < 0 ? full : full.slice(0, dot);
  }

  /** Whether the node is a leaf (parameter or result). */
  abstract get v_is_leaf(): boolean;

  /** Whether the node is the root (the trajectory). */
  get v_is_root(): boolean {
    return this._fullName === '' && this._outside === undefined && this[NODE_STATE].parent === undefined;
  }

  /** The run group this node hangs below (`run_00000003`, `run_ALL`), or `trajectory`. */
  get v_run_branch(): string {
    for (const part of this.v_full_name.split('.')) if (isRunGroupName(part)) return part;
    return 'trajectory';
  }

  get v_comment(): string {
    return this._comment;
  }

  /** @throws InvalidArgumentError for a comment ending in NUL (see {@link checkedComment}). */
  set v_comment(comment: string) {
    const checked = this._fullName === '' ? checkedComment(comment, this.v_name, true) : checkedComment(comment, this.v_full_name);
    // Unchanged (e.g. '' given to a node without a comment, as loading does): nothing made.
    if (checked === this._comment) return;
    this._name = withComment(nameOf(this._name), checked);
  }

  /** Whether the node has been stored to (or loaded from) disk. */
  get v_stored(): boolean {
    return this[NODE_STATE].stored;
  }

  /** The node's annotations. */
  get v_annotations(): Annotations {
    return (this[NODE_STATE].annotations ??= new Annotations());
  }

  /** Sets annotations (pypet's `f_set_annotations(**kwargs)`). */
  f_set_annotations(values: Record<string, unknown>): void {
    this.v_annotations.f_set(values);
  }

  /** Annotation values: one key gives its value, several an array, none an object of all. */
  f_get_annotations(...keys: string[]): unknown {
    return this.v_annotations.f_get(...keys);
  }

  /** Annotations as `key=value; …`. */
  f_ann_to_str(): string {
    return this[NODE_STATE].annotations?.f_ann_to_str() ?? '';
  }

  /** The class name (pypet stores it with each leaf). */
  f_get_class_name(): string {
    return this.constructor.name;
  }

  /** The root of the tree. */
  f_get_root(): TreeRoot | undefined {
    return this[NODE_STATE].root;
  }

  /** pypet's alternative naming: `node.func.add_result(…)` is `node.f_add_result(…)`. */
  get func(): FuncAlias<this> {
    return funcAlias(this);
  }

  /** pypet's alternative naming: `node.vars.idx` is `node.v_idx` (assignable where v_ is). */
  get vars(): VarsAlias<this> {
    return varsAlias(this);
  }

  /**
   * pypet's `str(node)`: class, full name, comment and the value or the children. `String(node)`,
   * template strings and `util.inspect` use it through symbols, so a child called `toString`
   * does not change how a node prints.
   */
  _str(): string {
    return `${this.f_get_class_name()} ${this.v_full_name}${this._comment ? ` (\`${this._comment}\`)` : ''}`;
  }

  toString(): string {
    return this._str();
  }

  [Symbol.toPrimitive](): string {
    return this._str();
  }

  [INSPECT](): string {
    return this._str();
  }

  /**
   * Names a detached node: pypet's rule for `group.key = node` (a node with the empty name takes
   * the key), and attaching (`_attach` then sets the full name).
   */
  _rename(name: string): void {
    this._outside = undefined;
    this._fullName = name;
    this._name = withComment(name, this._comment);
  }

  /**
   * Gives a node that is not in the tree the full name `${place.under}.${group}.${place.relative}`
   * without a string of its own: a million results read from a million run groups would each
   * hold one (~50 bytes). Attaching the node to a tree gives it its own full name again. Only
   * storage calls it, for nodes it reads outside the tree.
   * @example leaf._placeOutside({ under: 'results.runs', relative: 'out' }, 'run_00000003');
   */
  _placeOutside(place: OutsidePlace, group: string): void {
    this._outside = place;
    this._fullName = group;
  }

  /** Re-homes the node (used when attaching); only the tree calls it. */
  _attach(parent: NNGroupNode, root: TreeRoot | undefined): void {
    this[NODE_STATE].parent = parent;
    this[NODE_STATE].root = root;
    const loc = parent.v_full_name;
    this._outside = undefined;
    const name = nameOf(this._name);
    this._fullName = loc === '' ? name : `${loc}.${name}`;
  }
}

/** The name and comment of a node that has a comment (see {@link NNNode}'s `_name`). */
class NameAndComment {
  constructor(
    readonly name: string,
    readonly comment: string,
  ) {}
}

/** The name a node's `_name` holds. */
function nameOf(packed: string | NameAndComment): string {
  return typeof packed === 'string' ? packed : packed.name;
}

/** What a node's `_name` holds for `name` and `comment` (the name alone when there is no comment). */
function withComment(name: string, comment: string): string | NameAndComment {
  return comment === '' ? name : new NameAndComment(name, comment);
}
