/**
 * One exploration step: runs the pending runs (taking over stored results where the `reuse`
 * option finds them), appends each finished run to the journal (a run with big data, when commits
 * append to the file, goes straight to its commit instead) and commits it to the file —
 * through the storage service in this thread, or, when runs run on worker threads, through the
 * writer thread, which wraps the same service — and removes the journal once everything in it is
 * in the file. The Environment runs a step per `run`, and one more per postprocessing expansion.
 */
import type { Trajectory } from '../trajectory/trajectory.js';
import { BackgroundWriter } from './background-writer.js';
import { CommitScheduler } from './commit-scheduler.js';
import { commitEntries, commitInBackground } from './commits.js';
import { dispatchRuns } from './dispatch.js';
import { JournalWriter, removeJournal, type JournalEntry } from './journal.js';
import type { EnvironmentOptions } from './options.js';
import { Progress } from './progress.js';
import { findReusableRuns } from './reuse.js';
import { SharedNodeClaims, type RunFunction } from './run-executor.js';
import type { RunModule } from './run-module.js';
import { dataBytes } from './wire.js';

/**
 * A run with at least this many bytes of array data skips the journal when commits append to the
 * file: its commit writes the data once, into the file (see `commit-scheduler.ts`).
 */
export const DIRECT_RUN_BYTES = 1024 * 1024;

export interface ExplorationStep {
  traj: Trajectory;
  filename: string;
  journalPath: string;
  fn: RunFunction | RunModule;
  args: unknown[];
  /** The runs to run, in order. */
  pending: Uint32Array;
  ncores: number;
  /** The environment's hexsha, recorded with each run. */
  hexsha: string;
  options: Pick<EnvironmentOptions, 'progress' | 'journal_sync_ms' | 'checkpoint_seconds' | 'on_run' | 'reuse'>;
  /** Hears each finished run, once journaled (before it is durable). */
  onOutcome: (entry: JournalEntry) => void;
  /** Asks the step to stop handing out runs (a commit failed). */
  stop: () => void;
  stopped: () => boolean;
}

/**
 * Runs one exploration step (see the module comment).
 * @throws the error of a failed commit, after the runs in flight finished; the journal then
 *   stays for resume. InvalidArgumentError for a run function that cannot run (see `dispatchRuns`).
 */
export async function runExplorationStep(step: ExplorationStep): Promise<void> {
  const { traj, pending, options } = step;
  if (pending.length === 0) return;
  const journal = new JournalWriter(step.journalPath);
  const progress = new Progress(pending.length, options.progress ?? 'auto');
  // With worker threads, a writer thread stores finished runs while others are computed; it
  // commits every second so that writing overlaps computing. Serially, writing waits for the end.
  const writer = step.ncores > 1 && pending.length > 1 && typeof step.fn !== 'function' ? new BackgroundWriter(step.filename, traj.v_name) : undefined;
  if (writer) traj.v_storage_service?.close?.(); // the writer thread replaces the file
  const scheduler = new CommitScheduler({
    journal,
    order: pending,
    syncMs: options.journal_sync_ms ?? 200,
    checkpointMs: (options.checkpoint_seconds ?? (writer ? 1 : 300)) * 1000,
    commit: (entries) => (writer ? commitInBackground(writer, traj, entries) : commitEntries(traj, entries)),
    onDurable: (e) => options.on_run?.(e.idx, e.kind === 'run' ? 'completed' : 'failed'),
    // Big run data goes straight into the file when commits append to it, not through the journal.
    size: (e) => (e.kind === 'run' ? dataBytes(e.records) : 0),
    directBytes: traj.v_storage_service?.commitsAppend?.() ? DIRECT_RUN_BYTES : undefined,
    // Stop handing out runs; the journal keeps the runs of the failed commit for resume.
    onCommitFailed: () => step.stop(),
  });
  const claims = new SharedNodeClaims((fullName) => traj.v_storage_service?.subtreeSignature?.(traj, fullName) !== undefined);
  const onEntry = (computed: JournalEntry): Promise<void> => {
    const entry = claims.check(computed);
    scheduler.add(entry);
    step.onOutcome(entry);
    progress.tick(entry.kind === 'failure');
    scheduler.tick();
    return scheduler.backPressure();
  };
  let committed = false;
  try {
    const todo = reuseRuns(traj, pending, options.reuse, onEntry);
    await dispatchRuns({ traj, todo, fn: step.fn, args: step.args, hexsha: step.hexsha, ncores: step.ncores, claims, onEntry, shouldStop: step.stopped });
  } finally {
    progress.stop();
    // The journal goes only once everything in it is in the file; if a commit failed, it stays
    // for resume to fold in.
    try {
      committed = await scheduler.finish();
    } finally {
      await writer?.close();
      journal.close();
      if (committed) removeJournal(step.journalPath);
    }
  }
}

/** With the `reuse` option: hands the runs that can take over stored results to `onEntry`; returns the others. */
function reuseRuns(traj: Trajectory, todo: Uint32Array, reuse: boolean | string[] | undefined, onEntry: (entry: JournalEntry) => unknown): Uint32Array {
  if (!reuse) return todo;
  const reusable = findReusableRuns(traj, todo, Array.isArray(reuse) ? reuse : []);
  for (const entry of reusable) onEntry({ ...entry, reused: true });
  const done = new Set(reusable.map((e) => e.idx));
  return todo.filter((i) => !done.has(i));
}
