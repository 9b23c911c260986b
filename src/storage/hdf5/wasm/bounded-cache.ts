/**
 * The h5wasm adapter's memo of what it has read: a map whose size stays bounded however much a
 * long scan reads, so that no caller has to close and reopen a file to free it (the native
 * engine's parsed graph does not grow with reads, so only this adapter needs it).
 *
 * Two generations, as a cheap stand-in for least-recently-used: new entries go into the current
 * one; when it is full it becomes the previous one and the old previous one is dropped. A hit in
 * the previous generation moves the entry (the same object, so callers may keep changing it)
 * back into the current one. A working set up to `limit` entries is never dropped.
 */
export class BoundedCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  /** @param limit entries per generation: at most twice as many are held. */
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const v = this.current.get(key);
    if (v !== undefined || this.previous.size === 0) return v;
    const old = this.previous.get(key);
    if (old !== undefined) {
      this.previous.delete(key);
      this.set(key, old);
    }
    return old;
  }

  has(key: K): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  set(key: K, value: V): void {
    if (!this.current.has(key) && this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.previous.delete(key);
    this.current.set(key, value);
  }

  delete(key: K): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }

  /** How many entries are held (at most twice the limit). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
