/**
 * What `new Environment(options)` accepts: the options (pypet's names where pypet has the
 * option), pypet's options that have no meaning here, and the ones renamed or unsupported.
 */
import type { Trajectory } from '../trajectory/trajectory.js';
import { HDF5_SERVICE_OPTIONS, type Hdf5ServiceOptions } from '../storage/hdf5/layout/settings.js';
import { optionNames, PYPET_MEANINGLESS, type OptionSpec } from '../options.js';
import type { ProgressMode } from './progress.js';

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
  /**
   * Continue the trajectory stored in `filename`: run only what is not completed (pypet's
   * `continuable`). `run` loads it (pypet's `env.resume` does too), after repairing what a crash left.
   */
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
export const ENVIRONMENT_OPTIONS: OptionSpec = {
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
