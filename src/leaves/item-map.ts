/**
 * The items of a Result, with a Map's interface but sized for the common case: a Result holds a
 * few items, and a trajectory of a million runs holds a million Results. An empty one costs one
 * small object (a Map costs ~200 bytes even empty); up to {@link SMALL} items live in one flat
 * array `[name, value, name, value, …]` of exactly their size; beyond that a real Map takes over,
 * so lookups stay O(1) for results with many items.
 */
import type { TypedValue } from '../values/types.js';

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
