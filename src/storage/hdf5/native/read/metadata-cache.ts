/**
 * A least-recently-used cache with a budget in (estimated) bytes, for the metadata the lazy
 * reader parses on demand (`lazy-graph.ts`): a scan over a million runs then keeps the objects it
 * touched last, not all of them.
 *
 * The recency order is a doubly linked list beside the Map. (Using the Map's own insertion
 * order and evicting its first entry is O(holes): V8 leaves deleted entries in place until it
 * rehashes, and finding the first live one walks them, 5 s over a 100k-run scan.)
 */
interface Entry<K, V> {
  key: K;
  value: V;
  bytes: number;
  older: Entry<K, V> | undefined;
  newer: Entry<K, V> | undefined;
}

export class MetadataCache<K, V> {
  private readonly entries = new Map<K, Entry<K, V>>();
  private oldest: Entry<K, V> | undefined;
  private newest: Entry<K, V> | undefined;
  private total = 0;

  /** @param budget bytes kept at most (an entry larger than the budget stays until the next insertion). */
  constructor(readonly budget: number) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e !== this.newest) {
      this.unlink(e);
      this.append(e);
    }
    return e.value;
  }

  /** Adds (or replaces) `key`, then evicts the least recently used entries over the budget. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    const e: Entry<K, V> = { key, value, bytes, older: undefined, newer: undefined };
    this.entries.set(key, e);
    this.append(e);
    this.total += bytes;
    this.evict();
  }

  /** Changes the size of a cached entry (a group whose links were just read), if it is still cached. */
  resize(key: K, bytes: number): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.total += bytes - e.bytes;
    e.bytes = bytes;
    this.evict();
  }

  /** Removes `key`; whether it was cached. */
  delete(key: K): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return false;
    this.entries.delete(key);
    this.unlink(e);
    this.total -= e.bytes;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.entries.clear();
    this.oldest = this.newest = undefined;
    this.total = 0;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  private append(e: Entry<K, V>): void {
    e.older = this.newest;
    e.newer = undefined;
    if (this.newest) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
  }

  private unlink(e: Entry<K, V>): void {
    if (e.older) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = e.newer = undefined;
  }

  private evict(): void {
    // The newest entry is kept even when it alone exceeds the budget: its caller is using it.
    while (this.total > this.budget && this.oldest !== undefined && this.oldest !== this.newest) this.delete(this.oldest.key);
  }
}

/**
 * The last {@link RecentObjects.capacity} objects parsed during a scan over runs, in a ring of
 * two fixed arrays. A {@link MetadataCache} there churns: each insertion evicts, and V8's Map
 * tables, rehashed every few hundred deletions, keep pointing at entries from an older
 * generation's dead table, so every parsed object survived scavenges (~1 kB promoted per run).
 * A ring overwrites its slots in place and lets go of what it drops at once.
 */
export class RecentObjects<V> {
  private readonly keys: Float64Array;
  private readonly values: (V | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity).fill(-1);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
  }

  private indexOf(key: number): number {
    // Newest first: what a scan asks for again is what it parsed last.
    for (let k = 1; k <= this.capacity; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      if (this.keys[i] === key) return i;
    }
    return -1;
  }

  get(key: number): V | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  /** Adds `value` for `key` (a key not held: the caller asked {@link get} first), dropping the oldest. */
  set(key: number, value: V): void {
    this.keys[this.next] = key;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Removes `key`; whether it was held. */
  delete(key: number): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.keys[i] = -1;
    this.values[i] = undefined;
    return true;
  }
}
