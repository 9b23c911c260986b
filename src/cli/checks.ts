/**
 * The checks of `h5traj verify`: a trajectory loads (skeleton of everything, data of the
 * parameters), its run table agrees with the run groups, and its explored ranges have one value
 * per run. Before those, the file itself: every damaged HDF5 structure (failed checksum, bad
 * signature, address out of bounds) is one problem. Each problem is one sentence.
 */
import { H5TrajError } from '../errors.js';
import { BaseParameter } from '../leaves/parameter.js';
import type { NNGroupNode } from '../tree/group.js';
import { runName } from '../tree/names.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { openTrajectory, SKELETON } from './open.js';
import { engineName } from '../storage/hdf5/engine/open-file.js';
import { NativeUnsupportedError } from '../storage/hdf5/native/model.js';
import { findDamage } from '../storage/hdf5/native/reader.js';

/** What `verify` found for one trajectory. */
export interface TrajectoryReport {
  name: string;
  runs: number;
  completed: number;
  explored: number;
  problems: string[];
}

const RUN_NAME = /^run_(\d{8})$/;
const RUN_BRANCHES = ['results', 'derived_parameters'] as const;

/**
 * Every damaged structure of `file`, one sentence each (empty when sound). The native engine
 * judges; a file only h5wasm reads (or `H5TRAJ_ENGINE=wasm`) gets no verdict here, and its
 * damage shows when the trajectory is loaded.
 */
export function fileDamage(file: string): string[] {
  if (engineName() !== 'native') return [];
  try {
    return findDamage(file);
  } catch (e) {
    if (e instanceof NativeUnsupportedError) return [];
    if (e instanceof H5TrajError) return [e.message];
    throw e;
  }
}

/**
 * The run groups of a branch: `runs.run_XXXXXXXX`, and `run_set_XXXXX.run_XXXXXXXX` where pypet's
 * `$set` wildcard put them. `run_ALL` (data of no particular run) is not a run group.
 */
function runGroups(traj: Trajectory, branch: string): Map<string, NNGroupNode[]> {
  const out = new Map<string, NNGroupNode[]>();
  const top = traj.f_get_children()[branch] as NNGroupNode | undefined;
  if (!top || top.v_is_leaf) return out;
  for (const [name, holder] of Object.entries(top.f_get_children())) {
    if (holder.v_is_leaf || !(name === 'runs' || name.startsWith('run_set_'))) continue;
    for (const [run, group] of Object.entries((holder as NNGroupNode).f_get_children())) {
      if (!RUN_NAME.test(run) || group.v_is_leaf) continue;
      out.set(run, [...(out.get(run) ?? []), group as NNGroupNode]);
    }
  }
  return out;
}

function checkRuns(traj: Trajectory): string[] {
  const problems: string[] = [];
  const groups = new Map<string, NNGroupNode[]>();
  for (const branch of RUN_BRANCHES) {
    for (const [run, gs] of runGroups(traj, branch)) groups.set(run, [...(groups.get(run) ?? []), ...gs]);
  }
  // Run by run, not f_get_run_information(): that makes a record of every run at once.
  for (let idx = 0; idx < traj.v_length; idx++) {
    if (!traj.f_is_completed(idx)) continue;
    const name = runName(idx);
    const found = groups.get(name);
    if (!found) {
      problems.push(`${name} is marked completed, but neither results.runs.${name} nor derived_parameters.runs.${name} exists.`);
    } else if (!found.some((g) => g.f_has_children())) {
      problems.push(`${name} is marked completed, but its run groups (${found.map((g) => g.v_full_name).join(', ')}) hold nothing.`);
    }
  }
  for (const [run, gs] of groups) {
    const idx = Number(RUN_NAME.exec(run)![1]);
    if (idx >= traj.v_length) {
      problems.push(`${gs[0]!.v_full_name} belongs to no run in the overview's run table (the trajectory has ${traj.v_length} run${traj.v_length === 1 ? '' : 's'}).`);
    }
  }
  return problems;
}

function checkExplored(traj: Trajectory): string[] {
  const problems: string[] = [];
  const listed = traj.f_get_explored_parameters() as Record<string, BaseParameter>;
  for (const param of Object.values(traj.f_get_parameters() as Record<string, unknown>)) {
    if (!(param instanceof BaseParameter) || !param.v_explored) continue;
    const n = param.f_get_range_length();
    if (!(param.v_full_name in listed)) {
      problems.push(`${param.v_full_name} has a range of ${n} values, but the overview does not list it as explored.`);
    } else if (n !== traj.v_length) {
      problems.push(`${param.v_full_name} is explored over ${n} value${n === 1 ? '' : 's'}, but the trajectory has ${traj.v_length} run${traj.v_length === 1 ? '' : 's'}.`);
    }
  }
  return problems;
}

/** Loads one trajectory and checks it; a trajectory that does not load is one problem. */
export function verifyTrajectory(file: string, name: string): TrajectoryReport {
  let traj: Trajectory;
  try {
    traj = openTrajectory(file, { trajectory: name }, SKELETON);
  } catch (e) {
    if (!(e instanceof H5TrajError)) throw e;
    return { name, runs: 0, completed: 0, explored: 0, problems: [`it cannot be loaded: ${e.message}`] };
  }
  let completed = 0;
  for (let idx = 0; idx < traj.v_length; idx++) if (traj.f_is_completed(idx)) completed++;
  return {
    name,
    runs: traj.v_length,
    completed,
    explored: Object.keys(traj.f_get_explored_parameters()).length,
    problems: [...checkRuns(traj), ...checkExplored(traj)],
  };
}
