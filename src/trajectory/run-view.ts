/**
 * The single-run view: which run the trajectory is viewed as (`f_as_run`, `v_idx`, `v_crun`),
 * iterating the runs one view after another, and pypet's one-line summary of a run's explored
 * values.
 */
import { runName, translatePart } from '../tree/names.js';
import { pythonRepr } from '../values/python-repr.js';
import type { ValueType } from '../values/types.js';
import { trajectoryState, type TrajectoryCore } from './state.js';

/**
 * Views the trajectory as one run (`undefined`, `null`, `-1` or `'run_ALL'`: the default view).
 * @throws NotFoundError / InvalidArgumentError from the run table for an unknown run.
 */
export function viewRun(traj: TrajectoryCore, nameOrIdx: string | number | undefined | null): void {
  const state = trajectoryState(traj);
  if (nameOrIdx === undefined || nameOrIdx === null || nameOrIdx === -1 || nameOrIdx === 'run_ALL') {
    state.idx = -1;
    return;
  }
  state.idx = typeof nameOrIdx === 'string' ? state.runs.resolve(translatePart(nameOrIdx, -1)) : state.runs.resolve(nameOrIdx);
}

/** Options of `f_iter_runs` (Python's range, and what each step yields). */
export interface IterRunsOptions {
  start?: number;
  stop?: number;
  step?: number;
  yields?: 'name' | 'idx' | 'self';
}

/**
 * Views the trajectory as each run in turn, yielding the run's name, index or the trajectory;
 * restores the default view at the end (also when the loop is left early).
 */
export function* iterRuns(traj: TrajectoryCore, options: IterRunsOptions): Generator<any> {
  const state = trajectoryState(traj);
  const { start = 0, stop = state.runs.length, step = 1, yields = 'name' } = options;
  try {
    for (let idx = start; idx < Math.min(stop, state.runs.length); idx += step) {
      viewRun(traj, idx);
      yield yields === 'idx' ? idx : yields === 'self' ? traj : runName(idx);
    }
  } finally {
    state.idx = -1;
  }
}

/**
 * {@link parameterSummary} (in `order`) when the explored ranges in memory reach run `idx`, else
 * undefined (ranges not loaded, or a run past them): what the run table compares a run's summary with.
 */
export function derivedSummary(traj: TrajectoryCore, idx: number, order?: readonly string[]): string | undefined {
  for (const p of trajectoryState(traj).explored.values()) if (!p.v_explored || idx >= p.f_get_range_length()) return undefined;
  return parameterSummary(traj, idx, order);
}

/**
 * pypet's summary of a run's explored values, e.g. `x: 1.0,   y: 1`; with `order` (full names),
 * the parameters named there come first, in that order.
 */
export function parameterSummary(traj: TrajectoryCore, idx: number, order?: readonly string[]): string {
  let summary = '';
  const explored = trajectoryState(traj).explored;
  const ordered = order ? orderedExplored(explored, order) : explored;
  for (const [full, p] of ordered) {
    const range = p.f_get_range(false);
    const short = p.v_name;
    const label = summary.includes(short) ? full : short;
    let repr = memoRepr(range[idx], p.v_value_type);
    if (repr.length >= 512) repr = repr.slice(0, 509) + '...';
    summary += `${summary ? ',   ' : ''}${label}: ${repr}`;
  }
  return summary;
}

/** The entries of `explored`, those named in `order` first and in that order. */
function orderedExplored<P>(explored: ReadonlyMap<string, P>, order: readonly string[]): [string, P][] {
  const out: [string, P][] = [];
  for (const full of order) {
    const p = explored.get(full);
    if (p !== undefined) out.push([full, p]);
  }
  if (out.length < explored.size) for (const entry of explored) if (!order.includes(entry[0])) out.push(entry);
  return out;
}

/**
 * Reprs of explored values, per value type, for values that repeat: a million runs' summaries
 * (derived again for every row of a loaded run table, see `runs.ts`) repeat a few thousand
 * distinct values, and Python's float repr is the costly part. Bounded: a type's memo is emptied
 * when it holds {@link REPR_MEMO_MAX} values.
 */
const reprMemo = new WeakMap<ValueType, Map<unknown, string>>();
const REPR_MEMO_MAX = 16_384;

function memoRepr(value: unknown, type: ValueType | undefined): string {
  // (-0 is the key 0 in a Map, but its repr is not 0's.)
  const primitive = typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint' || (typeof value === 'number' && !Object.is(value, -0));
  if (type === undefined || !primitive) {
    return pythonRepr(value, type);
  }
  let memo = reprMemo.get(type);
  if (!memo) reprMemo.set(type, (memo = new Map()));
  let repr = memo.get(value);
  if (repr === undefined) {
    repr = pythonRepr(value, type);
    if (memo.size >= REPR_MEMO_MAX) memo.clear();
    memo.set(value, repr);
  }
  return repr;
}
