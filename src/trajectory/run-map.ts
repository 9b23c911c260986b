/**
 * What `f_get_from_runs` returns when it finds many runs: a Map of run name (or index) to item
 * that keeps its entries as two arrays in run order, with a run's position in a typed array.
 * V8's Map costs ~30 bytes an entry and leaves its smaller tables as garbage while it grows; a
 * million runs' entries here cost 12 bytes each, and the keys are the strings the caller already
 * holds (the file's run names). It is a Map to its users: every read method answers as a Map
 * would, in the same order; the first change (`set`, `delete`, `clear`) moves the entries into
 * the Map itself, which answers from then on. Fewer runs get a plain Map (see {@link runMap}).
 */
import { inspect } from 'node:util';
import { runIndexOf } from '../tree/names.js';

/** From this many entries on, {@link runMap} keeps them in arrays; below, it returns a plain Map. */
export const RUN_MAP_MIN = 10_000;

/**
 * A Map of `keys[i]` to `values[i]` (keys distinct, in increasing run order), for `runs` runs.
 * @example const found = runMap(names, leaves, traj.f_get_run_count());
 */
export function runMap<K extends string | number, V>(keys: K[], values: V[], runs: number): Map<K, V> {
  if (keys.length < RUN_MAP_MIN) {
    const map = new Map<K, V>();
    for (let i = 0; i < keys.length; i++) map.set(keys[i]!, values[i]!);
    return map;
  }
  return new RunMap(keys, values, runs);
}

class RunMap<K extends string | number, V> extends Map<K, V> {
  #keys: K[] | undefined;
  #values: V[] | undefined;
  /** The position of run `idx`'s entry, or -1. */
  #at: Int32Array | undefined;

  constructor(keys: K[], values: V[], runs: number) {
    super();
    this.#keys = keys;
    this.#values = values;
    this.#at = new Int32Array(runs).fill(-1);
    for (let i = 0; i < keys.length; i++) {
      const idx = indexOfKey(keys[i]!);
      if (idx === undefined || idx >= runs) throw new RangeError(`'${String(keys[i])}' is not a run of this trajectory.`);
      this.#at[idx] = i;
    }
  }

  /** The position of `key`'s entry, or -1. */
  #find(key: K): number {
    const idx = indexOfKey(key);
    if (idx === undefined || idx >= this.#at!.length) return -1;
    const i = this.#at![idx]!;
    return i >= 0 && this.#keys![i] === key ? i : -1;
  }

  /** Moves the entries into the Map itself: it answers from now on. */
  #settle(): void {
    const keys = this.#keys;
    if (keys === undefined) return;
    const values = this.#values!;
    this.#keys = this.#values = this.#at = undefined;
    for (let i = 0; i < keys.length; i++) super.set(keys[i]!, values[i]!);
  }

  override get size(): number {
    return this.#keys?.length ?? super.size;
  }

  override get(key: K): V | undefined {
    if (this.#keys === undefined) return super.get(key);
    const i = this.#find(key);
    return i < 0 ? undefined : this.#values![i];
  }

  override has(key: K): boolean {
    return this.#keys === undefined ? super.has(key) : this.#find(key) >= 0;
  }

  override set(key: K, value: V): this {
    this.#settle();
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.#settle();
    return super.delete(key);
  }

  override clear(): void {
    this.#settle();
    super.clear();
  }

  override *keys(): MapIterator<K> {
    if (this.#keys === undefined) return yield* super.keys();
    yield* this.#keys;
  }

  override *values(): MapIterator<V> {
    if (this.#keys === undefined) return yield* super.values();
    yield* this.#values!;
  }

  override *entries(): MapIterator<[K, V]> {
    if (this.#keys === undefined) return yield* super.entries();
    const keys = this.#keys;
    const values = this.#values!;
    for (let i = 0; i < keys.length; i++) yield [keys[i]!, values[i]!];
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    if (this.#keys === undefined) return super.forEach(fn, thisArg);
    const keys = this.#keys;
    const values = this.#values!;
    for (let i = 0; i < keys.length; i++) fn.call(thisArg, values[i]!, keys[i]!, this);
  }

  /** Printed as the Map it stands for (Node prints a Map from its own slots, which are empty). */
  [inspect.custom](depth: number, options: object): string {
    return inspect(new Map(this.entries()), { ...options, depth });
  }
}

/** The run index a key names (the index itself, or the run's name `run_XXXXXXXX`); undefined for any other value. */
function indexOfKey(key: unknown): number | undefined {
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 ? key : undefined;
  return typeof key === 'string' ? runIndexOf(key) : undefined;
}
