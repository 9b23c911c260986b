/**
 * Run information: what pypet records about each run (its `overview/runs` row), held as a
 * columnar table. Records handed out are frozen flat objects made on demand, so handing one out
 * never lets a caller corrupt the trajectory's bookkeeping, and a million runs hold no million
 * objects (issue 13).
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { runIndexOf, runName } from '../tree/names.js';
import { PackedText, PooledText, grown, type Derivation } from './run-columns.js';

/** What pypet records about each run. */
export interface RunInformation {
  readonly idx: number;
  readonly name: string;
  /** 1 when the run finished and its results are stored, else 0 (pypet stores an int). */
  readonly completed: 0 | 1;
  /** Start time as `YYYY_MM_DD_HHhMMmSSs`. */
  readonly time: string;
  /** Start time (POSIX seconds). */
  readonly timestamp: number;
  readonly finish_timestamp: number;
  /** Human-readable runtime, e.g. `0:00:00.012820`. */
  readonly runtime: string;
  /** The explored values of the run, e.g. `x: 1.0,   y: 1`. */
  readonly parameter_summary: string;
  readonly short_environment_hexsha: string;
}

/** pypet's placeholder row for a run that never ran. */
export function placeholderRun(idx: number): RunInformation {
  return Object.freeze({
    idx,
    name: runName(idx),
    completed: 0,
    time: '>>Maybe time`s gone ',
    timestamp: 42.0,
    finish_timestamp: 1.337,
    runtime: 'forever and ever',
    parameter_summary: 'Not yet my friend!',
    short_environment_hexsha: 'N/A',
  });
}

/** pypet's placeholder values, column by column (see {@link placeholderRun}). */
const PLACEHOLDER = placeholderRun(0);

/** Fields of a run's record that an update may set. */
export type RunPatch = Partial<Omit<RunInformation, 'idx' | 'name'>>;

/**
 * The runs of a trajectory, in index order, kept as columns: a million runs cost ~24 MB here,
 * run or not, while their text is what the table derives (start times and runtimes from the
 * timestamps, summaries from the explored values), ~60 MB when every summary is kept as text
 * (typed arrays, shared or packed text), not a million records of ~0.35 KB. A run's index is its
 * position
 * and its name is {@link runName} of it, so neither is stored. Records are made on demand and
 * frozen, so a caller cannot corrupt the table through one; nothing here recurses or spreads
 * over the runs.
 */
export class RunTable {
  private n = 0;
  private completed = new Uint8Array(0);
  private timestamp = new Float64Array(0);
  private finish = new Float64Array(0);
  /**
   * 1 for a run changed since the table was last stored ({@link markStored}): a store writes
   * those rows only, without reading the stored table back (issue 13: comparing a million stored
   * rows took 6.5 s and ~200 MB at the end of an exploration).
   */
  private changed = new Uint8Array(0);
  private readonly hexsha = new PooledText(PLACEHOLDER.short_environment_hexsha, 0);
  // Start times and runtimes are nearly always the formatted start timestamp and the formatted
  // difference of the two timestamps: stored only when not (e.g. a file written in another
  // time zone). Long runs give each run its own second, so a pool of times could grow to N.
  private readonly time = new PackedText(PLACEHOLDER.time, 0, (i) => this.formatStart(this.timestamp[i]!));
  private lastStart = { second: NaN, text: '' };
  private readonly runtime = new PackedText(PLACEHOLDER.runtime, 0, (i) => formatRuntime(this.finish[i]! - this.timestamp[i]!));
  // A run's summary equal to what its explored values give is not stored either (issue 13: a
  // million W1 summaries were ~40 MB of text, in a buffer that doubles as it fills).
  private readonly summary: PackedText;

  /**
   * `summaries`: run i's parameter summary as the explored ranges give it now (undefined when
   * they cannot); the owner calls {@link pinSummaries} before a change of the explored
   * parameters would change it.
   */
  constructor(summaries?: Derivation | ((i: number) => string | undefined)) {
    this.summary = new PackedText(PLACEHOLDER.parameter_summary, 0, summaries);
    this.resize(1);
  }

  /**
   * Keeps the parameter summaries the runs have now: called before the explored parameters
   * change (one is added to an exploration with runs, or leaves the tree), since the summaries
   * of runs recorded before do not change with them.
   */
  pinSummaries(): void {
    this.summary.pinDerived();
  }

  get length(): number {
    return this.n;
  }

  /** Grows or shrinks to `n` runs (at least one), keeping existing runs and adding placeholders. */
  resize(n: number): void {
    this.setLength(Math.max(1, n));
  }

  /** Replaces all runs (loading); `records` may be a generator, so that rows can stream in. */
  replaceAll(records: Iterable<RunInformation>): void {
    this.setLength(0);
    for (const r of records) this.append(r);
    this.fit();
  }

  /**
   * Makes room for `n` runs before they are appended (a load knows its row count): the columns
   * are then allocated once, at their final size. Growing them by half again while loading freed
   * a chain of ever larger buffers (up to 10 MB at a million runs), which made glibc keep later
   * transient buffers resident (docs/native-engine.md §6; 40-130 MB more peak RSS when W2
   * collected a million results, issue 13). A hint only: appending grows the columns as needed.
   */
  reserve(n: number): void {
    if (n > this.completed.length) this.setCapacity(n);
  }

  /**
   * Shrinks the columns to the runs held: growing by half again while loading leaves up to a
   * third of each column unused, and doubling up to half of the text (~45 MB at a million runs).
   */
  fit(): void {
    const n = Math.max(this.n, 1);
    if (this.completed.length !== n) this.setCapacity(n);
    for (const c of [this.time, this.runtime, this.summary]) c.fit(n);
  }

  /** Bytes of run text the table stores: start times, runtimes and summaries it cannot derive. */
  storedTextBytes(): number {
    return this.time.storedBytes + this.runtime.storedBytes + this.summary.storedBytes;
  }

  /**
   * Adds a run read from the stored table at the end; its `idx` must be the next index, its
   * `name` that index's run name.
   */
  append(record: RunInformation): void {
    if (record.idx !== this.n || !isRunName(record.name, this.n)) {
      throw new InvalidArgumentError(
        `Run ${this.n} of the run table cannot be '${record.name}' (index ${record.idx}); runs are kept in index order as ${runName(this.n)}, ${runName(this.n + 1)}, ….`,
      );
    }
    this.setLength(this.n + 1);
    // No record made back: a load appends a million rows (and a record derives its text).
    this.set(record.idx, record);
    this.changed[record.idx] = 0; // a loaded row: the stored table holds it
  }

  /**
   * Updates one run's record; `stored`: the stored row already holds it (a commit wrote it), so
   * the next store need not write it again.
   */
  update(idx: number, patch: RunPatch, stored = false): RunInformation {
    this.check(idx);
    const record = this.write(idx, patch);
    if (stored) this.changed[idx] = 0;
    return record;
  }

  /** The runs changed since the table was last stored, ascending. */
  *changedRuns(): Generator<number> {
    for (let i = 0; i < this.n; i++) if (this.changed[i] === 1) yield i;
  }

  /** Records that the stored table now holds every run as it is here. */
  markStored(): void {
    this.changed.fill(0);
  }

  /** The record of a run (made on demand, frozen). */
  get(idx: number): RunInformation {
    this.check(idx);
    return this.record(idx);
  }

  /** Whether run `idx` completed (no record made). */
  isCompleted(idx: number): boolean {
    this.check(idx);
    return this.completed[idx] === 1;
  }

  /** How many runs completed. */
  completedCount(): number {
    let count = 0;
    for (let i = 0; i < this.n; i++) count += this.completed[i]!;
    return count;
  }

  /** The records of runs `[start, end)`, one at a time, each made when asked for. */
  *records(start = 0, end = this.n): Generator<RunInformation> {
    for (let i = Math.max(0, start); i < Math.min(end, this.n); i++) yield this.record(i);
  }

  /** Index of a run given by name or index; throws for unknown runs. */
  resolve(nameOrIdx: string | number): number {
    const idx = typeof nameOrIdx === 'number' ? nameOrIdx : runIndexOf(nameOrIdx);
    if (idx === undefined) {
      throw new InvalidArgumentError(`'${String(nameOrIdx)}' is not a run name; run names look like run_00000003.`);
    }
    this.check(idx);
    return idx;
  }

  private record(i: number): RunInformation {
    return Object.freeze({
      idx: i,
      name: runName(i),
      completed: this.completed[i] === 1 ? 1 : 0,
      time: this.time.get(i),
      timestamp: this.timestamp[i]!,
      finish_timestamp: this.finish[i]!,
      runtime: this.runtime.get(i),
      parameter_summary: this.summary.get(i),
      short_environment_hexsha: this.hexsha.get(i),
    });
  }

  private write(i: number, patch: RunPatch): RunInformation {
    this.set(i, patch);
    return this.record(i);
  }

  private set(i: number, patch: RunPatch): void {
    this.changed[i] = 1;
    // Text derived from the timestamps is read before they change, so it stays what it was.
    const moved = patch.timestamp !== undefined || patch.finish_timestamp !== undefined;
    const time = patch.time ?? (moved ? this.time.get(i) : undefined);
    const runtime = patch.runtime ?? (moved ? this.runtime.get(i) : undefined);
    if (patch.completed !== undefined) this.completed[i] = patch.completed === 1 ? 1 : 0;
    if (patch.timestamp !== undefined) this.timestamp[i] = patch.timestamp;
    if (patch.finish_timestamp !== undefined) this.finish[i] = patch.finish_timestamp;
    if (time !== undefined) this.time.set(i, time);
    if (runtime !== undefined) this.runtime.set(i, runtime);
    if (patch.parameter_summary !== undefined) this.summary.set(i, patch.parameter_summary);
    if (patch.short_environment_hexsha !== undefined) this.hexsha.set(i, patch.short_environment_hexsha);
  }

  /** Sets the number of runs; storage grows by half again at a time, so appending is amortized O(1). */
  private setLength(n: number): void {
    // Text of runs cut off becomes garbage of its column (squeezed out later).
    for (let i = n; i < this.n; i++) {
      this.time.clear(i);
      this.runtime.clear(i);
      this.summary.clear(i);
    }
    const capacity = this.completed.length;
    if (n > capacity || n === 0) this.setCapacity(n === 0 ? 0 : Math.max(n, Math.floor(capacity * 1.5), 16));
    for (let i = this.n; i < n; i++) this.clear(i);
    this.n = n;
  }

  /** Gives every column room for `capacity` runs, keeping those it holds. */
  private setCapacity(capacity: number): void {
    this.completed = grown(this.completed, capacity);
    this.timestamp = grown(this.timestamp, capacity);
    this.finish = grown(this.finish, capacity);
    this.changed = grown(this.changed, capacity);
    for (const c of [this.time, this.hexsha, this.runtime, this.summary]) c.setCapacity(capacity);
  }

  /** {@link formatTime}, remembering the last second: runs that start in the same second share it. */
  private formatStart(timestamp: number): string {
    const second = Math.floor(timestamp);
    if (second !== this.lastStart.second) this.lastStart = { second, text: formatTime(second) };
    return this.lastStart.text;
  }

  private clear(i: number): void {
    this.changed[i] = 1;
    this.completed[i] = 0;
    this.timestamp[i] = PLACEHOLDER.timestamp;
    this.finish[i] = PLACEHOLDER.finish_timestamp;
    this.time.clear(i);
    this.hexsha.clear(i);
    this.runtime.clear(i);
    this.summary.clear(i);
  }

  private check(idx: number): void {
    if (!Number.isInteger(idx) || idx < 0 || idx >= this.n) {
      throw new NotFoundError(
        `There is no run ${idx}; the trajectory has ${this.n} run${this.n === 1 ? '' : 's'} (0 to ${this.n - 1}).`,
      );
    }
  }
}

/** pypet's time format `YYYY_MM_DD_HHhMMmSSs` (local time). */
export function formatTime(timestampSeconds: number): string {
  const d = new Date(timestampSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}_${p(d.getMonth() + 1)}_${p(d.getDate())}_${p(d.getHours())}h${p(d.getMinutes())}m${p(d.getSeconds())}s`;
}

/** pypet's runtime format (`str(timedelta)`), e.g. `0:00:01.250000`. */
export function formatRuntime(seconds: number): string {
  const totalMicros = Math.round(seconds * 1e6);
  const days = Math.floor(totalMicros / 86_400e6);
  const rest = totalMicros - days * 86_400e6;
  const h = Math.floor(rest / 3600e6);
  const m = Math.floor((rest % 3600e6) / 60e6);
  const s = Math.floor((rest % 60e6) / 1e6);
  const us = rest % 1e6;
  const base = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${us ? '.' + String(us).padStart(6, '0') : ''}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${base}` : base;
}

/** Whether `name` is {@link runName} of `idx`, found without making that name (a load asks it of every row). */
function isRunName(name: string, idx: number): boolean {
  const digits = idx < 1e8 ? 8 : String(idx).length;
  return name.length === 4 + digits && runIndexOf(name) === idx;
}
