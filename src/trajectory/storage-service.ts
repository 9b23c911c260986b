/**
 * The contract between a trajectory and whatever stores it. The HDF5 service in `storage/hdf5`
 * implements it; the trajectory only talks to this interface, so `trajectory/` does not depend
 * on `storage/`.
 */
import type { NNGroupNode } from '../tree/group.js';
import type { NNLeafNode } from '../tree/leaf-node.js';
import type { NNNode } from '../tree/node.js';
import type { MergeSummary, ResolvedMergeOptions } from './merge.js';
import type { NodeRecord } from './records.js';
import type { RunInformation } from './runs.js';
import type { TrajectoryCore } from './state.js';

/** A completed run to write: its index, its information and the nodes it added. */
export interface RunCommit {
  idx: number;
  info: Omit<RunInformation, 'idx' | 'name'>;
  records: NodeRecord[];
}

/**
 * A run whose function threw (or whose result was refused): what a commit writes to the file's
 * failure table, what `readFailures` gives back, and the journal's entry of a failed run.
 */
export interface RunFailure {
  kind: 'failure';
  idx: number;
  message: string;
  stack: string;
  timestamp: number;
}

/** What one atomic commit writes: completed runs, failures, and other new nodes. */
export interface Commit {
  runs: RunCommit[];
  failures: RunFailure[];
  nodes: NodeRecord[];
}

/** pypet's load constants. */
export const LOAD_NOTHING = 0;
export const LOAD_SKELETON = 1;
export const LOAD_DATA = 2;
export const UPDATE_SKELETON = -1;
export const UPDATE_DATA = -2;
/** `OVERWRITE_DATA` (3, below) also loads: it replaces the data in memory with the data on disk. */
export type LoadMode = typeof LOAD_NOTHING | typeof LOAD_SKELETON | typeof LOAD_DATA | typeof UPDATE_SKELETON | typeof UPDATE_DATA | typeof OVERWRITE_DATA;

/** pypet's store constants (`store_data` of a group's `f_store`). */
export const STORE_NOTHING = 0;
export const STORE_DATA_SKIPPING = 1;
export const STORE_DATA = 2;
export const OVERWRITE_DATA = 3;
export type StoreMode = typeof STORE_NOTHING | typeof STORE_DATA_SKIPPING | typeof STORE_DATA | typeof OVERWRITE_DATA;

/** Options of `f_load` (pypet's names). */
export interface LoadOptions {
  name?: string;
  index?: number;
  as_new?: boolean;
  load_parameters?: LoadMode;
  load_derived_parameters?: LoadMode;
  load_results?: LoadMode;
  load_other_data?: LoadMode;
  load_all?: LoadMode;
  force?: boolean;
  filename?: string;
}

/** Options of `f_store`. */
export interface StoreOptions {
  only_init?: boolean;
  /** Replace the whole file by one holding only this trajectory (the Environment's overwrite_file). */
  overwrite_file?: boolean;
}

/** Options of `f_store_items`. */
export interface StoreItemsOptions {
  /** Item parts to replace on disk (`true`: all parts). */
  overwrite?: boolean | string[];
  /** Skip empty leaves instead of refusing them. */
  non_empties?: boolean;
}

/** Options of `f_load_items`. */
export interface LoadItemsOptions {
  only_empties?: boolean;
  load_only?: string | string[];
  load_except?: string | string[];
}

/** Options of `f_delete_items`. */
export interface DeleteItemsOptions {
  remove_from_trajectory?: boolean;
  remove_empty_groups?: boolean;
  delete_only?: string | string[];
}

/**
 * A storage service for trajectories (pypet's StorageService). `T` is the trajectory type it
 * serves (the Trajectory class; the default keeps this module independent of it).
 */
export interface StorageService<T extends TrajectoryCore = TrajectoryCore> {
  /** The file the service writes to. */
  readonly filename: string;
  /**
   * Called when a trajectory gets this service (pypet creates its service with `trajectory=`):
   * the HDF5 service adds its `config.hdf5.*` settings to a trajectory that is not stored yet.
   */
  attach?(traj: T): void;
  store(traj: T, options: StoreOptions): void;
  storeItems(traj: T, items: NNNode[], options: StoreItemsOptions): void;
  load(traj: T, options: LoadOptions): void;
  loadItems(traj: T, items: NNLeafNode[], options: LoadItemsOptions): void;
  /** Loads `name` below `group` (and its subtree with `recursive`); returns the node. */
  loadChild(traj: T, group: NNGroupNode, name: string, recursive: boolean, loadData: LoadMode): NNNode;
  /** Loads a child that exists on disk but not in memory (skeleton); undefined if absent. */
  autoLoadChild(traj: T, group: NNGroupNode, name: string): NNNode | undefined;
  deleteItems(traj: T, items: NNNode[], options: DeleteItemsOptions): void;
  /**
   * Writes completed runs (their nodes and run rows), failures and other new nodes as one step
   * that either fully happens or leaves the file as it was (the Environment's checkpoint).
   */
  commit(traj: T, commit: Commit): void;
  /**
   * Whether a {@link commit} costs what it adds rather than the size of the file (it appends to
   * the file): the Environment then commits big run data straight into the file instead of
   * journaling it first. Absent: no.
   */
  commitsAppend?(): boolean;
  /** The recorded failures of runs that are not completed. */
  readFailures(traj: T): RunFailure[];
  /** Copies the trajectory into another file. */
  backup(traj: T, backupFilename: string): void;
  /** Releases open files and locks. */
  close?(): void;
  /**
   * A text equal for two stored subtrees exactly when they hold the same nodes (names, kinds,
   * leaf classes, links), or undefined when nothing is stored at `fullName`. Lets a scan over
   * many runs resolve names once and then read the values of runs shaped the same directly.
   */
  subtreeSignature?(traj: T, fullName: string): string | undefined;
  /**
   * The stored leaf at exactly `relative` (a dotted name; no shortcuts, no links on the way)
   * below the stored group `under`, read without putting it in the tree: its root is `traj`, it
   * has no parent, and it is marked stored. Undefined when no leaf is stored there. `withData`
   * reads its data too.
   */
  readReleasedLeaf?(traj: T, under: string, relative: string, withData: boolean): NNLeafNode | undefined;
  /**
   * {@link readReleasedLeaf} for many groups at once: entry `i` is the leaf at `relative` below
   * the stored group `under.groups[i]`, or undefined. One call checks the file once and may walk
   * `under` once in name order instead of looking each path up from the file's root. An entry
   * of `groups` may be replaced by storage's own copy of the same name, so that a caller keeping
   * the names (a million run names) does not hold them twice.
   */
  readReleasedLeaves?(traj: T, under: string, groups: string[], relative: string, withData: boolean): (NNLeafNode | undefined)[];
  /** The values of some items of a stored Result, read without adding nodes to the tree. */
  readResultItems?(traj: T, fullName: string, className: string, items: readonly string[]): Map<string, unknown>;
  /**
   * Merges the stored `others` into `traj` (pypet's `f_merge` / `f_merge_many`) as one step that
   * either fully happens or leaves the file as it was, then updates `traj` in memory.
   */
  merge?(traj: T, others: readonly T[], options: ResolvedMergeOptions): MergeSummary;
}

/**
 * Creates the default service for a filename (registered by the HDF5 storage module); `options`
 * are the service's own (for the HDF5 service, pypet's `HDF5StorageService` arguments).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the factory serves the Trajectory class, which this module does not import
export type StorageFactory = (filename: string, options?: object) => StorageService<any>;

let defaultFactory: StorageFactory | undefined;

/** Registers the service `new Trajectory(name, { filename })` creates. */
export function setDefaultStorageFactory(factory: StorageFactory): void {
  defaultFactory = factory;
}

/** The registered factory, if any. */
export function getDefaultStorageFactory(): StorageFactory | undefined {
  return defaultFactory;
}
