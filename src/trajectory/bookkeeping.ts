/**
 * The trajectory's bookkeeping of its tree: the name and link indexes shortcut search uses, the
 * explored parameters, presets applied when a parameter is added, and what an executing run adds.
 * The Trajectory's tree hooks (`_nodeAdded`, `_linkAdded`, …) delegate here.
 */
import { PresettingError, StateError } from '../errors.js';
import { ArrayParameter, BaseParameter, Parameter, PickleParameter } from '../leaves/parameter.js';
import { PickleResult, Result } from '../leaves/result.js';
import type { NNGroupNode } from '../tree/group.js';
import type { LeafConstructor } from '../tree/leaf-node.js';
import { runName } from '../tree/names.js';
import type { NNNode } from '../tree/node.js';
import { trajectoryState, type TrajectoryCore, type TrajectoryState } from './state.js';

/** A node was attached: index it, apply its preset, note an explored parameter and the run's additions. */
export function nodeAdded(state: TrajectoryState, node: NNNode): void {
  if (state.singleRun) state.runAdded.nodes.push(node);
  let set = state.index.get(node.v_name);
  if (!set) state.index.set(node.v_name, (set = new Set()));
  set.add(node);
  if (node instanceof BaseParameter) {
    if (state.presets.has(node.v_full_name)) {
      const value = state.presets.get(node.v_full_name);
      state.presets.delete(node.v_full_name);
      node.f_set(value);
    }
    if (node.v_explored && state.explored.get(node.v_full_name) !== node) {
      state.runs.pinSummaries();
      state.explored.set(node.v_full_name, node);
    }
  }
}

/** A node was detached: it leaves the index and the explored parameters. */
export function nodeRemoved(state: TrajectoryState, node: NNNode): void {
  forget(state.index, node.v_name, node);
  if (state.explored.has(node.v_full_name)) {
    state.runs.pinSummaries();
    state.explored.delete(node.v_full_name);
  }
}

/**
 * Removes `member` from the index entry `name`, and the entry once it is empty: every run
 * adds a group named after it (`run_00000003`) that leaves the tree when the run is stored,
 * and an empty Set left behind per run cost ~0.25 KB each, 250 MB at a million runs (issue 13).
 */
function forget<T>(index: Map<string, Set<T>>, name: string, member: T): void {
  const set = index.get(name);
  if (set === undefined) return;
  set.delete(member);
  if (set.size === 0) index.delete(name);
}

/** A link `name` was set in `holder`: index it (and note it as the run's while a run executes). */
export function linkAdded(state: TrajectoryState, holder: NNGroupNode, name: string): void {
  if (state.singleRun) state.runAdded.links.push([holder, name]);
  let set = state.linkIndex.get(name);
  if (!set) state.linkIndex.set(name, (set = new Set()));
  set.add(holder);
}

/** A link `name` was deleted from `holder`. */
export function linkRemoved(state: TrajectoryState, holder: NNGroupNode, name: string): void {
  forget(state.linkIndex, name, holder);
}

/**
 * A stored leaf's data is about to change. A run commits only what it adds, so while a run
 * executes the change would be lost: refuse it.
 * @throws StateError naming the leaf and what to add instead, during a run.
 */
export function storedLeafChanging(traj: TrajectoryCore, node: NNNode, what: string): void {
  if (!trajectoryState(traj).singleRun) return;
  const kind = node instanceof BaseParameter ? 'parameter' : 'result';
  throw new StateError(
    `The ${kind} '${node.v_full_name}' was stored before this run, and a run stores only what it adds, so ${what} set during ${runName(traj.v_idx)} would be lost; add a new ${kind} instead (for example '${node.v_branch === 'results' ? 'results.runs.$.' : 'derived_parameters.runs.$.'}${node.v_name}').`,
    { path: node.v_full_name },
  );
}

/**
 * The leaf class stored under a class name: the standard ones, or a class given in
 * `dynamic_imports`. Unknown names give undefined (the loader decides what to do).
 */
export function leafClassByName(state: TrajectoryState, className: string): LeafConstructor | undefined {
  // Asked once per leaf loaded: no arrays made per call.
  for (const Cls of (standardLeaves ??= [Parameter, ArrayParameter, PickleParameter, Result, PickleResult] as LeafConstructor[])) {
    if (Cls.name === className) return Cls;
  }
  for (const Cls of state.dynamicImports) if (Cls.name === className) return Cls;
  return undefined;
}

// Made on first use: the leaf classes import modules that import this one.
let standardLeaves: LeafConstructor[] | undefined;

/**
 * Presets the value the node `full` gets when it is added.
 * @throws StateError when the node is already part of the trajectory.
 */
export function preset(traj: TrajectoryCore, full: string, value: unknown): void {
  if (traj.f_contains(full)) {
    throw new StateError(`'${full}' is already part of the trajectory; set its value directly instead of presetting it.`, {
      path: full,
    });
  }
  trajectoryState(traj).presets.set(full, value);
}

/** @throws PresettingError naming every preset that no added parameter used. */
export function checkPresets(state: TrajectoryState): void {
  if (state.presets.size > 0) {
    const names = [...state.presets.keys()];
    throw new PresettingError(
      `These presets were never used because no parameter with that name was added: ${names.join(', ')}.`,
      { path: names[0] },
    );
  }
}
