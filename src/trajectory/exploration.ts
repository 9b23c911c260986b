/**
 * Exploration: giving parameters ranges (pypet's f_explore, f_expand, f_shrink). The trajectory's
 * methods of the same names delegate here.
 */
import { InvalidArgumentError, StateError, TypeMismatchError } from '../errors.js';
import { BaseParameter } from '../leaves/parameter.js';
import { nodeState, type NNNode } from '../tree/node.js';
import { trajectoryState, type TrajectoryCore } from './state.js';

function resolveParameter(traj: TrajectoryCore, key: string): BaseParameter {
  const node = traj.f_get<NNNode>(key, { fast_access: false });
  if (!(node instanceof BaseParameter) || node.v_branch !== 'parameters') {
    throw new TypeMismatchError(`'${key}' resolves to '${node.v_full_name}', which is not a parameter, so it cannot be explored.`, {
      path: node.v_full_name,
    });
  }
  return node;
}

/**
 * Resolves every key of a build dict to its parameter. Two keys naming one parameter
 * (`{ x: …, 'g.x': … }`, or `x` and `parameters.x`) are refused: one range would silently win.
 */
function resolveEntries(traj: TrajectoryCore, buildDict: Record<string, readonly unknown[]>, check?: (k: string, v: unknown) => void): [BaseParameter, readonly unknown[]][] {
  const keyOf = new Map<BaseParameter, string>();
  return Object.entries(buildDict).map(([k, v]) => {
    check?.(k, v);
    const p = resolveParameter(traj, k);
    const other = keyOf.get(p);
    if (other !== undefined) {
      throw new InvalidArgumentError(`'${other}' and '${k}' both name the parameter '${p.v_full_name}'; give each parameter one range.`, { path: p.v_full_name });
    }
    keyOf.set(p, k);
    return [p, v as readonly unknown[]];
  });
}

function checkLengths(entries: [BaseParameter, readonly unknown[]][], expected?: number): number {
  const lengths = entries.map(([p, v]) => `'${p.v_full_name}' has ${v.length}`);
  const first = expected ?? entries[0]?.[1].length ?? 0;
  if (entries.some(([, v]) => v.length !== first)) {
    throw new InvalidArgumentError(
      `The explored ranges must all have the same length${expected !== undefined ? ` (${expected}, the current number of runs)` : ''}, but ${lengths.join(', ')}.`,
    );
  }
  return first;
}

function completedRuns(traj: TrajectoryCore): number {
  return trajectoryState(traj).runs.completedCount();
}

/** pypet's f_explore (see Trajectory.f_explore). */
export function explore(traj: TrajectoryCore, buildDict: Record<string, readonly unknown[]>): void {
  const state = trajectoryState(traj);
  if (state.singleRun) throw new StateError('f_explore is not available during a single run.');
  if (completedRuns(traj) > 0) {
    throw new StateError(`The trajectory '${traj.v_name}' has completed runs; use f_expand to add runs instead of f_explore.`);
  }
  const entries = resolveEntries(traj, buildDict, (k, v) => {
    if (!Array.isArray(v)) throw new TypeMismatchError(`The range of '${k}' must be an array.`, { path: k });
    if (v.length === 0) throw new InvalidArgumentError(`The range of '${k}' is empty; a range needs at least one value.`, { path: k });
  });
  for (const [p] of entries) {
    if (p.v_explored) {
      throw new StateError(`The parameter '${p.v_full_name}' is already explored; use f_expand to add values.`, { path: p.v_full_name });
    }
  }
  const length = checkLengths(entries, state.explored.size > 0 ? state.runs.length : undefined);
  const done: BaseParameter[] = [];
  state.runs.pinSummaries();
  try {
    for (const [p, values] of entries) {
      p.f_unlock();
      p._explore(values);
      done.push(p);
      state.explored.set(p.v_full_name, p);
    }
  } catch (e) {
    for (const p of done) {
      p._shrink();
      state.explored.delete(p.v_full_name);
    }
    throw e;
  }
  state.runs.resize(length);
}

/** pypet's f_expand (see Trajectory.f_expand). */
export function expand(traj: TrajectoryCore, buildDict: Record<string, readonly unknown[]>): void {
  const state = trajectoryState(traj);
  if (state.explored.size === 0) return explore(traj, buildDict);
  const entries = resolveEntries(traj, buildDict);
  const given = new Set(entries.map(([p]) => p.v_full_name));
  const explored = [...state.explored.keys()];
  if (given.size !== explored.length || explored.some((n) => !given.has(n))) {
    throw new InvalidArgumentError(
      `f_expand must extend exactly the explored parameters (${explored.join(', ')}), but got ${[...given].join(', ')}.`,
    );
  }
  const added = checkLengths(entries);
  const before = entries.map(([p]) => p.f_get_range());
  try {
    for (const [p, values] of entries) {
      p.f_unlock();
      p._expand(values);
    }
  } catch (e) {
    entries.forEach(([p], i) => {
      p._restore(p._typedDefault(), before[i]);
      p.f_lock();
    });
    throw e;
  }
  state.runs.resize(state.runs.length + added);
}

/** pypet's f_shrink (see Trajectory.f_shrink). */
export function shrink(traj: TrajectoryCore, options: { force?: boolean } = {}): void {
  const state = trajectoryState(traj);
  if (nodeState(traj).stored && !options.force) {
    throw new StateError(`The trajectory '${traj.v_name}' is stored; shrinking is not allowed (pass { force: true } to override).`);
  }
  for (const p of state.explored.values()) p._shrink();
  state.explored.clear();
  state.runs.resize(0);
}
