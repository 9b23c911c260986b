/**
 * Sharing one decoded value among identical byte strings of a file.
 *
 * A pypet file repeats the same few attribute names, values, datatypes and fill values tens of
 * thousands of times. Decoding each once and sharing the result keeps the graph of a 10,000-run
 * file small enough that building it is not dominated by garbage collection. Shared values are
 * treated as immutable: the graph's users replace values, they never change them in place.
 */
/**
 * Distinct values kept at most: a file whose objects carry distinct values (a comment per run)
 * would otherwise grow the table with its size. Past this, it starts again (sharing is an
 * optimisation: a value decoded twice is equally correct).
 */
const MAX_VALUES = 50_000;

type LatinBuffer = Buffer & { latin1Slice(start: number, end: number): string };

/** Decoded values by the bytes they were decoded from. */
export class Interner<T> {
  private readonly values = new Map<string, T>();
  private key = '';

  /** The value stored for the bytes `buf[pos, end)`, if any. Remembers the key for {@link add}. */
  find(buf: Buffer, pos: number, end: number): T | undefined {
    // A latin1 string is a faithful key (one char per byte), and V8 hashes it natively.
    // (`latin1Slice` is what `toString('latin1', …)` calls, without its argument checks.)
    this.key = (buf as LatinBuffer).latin1Slice(pos, end);
    return this.values.get(this.key);
  }

  /** Stores `value` for the bytes just looked up with {@link find}, and returns it. */
  add(value: T): T {
    if (this.values.size >= MAX_VALUES) this.values.clear();
    this.values.set(this.key, value);
    return value;
  }
}
