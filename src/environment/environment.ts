/**
 * The Environment: runs a function over every run of a trajectory — serially or on worker
 * threads — and stores each run as it finishes, crash-safely and resumably.
 *
 * Crash safety: a finished run is appended to a journal beside the HDF5 file and synced; the
 * HDF5 file itself is only ever replaced whole (a new file is written, closed and renamed over
 * the old one by the storage service's `commit`). A `kill -9` therefore leaves the previous file
 * intact and every synced run in the journal; `resume` folds the journal in and runs the rest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileLockedError, InvalidArgumentError, RunsFailedError, StateError } from '../errors.js';
import { acquireLock, describeHolder, lockPathFor, removeLock } from '../storage/lock.js';
import { locksBeside } from '../storage/locks-beside.js';
import { typed } from '../leaves/values.js';
import { runName } from '../tree/names.js';
import { getDefaultStorageFactory, type Commit, type RunCommit, type RunFailure } from '../trajectory/storage-service.js';
import { subtreeRecords, type NodeRecord } from '../trajectory/records.js';
import { formatTime } from '../trajectory/runs.js';
import { Trajectory } from '../trajectory/trajectory.js';
import { JournalWriter, journalPathFor, journalsBeside, readJournal, removeJournal, type JournalEntry } from './journal.js';
import { runOnWorkers } from './pool.js';
import { Progress, type ProgressMode } from './progress.js';
import { findReusableRuns } from './reuse.js';
import { BackgroundWriter } from './background-writer.js';
import { RunOrderGate } from './commit-order.js';
import { describeRuns, fileShard, shardIndices, type ShardRecord } from './shard.js';
import { collectProvenance, type Provenance } from './provenance.js';
import { executeRun, SharedNodeClaims, type RunFunction } from './run-executor.js';
import { toWire } from './wire.js';
import { readPipeline } from './pipeline.js';
import { prepareToOpen } from '../storage/hdf5/open-file.js';
import { HDF5_SERVICE_OPTIONS, type Hdf5ServiceOptions } from '../storage/hdf5/settings.js';
import { checkOptions, optionNames, PYPET_MEANINGLESS, type OptionSpec } from '../options.js';
import { pushAll } from '../fold.js';
import { groupState } from '../tree/group.js';
import { nodeState } from '../tree/node.js';

/** A run function that worker threads can load: a module path (or file URL) and an export name. */
export interface RunModule {
  module: string;
  export?: string;
}

/**
 * Options of `new Environment(options)` (pypet's names where pypet has the option). pypet's
 * storage-service arguments (`large_overview_tables`, `purge_duplicate_comments`, `complevel`, …;
 * see {@link Hdf5ServiceOptions}) go to the HDF5 service of the file, as in pypet.
 */
export interface EnvironmentOptions extends Hdf5ServiceOptions {
  /** A trajectory, or the name of a new one (default `trajectory`). */
  trajectory?: Trajectory | string;
  /** The HDF5 file (default `data/<trajectory name>.hdf5`). */
  filename?: string;
  comment?: string;
  /** Append the time to a new trajectory's name (default false, as in pypet's Environment). */
  add_time?: boolean;
  /** Replace an existing file instead of adding the trajectory to it. */
  overwrite_file?: boolean;
  /** Worker threads (default 1: runs in this thread). More needs a {@link RunModule}. */
  ncores?: number;
  /** pypet compatibility: parallel when true and ncores > 1 (ncores > 1 alone is enough here). */
  multiproc?: boolean;
  /** Continue the trajectory stored in `filename`: run only what is not completed (pypet's `continuable`). */
  resume?: boolean;
  /**
   * Stop dispatching after the first failed run; `run` then rejects with a
   * {@link RunsFailedError} naming it (default false: the other runs go on).
   */
  stop_on_error?: boolean;
  /**
   * Resolve `run` with the completed runs' results even when runs failed (failed runs are then
   * only in `env.failures` and in the file's failure table). Default false: after storing every
   * run that completed, `run` rejects with a {@link RunsFailedError} listing the failed runs and
   * carrying the completed results.
   */
  accept_failures?: boolean;
  /** Progress on stderr: 'auto' (bar on a terminal, lines otherwise), 'bar', 'lines', 'quiet'. */
  progress?: ProgressMode;
  /** Fold the journal into the HDF5 file at least this often during long explorations (seconds; default 300). */
  checkpoint_seconds?: number;
  /**
   * Run only shard i of n (contiguous blocks of runs). The file keeps the whole exploration and
   * completes only this block, so each run sees its global `v_idx` / `v_crun`; with `resume`, a
   * shard file finishes its own block without this option.
   */
  shard?: [number, number];
  /** Run only these run indices (global indices; the other runs stay not completed). */
  run_indices?: number[];
  /** Sync the journal at least this often (milliseconds; default 200; 0 syncs after every run). */
  journal_sync_ms?: number;
  /** Called once a run's outcome is durable (its journal entry synced to disk). */
  on_run?: (idx: number, status: 'completed' | 'failed') => void;
  /**
   * Skip runs whose parameter values were already computed and take over their stored results
   * (batchpy's idea; see `runHash`): `true` looks at this trajectory's completed runs, an array of
   * files also at the completed runs of every trajectory in them.
   */
  reuse?: boolean | string[];
}

/** A postprocessing hook (pypet's `add_postprocessing`): may expand the trajectory for more runs. */
export type PostProcessing = (traj: Trajectory, results: [number, unknown][], ...args: any[]) => unknown;

/** What `new Environment()` accepts; pypet's logging and process options are accepted and have no meaning here. */
const ENVIRONMENT_OPTIONS: OptionSpec = {
  known: [
    ...optionNames<Omit<EnvironmentOptions, keyof Hdf5ServiceOptions>>({
      trajectory: true, filename: true, comment: true, add_time: true, overwrite_file: true, ncores: true, multiproc: true,
      resume: true, stop_on_error: true, progress: true, checkpoint_seconds: true, shard: true, run_indices: true,
      journal_sync_ms: true, on_run: true, reuse: true, accept_failures: true,
    }),
    ...HDF5_SERVICE_OPTIONS,
  ],
  meaningless: PYPET_MEANINGLESS,
  renamed: new Map([['continuable', 'resume'], ['report_progress', 'progress']]),
  unsupported: new Map([
    ['dynamic_imports', 'give them to new Trajectory(name, { dynamic_imports }) and pass that trajectory'],
    ['automatic_storing', 'h5traj always stores what a run adds'],
    ['do_single_runs', 'every run is executed; to only store the trajectory, call traj.f_store()'],
    ['storage_service', 'give the trajectory a storage service and pass that trajectory'],
  ]),
};

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
    if (options.resume) {
      if (!fs.existsSync(this.filename)) {
        throw new StateError(`Cannot resume: the file '${this.filename}' does not exist.`, { file: this.filename });
      }
      this.trajectory.f_load({ name: this.trajectory.v_name, load_parameters: 2, load_derived_parameters: 1, load_results: 0, load_other_data: 0 });
      this.shard = this.resumedShard();
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
    await prepareToOpen(this.filename);
    const journalPath = journalPathFor(this.filename, traj.v_name, traj.v_timestamp);
    // Replacing the file: our exploration lock first, then a look for others on the file, so that
    // of two overwriting runs started together at least one sees the other and stops before
    // replacing the file under it.
    const replacing = (this.options.overwrite_file ?? false) && !this.options.resume && !this.prepared;
    let releaseJournal = replacing ? this.lockExploration(journalPath) : undefined;
    try {
      if (replacing) this.refuseOtherExplorations(journalPath);
      // Otherwise stored first, so that a process killed before its trajectory exists leaves no lock behind.
      this.prepare();
    } catch (e) {
      releaseJournal?.();
      throw e;
    }
    releaseJournal ??= this.lockExploration(journalPath);
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

  /**
   * Takes the exploration's lock on its journal. One exploration per trajectory at a time: a
   * second process (a doubled `--resume`) would otherwise fold, and delete, the first one's live journal.
   */
  private lockExploration(journalPath: string): () => void {
    try {
      return acquireLock(journalPath, { reentrant: false });
    } catch (e) {
      if (!(e instanceof FileLockedError)) throw e;
      throw new FileLockedError(
        `Another exploration of trajectory '${this.trajectory.v_name}' in '${this.filename}' is running (in ${e.message.replace(/^The file '[^']*' is being written by /, '').replace(/; wait.*$/, '')}); wait for it to finish.`,
        { file: this.filename, cause: e },
      );
    }
  }

  /**
   * Refuses to replace the file while another exploration (of any trajectory) runs on it; the
   * locks of explorations that died go, as their journals will (see prepare).
   */
  private refuseOtherExplorations(journalPath: string): void {
    const own = path.resolve(lockPathFor(journalPath));
    const others = locksBeside(this.filename).filter((l) => l.kind === 'exploration' && path.resolve(l.path) !== own);
    const other = others.find((l) => l.state !== 'stale');
    if (!other) {
      for (const l of others) removeLock(l);
      return;
    }
    throw new FileLockedError(
      `An exploration of trajectory '${other.trajectory}' is running on '${this.filename}' (${describeHolder(other.holder!)}); overwriting would replace the file under it. Wait for it to finish.`,
      { file: this.filename },
    );
  }

  private async runLocked(fn: RunFunction | RunModule, args: unknown[], journalPath: string): Promise<[number, unknown][]> {
    const traj = this.trajectory;
    this.recoverJournal(journalPath);
    const results: [number, unknown][] = [];
    const onSigint = (): void => {
      this.interrupted = true;
      this.stop();
    };
    process.on('SIGINT', onSigint);
    try {
      for (;;) {
        const todo = this.pendingRuns();
        await this.execute(fn, args, todo, journalPath, results);
        if (this.stopRequested || !this.postprocessing) break;
        const before = traj.v_length;
        await this.postprocessing(traj, [...results]);
        if (traj.v_length === before) break;
        if (this.selection) {
          throw new StateError(
            `Postprocessing added ${traj.v_length - before} run(s), but this Environment runs only runs ${describeRuns([...this.selection])} (a shard or run_indices), so nobody would run them; expand the trajectory after merging the shards instead.`,
          );
        }
        this.storeExpansion();
      }
      this.finish();
    } finally {
      process.off('SIGINT', onSigint);
    }
    results.sort((a, b) => a[0] - b[0]);
    if (this.failures.length > 0 && !this.options.accept_failures) throw runsFailed(this.failures, results);
    return results;
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
    const p = this.provenance;
    this.envGroup = `config.environment.environment_${p.hexsha.slice(0, 7)}_${formatTime(p.start_timestamp)}`;
    const add = (name: string, value: unknown, comment: string): void => {
      traj.f_add_config(`${this.envGroup}.${name}`, value, { comment });
    };
    add('h5traj_version', p.h5traj_version, 'h5traj version');
    add('node_version', p.node_version, 'Node.js version');
    add('h5wasm_version', p.h5wasm_version, 'h5wasm version');
    add('git_commit', p.git_commit, 'git commit of the working directory');
    add('git_dirty', p.git_dirty, 'whether the git work tree had uncommitted changes');
    add('host', p.host, 'host name');
    add('command_line', p.command_line, 'command line of the process');
    add('working_directory', p.working_directory, 'working directory');
    add('hexsha', p.hexsha, 'SHA-1 identifying this environment');
    add('timestamp', p.start_timestamp, 'start of the exploration (POSIX seconds)');
    add('ncores', typed(this.ncores(), 'int'), 'worker threads');
    if (this.shard) {
      add('shard', typed([...this.shard.shard], 'int'), 'shard i of n of the exploration (the runs this environment ran)');
      add('shard_length', typed(this.shard.length, 'int'), 'number of runs the shards were cut from');
    }
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
      this.commit([], subtreeRecords(group));
      for (const node of [group, ...group.f_iter_nodes()]) nodeState(node).stored = true;
    }
  }

  /**
   * The shard a resumed file continues: the one the file records (a file merged from several
   * shards records several and finishes every run), or the `shard` option, which must agree.
   */
  private resumedShard(): ShardRecord | undefined {
    const recorded = fileShard(this.trajectory);
    const wanted = this.options.shard;
    if (!wanted) return recorded;
    if (recorded && (recorded.shard[0] !== wanted[0] || recorded.shard[1] !== wanted[1])) {
      throw new InvalidArgumentError(
        `The file '${this.filename}' holds shard ${recorded.shard.join('/')}, not shard ${wanted.join('/')}; resume it without the shard option or with the same shard.`,
      );
    }
    return { shard: wanted, length: recorded?.length ?? this.trajectory.v_length };
  }

  /** Decides which runs this Environment runs: a shard's block, the given indices, or all. */
  private selectRuns(): void {
    const traj = this.trajectory;
    if (!this.options.resume && this.options.shard) this.shard = { shard: this.options.shard, length: traj.v_length };
    const indices = this.options.run_indices ?? (this.shard ? shardIndices(this.shard.length, this.shard.shard) : undefined);
    if (!indices) return;
    // An empty shard (more shards than runs) is allowed: its file holds the exploration, no run.
    if (indices.length === 0 && !this.shard) throw new InvalidArgumentError('run_indices selects no runs.');
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= traj.v_length) {
        throw new InvalidArgumentError(`Run index ${i} is outside the trajectory (0 to ${traj.v_length - 1}).`);
      }
    }
    this.selection = new Set(indices);
  }

  private ncores(): number {
    const n = this.options.ncores ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`ncores must be a positive integer, not ${n}.`);
    return n;
  }

  private pendingRuns(): number[] {
    const traj = this.trajectory;
    const out: number[] = [];
    for (let i = 0; i < traj.v_length; i++) if (!traj.f_is_completed(i) && (this.selection?.has(i) ?? true)) out.push(i);
    return out;
  }

  /** Folds runs left in a journal by a crashed process into the file before anything else. */
  private recoverJournal(journalPath: string): void {
    const { entries } = readJournal(journalPath);
    if (entries.length > 0) this.commit(entries, []);
    removeJournal(journalPath);
  }

  /** The commit of journaled entries (runs already completed are left out), or undefined. */
  private buildCommit(entries: JournalEntry[], nodes: NodeRecord[]): Commit | undefined {
    const traj = this.trajectory;
    const commit: Commit = { runs: [], failures: [], nodes };
    for (const e of entries) {
      if (e.idx >= traj.v_length) continue;
      if (e.kind === 'run') {
        if (!traj.f_is_completed(e.idx)) commit.runs.push({ idx: e.idx, info: e.info, records: e.records } satisfies RunCommit);
      } else {
        commit.failures.push(e);
      }
    }
    return commit.runs.length === 0 && commit.failures.length === 0 && nodes.length === 0 ? undefined : commit;
  }

  /** Marks the committed runs completed in memory. */
  private applyCommit(commit: Commit): void {
    for (const r of commit.runs) this.trajectory._updateRun(r.idx, r.info);
  }

  /** Writes journaled entries into the HDF5 file (atomically) and updates the runs in memory. */
  private commit(entries: JournalEntry[], nodes: NodeRecord[]): void {
    const commit = this.buildCommit(entries, nodes);
    if (!commit) return;
    this.trajectory.v_storage_service!.commit(this.trajectory, commit);
    this.applyCommit(commit);
  }

  private async execute(
    fn: RunFunction | RunModule,
    args: unknown[],
    pendingRuns: number[],
    journalPath: string,
    results: [number, unknown][],
  ): Promise<void> {
    if (pendingRuns.length === 0) return;
    let todo = pendingRuns;
    const traj = this.trajectory;
    const journal = new JournalWriter(journalPath);
    const pending: JournalEntry[] = [];
    const progress = new Progress(todo.length, this.options.progress ?? 'auto');
    // With worker threads, a writer thread stores finished runs while others are computed; it
    // commits every second so that writing overlaps computing. Serially, writing waits for the end.
    const parallel = this.ncores() > 1 && todo.length > 1 && typeof fn !== 'function';
    const writer = parallel ? new BackgroundWriter() : undefined;
    const written: Promise<void>[] = [];
    const checkpointMs = (this.options.checkpoint_seconds ?? (parallel ? 1 : 300)) * 1000;
    if (writer) traj.v_storage_service?.close?.(); // the writer thread replaces the file
    let writeFailure: Error | undefined;
    // One commit in flight at a time: runs finishing meanwhile wait in the journal and go with
    // the next one, so the writer never falls behind (back-pressure) and each commit carries
    // more runs as the file, and the cost of writing it, grows.
    let inFlight = false;
    let lastWriteMs = 0;
    const order = new RunOrderGate(pendingRuns);
    const flush = (final = false): void => {
      if (writer && inFlight && !final) return;
      const entries = final ? order.takeAll(pending) : order.takeReady(pending);
      if (!writer) {
        try {
          this.commit(entries, []);
        } catch (e) {
          pushAll(pending, pushAll(entries, pending.splice(0))); // still only in the journal: keep them, first, for the next try
          throw e;
        }
        return;
      }
      const commit = this.buildCommit(entries, []);
      if (!commit) return;
      const started = Date.now();
      inFlight = true;
      const done = writer.commit(this.filename, traj.v_name, commit).then(
        () => {
          this.applyCommit(commit);
          lastWriteMs = Date.now() - started;
          inFlight = false;
        },
        (e: Error) => {
          // Stop handing out runs; the journal keeps these runs for resume.
          writeFailure ??= e;
          inFlight = false;
          this.stop();
        },
      );
      written.push(done);
    };
    let lastSync = Date.now();
    let lastCheckpoint = Date.now();
    const hexsha = this.provenance!.hexsha;
    const syncMs = this.options.journal_sync_ms ?? 200;
    const unreported: JournalEntry[] = [];
    const syncJournal = (): void => {
      journal.sync();
      lastSync = Date.now();
      for (const e of unreported.splice(0)) this.options.on_run?.(e.idx, e.kind === 'run' ? 'completed' : 'failed');
    };
    const claims = new SharedNodeClaims((fullName) => traj.v_storage_service?.subtreeSignature?.(traj, fullName) !== undefined);
    const onEntry = (computed: JournalEntry): void => {
      const entry = claims.check(computed);
      journal.append(entry);
      pending.push(entry);
      if (entry.kind === 'run' && entry.reused) this.reused.push(entry.idx);
      else if (entry.kind === 'run') results.push([entry.idx, entry.returned]);
      else {
        this.failures.push(entry);
        if (this.options.stop_on_error) this.stop();
      }
      progress.tick(entry.kind === 'failure');
      unreported.push(entry);
      // Durable in batches: a sync per run would cost more than many small runs themselves.
      if (Date.now() - lastSync >= syncMs || journal.unsynced >= 500) syncJournal();
      // Writing takes at most about a quarter of the time: commits space out as they get slower.
      if (Date.now() - lastCheckpoint >= Math.max(checkpointMs, 3 * lastWriteMs) && !(writer && inFlight)) {
        syncJournal();
        flush();
        lastCheckpoint = Date.now();
      }
    };
    try {
      if (this.options.reuse) {
        const files = Array.isArray(this.options.reuse) ? this.options.reuse : [];
        const reusable = findReusableRuns(traj, todo, files);
        for (const entry of reusable) onEntry({ ...entry, reused: true });
        const done = new Set(reusable.map((e) => e.idx));
        todo = todo.filter((i) => !done.has(i));
      }
      const ncores = this.ncores();
      if (ncores > 1 && todo.length > 1) {
        if (typeof fn === 'function') {
          throw new InvalidArgumentError(
            'With ncores > 1 the run function must come from a module: pass { module: "/path/run.js", export: "run" } (closures cannot cross threads).',
          );
        }
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
        await runOnWorkers(
          ncores,
          {
            trajName: traj.v_name,
            records: toWire(records),
            length: traj.v_length,
            module: path.resolve(fn.module.startsWith('file:') ? new URL(fn.module).pathname : fn.module),
            exportName: fn.export ?? 'run',
            args: toWire(args),
            hexsha,
          },
          todo,
          onEntry,
          () => this.stopRequested,
        );
      } else {
        const run = typeof fn === 'function' ? fn : await loadRunFunction(fn);
        let lastYield = Date.now();
        for (const idx of todo) {
          // Let the event loop breathe now and then, or a Ctrl-C (SIGINT) would wait for the end.
          if (Date.now() - lastYield > 20) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = Date.now();
          }
          if (this.stopRequested) break;
          onEntry(await executeRun(traj, idx, run, args, hexsha, claims));
        }
      }
    } finally {
      progress.stop();
      // The journal goes only once everything in it is in the file; if a commit failed, it stays
      // for resume to fold in.
      let committed = false;
      try {
        syncJournal();
        flush(true);
        await Promise.all(written);
        if (writeFailure) throw writeFailure;
        committed = pending.length === 0;
      } finally {
        await writer?.close();
        journal.close();
        if (committed) removeJournal(journalPath);
      }
    }
  }

  /** Stores the new runs after a postprocessing step expanded the trajectory. */
  private storeExpansion(): void {
    this.trajectory.f_store();
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

/** Imports a run function from a module (for a serial run given as a module). */
async function loadRunFunction(ref: RunModule): Promise<RunFunction> {
  const { pathToFileURL } = await import('node:url');
  const url = ref.module.startsWith('file:') ? ref.module : pathToFileURL(path.resolve(ref.module)).href;
  const mod = (await import(url)) as Record<string, unknown>;
  const fn = mod[ref.export ?? 'run'];
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(`The module '${ref.module}' has no exported function '${ref.export ?? 'run'}'.`);
  }
  return fn as RunFunction;
}
