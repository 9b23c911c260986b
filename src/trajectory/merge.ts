/**
 * Merging trajectories (pypet's `f_merge` / `f_merge_many`): the options, the summary, and the
 * decisions that do not depend on storage — whether two trajectories live in the same parameter
 * space, which runs of the other trajectory are appended (trial renumbering, duplicate removal),
 * and which parameters grow — or, for parts of the same exploration (shards), which completed runs
 * fill in runs that are not completed here. The storage service does the file work (see
 * `storage/hdf5/merge/index.ts`); the trajectory only asks for it.
 */
import { MergeError, StateError } from '../errors.js';
import { INT_TYPES, type TypedValue, describeType } from '../values/types.js';
import { jsonReplacer } from '../values/text.js';
import { sameType, valuesEqual } from '../values/compare.js';
import { nodeState } from '../tree/node.js';
import { trajectoryState, type TrajectoryCore } from './state.js';

/**
 * Options of {@link Trajectory.f_merge} (pypet's names). Everything is optional; the defaults
 * are pypet's, except that no backup is written unless asked for.
 */
export interface MergeOptions {
  /**
   * Name of an integer parameter that only counts trials (0…T1 here, 0…T2 in the other
   * trajectory). The other trajectory's trials are renumbered to T1+1…T1+T2+1. Duplicates are
   * never removed when a trial parameter is given.
   */
  trial_parameter?: string;
  /**
   * Drop the other trajectory's runs whose parameter values already occur in this trajectory
   * (the summary and a warning say how many). A merge that would add no run is refused.
   */
  remove_duplicates?: boolean;
  /**
   * Full names of data not to merge: parameters (only unexplored ones; this trajectory's value is
   * kept), derived parameters and results (a name also covers everything below it).
   */
  ignore_data?: readonly string[];
  /** Ignore the other trajectory's derived parameters outside runs (pypet < 0.7's option). */
  ignore_trajectory_derived_parameters?: boolean;
  /** Ignore the other trajectory's results outside runs (pypet < 0.7's option). */
  ignore_trajectory_results?: boolean;
  /**
   * Back up the trajectories before merging: a file name puts copies of both trajectories into
   * that file (added to it if it exists); `true` backs each one up beside its own file as
   * `backup_<name>.hdf5`, as `f_backup` names it (never overwriting: a name that is taken gets a
   * numeric suffix, `backup_<name>_1.hdf5`).
   */
  backup_filename?: string | boolean;
  /**
   * Accepted for pypet compatibility. HDF5 nodes cannot be moved or unlinked with h5wasm, so
   * h5traj always copies the other trajectory's nodes (in the same file or across files); combine
   * with `delete_other_trajectory` for what a move amounts to.
   */
  move_nodes?: boolean;
  /**
   * Remove the other trajectory from its file after the merge. That file is rewritten without it
   * (HDF5 via h5wasm cannot delete nodes): within the merge's single rewrite when both live in the
   * same file, otherwise right after the merge has been committed.
   */
  delete_other_trajectory?: boolean;
  /** Record the merge under `config.merge.merge_<hexsha7>_<time>` (default true). */
  keep_info?: boolean;
  /** Record the other trajectory's name, length and timestamp in that record (default true). */
  keep_other_trajectory_info?: boolean;
  /** Copy the other trajectory's `config.environment`, `config.git` and `config.merge` entries that are missing here (default true). */
  merge_config?: boolean;
  /**
   * Accepted for pypet compatibility; no effect. Every `f_merge` is one crash-safe write of the
   * file; to merge many trajectories at once without quadratic cost use `f_merge_many`.
   */
  consecutive_merge?: boolean;
  /**
   * Accepted for pypet compatibility; no effect. h5traj never loads the other trajectory's data
   * into memory: it copies HDF5 objects directly, run by run, within a file or across files.
   */
  slow_merge?: boolean;
}

/** What a merge did with one other trajectory. */
export interface MergedTrajectory {
  name: string;
  filename: string;
  /** Its number of runs. */
  length: number;
  /** Runs appended to this trajectory. */
  merged_runs: number;
  /** Runs dropped by `remove_duplicates`. */
  duplicates_removed: number;
  /** For each of its runs, the index it has now, or -1 when it was dropped. */
  run_map: number[];
  /** The full name of the merge record (`config.merge.merge_…`), if `keep_info`. */
  merge_record?: string;
  /**
   * `appended`: its runs were added after this trajectory's (pypet's merge). `filled`: it is a
   * part of the same exploration (a shard: same runs, same explored values) and its completed runs
   * filled in the same runs here, which were not completed (see {@link sameExploration}).
   */
  mode: 'appended' | 'filled';
}

/** What {@link Trajectory.f_merge} / `f_merge_many` did. */
export interface MergeSummary {
  /** Runs before and after the merge. */
  length_before: number;
  length: number;
  merged_runs: number;
  duplicates_removed: number;
  others: MergedTrajectory[];
  /** Parameters whose values now vary over the runs (their ranges grew). */
  changed_parameters: string[];
  /** Of those, the ones that were not explored before the merge. */
  newly_explored: string[];
  /** Whether the whole file had to be written anew (see `storage/hdf5/merge/index.ts`). */
  rewrote_file: boolean;
  /** Backup files written. */
  backups: string[];
  /** Everything the merge warned about (also reported as process warnings). */
  warnings: string[];
  /** Runs of the merged trajectory that are not completed (e.g. a shard that was not merged). */
  incomplete_runs: number[];
}

/** Options with pypet's defaults filled in. */
export type ResolvedMergeOptions = Required<Omit<MergeOptions, 'trial_parameter' | 'backup_filename'>> &
  Pick<MergeOptions, 'trial_parameter' | 'backup_filename'>;

/** {@link MergeOptions} with defaults. */
export function resolveMergeOptions(options: MergeOptions): ResolvedMergeOptions {
  return {
    trial_parameter: options.trial_parameter,
    remove_duplicates: options.remove_duplicates ?? false,
    ignore_data: [...(options.ignore_data ?? [])],
    ignore_trajectory_derived_parameters: options.ignore_trajectory_derived_parameters ?? false,
    ignore_trajectory_results: options.ignore_trajectory_results ?? false,
    backup_filename: options.backup_filename,
    move_nodes: options.move_nodes ?? false,
    delete_other_trajectory: options.delete_other_trajectory ?? false,
    keep_info: options.keep_info ?? true,
    keep_other_trajectory_info: options.keep_other_trajectory_info ?? true,
    merge_config: options.merge_config ?? true,
    consecutive_merge: options.consecutive_merge ?? false,
    slow_merge: options.slow_merge ?? false,
  };
}

/**
 * Merges `others` into `traj` through `service` (the storage service of `traj`), in one crash-safe write: the
 * checks first (nothing is written when they fail), then the file work, then the trajectory in
 * memory is brought up to date (runs, explored ranges, config).
 * @throws MergeError for trajectories that cannot be merged; StateError for trajectories that
 *   are not stored or a service that cannot merge.
 */
export function mergeTrajectories<T extends TrajectoryCore>(
  traj: T,
  // The merge method of the trajectory's StorageService (typed here so merge.ts need not import it).
  service: { merge?(traj: T, others: readonly T[], options: ResolvedMergeOptions): MergeSummary } | undefined,
  others: readonly T[],
  options: MergeOptions,
): MergeSummary {
  if (trajectoryState(traj).singleRun) throw new StateError('f_merge is not available during a single run.');
  if (others.length === 0) throw new MergeError('There is nothing to merge: no other trajectory was given.');
  if (!service?.merge) {
    throw new StateError(`The trajectory '${traj.v_name}' has no storage service that can merge; give it a file ({ filename }) first.`);
  }
  const stored = (t: T, role: string) => {
    if (!nodeState(t).stored || !t.v_filename) {
      throw new StateError(`The ${role} trajectory '${t.v_name}' is not stored in a file; f_merge merges stored trajectories, so store it first (f_store).`);
    }
  };
  stored(traj, 'current');
  others.forEach((o) => stored(o, 'other'));
  return service.merge(traj, others, resolveMergeOptions(options));
}

// ---------------------------------------------------------------------------------------------
// Parameter spaces

/** A parameter (or a derived parameter outside runs) as the merge compares it. */
export interface SpaceParameter {
  fullName: string;
  className: string;
  /** How it is stored (e.g. `table`, `array`, `pickle`): ranges only grow between equal layouts. */
  layout: string;
  /** The default value, with its type. */
  value: TypedValue;
  /** Whether it has a range (one value per run). */
  explored: boolean;
  /**
   * The explored values, one per run. Needed only to find duplicates and to renumber trials
   * (see {@link needsRanges}); otherwise reading them can be skipped.
   */
  range?: readonly unknown[] | undefined;
}

/** Whether planning needs every explored parameter's values (duplicates, trials). */
export function needsRanges(options: ResolvedMergeOptions): boolean {
  return options.remove_duplicates || options.trial_parameter !== undefined;
}

/** The parameters of one trajectory by full name. */
export type ParameterSpace = ReadonlyMap<string, SpaceParameter>;

/** What {@link planMerge} decides for one other trajectory. */
export interface MergePlan {
  /** The other trajectory's run indices that are appended, ascending. */
  used: number[];
  duplicates: number;
  /** Parameters whose ranges grow (explored after the merge), in this trajectory's order. */
  changed: string[];
  /** Of those, the ones not explored so far. */
  newlyExplored: string[];
  /** The trial parameter's full name and the shift of the other's trial numbers. */
  trial?: { name: string; offset: number; values: number[] };
  /** The trajectory's length before these runs are appended. */
  lengthBefore: number;
}

/** One parameter while merging: as read, and whether it varies over the runs so far. */
interface StateParameter {
  param: SpaceParameter;
  explored: boolean;
}

/**
 * The current trajectory's parameter space while one or several trajectories are merged into
 * it: each merge is planned against the state the previous ones left, in time linear in the runs.
 */
export class MergeState {
  length: number;
  readonly params = new Map<string, StateParameter>();
  /** Keys of every run's parameter values (only for `remove_duplicates`). */
  private keys: Set<string> | undefined;
  /** Highest trial number so far (only with a trial parameter). */
  private trialMax: number | undefined;
  private readonly order: string[];
  private readonly keyOrder: string[];

  constructor(space: ParameterSpace, length: number, private readonly options: ResolvedMergeOptions, private readonly name: string) {
    this.length = length;
    for (const [full, p] of space) this.params.set(full, { param: p, explored: p.explored });
    this.order = [...space.keys()].sort();
    // Ignored parameters are not compared; they keep this trajectory's value.
    this.keyOrder = this.order.filter((full) => !options.ignore_data.includes(full));
    if (options.remove_duplicates && !options.trial_parameter) {
      this.keys = new Set();
      for (let i = 0; i < length; i++) this.keys.add(this.runKey((full) => valueAt(this.params.get(full)!.param, i)));
    }
  }

  private runKey(valueOf: (full: string) => unknown): string {
    return JSON.stringify(this.keyOrder.map(valueOf), jsonReplacer);
  }

  /**
   * Checks that `other` lives in this parameter space and decides which of its runs are appended
   * and which parameters grow; then records the appended runs in this state.
   * @throws MergeError naming the first difference (nothing has been written at this point).
   */
  plan(otherName: string, other: ParameterSpace, otherLength: number): MergePlan {
    const ignored = new Set(this.options.ignore_data);
    checkSameSpace(this.name, this.params, otherName, other, ignored);
    const trial = this.options.trial_parameter !== undefined ? this.trialShift(otherName, other) : undefined;
    const changed: string[] = [];
    for (const full of this.order) {
      const mine = this.params.get(full)!;
      const theirs = other.get(full)!;
      if (ignored.has(full)) {
        if (mine.explored || theirs.explored) {
          throw new MergeError(`'${full}' is explored, so it cannot be left out of the merge (ignore_data); every run needs its value.`, { path: full });
        }
        continue;
      }
      const differs = mine.explored || theirs.explored || full === trial?.name || !valuesEqual(mine.param.value.value, theirs.value.value);
      if (differs) changed.push(full);
    }
    for (const full of changed) {
      const mine = this.params.get(full)!;
      const theirs = other.get(full)!;
      if (mine.param.layout !== theirs.layout) {
        throw new MergeError(
          `Cannot merge '${otherName}' into '${this.name}': the values of '${full}' differ between them, but it is stored as ${mine.param.layout} in '${this.name}' and as ${theirs.layout} in '${otherName}', so its range cannot be extended.`,
          { path: full },
        );
      }
    }
    let used = Array.from({ length: otherLength }, (_, j) => j);
    if (this.keys) {
      used = used.filter((j) => !this.keys!.has(this.runKey((full) => valueAt(other.get(full)!, j))));
    }
    const duplicates = otherLength - used.length;
    if (used.length === 0) {
      throw new MergeError(
        `Merging '${otherName}' into '${this.name}' would add no run: all ${otherLength} of its runs are duplicates${otherName === this.name ? ' (is it the same trajectory?)' : ''}.`,
      );
    }
    const newlyExplored = changed.filter((full) => !this.params.get(full)!.explored);
    const plan: MergePlan = { used, duplicates, changed, newlyExplored, lengthBefore: this.length };
    if (trial) plan.trial = { ...trial, values: used.map((j) => Number(valueAt(other.get(trial.name)!, j)) + trial.offset) };
    // Record the appended runs.
    if (this.keys) for (const j of used) this.keys.add(this.runKey((full) => valueAt(other.get(full)!, j)));
    for (const full of changed) this.params.get(full)!.explored = true;
    if (plan.trial) this.trialMax = plan.trial.values.reduce((m, v) => Math.max(m, v), this.trialMax!);
    this.length += used.length;
    return plan;
  }

  /** The trial parameter's full name and the shift of the other's trials (pypet's checks). */
  private trialShift(otherName: string, other: ParameterSpace): { name: string; offset: number } {
    const wanted = this.options.trial_parameter!;
    const candidates = [...this.params.keys()].filter((full) => full === wanted || full === `parameters.${wanted}` || full.endsWith(`.${wanted}`));
    const name = candidates.includes(wanted) ? wanted : candidates.includes(`parameters.${wanted}`) ? `parameters.${wanted}` : candidates.length === 1 ? candidates[0]! : undefined;
    if (name === undefined) {
      throw new MergeError(
        candidates.length > 1
          ? `The trial parameter '${wanted}' is ambiguous: it matches ${candidates.join(', ')}; give its full name.`
          : `The trial parameter '${wanted}' is not a parameter of '${this.name}'.`,
        { path: wanted },
      );
    }
    const mine = this.params.get(name)!.param;
    const type = mine.value.type;
    if (type.kind !== 'scalar' || !INT_TYPES.has(type.scalar)) {
      throw new MergeError(`The trial parameter '${name}' must hold integers, but it holds ${describeType(type)}.`, { path: name });
    }
    if (this.trialMax === undefined) this.trialMax = maxTrial(this.name, mine);
    maxTrial(otherName, other.get(name)!); // the other's trials must be complete too
    return { name, offset: this.trialMax + 1 };
  }
}

/** The value of a parameter in run `i` (its default when it is not explored). */
function valueAt(p: SpaceParameter, i: number): unknown {
  if (!p.explored) return p.value.value;
  if (p.range === undefined) throw new StateError(`The values of '${p.fullName}' were not read, but the merge needs them.`, { path: p.fullName });
  return p.range[i];
}

/** Checks that trial numbers are exactly 0…T and returns T (pypet's rule). */
function maxTrial(trajName: string, p: SpaceParameter): number {
  const values = (p.explored ? p.range ?? [] : [p.value.value]).map(Number);
  const set = new Set(values);
  const max = values.reduce((m, v) => Math.max(m, v), -Infinity);
  const complete = Number.isInteger(max) && max >= 0 && set.size === max + 1 && values.every((v) => Number.isInteger(v) && v >= 0);
  if (!complete) {
    const shown = [...set].sort((a, b) => a - b).slice(0, 10).join(', ');
    throw new MergeError(
      `A trial parameter must hold the integers 0 to T, but '${p.fullName}' in '${trajName}' holds ${shown}${set.size > 10 ? ', …' : ''}.`,
      { path: p.fullName },
    );
  }
  return max;
}

/**
 * Whether two trajectories are parts of one exploration (e.g. shards): the same number of runs,
 * the same parameters (checked as {@link checkSameSpace} does), the same parameters explored, and
 * equal values in every run. Explored parameters need their ranges.
 */
export function sameExploration(a: ParameterSpace, aLength: number, b: ParameterSpace, bLength: number): boolean {
  if (aLength !== bLength || a.size !== b.size) return false;
  for (const [full, p] of a) {
    const q = b.get(full);
    if (!q || q.explored !== p.explored || q.className !== p.className || !sameType(p.value.type, q.value.type)) return false;
    if (!p.explored) {
      if (!valuesEqual(p.value.value, q.value.value)) return false;
      continue;
    }
    if (p.range === undefined || q.range === undefined) throw new StateError(`The values of '${full}' were not read, but the merge needs them.`, { path: full });
    if (p.range.length !== q.range.length || p.range.some((v, i) => !valuesEqual(v, q.range![i]))) return false;
  }
  return true;
}

/**
 * Checks that two trajectories have the same parameters (and derived parameters outside runs),
 * with values of the same type, of the same class.
 * @throws MergeError naming the first difference in name order.
 */
export function checkSameSpace(
  name: string,
  mine: ReadonlyMap<string, { param: SpaceParameter }>,
  otherName: string,
  other: ParameterSpace,
  ignored: ReadonlySet<string> = new Set(),
): void {
  const names = [...new Set([...mine.keys(), ...other.keys()])].filter((n) => !ignored.has(n)).sort();
  const prefix = `Cannot merge '${otherName}' into '${name}': they do not live in the same parameter space`;
  for (const full of names) {
    const a = mine.get(full)?.param;
    const b = other.get(full);
    if (!a || !b) {
      throw new MergeError(`${prefix}: '${full}' is only in '${a ? name : otherName}'.`, { path: full });
    }
    if (a.className !== b.className) {
      throw new MergeError(`${prefix}: '${full}' is a ${a.className} in '${name}' but a ${b.className} in '${otherName}'.`, {
        path: full, expected: a.className, got: b.className,
      });
    }
    if (!sameType(a.value.type, b.value.type)) {
      throw new MergeError(
        `${prefix}: '${full}' holds ${describeType(a.value.type)} in '${name}' but ${describeType(b.value.type)} in '${otherName}'.`,
        { path: full, expected: describeType(a.value.type), got: describeType(b.value.type) },
      );
    }
  }
}
