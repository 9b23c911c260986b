/**
 * The Environment: runs a function over every run of a trajectory — serially or on worker
 * threads — and stores each run as it finishes, crash-safely and resumably.
 *
 * Crash safety: a finished run is appended to a journal beside the HDF5 file and synced; the
 * HDF5 file itself is only ever replaced whole (a new file is written, closed and renamed over
 * the old one by the storage service's `commit`). A `kill -9` therefore leaves the previous file
 * intact and every synced run in the journal; `resume` folds the journal in and runs the rest.
 *
 * This class is the facade: it holds the exploration's lifecycle (lock, first store, steps,
 * postprocessing, end). The parts live beside it: one step of runs (`exploration-step.ts`), when
 * runs become durable and committed (`commit-scheduler.ts`), what a commit writes (`commits.ts`,
 * through the storage service in this thread or in the writer thread), where runs run
 * (`dispatch.ts`), the exploration lock (`exploration-lock.ts`), shards (`shard.ts`) and the
 * provenance (`provenance.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, RunsFailedError, StateError } from '../errors.js';
import { runName } from '../tree/names.js';
import { getDefaultStorageFactory, type RunFailure } from '../trajectory/storage-service.js';
import { subtreeRecords } from '../trajectory/records.js';
import { Trajectory } from '../trajectory/trajectory.js';
import { commitEntries } from './commits.js';
import { lockExploration, refuseOtherExplorations } from './exploration-lock.js';
import { runExplorationStep } from './exploration-step.js';
import { journalPathFor, journalsBeside, readJournal, removeJournal, type JournalEntry } from './journal.js';
import { ENVIRONMENT_OPTIONS, type EnvironmentOptions, type PostProcessing } from './options.js';
import { addProvenance, collectProvenance, type Provenance } from './provenance.js';
import type { RunFunction } from './run-executor.js';
import type { RunModule } from './run-module.js';
import { describeRuns, fileShard, resumedShard, selectedRuns, type ShardRecord } from './shard.js';
import { readPipeline } from './pipeline.js';
import { RunResults } from './run-results.js';
import { prepareToOpen } from '../storage/hdf5/engine/open-file.js';
import { recoverAfterCrash } from '../storage/hdf5/transactions/transaction.js';
import { HDF5_SERVICE_OPTIONS } from '../storage/hdf5/layout/settings.js';
import { checkOptions } from '../options.js';
import { nodeState } from '../tree/node.js';

export type { EnvironmentOptions, PostProcessing } from './options.js';
export type { RunModule } from './run-module.js';

export class Environment {
  readonly trajectory: Trajectory;
  readonly filename: string;
  /** Failures of the last `run` (also recorded in the file). */
  failures: RunFailure[] = [];
  /** True when the last `run` was stopped by an interrupt (Ctrl-C). */
  interrupted = false;
  /** Runs of the last `run` that took over the results of an equal completed run instead of running. */
  reused: number[] = [];
  private readonly options: EnvironmentOptions;
  private provenance: Provenance | undefined;
  private envGroup = '';
  private postprocessing: PostProcessing | undefined;
  private stopRequested = false;
  private prepared = false;
  /** The shard this Environment runs (from the options, or from the file when resuming). */
  private shard: ShardRecord | undefined;
  /** The runs this Environment may run (a shard or `run_indices`); undefined: all of them. */
  private selection: Set<number> | undefined;

  constructor(options: EnvironmentOptions = {}) {
    checkOptions('new Environment()', options, ENVIRONMENT_OPTIONS);
    this.options = options;
    const t = options.trajectory ?? 'trajectory';
    this.trajectory = typeof t === 'string' ? new Trajectory(t, { add_time: options.add_time ?? false, comment: options.comment ?? '' }) : t;
    if (typeof t !== 'string' && options.comment !== undefined) this.trajectory.v_comment = options.comment;
    this.filename = options.filename ?? this.trajectory.v_filename ?? path.join('data', `${this.trajectory.v_name}.hdf5`);
    const factory = getDefaultStorageFactory();
    if (!factory) throw new StateError('No storage service is registered; import h5traj from its main entry point.');
    const storage = Object.fromEntries(HDF5_SERVICE_OPTIONS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
    if (this.trajectory.v_filename !== this.filename || Object.keys(storage).length > 0) {
      this.trajectory.v_storage_service = factory(this.filename, storage);
    }
    // The trajectory to resume is loaded by the first `run`, once the file is ready to be read.
    if (options.resume && !fs.existsSync(this.filename)) {
      throw new StateError(`Cannot resume: the file '${this.filename}' does not exist.`, { file: this.filename });
    }
  }

  /** pypet's `env.traj`: the trajectory. */
  get traj(): Trajectory {
    return this.trajectory;
  }

  /** pypet's name for the trajectory. */
  get v_trajectory(): Trajectory {
    return this.trajectory;
  }

  /** Registers a function called after the runs; if it expands the trajectory, the new runs run too. */
  add_postprocessing(fn: PostProcessing, ...args: unknown[]): void {
    this.postprocessing = args.length === 0 ? fn : (traj, results) => fn(traj, results, ...args);
  }

  /**
   * pypet's `pipeline`: `fn(traj)` adds the parameters and the exploration and returns the run
   * function and the postprocessing with their arguments (see `readPipeline` for the forms);
   * then the runs and the postprocessing run as with `add_postprocessing` and `run`.
   * @example
   * await env.pipeline((traj) => { addParameters(traj); return [[runNeuron, [], {}], [postproc, [], {}]]; });
   */
  async pipeline(fn: (traj: Trajectory) => unknown): Promise<[number, unknown][]> {
    const plan = readPipeline(fn(this.trajectory));
    if (plan.postproc) this.add_postprocessing(plan.postproc.fn as PostProcessing, ...plan.postproc.args);
    return this.run(plan.run, ...plan.args);
  }

  /** Asks a running `run` to stop after the runs in flight (what Ctrl-C does). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Resumes an interrupted or failed exploration: runs only what is not completed. */
  async resume(fn: RunFunction | RunModule, ...args: unknown[]): Promise<[number, unknown][]> {
    return this.run(fn, ...args);
  }

  /**
   * Runs `fn(traj, ...args)` for every run that is not completed and stores each as it finishes,
   * with everything it added anywhere in the tree; then runs the postprocessing hook and stores
   * what it added. Returns `[run index, return value]` for the runs that completed in this call,
   * in run order.
   * @throws RunsFailedError when runs failed (after the others ran and were stored; with
   *   `stop_on_error`, after the first failure), unless `accept_failures` is set: the failures are
   *   then only in {@link failures}.
   * @example
   * const env = new Environment({ trajectory: 'demo', filename: 'data/demo.hdf5' });
   * const results = await env.run((traj) => traj.f_add_result('neuron.$', traj.x * 2));
   */
  async run(fn: RunFunction | RunModule, ...args: unknown[]): Promise<[number, unknown][]> {
    const traj = this.trajectory;
    this.failures = [];
    this.reused = [];
    this.interrupted = false;
    this.stopRequested = false;
    // The locks beside the file come before the first store, so its folder must exist first
    // (pypet, too, creates a missing output folder).
    fs.mkdirSync(path.dirname(path.resolve(this.filename)), { recursive: true });
    const loadForResume = this.options.resume && !this.prepared;
    if (loadForResume) recoverAfterCrash(this.filename);
    await prepareToOpen(this.filename);
    if (loadForResume) this.loadForResume();
    const journalPath = journalPathFor(this.filename, traj.v_name, traj.v_timestamp);
    // Replacing the file: our exploration lock first, then a look for others on the file, so that
    // of two overwriting runs started together at least one sees the other and stops before
    // replacing the file under it.
    const replacing = (this.options.overwrite_file ?? false) && !this.options.resume && !this.prepared;
    const lock = (): (() => void) => lockExploration(journalPath, traj.v_name, this.filename);
    let releaseJournal = replacing ? lock() : undefined;
    try {
      if (replacing) refuseOtherExplorations(journalPath, this.filename);
      // Otherwise stored first, so that a process killed before its trajectory exists leaves no lock behind.
      this.prepare();
    } catch (e) {
      releaseJournal?.();
      throw e;
    }
    releaseJournal ??= lock();
    try {
      // What is completed is what the file says now, not when it was loaded: another process
      // may have finished runs while this one waited for the lock (a doubled `--resume`, or an
      // exploration whose wrapper was killed but not the process itself).
      if (this.options.resume) traj.f_load({ load_parameters: 0, load_derived_parameters: 0, load_results: 0, load_other_data: 0 });
      return await this.runLocked(fn, args, journalPath);
    } finally {
      releaseJournal();
    }
  }

  private async runLocked(fn: RunFunction | RunModule, args: unknown[], journalPath: string): Promise<[number, unknown][]> {
    const traj = this.trajectory;
    this.recoverJournal(journalPath);
    const results = new RunResults();
    const onSigint = (): void => {
      this.interrupted = true;
      this.stop();
    };
    process.on('SIGINT', onSigint);
    try {
      for (;;) {
        await runExplorationStep({
          traj,
          filename: this.filename,
          journalPath,
          fn,
          args,
          pending: this.pendingRuns(),
          ncores: this.ncores(),
          hexsha: this.provenance!.hexsha,
          options: this.options,
          onOutcome: (entry) => this.record(entry, results),
          stop: () => this.stop(),
          stopped: () => this.stopRequested,
        });
        if (this.stopRequested || !this.postprocessing) break;
        const before = traj.v_length;
        await this.postprocessing(traj, results.list());
        if (traj.v_length === before) break;
        if (this.selection) {
          throw new StateError(
            `Postprocessing added ${traj.v_length - before} run(s), but this Environment runs only runs ${describeRuns([...this.selection])} (a shard or run_indices), so nobody would run them; expand the trajectory after merging the shards instead.`,
          );
        }
        traj.f_store(); // the new runs
      }
      this.finish();
    } finally {
      process.off('SIGINT', onSigint);
    }
    const answer = results.list();
    if (this.failures.length > 0 && !this.options.accept_failures) throw runsFailed(this.failures, answer);
    return answer;
  }

  /**
   * Loads the trajectory to resume and the shard it records. Only after the file is ready to be
   * read: h5wasm loaded if the file needs it, and what a crashed writer left repaired (a torn
   * superblock switch would otherwise read as a corrupt file).
   */
  private loadForResume(): void {
    const traj = this.trajectory;
    traj.f_load({ name: traj.v_name, load_parameters: 2, load_derived_parameters: 1, load_results: 0, load_other_data: 0 });
    this.shard = resumedShard(fileShard(traj), this.options.shard, this.filename, traj.v_length);
  }

  /** Locks parameters, checks presets, adds provenance, applies sharding and stores the start. */
  private prepare(): void {
    if (this.prepared) {
      // A later run() (e.g. after f_expand): store what changed, such as the new runs.
      this.trajectory.f_store();
      return;
    }
    const traj = this.trajectory;
    traj.f_check_presets();
    this.selectRuns();
    traj.f_lock_parameters();
    traj.f_lock_derived_parameters();
    this.provenance = collectProvenance(traj.v_name);
    this.envGroup = addProvenance(traj, this.provenance, this.ncores(), this.shard);
    const replace = (this.options.overwrite_file ?? false) && !this.options.resume;
    this.prepared = true;
    // Overwriting writes the new file whole and renames it over the old one: until then the old
    // file stays intact, and so do the journals of its explorations (runs a crash left only
    // there), which go once the new file is in place.
    if (!this.options.resume) {
      traj.f_store({ overwrite_file: replace });
      if (replace) for (const j of journalsBeside(this.filename)) removeJournal(j);
    } else {
      const group = traj.f_get(this.envGroup);
      commitEntries(traj, [], subtreeRecords(group));
      for (const node of [group, ...group.f_iter_nodes()]) nodeState(node).stored = true;
    }
  }

  /** Decides which runs this Environment runs: a shard's block, the given indices, or all. */
  private selectRuns(): void {
    if (!this.options.resume && this.options.shard) this.shard = { shard: this.options.shard, length: this.trajectory.v_length };
    this.selection = selectedRuns(this.trajectory.v_length, this.shard, this.options.run_indices);
  }

  private ncores(): number {
    const n = this.options.ncores ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`ncores must be a positive integer, not ${n}.`);
    return n;
  }

  /**
   * The runs not completed yet, ascending: in a typed array, since it lives through the whole
   * exploration (a million-run array of numbers held 10 MB of heap, issue 13).
   */
  private pendingRuns(): Uint32Array {
    const traj = this.trajectory;
    let out = new Uint32Array(traj.v_length);
    let n = 0;
    for (let i = 0; i < traj.v_length; i++) if (!traj.f_is_completed(i) && (this.selection?.has(i) ?? true)) out[n++] = i;
    if (n < out.length) out = out.slice(0, n);
    return out;
  }

  /** Folds runs left in a journal by a crashed process into the file before anything else. */
  private recoverJournal(journalPath: string): void {
    const { entries } = readJournal(journalPath);
    if (entries.length > 0) commitEntries(this.trajectory, entries);
    removeJournal(journalPath);
  }

  /** Records a run's outcome for `run`'s answer: reused, a return value, or a failure. */
  private record(entry: JournalEntry, results: RunResults): void {
    if (entry.kind === 'run' && entry.reused) this.reused.push(entry.idx);
    else if (entry.kind === 'run') results.add(entry.idx, entry.returned);
    else {
      this.failures.push(entry);
      if (this.options.stop_on_error) this.stop();
    }
  }

  /**
   * Records the end of the exploration in the provenance and stores, in the same write, whatever
   * the postprocessing hook added to the trajectory.
   */
  private finish(): void {
    const traj = this.trajectory;
    const name = `${this.envGroup}.finish_timestamp`;
    // A later run() of the same Environment keeps the first end.
    if (!traj.f_contains(name)) traj.f_add_config(name, Date.now() / 1000, { comment: 'end of the exploration (POSIX seconds)' });
    traj.f_store();
  }
}

/** The error of an exploration whose runs failed: how many, and the first ones by name. */
function runsFailed(failures: readonly RunFailure[], results: [number, unknown][]): RunsFailedError {
  const sorted = [...failures].sort((a, b) => a.idx - b.idx);
  const shown = sorted.slice(0, 3).map((f) => `${runName(f.idx)} (${f.message})`).join(', ');
  const more = sorted.length > 3 ? ` and ${sorted.length - 3} more` : '';
  const count = sorted.length === 1 ? '1 run failed' : `${sorted.length} runs failed`;
  return new RunsFailedError(
    `${count}: ${shown}${more}. Every run that completed is stored; resume to run the failed ones again, or pass accept_failures: true to get the results without this error.`,
    sorted.map((f) => ({ idx: f.idx, message: f.message })),
    results,
  );
}
