/**
 * Text columns of the run table: one string per run without one JS string (or object) per run.
 * A trajectory with a million runs would otherwise hold a million records of nine fields
 * (~0.6 KB each); these columns hold a few bytes per run. Two kinds, by how the values repeat:
 * {@link PooledText} for values shared by many runs (start times to the second, the environment's
 * hexsha), {@link PackedText} for values nearly every run has its own of (parameter summaries,
 * runtimes), kept as UTF-8 in one growing buffer.
 */
import { InvalidArgumentError } from '../errors.js';

/** Grows a typed array to `capacity` elements, keeping its contents (new elements are 0). */
export function grown<A extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: A, capacity: number): A {
  const next = new (a.constructor as new (n: number) => A)(capacity);
  next.set(a.subarray(0, Math.min(a.length, capacity)));
  return next;
}

/**
 * Strings drawn from a small set: each run holds an id into a pool of distinct values, in one
 * byte while the pool has at most 256 values (a trajectory has one environment hexsha), widened to two
 * and then four bytes when it grows past that. Id 0 is the placeholder, the value of a run that
 * never ran.
 */
export class PooledText {
  // The pool only grows (until the column is emptied): it is meant for a few distinct values.
  private ids: Uint8Array | Uint16Array | Uint32Array;
  private readonly pool: string[];
  private readonly index: Map<string, number>;

  constructor(placeholder: string, capacity: number) {
    this.ids = new Uint8Array(capacity);
    this.pool = [placeholder];
    this.index = new Map([[placeholder, 0]]);
  }

  /** Grows the storage to `capacity` runs; 0 empties the column, pool included. */
  setCapacity(capacity: number): void {
    this.ids = capacity === 0 ? new Uint8Array(0) : grown(this.ids, capacity);
    if (capacity === 0) {
      this.pool.length = 1;
      this.index.clear();
      this.index.set(this.pool[0]!, 0);
    }
  }

  /** Run `i` gets the placeholder (its storage may hold anything before). */
  clear(i: number): void {
    this.ids[i] = 0;
  }

  get(i: number): string {
    return this.pool[this.ids[i]!]!;
  }

  set(i: number, value: string): void {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.pool.length;
      this.pool.push(value);
      this.index.set(value, id);
      if (id === 0x100) this.ids = new Uint16Array(this.ids);
      else if (id === 0x10000) this.ids = new Uint32Array(this.ids);
    }
    this.ids[i] = id;
  }
}

/**
 * How a {@link PackedText} column's values can be derived: `derive(i)` (undefined when it cannot
 * be), and optionally `isDerived(i, text)`, the same as `derive(i) === text` but building nothing
 * (a load asks it of every row).
 */
export interface Derivation {
  derive(i: number): string | undefined;
  isDerived?(i: number, text: string): boolean;
}

/** What {@link PackedText} holds for a run: the placeholder, the derived value, or stored text. */
const PLACEHOLDER = 0;
const DERIVED = 1;
const STORED = 2;

/**
 * Strings nearly every run has its own of, as UTF-8 in one buffer. A value equal to `derive(i)`
 * (a pure function of the run's other columns, such as a runtime from its two timestamps) is not
 * stored at all: such a run costs one byte (what it holds), and the 8 bytes per run of where its
 * text is are allocated only once some run's text is stored (a million runs loaded from a file
 * whose start times and runtimes are all derived hold 1 MB per column, not 9 MB). Replaced values
 * leave garbage behind, which is squeezed out once it outweighs the live text.
 */
export class PackedText {
  private kind: Uint8Array;
  /** Where stored text is (runs of kind STORED); empty until the first text is stored. */
  private start = new Uint32Array(0);
  private length = new Uint32Array(0);
  private bytes = Buffer.alloc(0);
  private used = 0;
  private garbage = 0;
  private readonly derive: ((i: number) => string | undefined) | undefined;
  private readonly isDerived: (i: number, text: string) => boolean = (i, text) => this.derive !== undefined && this.derive(i) === text;

  constructor(
    private readonly placeholder: string,
    capacity: number,
    derivation?: Derivation | ((i: number) => string | undefined),
  ) {
    this.kind = new Uint8Array(capacity);
    if (typeof derivation === 'function') this.derive = derivation;
    else if (derivation !== undefined) {
      this.derive = (i) => derivation.derive(i);
      const test = derivation.isDerived;
      if (test) this.isDerived = (i, text) => test.call(derivation, i, text);
    }
  }

  /** Grows (or shrinks) the storage to `capacity` runs (new ones hold the placeholder); 0 empties the column. */
  setCapacity(capacity: number): void {
    this.kind = grown(this.kind, capacity);
    if (this.start.length > 0) {
      this.start = grown(this.start, capacity);
      this.length = grown(this.length, capacity);
    }
    if (capacity === 0) {
      this.bytes = Buffer.alloc(0);
      this.used = this.garbage = 0;
    }
  }

  /**
   * Stores the text of every run whose value is derived, as it is now: before what `derive`
   * reads changes in a way that would change the values of runs already recorded.
   */
  pinDerived(): void {
    for (let i = 0; i < this.kind.length; i++) {
      if (this.kind[i] !== DERIVED) continue;
      const value = this.derive!(i);
      this.kind[i] = PLACEHOLDER;
      if (value !== undefined && value !== this.placeholder) this.store(i, value);
    }
  }

  /** Bytes of text stored (live, not derived, not placeholders). */
  get storedBytes(): number {
    return this.used - this.garbage;
  }

  /**
   * Shrinks the storage to `capacity` runs and the text buffer to the live text (after loading,
   * when doubling has left up to half of it unused: 30 MB at a million runs).
   */
  fit(capacity: number): void {
    if (this.kind.length !== capacity) this.setCapacity(capacity);
    if (this.used - this.garbage < this.bytes.length) this.squeeze(0);
  }

  clear(i: number): void {
    this.release(i);
    this.kind[i] = PLACEHOLDER;
  }

  get(i: number): string {
    const kind = this.kind[i]!;
    if (kind === PLACEHOLDER) return this.placeholder;
    if (kind === DERIVED) return this.derive!(i) ?? this.placeholder;
    const s = this.start[i]!;
    return this.bytes.toString('utf8', s, s + this.length[i]!);
  }

  set(i: number, value: string): void {
    this.release(i);
    if (value === this.placeholder) {
      this.kind[i] = PLACEHOLDER;
      return;
    }
    if (this.isDerived(i, value)) {
      this.kind[i] = DERIVED;
      return;
    }
    this.store(i, value);
  }

  private store(i: number, value: string): void {
    const n = Buffer.byteLength(value, 'utf8');
    if (this.used + n > this.bytes.length) this.makeRoom(n);
    if (this.start.length < this.kind.length) {
      this.start = grown(this.start, this.kind.length);
      this.length = grown(this.length, this.kind.length);
    }
    this.bytes.write(value, this.used, 'utf8');
    this.kind[i] = STORED;
    this.start[i] = this.used;
    this.length[i] = n;
    this.used += n;
  }

  private release(i: number): void {
    if (this.kind[i] === STORED) this.garbage += this.length[i]!;
  }

  /** Room for `n` more bytes: squeezes out garbage when it is most of the buffer, else doubles it. */
  private makeRoom(n: number): void {
    const size = Math.max(4096, 2 * (this.used - this.garbage + n));
    if (size > 0xffff_fff0) {
      throw new InvalidArgumentError(`The run table cannot hold more than 4 GiB of text in one column (it needs ${size} bytes).`);
    }
    this.squeeze(size);
  }

  /** Copies the live text in run order into a new buffer of `size` bytes (at least the live text): garbage goes. */
  private squeeze(size: number): void {
    const next = Buffer.allocUnsafe(Math.max(size, this.used - this.garbage));
    let at = 0;
    for (let i = 0; i < this.kind.length; i++) {
      if (this.kind[i] !== STORED) continue;
      const len = this.length[i]!;
      this.bytes.copy(next, at, this.start[i]!, this.start[i]! + len);
      this.start[i] = at;
      at += len;
    }
    this.bytes = next;
    this.used = at;
    this.garbage = 0;
  }
}
