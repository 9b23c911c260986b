/**
 * Which per-run branch a result name given to `export --results` lives in: below
 * `results.runs.run_XXXXXXXX` or, as `get` also looks, below `derived_parameters.runs.…` (the
 * demo's `r0`). A name that no run has is an error listing the names that exist, rather than a
 * column that is empty in every row.
 */
import { NotFoundError } from '../errors.js';
import { runGroup } from '../trajectory/run-groups.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { type RunBranch, RunResultReader } from './records.js';

const BRANCHES: readonly RunBranch[] = ['results', 'derived_parameters'];

/**
 * Splits `names` by the branch where some run has them. Looks run by run and stops at the first
 * run that has a name, so a name present in run 0 costs one read.
 * @throws NotFoundError naming the missing name(s) and the names the runs do have.
 */
export function locateResults(traj: Trajectory, file: string, names: readonly string[]): Record<RunBranch, string[]> {
  const found: Record<RunBranch, string[]> = { results: [], derived_parameters: [] };
  const missing: string[] = [];
  for (const name of names) {
    const branch = BRANCHES.find((b) => someRunHas(traj, name, b));
    if (branch) found[branch].push(name);
    else missing.push(name);
  }
  if (missing.length > 0) {
    const existing = namesInRuns(traj);
    const list = existing.length > 0 ? `the runs have ${existing.join(', ')} (and items of a result as NAME.ITEM, e.g. out.a)` : 'the runs have no results stored';
    throw new NotFoundError(
      `No run of '${traj.v_name}' has ${missing.map((m) => `'${m}'`).join(', ')} (looked below results.runs and derived_parameters.runs); ${list}.`,
      { path: missing[0]!, file },
    );
  }
  return found;
}

/** Whether some run has `name` below `<branch>.runs.run_XXXXXXXX`; stops at the first that has it. */
export function someRunHas(traj: Trajectory, name: string, branch: RunBranch): boolean {
  const reader = new RunResultReader(traj, [name], branch);
  if (!reader.runsGroup()) return false;
  for (let idx = 0; idx < traj.v_length; idx++) if (reader.read(idx)[0] !== undefined) return true;
  return false;
}

/** The leaf names below the run groups of the first run that has any (relative to the run group). */
function namesInRuns(traj: Trajectory): string[] {
  for (let idx = 0; idx < traj.v_length; idx++) {
    const names: string[] = [];
    for (const branch of BRANCHES) {
      const runs = new RunResultReader(traj, [], branch).runsGroup();
      const run = runs ? runGroup(traj, runs, idx, 'subtree')?.group : undefined;
      if (!run) continue;
      const prefix = `${run.v_full_name}.`;
      for (const leaf of run.f_iter_leaves()) names.push(leaf.v_full_name.slice(prefix.length));
    }
    if (names.length > 0) return names.sort();
  }
  return [];
}
