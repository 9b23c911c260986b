/**
 * The single-run view: which run the trajectory is viewed as (`f_as_run`, `v_idx`, `v_crun`),
 * iterating the runs one view after another (a run's parameter summary: `run-summary.ts`).
 */
import { runName, translatePart } from '../tree/names.js';
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
