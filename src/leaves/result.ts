/**
 * Results: any number of named items. `f_add_result('z', 42)` makes one item named like the
 * result; `f_add_result('out', { a, b, arr })` makes named items. Items are reached as
 * `result.a` (natural naming) or `result.f_get('a')`.
 */
import { InvalidNameError, NotFoundError } from '../errors.js';
import { NNLeafNode, type LeafOptions } from '../tree/leaf-node.js';
import { NODE_STATE, NODE_STATE_FIELDS } from '../tree/node.js';
import { isValidName } from '../tree/names.js';
import { pythonRepr } from '../values/python-repr.js';
import { checkOptions, optionNames, type OptionSpec } from '../options.js';
import { type AcceptRules, isPlainObject, toTypedValue } from '../values/coerce.js';
import { Typed } from '../values/markers.js';
import type { DTypeHint, TypedValue, ValueType } from '../values/types.js';
import { type ItemSlots, itemClear, itemCount, itemDelete, itemEntries, itemGet, itemHas, itemSet, itemValue } from './item-map.js';

export interface ResultOptions extends LeafOptions {
  dtype?: DTypeHint;
}

/** What {@link itemValue} gives for an item that is not there. */
const MISSING = Symbol('missing');

const RESULT_OPTIONS: OptionSpec = { known: optionNames<ResultOptions>({ comment: true, dtype: true }) };

/** pypet's standard result. */
export class Result extends NNLeafNode implements ItemSlots {
  /** Natural naming: any other property is an item. */
  [item: string]: any;

  /** The items (see `item-map.ts`: one item needs no object of its own). */
  _itemName: string | undefined = undefined;
  _item: unknown = undefined;
  _itemType: ValueType | undefined = undefined;
  /** Set only when given (most results have none; see {@link NNNode}'s comment field). */
  declare protected _dtype: DTypeHint | undefined;

  constructor(fullName: string, value?: unknown, options: ResultOptions = {}) {
    super(fullName, options.comment ?? '');
    if (new.target === Result || new.target === PickleResult) checkOptions(`${new.target.name} '${fullName}'`, options, RESULT_OPTIONS);
    if (options.dtype !== undefined) this._dtype = options.dtype;
    const proxy = new Proxy(this, RESULT_HANDLER);
    if (value !== undefined) proxy.f_set(value);
    return proxy;
  }

  protected get _accepts(): AcceptRules {
    return { ndarray: true, dict: true, object: false };
  }

  get _isParameter(): boolean {
    return false;
  }

  /**
   * Sets items: a plain object sets one item per key; any other value sets the item named like
   * the result. `f_set({ out: obj })` stores an object as a single item.
   */
  f_set(value: unknown): void {
    if (isPlainObject(value)) {
      for (const [name, item] of Object.entries(value)) this.f_set_single(name, item);
    } else {
      this.f_set_single(this.v_name, value);
    }
  }

  /** Sets one item. Dotted item names become nested groups on disk, as in pypet. */
  f_set_single(name: string, value: unknown): void {
    for (const part of name.split('.')) {
      if (!isValidName(part) && !(part === this.v_name)) {
        throw new InvalidNameError(
          `'${name}' is not a valid item name for result '${this.v_full_name}': item names use letters, digits and underscores and may not start with '_', 'f_' or 'v_'.`,
          { path: `${this.v_full_name}.${name}` },
        );
      }
    }
    const hint = value instanceof Typed ? undefined : this._dtype;
    if (this.v_stored) this.f_get_root()?._storedLeafChanging(this, `item '${name}'`);
    itemSet(this, name, toTypedValue(value, this._accepts, `Item '${name}' of result '${this.v_full_name}'`, hint));
  }

  /** Sets an item with a known type (used when loading). */
  _setTyped(name: string, value: TypedValue): void {
    itemSet(this, name, value);
  }

  /**
   * Item values. No name: the only item (or the one named like the result); one name: its value;
   * several: an array of values.
   */
  f_get(...names: string[]): any {
    if (names.length === 0) {
      if (itemCount(this) === 1) return itemEntries(this).next().value![1].value;
      const own = itemValue(this, this.v_name, MISSING);
      if (own !== MISSING) return own;
      throw new NotFoundError(
        `Result '${this.v_full_name}' has ${itemCount(this)} items (${this.f_keys().join(', ') || 'none'}); name the one you want.`,
        { path: this.v_full_name },
      );
    }
    const values = names.map((n) => {
      const value = itemValue(this, n, MISSING);
      if (value === MISSING) {
        throw new NotFoundError(
          `Result '${this.v_full_name}' has no item '${n}'; its items are: ${this.f_keys().join(', ') || 'none'}.`,
          { path: `${this.v_full_name}.${n}` },
        );
      }
      return value;
    });
    return values.length === 1 ? values[0] : values;
  }

  /** The item names. */
  f_keys(): string[] {
    return Array.from(itemEntries(this), ([name]) => name);
  }

  /** All items as an object (values). */
  f_to_dict(): Record<string, unknown> {
    return Object.fromEntries(Array.from(itemEntries(this), ([k, v]) => [k, v.value]));
  }

  /** One item with its type, or undefined. */
  _typedItem(name: string): TypedValue | undefined {
    return itemGet(this, name);
  }

  /** Items with their types, for storage. */
  _typedItems(): [string, TypedValue][] {
    return [...itemEntries(this)];
  }

  /** Whether an item exists. */
  f_contains(name: string): boolean {
    return itemHas(this, name);
  }

  /** Removes items by name. */
  f_remove(...names: string[]): void {
    if (this.v_stored && names.some((n) => itemHas(this, n))) this.f_get_root()?._storedLeafChanging(this, `the removal of item '${names.find((n) => itemHas(this, n))}'`);
    for (const n of names) itemDelete(this, n);
  }

  f_is_empty(): boolean {
    return itemCount(this) === 0;
  }

  f_empty(): void {
    itemClear(this);
  }

  _fastAccess(): unknown {
    if (itemCount(this) === 1) {
      const own = itemValue(this, this.v_name, MISSING);
      if (own !== MISSING) return own;
    }
    return this;
  }

  /** pypet's `f_val_to_str`: `a=1, b='x'` (Python reprs; cut at 1024 characters). */
  f_val_to_str(): string {
    const text = Array.from(itemEntries(this)).map(([k, v]) => `${k}=${pythonRepr(v.value, v.type)}`).join(', ');
    return text.length > 1024 ? `${text.slice(0, 1021)}...` : text;
  }

  /** pypet's `str(result)`: `Result results.z (\`comment\`): z=42`. */
  override _str(): string {
    const data = this.f_val_to_str();
    return data ? `${super._str()}: ${data}` : super._str();
  }
}

/** A result whose items are JSON-like data stored as restricted pickles (pypet's PickleResult). */
export class PickleResult extends Result {
  protected override get _accepts(): AcceptRules {
    return { ndarray: false, dict: false, object: true };
  }
}

/**
 * Whether `prop` is the result's own (a field, a method): natural naming leaves it alone. The
 * fields of the leaf's state are not (see `NODE_STATE_FIELDS`): `res.root` is an item `root`.
 */
function isOwnName(target: Result, prop: string): boolean {
  return prop in target && !NODE_STATE_FIELDS.has(prop);
}

const RESULT_HANDLER: ProxyHandler<Result> = {
  get(target, prop, receiver) {
    // The leaf's state is the leaf itself (see leaf-node.ts): the target, not this proxy.
    if (prop === NODE_STATE) return target;
    if (typeof prop === 'symbol' || isOwnName(target, prop)) return Reflect.get(target, prop, receiver);
    const value = itemValue(target, prop, MISSING);
    if (value !== MISSING) return value;
    if (!isValidName(prop)) return undefined;
    return target.f_get(prop);
  },
  set(target, prop, value, receiver) {
    // The result's own fields (its items' slots, written by its methods through the proxy) are
    // set on the target directly: through the receiver, every write took V8's slow path.
    if (typeof prop === 'string' && Object.hasOwn(target, prop) && !NODE_STATE_FIELDS.has(prop)) return Reflect.set(target, prop, value);
    if (typeof prop === 'symbol' || isOwnName(target, prop) || !isValidName(prop)) {
      return Reflect.set(target, prop, value, receiver);
    }
    target.f_set_single(prop, value);
    return true;
  },
  has(target, prop) {
    return typeof prop === 'symbol' || isOwnName(target, prop) || itemHas(target, prop);
  },
  // The leaf's state fields (see leaf-node.ts) are not listed: listing, spreading or JSON of a
  // result does not walk into its tree (its parent, its trajectory).
  ownKeys(target) {
    return Reflect.ownKeys(target).filter((key) => typeof key !== 'string' || !NODE_STATE_FIELDS.has(key));
  },
  getOwnPropertyDescriptor(target, prop) {
    return typeof prop === 'string' && NODE_STATE_FIELDS.has(prop) ? undefined : Reflect.getOwnPropertyDescriptor(target, prop);
  },
  // A subclass field with the name of a state field would overwrite the leaf's state.
  defineProperty(target, prop, descriptor) {
    if (typeof prop === 'string' && NODE_STATE_FIELDS.has(prop)) {
      throw new InvalidNameError(`The field '${prop}' of ${target.constructor.name} '${target.v_full_name}' has the name of a field h5traj keeps in every leaf; name it otherwise.`, { path: target.v_full_name });
    }
    return Reflect.defineProperty(target, prop, descriptor);
  },
};
