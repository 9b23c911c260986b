/**
 * A least-recently-used cache with a budget in (estimated) bytes, for the metadata the lazy
 * reader parses on demand (`lazy-graph.ts`): a scan over a million runs then keeps the objects it
 * touched last, not all of them.
 */
export class MetadataCache<K, V> {
  // A Map iterates in insertion order: a hit is moved to the end, the oldest is evicted first.
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  /** @param budget bytes kept at most (an entry larger than the budget stays until the next insertion). */
  constructor(readonly budget: number) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Adds (or replaces) `key`, then evicts the least recently used entries over the budget. */
  set(key: K, value: V, bytes: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.total -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
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

  /** Estimated bytes held. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private evict(): void {
    // The newest entry is kept even when it alone exceeds the budget: its caller is using it.
    while (this.total > this.budget && this.entries.size > 1) {
      const [key, e] = this.entries.entries().next().value as [K, { value: V; bytes: number }];
      this.entries.delete(key);
      this.total -= e.bytes;
    }
  }
}
