/**
 * The options objects of the Trajectory's methods, with pypet's names, and what each accepts
 * (checked by `checkOptions`; see `src/options.ts`).
 */
import { optionNames, type OptionSpec } from '../options.js';
import type { LeafConstructor } from '../tree/leaf-node.js';
import type { MergeOptions } from './merge.js';
import type { RecordsOptions } from './query.js';
import type { FromRunsOptions } from './run-values.js';
import type {
  DeleteItemsOptions,
  LoadItemsOptions,
  LoadMode,
  LoadOptions,
  StorageService,
  StoreItemsOptions,
  StoreOptions,
} from './storage-service.js';

/** Options of `new Trajectory(name, options)`. */
export interface TrajectoryOptions {
  /** Append the creation time to the name (pypet's default: true). */
  add_time?: boolean;
  comment?: string;
  /** HDF5 file; creates the default storage service for it. */
  filename?: string;
  /** Replace the file by one holding only this trajectory at the first `f_store` (pypet's service option). */
  overwrite_file?: boolean;
  /** A storage service of your own (instead of `filename`). */
  storage_service?: StorageService;
  /** Leaf classes of your own that loading should recognise by class name. */
  dynamic_imports?: LeafConstructor[];
  /**
   * The Python version the file records (`overview/info.python`, default `3.11.2` or
   * `H5TRAJ_PYTHON_VERSION`): pypet loads the file without `force=True` under exactly this Python.
   */
  python_version?: string;
}

export const TRAJECTORY_OPTIONS: OptionSpec = {
  known: optionNames<TrajectoryOptions>({
    add_time: true, comment: true, filename: true, overwrite_file: true, storage_service: true, dynamic_imports: true,
    python_version: true,
  }),
  meaningless: ['file_title'],
  unsupported: new Map([['wildcard_functions', "h5traj's wildcards are fixed ($, crun, $set, crunset)"]]),
};

/** Options of {@link Trajectory.f_store}. */
export interface TrajectoryStoreOptions extends StoreOptions {
  /** Store into this file from now on. */
  filename?: string;
  /** pypet's switch: 0 stores nothing; 1 and 2 store what is new (h5traj never rewrites stored data here). */
  store_data?: 0 | 1 | 2;
}

export const STORE_OPTIONS: OptionSpec = {
  known: optionNames<TrajectoryStoreOptions>({ only_init: true, overwrite_file: true, filename: true, store_data: true }),
  unsupported: new Map([['max_depth', 'the trajectory stores everything new; store part of it with group.f_store({ max_depth })']]),
};

/** Options of {@link Trajectory.f_load}. */
export interface TrajectoryLoadOptions extends LoadOptions {
  /** pypet's master switch: one load mode for parameters, derived parameters, results and other data. */
  load_data?: LoadMode;
  /** Leaf classes of your own, added to the trajectory's (as pypet's `f_load(dynamic_imports=…)`). */
  dynamic_imports?: LeafConstructor[];
}

export const LOAD_OPTIONS: OptionSpec = {
  known: optionNames<TrajectoryLoadOptions>({
    name: true, index: true, as_new: true, load_parameters: true, load_derived_parameters: true, load_results: true,
    load_other_data: true, load_all: true, load_data: true, force: true, filename: true, dynamic_imports: true,
  }),
  unsupported: new Map([
    ['recursive', 'the trajectory loads whole branches; load a subtree with group.f_load_child(name, { recursive })'],
    ['max_depth', 'the trajectory loads whole branches; load deeper parts with f_load_child'],
    ['with_run_information', 'run information is always loaded'],
    ['with_meta_data', 'meta data is always loaded'],
    ['storage_service', "set traj.v_storage_service (or new Trajectory(name, { storage_service })) before f_load"],
  ]),
};

export const COLLECT_OPTIONS: OptionSpec = { known: optionNames<CollectOptions>({ fast_access: true, copy: true }) };
export const STORE_ITEMS_OPTIONS: OptionSpec = { known: optionNames<StoreItemsOptions>({ overwrite: true, non_empties: true }) };
export const LOAD_ITEMS_OPTIONS: OptionSpec = { known: optionNames<LoadItemsOptions>({ only_empties: true, load_only: true, load_except: true }) };
export const DELETE_ITEMS_OPTIONS: OptionSpec = {
  known: optionNames<DeleteItemsOptions>({ remove_from_trajectory: true, remove_empty_groups: true, delete_only: true }),
};
export const FROM_RUNS_OPTIONS: OptionSpec = {
  known: optionNames<FromRunsOptions>({ where: true, use_indices: true, fast_access: true, shortcuts: true, max_depth: true, auto_load: true }),
};
export const RECORDS_OPTIONS: OptionSpec = { known: optionNames<RecordsOptions>({ results: true, where: true, auto_load: true }) };
export const MERGE_OPTIONS: OptionSpec = {
  known: optionNames<MergeOptions>({
    trial_parameter: true, remove_duplicates: true, ignore_data: true, ignore_trajectory_derived_parameters: true,
    ignore_trajectory_results: true, backup_filename: true, move_nodes: true, delete_other_trajectory: true,
    keep_info: true, keep_other_trajectory_info: true, merge_config: true, consecutive_merge: true, slow_merge: true,
  }),
};

/** Options of the `f_get_parameters` family. */
export interface CollectOptions {
  fast_access?: boolean;
  copy?: boolean;
}
