/**
 * The run groups of a loaded trajectory that stay in storage until used: after a skeleton load
 * of a trajectory with many runs, `results.runs` (and `derived_parameters.runs`) knows which
 * `run_XXXXXXXX` groups the file holds — one byte per run — and loads a run's group, as a
 * skeleton, the first time the tree is asked for it (natural naming, `f_get`, a search while
 * viewing the run, a full iteration). A million runs then cost a megabyte, not a million groups
 * and leaves. `f_get_from_runs` reads the runs it does not find in memory straight from storage
 * (see `run-values.ts`), without putting them in the tree.
 */
import { groupState, type NNGroupNode } from '../tree/group.js';
import { setLazyChildren, type LazyChildren } from '../tree/lazy-children.js';
import { runIndexOf, runName } from '../tree/names.js';
import { nodeState, type NNNode } from '../tree/node.js';
import { TRAJECTORY_STATE, trajectoryState, type TrajectoryCore } from './state.js';

/**
 * Below this many run groups a skeleton load puts them all in memory, as pypet does: the tree
 * then answers every search (ambiguous shortcuts included) exactly as pypet's.
 */
export const LAZY_RUNS_MIN = 1000;

/** Loads the stored group `name` (with its subtree, as a skeleton) into `runs`. */
export type RunGroupLoader = (runs: NNGroupNode, name: string) => NNNode | undefined;

/** The run groups of one `runs` group that are still only in storage, by run index. */
export class LazyRuns implements LazyChildren {
  /** 1 where run `idx`'s group is stored and not loaded. */
  readonly #stored: Uint8Array;
  #pending = 0;
  readonly #loadRun: RunGroupLoader;

  /** `indices`: the run indices whose groups are stored and not in memory. */
  constructor(indices: readonly number[], loadRun: RunGroupLoader) {
    // (Indexed loops: an iterator step per run made garbage for a million runs.)
    let size = 0;
    for (let k = 0; k < indices.length; k++) if (indices[k]! >= size) size = indices[k]! + 1;
    this.#stored = new Uint8Array(size);
    for (let k = 0; k < indices.length; k++) this.#stored[indices[k]!] = 1;
    let pending = 0;
    for (let idx = 0; idx < size; idx++) pending += this.#stored[idx]!;
    this.#pending = pending;
    this.#loadRun = loadRun;
  }

  get pending(): number {
    return this.#pending;
  }

  has(name: string): boolean {
    return this.hasRun(runIndexOf(name) ?? -1);
  }

  /** Whether run `idx`'s group is stored and not loaded yet. */
  hasRun(idx: number): boolean {
    return idx >= 0 && this.#stored[idx] === 1;
  }

  load(group: NNGroupNode, name: string): NNNode | undefined {
    const idx = runIndexOf(name) ?? -1;
    if (!this.hasRun(idx)) return undefined;
    // Marked loaded first: attaching the loaded group asks this group for the name again.
    this.#stored[idx] = 0;
    this.#pending -= 1;
    // What a run executing now adds is recorded to be committed; a group loaded from storage
    // during the run is not its addition (an eager load would have had it there before).
    const root = nodeState(group).root as Partial<TrajectoryCore> | undefined;
    const state = root && TRAJECTORY_STATE in root ? trajectoryState(root as TrajectoryCore) : undefined;
    const inRun = state?.singleRun ?? false;
    if (state) state.singleRun = false;
    try {
      return this.#loadRun(group, name);
    } finally {
      if (state) state.singleRun = inRun;
    }
  }

  unload(group: NNGroupNode, child: NNNode): void {
    group._detach(child);
    const idx = runIndexOf(child.v_name) ?? -1;
    if (idx < 0 || idx >= this.#stored.length || this.#stored[idx] === 1 || !nodeState(child).stored) return;
    this.#stored[idx] = 1;
    this.#pending += 1;
  }

  *names(): IterableIterator<string> {
    for (let idx = 0; idx < this.#stored.length; idx++) if (this.#stored[idx] === 1) yield runName(idx);
  }
}

/**
 * Makes `runs` load its stored run groups on demand when there are at least {@link LAZY_RUNS_MIN}
 * of them not in memory; returns the names the caller must load now (all of them below the
 * threshold, else those in memory already and those that are not run groups, such as `run_ALL`).
 * @example const now = deferRunGroups(runsGroup, f.childNames(path), (g, n) => service.loadChild(traj, g, n, true, 1));
 */
export function deferRunGroups(runs: NNGroupNode, storedNames: readonly string[], loadRun: RunGroupLoader): string[] {
  const inMemory = groupState(runs).children;
  const indices: number[] = [];
  const now: string[] = [];
  for (let k = 0; k < storedNames.length; k++) {
    const name = storedNames[k]!;
    const idx = runIndexOf(name);
    if (idx !== undefined && !inMemory.has(name)) indices.push(idx);
    else now.push(name);
  }
  if (indices.length < LAZY_RUNS_MIN) return [...storedNames];
  setLazyChildren(runs, new LazyRuns(indices, loadRun));
  return now;
}
