/**
 * Annotations: small extra facts attached to any node, stored as HDF5 attributes
 * (`SRVC_AN_<key>`). Keys follow the node-name rules so that they are valid attribute suffixes.
 * As in pypet they are also attributes: `node.v_annotations.info = 'x'` is `f_set_single`, and
 * `node.v_annotations.info` reads it back.
 */
import { InvalidNameError, NotFoundError } from '../errors.js';
import { toTypedValue } from '../values/coerce.js';
import { valueToString } from '../values/text.js';
import type { TypedValue } from '../values/types.js';

const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The key of the flag "changed since stored": the annotations set it when a user changes them
 * (not when loading); only the storage service clears it, once it has written them.
 */
export const ANNOTATIONS_CHANGED = Symbol('h5traj.annotationsChanged');

/** The annotations of one node. Values keep their pypet type for storage. */
export class Annotations {
  /** Attribute access: any other property is an annotation. */
  [key: string]: any;

  private readonly _items = new Map<string, TypedValue>();
  /** See {@link ANNOTATIONS_CHANGED}. */
  [ANNOTATIONS_CHANGED] = false;

  constructor() {
    return new Proxy(this, ANNOTATIONS_HANDLER);
  }

  /** Sets annotations from an object of key → value. */
  f_set(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) this.f_set_single(key, value);
  }

  /** Sets one annotation. Keys must start with a letter and use letters, digits, underscores. */
  f_set_single(key: string, value: unknown): void {
    if (!KEY_PATTERN.test(key)) {
      throw new InvalidNameError(
        `The annotation key '${key}' is not valid: keys start with a letter and use only letters, digits and underscores.`,
        { path: key },
      );
    }
    if (key in this) {
      throw new InvalidNameError(`The annotation key '${key}' is a member of Annotations; choose another key.`, { path: key });
    }
    this._items.set(key, toTypedValue(value, { ndarray: true, dict: false, object: false }, `annotation '${key}'`));
    this[ANNOTATIONS_CHANGED] = true;
  }

  /** Sets an annotation with a known type (used when loading). */
  setTyped(key: string, value: TypedValue): void {
    this._items.set(key, value);
  }

  /** One annotation's value (no argument: all, as an object); throws for a missing key. */
  f_get(...keys: string[]): unknown {
    if (keys.length === 0) return this.f_to_dict();
    const values = keys.map((k) => {
      const item = this._items.get(k);
      if (!item) {
        throw new NotFoundError(`There is no annotation '${k}'; the annotations are: ${[...this._items.keys()].join(', ') || 'none'}.`);
      }
      return item.value;
    });
    return values.length === 1 ? values[0] : values;
  }

  /** Removes an annotation. */
  f_remove(key: string): void {
    if (this._items.delete(key)) this[ANNOTATIONS_CHANGED] = true;
  }

  f_contains(key: string): boolean {
    return this._items.has(key);
  }

  f_is_empty(): boolean {
    return this._items.size === 0;
  }

  f_empty(): void {
    if (this._items.size > 0) this._changed = true;
    this._items.clear();
  }

  /** All annotations as a plain object. */
  f_to_dict(): Record<string, unknown> {
    return Object.fromEntries([...this._items].map(([k, v]) => [k, v.value]));
  }

  /** Annotations with their types (for storage). */
  typedEntries(): [string, TypedValue][] {
    return [...this._items];
  }

  /** `key1=value1; key2=value2`, sorted by key, as pypet prints them. */
  f_ann_to_str(): string {
    return [...this._items.keys()]
      .sort()
      .map((k) => `${k}=${valueToString(this._items.get(k)?.value, 1000)}`)
      .join('; ');
  }
}

const ANNOTATIONS_HANDLER: ProxyHandler<Annotations> = {
  get(target, prop, receiver) {
    if (typeof prop === 'symbol' || prop in target || prop === 'then' || prop === 'toJSON') return Reflect.get(target, prop, receiver);
    return target.f_get(prop);
  },
  set(target, prop, value, receiver) {
    if (typeof prop === 'symbol' || prop.startsWith('_')) return Reflect.set(target, prop, value, receiver);
    target.f_set_single(prop, value);
    return true;
  },
  has(target, prop) {
    return prop in target || (typeof prop === 'string' && target.f_contains(prop));
  },
  deleteProperty(target, prop) {
    if (typeof prop === 'string' && target.f_contains(prop)) target.f_remove(prop);
    return true;
  },
};
