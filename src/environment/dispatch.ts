/**
 * Handing out the runs of an exploration step: on worker threads when there are cores and runs
 * for more than one (the run function then comes from a module), otherwise one after another in
 * this thread. Every finished run, wherever it ran, goes to `onEntry` (which journals it).
 */
import { groupState } from '../tree/group.js';
import { InvalidArgumentError } from '../errors.js';
import { subtreeRecords, type NodeRecord } from '../trajectory/records.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { JournalEntry } from './journal.js';
import { runOnWorkers } from './pool.js';
import { executeRun, type RunFunction, type SharedNodeClaims } from './run-executor.js';
import { loadRunFunction, runModuleUrl, type RunModule } from './run-module.js';
import { toWire } from './wire.js';

/** One exploration step's runs and where their outcomes go. */
export interface RunStep {
  traj: Trajectory;
  /** The run indices to run, in order. */
  todo: Uint32Array;
  fn: RunFunction | RunModule;
  args: unknown[];
  /** The environment's hexsha, recorded with each run. */
  hexsha: string;
  ncores: number;
  /** Checks the shared nodes a run adds (worker threads cannot see each other's runs). */
  claims: SharedNodeClaims;
  /** Resolves when the next run may start (back-pressure from the commits). */
  onEntry: (entry: JournalEntry) => void | Promise<void>;
  /** Ends dispatching; the runs in flight still finish. */
  shouldStop: () => boolean;
}

/**
 * Runs `step.todo`.
 * @throws InvalidArgumentError for a closure with ncores > 1, or a module without the run function.
 */
export async function dispatchRuns(step: RunStep): Promise<void> {
  const { fn, todo } = step;
  if (step.ncores > 1 && todo.length > 1) {
    if (typeof fn === 'function') {
      throw new InvalidArgumentError(
        'With ncores > 1 the run function must come from a module: pass { module: "/path/run.js", export: "run" } (closures cannot cross threads).',
      );
    }
    return runOnThreads(step, fn);
  }
  const run = typeof fn === 'function' ? fn : await loadRunFunction(fn);
  let lastYield = Date.now();
  for (const idx of todo) {
    // Let the event loop breathe now and then, or a Ctrl-C (SIGINT) would wait for the end.
    if (Date.now() - lastYield > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    if (step.shouldStop()) break;
    await step.onEntry(await executeRun(step.traj, idx, run, step.args, step.hexsha, step.claims));
  }
}

async function runOnThreads(step: RunStep, ref: RunModule): Promise<void> {
  const traj = step.traj;
  // The workers get the whole tree in memory, results included, as pypet's pool processes
  // get the whole trajectory: a run may read a result added before env.run. (Completed
  // runs' own subtrees are not in memory, see executeRun.)
  const records = [
    ...subtreeRecords(groupState(traj).children.get('parameters')!),
    ...subtreeRecords(groupState(traj).children.get('config')!),
    ...subtreeRecords(groupState(traj).children.get('derived_parameters')!),
    ...(groupState(traj).children.has('results') ? subtreeRecords(groupState(traj).children.get('results')!) : []),
    // Links right under the root (pypet's `traj.mylink = node`), after their targets.
    ...[...groupState(traj).links].map(([name, target]): NodeRecord => ({ type: 'link', fullName: name, target: target.v_full_name })),
  ];
  const init = {
    trajName: traj.v_name,
    records: toWire(records),
    length: traj.v_length,
    run: { module: ref.module, export: ref.export ?? 'run' },
    url: runModuleUrl(ref),
    args: toWire(step.args),
    hexsha: step.hexsha,
  };
  await runOnWorkers(step.ncores, init, step.todo, step.onEntry, step.shouldStop);
}
