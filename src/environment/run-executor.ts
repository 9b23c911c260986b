/**
 * Executes one run on a trajectory and captures what it produced. Used by the serial loop and by
 * worker threads alike, so both store exactly the same thing.
 */
import v8 from 'node:v8';
import { RunError } from '../errors.js';
import { toWire } from './wire.js';
import type { NNGroupNode } from '../tree/group.js';
import { NNNode } from '../tree/node.js';
import { runName, runSetName } from '../tree/names.js';
import { subtreeRecords, type NodeRecord } from '../trajectory/records.js';
import { formatRuntime, formatTime } from '../trajectory/runs.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { CompletedRunEntry, FailedRunEntry } from './journal.js';

/** A run function: gets the trajectory viewed as one run, plus the extra arguments. */
export type RunFunction = (traj: Trajectory, ...args: any[]) => unknown;

/** The groups a run's own data lives in (pypet's run subtrees). */
function runGroups(traj: Trajectory, idx: number): NNGroupNode[] {
  const rn = runName(idx);
  const out: NNGroupNode[] = [];
  for (const branch of ['results', 'derived_parameters']) {
    const b = traj._children.get(branch) as NNGroupNode | undefined;
    const runs = b?._childOrLink('runs') as NNGroupNode | undefined;
    const g = runs?._childOrLink(rn) as NNGroupNode | undefined;
    if (g) out.push(g);
    const set = b?._childOrLink(runSetName(idx)) as NNGroupNode | undefined;
    const sg = set?._childOrLink(rn) as NNGroupNode | undefined;
    if (sg) out.push(sg);
    const direct = b?._childOrLink(rn) as NNGroupNode | undefined;
    if (direct) out.push(direct);
  }
  return out;
}

/**
 * Runs `fn` as run `idx`: views the trajectory as that run, calls the function, records the run's
 * subtrees and information, and removes the subtrees from memory again (pypet's clean-up), so
 * memory stays flat over many runs. A thrown error becomes a failure entry.
 */
export async function executeRun(
  traj: Trajectory,
  idx: number,
  fn: RunFunction,
  args: unknown[],
  hexsha: string,
): Promise<CompletedRunEntry | FailedRunEntry> {
  const start = Date.now() / 1000;
  traj.f_as_run(idx);
  traj._singleRun = true;
  try {
    let returned: unknown;
    try {
      returned = await fn(traj, ...args);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { kind: 'failure', idx, message: err.message, stack: err.stack ?? String(e), timestamp: start };
    }
    const finish = Date.now() / 1000;
    // `(traj) => traj.f_add_result(...)` returns the new leaf: it is stored with the run anyway,
    // and is no return value to keep.
    if (returned instanceof NNNode) returned = undefined;
    const unstorable = cannotStore(returned);
    if (unstorable) {
      return { kind: 'failure', idx, message: `the run's return value cannot be stored: ${unstorable}`, stack: '', timestamp: start };
    }
    const records: NodeRecord[] = [];
    for (const group of runGroups(traj, idx)) {
      records.push(...subtreeRecords(group));
      group._parent?._detach(group);
    }
    return {
      kind: 'run',
      idx,
      info: {
        completed: 1,
        time: formatTime(start),
        timestamp: start,
        finish_timestamp: finish,
        runtime: formatRuntime(finish - start),
        parameter_summary: traj._parameterSummary(idx),
        short_environment_hexsha: hexsha.slice(0, 7),
      },
      records,
      returned,
    };
  } finally {
    traj._singleRun = false;
    traj.f_restore_default();
  }
}

/** Why a run's return value cannot go to the journal (or back from a worker), or undefined. */
function cannotStore(value: unknown): string | undefined {
  try {
    v8.serialize(toWire(value));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The error `env.run` reports for a failed run. */
export function failureError(entry: FailedRunEntry): RunError {
  return new RunError(`Run ${runName(entry.idx)} failed: ${entry.message}`, entry.idx);
}
