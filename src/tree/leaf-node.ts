/**
 * What the tree knows about leaves. Concrete classes (parameters, results) live in `leaves/`;
 * the tree creates them through constructors the root provides (pypet's `v_standard_parameter`,
 * `v_standard_result`, `v_standard_leaf`), so `tree/` does not depend on `leaves/`.
 */
import type { Annotations } from './annotations.js';
import { NNNode, NODE_STATE, NODE_STATE_FIELDS, type NodeState } from './node.js';

/** Options every leaf constructor accepts. */
export interface LeafOptions {
  /** A comment stored with the leaf. */
  comment?: string;
  /** The element type to impose (e.g. `'int'`, `'int32'`, `'float32'`); see the README. */
  dtype?: string;
}

export abstract class NNLeafNode extends NNNode {
  /**
   * A leaf is its own state: its {@link NodeState} fields are fields of the leaf object, not of
   * an object of their own, which cost 72 bytes a leaf (72 MB for the million results W2
   * collects, issue 13). They are set here, not declared, so that they are not part of the
   * leaf's type; natural naming on results passes them by (`NODE_STATE_FIELDS`), and listing a
   * leaf's keys does not show them (a result's proxy leaves them out, a parameter makes them not
   * enumerable: {@link hideNodeState}). A class of your own cannot use these names for fields.
   */
  constructor(fullName: string, comment = '') {
    super(fullName, comment);
    const self = this as unknown as NodeState;
    self.parent = undefined;
    self.root = undefined;
    self.stored = false;
    self.storedAt = -1;
    self.storedIn = undefined;
  }

  /**
   * The class name stored in a file when it names a class h5traj does not have (kept for dumps).
   * Declared only: set on the few leaves that need it, so the others carry no field for it.
   */
  declare _className: string | undefined;

  get v_is_leaf(): boolean {
    return true;
  }

  /**
   * The class name stored with the leaf: the class's own (a class of your own keeps its name, so
   * loading with `dynamic_imports` finds it again), or the one read from the file.
   */
  override f_get_class_name(): string {
    return this._className ?? this.constructor.name;
  }

  /** Whether the leaf holds no data (e.g. a skeleton loaded without data). */
  abstract f_is_empty(): boolean;

  /** Drops the leaf's data (keeps the node). */
  abstract f_empty(): void;

  /** What natural naming returns under fast access: a value, or the leaf itself. */
  abstract _fastAccess(): unknown;

  /** Sets the leaf's value through natural naming (`traj.x = 3`). */
  abstract f_set(...args: unknown[]): void;

  /** Whether the leaf is a parameter (config, parameter or derived parameter). */
  abstract get _isParameter(): boolean;
}

/** A leaf class: `new Cls(fullName, value?, options?)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each leaf class narrows its own options
export type LeafConstructor = new (fullName: string, value?: unknown, options?: any) => NNLeafNode;

// A leaf's state is the leaf (see the constructor): a getter, not a field pointing to itself, which
// cost 8 bytes a leaf. A result's proxy answers it with its target (see `result.ts`).
Object.defineProperty(NNLeafNode.prototype, NODE_STATE, {
  get(this: NNLeafNode): NodeState {
    return this as unknown as NodeState;
  },
});

/**
 * A leaf's annotations, kept beside it: most leaves have none, and a field for them cost 8 bytes
 * a leaf. Keyed by the leaf's state, which is the leaf object itself behind any proxy.
 */
const LEAF_ANNOTATIONS = new WeakMap<object, Annotations>();
Object.defineProperty(NNLeafNode.prototype, 'annotations', {
  get(this: object): Annotations | undefined {
    return LEAF_ANNOTATIONS.get(this);
  },
  set(this: object, value: Annotations | undefined) {
    if (value === undefined) LEAF_ANNOTATIONS.delete(this);
    else LEAF_ANNOTATIONS.set(this, value);
  },
});

/** Not enumerable, and not redefinable: a field of a subclass with such a name is refused. */
const HIDDEN = Object.fromEntries([...NODE_STATE_FIELDS].filter((name) => name !== 'annotations').map((name) => [name, { enumerable: false, configurable: false }]));

/**
 * Makes a leaf's state fields not enumerable, so that `Object.keys`, spreading or JSON of the
 * leaf do not walk into its tree (its parent, its trajectory), and not configurable, so that a
 * subclass declaring a field `root` fails when constructed instead of overwriting the leaf's
 * state. For leaves without a proxy doing both (parameters): a result's proxy does it without a
 * cost per result.
 */
export function hideNodeState(leaf: NNLeafNode): void {
  Object.defineProperties(leaf, HIDDEN);
}
