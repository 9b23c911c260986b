/**
 * Run information: one record per run (pypet's `overview/runs` row). Records are frozen flat
 * objects, so handing one out never lets a caller corrupt the trajectory's bookkeeping; an
 * update replaces the record with a frozen copy (a record has no nested parts to share).
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { runIndexOf, runName } from '../tree/names.js';

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

/**
 * The runs of a trajectory, in index order. Each record is frozen; replacing one is O(1), which
 * matters when 10,000 runs each report back (a copy of the whole list per update would not do).
 */
export class RunTable {
  private _runs: RunInformation[] = [placeholderRun(0)];

  get length(): number {
    return this._runs.length;
  }

  /** Grows or shrinks to `n` runs, keeping existing records and adding placeholders. */
  resize(n: number): void {
    const n1 = Math.max(1, n);
    this._runs.length = Math.min(this._runs.length, n1);
    for (let i = this._runs.length; i < n1; i++) this._runs.push(placeholderRun(i));
  }

  /** Replaces all records (loading). */
  replaceAll(records: RunInformation[]): void {
    this._runs = records.map((r) => Object.freeze({ ...r }));
  }

  /** Updates one run's record. */
  update(idx: number, patch: Partial<Omit<RunInformation, 'idx' | 'name'>>): RunInformation {
    this.check(idx);
    const next = Object.freeze({ ...this._runs[idx]!, ...patch });
    this._runs[idx] = next;
    return next;
  }

  /** The record of a run (frozen). */
  get(idx: number): RunInformation {
    this.check(idx);
    return this._runs[idx]!;
  }

  /** All records (a read-only view; each record is frozen). */
  all(): readonly RunInformation[] {
    return this._runs;
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

  private check(idx: number): void {
    if (!Number.isInteger(idx) || idx < 0 || idx >= this._runs.length) {
      throw new NotFoundError(
        `There is no run ${idx}; the trajectory has ${this._runs.length} run${this._runs.length === 1 ? '' : 's'} (0 to ${this._runs.length - 1}).`,
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
