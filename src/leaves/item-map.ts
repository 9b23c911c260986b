/**
 * The items of a Result, sized for the common case: a Result holds a few items, and a trajectory
 * of a million runs holds a million Results (f_get_from_runs then f_load_items with one item
 * each). {@link ItemSlots}: a single item lives in three fields of the Result itself, with no
 * object of its own; two or more go to an {@link ItemMap}, with a Map's interface: up to
 * {@link SMALL} items in one flat array `[name, value, name, value, …]` of exactly their size
 * (a Map costs ~200 bytes even empty), beyond that a real Map, so lookups stay O(1) for results
 * with many items.
 */
import type { TypedValue, ValueType } from '../values/types.js';

/** Items kept in the flat array at most; a Result with more gets a Map. */
const SMALL = 8;

export class ItemMap {
  /** `[name, value, …]` while small (undefined when empty), else undefined and `#map` is set. */
  #flat: (string | TypedValue)[] | undefined;
  #map: Map<string, TypedValue> | undefined;

  get size(): number {
    return this.#map ? this.#map.size : (this.#flat?.length ?? 0) / 2;
  }

  #indexOf(name: string): number {
    const flat = this.#flat;
    if (!flat) return -1;
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return i;
    return -1;
  }

  get(name: string): TypedValue | undefined {
    if (this.#map) return this.#map.get(name);
    const i = this.#indexOf(name);
    return i < 0 ? undefined : (this.#flat![i + 1] as TypedValue);
  }

  has(name: string): boolean {
    return this.#map ? this.#map.has(name) : this.#indexOf(name) >= 0;
  }

  /** Sets an item; a new name goes last, as in a Map. */
  set(name: string, value: TypedValue): this {
    if (this.#map) {
      this.#map.set(name, value);
      return this;
    }
    const i = this.#indexOf(name);
    if (i >= 0) {
      this.#flat![i + 1] = value;
    } else if (this.size < SMALL) {
      // A copy of exactly the new size: `push` would reserve room for ~16 more elements.
      this.#flat = this.#flat ? [...this.#flat, name, value] : [name, value];
    } else {
      this.#map = new Map(this.entries());
      this.#map.set(name, value);
      this.#flat = undefined;
    }
    return this;
  }

  delete(name: string): boolean {
    if (this.#map) return this.#map.delete(name);
    const i = this.#indexOf(name);
    if (i < 0) return false;
    const flat = this.#flat!.filter((_, j) => j !== i && j !== i + 1);
    this.#flat = flat.length > 0 ? flat : undefined;
    return true;
  }

  clear(): void {
    this.#flat = undefined;
    this.#map = undefined;
  }

  *entries(): IterableIterator<[string, TypedValue]> {
    if (this.#map) {
      yield* this.#map.entries();
      return;
    }
    const flat = this.#flat ?? [];
    for (let i = 0; i < flat.length; i += 2) yield [flat[i] as string, flat[i + 1] as TypedValue];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<TypedValue> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(fn: (value: TypedValue, name: string, items: this) => void): void {
    for (const [name, value] of this.entries()) fn(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, TypedValue]> {
    return this.entries();
  }
}

/**
 * Where a Result keeps its items: none (all three undefined), one (`_itemName`, its value in
 * `_item` and its type in `_itemType`: no object of its own, not even a {@link TypedValue}), or
 * several (`_item` an {@link ItemMap}, the other two undefined). The functions below are the only
 * code that reads or writes these fields.
 */
export interface ItemSlots {
  _itemName: string | undefined;
  _item: unknown;
  _itemType: ValueType | undefined;
}

function many(slots: ItemSlots): ItemMap | undefined {
  return slots._itemType === undefined && slots._item instanceof ItemMap ? slots._item : undefined;
}

/** The number of items. */
export function itemCount(slots: ItemSlots): number {
  if (slots._itemType !== undefined) return 1;
  return many(slots)?.size ?? 0;
}

/** Item `name` with its type (a new object for a single item), or undefined. */
export function itemGet(slots: ItemSlots, name: string): TypedValue | undefined {
  if (slots._itemType !== undefined) return slots._itemName === name ? { value: slots._item, type: slots._itemType } : undefined;
  return many(slots)?.get(name);
}

/** The value of item `name`, or `missing` when there is none (no object made). */
export function itemValue<M>(slots: ItemSlots, name: string, missing: M): unknown {
  if (slots._itemType !== undefined) return slots._itemName === name ? slots._item : missing;
  const item = many(slots)?.get(name);
  return item === undefined ? missing : item.value;
}

export function itemHas(slots: ItemSlots, name: string): boolean {
  if (slots._itemType !== undefined) return slots._itemName === name;
  return many(slots)?.has(name) ?? false;
}

/** Sets an item; a new name goes last. */
export function itemSet(slots: ItemSlots, name: string, value: TypedValue): void {
  const map = many(slots);
  if (map) {
    map.set(name, value);
  } else if (slots._itemType === undefined || slots._itemName === name) {
    slots._itemName = name;
    slots._item = value.value;
    slots._itemType = value.type;
  } else {
    slots._item = new ItemMap().set(slots._itemName!, { value: slots._item, type: slots._itemType }).set(name, value);
    slots._itemName = undefined;
    slots._itemType = undefined;
  }
}

/** Removes an item; whether it was there. */
export function itemDelete(slots: ItemSlots, name: string): boolean {
  const map = many(slots);
  if (!map) {
    if (slots._itemType === undefined || slots._itemName !== name) return false;
    itemClear(slots);
    return true;
  }
  const deleted = map.delete(name);
  // Back to the fields when one is left, as if it had been set alone.
  if (map.size === 1) {
    const [only, item] = map.entries().next().value as [string, TypedValue];
    itemClear(slots);
    itemSet(slots, only, item);
  }
  return deleted;
}

export function itemClear(slots: ItemSlots): void {
  slots._itemName = undefined;
  slots._item = undefined;
  slots._itemType = undefined;
}

/** The items in order, as `[name, value]` pairs. */
export function* itemEntries(slots: ItemSlots): IterableIterator<[string, TypedValue]> {
  if (slots._itemType !== undefined) yield [slots._itemName!, { value: slots._item, type: slots._itemType }];
  else yield* many(slots)?.entries() ?? [];
}
