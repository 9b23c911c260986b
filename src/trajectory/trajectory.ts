/**
 * The trajectory: the root of the tree, its exploration, its runs and its single-run view. The
 * class is the facade of pypet's `f_`/`v_` API; the bodies that do a job live in helper modules
 * that see it as a TrajectoryCore (`state.ts`): identity, bookkeeping (tree hooks), collect,
 * storage-calls, run-view, exploration, query, run-values, merge.
 */
import { InvalidArgumentError, StateError, TypeMismatchError } from '../errors.js';
import { BaseParameter, Parameter } from '../leaves/parameter.js';
import { Result } from '../leaves/result.js';
import { NNGroupNode, groupClassForBranch, type GroupRoot, type LeafKind } from '../tree/group.js';
import type { LeafConstructor, NNLeafNode } from '../tree/leaf-node.js';
import { BRANCHES, runName, translatePart } from '../tree/names.js';
import { NODE_STATE, checkedComment, type NNNode } from '../tree/node.js';
import { TRAJECTORY_STATE, type TrajectoryCore, type TrajectoryState } from './state.js';
import { mergeTrajectories, type MergeOptions, type MergeSummary } from './merge.js';
import { expand, explore, shrink } from './exploration.js';
import { valuesFromRuns, type FromRunsOptions } from './run-values.js';

export type { FromRunsOptions } from './run-values.js';
import {
  findRuns,
  groupRuns,
  parameterSchema,
  runRecords,
  type ParameterSchema,
  type RecordsOptions,
  type RunFilter,
  type RunGroup,
  type RunRecord,
} from './query.js';
import { RunTable, type RunInformation } from './runs.js';
import { checkOptions } from '../options.js';
import {
  COLLECT_OPTIONS,
  DELETE_ITEMS_OPTIONS,
  FROM_RUNS_OPTIONS,
  LOAD_ITEMS_OPTIONS,
  LOAD_OPTIONS,
  MERGE_OPTIONS,
  RECORDS_OPTIONS,
  STORE_ITEMS_OPTIONS,
  STORE_OPTIONS,
  TRAJECTORY_OPTIONS,
  type CollectOptions,
  type TrajectoryLoadOptions,
  type TrajectoryOptions,
  type TrajectoryStoreOptions,
} from './trajectory-options.js';

export type { CollectOptions, TrajectoryLoadOptions, TrajectoryOptions, TrajectoryStoreOptions } from './trajectory-options.js';
import {
  getDefaultStorageFactory,
  LOAD_SKELETON,
  OVERWRITE_DATA,
  STORE_DATA,
  type DeleteItemsOptions,
  type LoadItemsOptions,
  type LoadMode,
  type StorageService,
  type StoreItemsOptions,
} from './storage-service.js';
import {
  checkPresets, leafClassByName, linkAdded, linkRemoved, nodeAdded, nodeRemoved, preset, storedLeafChanging,
} from './bookkeeping.js';
import { collectBranch, isEmpty, lockBranch, removeItems } from './collect.js';
import { newIdentity } from './identity.js';
import { iterRuns, viewRun, type IterRunsOptions } from './run-view.js';
import { derivedSummary, isDerivedSummary, parameterSummary } from './run-summary.js';
import { defaultBackupName, migrate, nodesToStore, serviceLoadOptions } from './storage-calls.js';

export { DEFAULT_PYTHON_VERSION } from './identity.js';

/**
 * A trajectory: config, parameters, derived parameters and results in a natural-naming tree,
 * explored into runs.
 *
 * @example
 * const traj = new Trajectory('demo', { add_time: false });
 * traj.f_add_parameter('x', 1.0, { comment: 'first axis' });
 * traj.f_explore(cartesian_product({ x: [1, 2, 3] }));
 * traj.f_as_run(2); traj.x; // 3
 */
export class Trajectory extends NNGroupNode implements GroupRoot, TrajectoryCore {
  readonly [TRAJECTORY_STATE]: TrajectoryState;
  /** The service that stores the trajectory; only the trajectory holds it (see v_storage_service). */
  private _storageService: StorageService<Trajectory> | undefined;

  v_fast_access = true;
  v_shortcuts = true;
  v_max_depth: number | undefined = undefined;
  v_auto_load = false;
  /** The class `f_add_parameter(name, value)` creates (pypet's `v_standard_parameter`). */
  v_standard_parameter: LeafConstructor = Parameter;
  /** The class `f_add_result(name, value)` creates. */
  v_standard_result: LeafConstructor = Result;
  /** The class `f_add_leaf` creates outside the four branches. */
  v_standard_leaf: LeafConstructor = Result;

  /** Set by `overwrite_file`: the first f_store replaces the file. */
  private _overwriteFile = false;

  constructor(name = 'my_trajectory', options: TrajectoryOptions = {}) {
    super('', checkedComment(options.comment ?? '', name, true));
    checkOptions('new Trajectory()', options, TRAJECTORY_OPTIONS);
    this[TRAJECTORY_STATE] = {
      identity: newIdentity(name, options),
      idx: -1,
      singleRun: false,
      runAdded: { nodes: [], links: [] },
      // A loaded table's summaries list the explored parameters in the file's order (summaryOrder).
      runs: new RunTable({
        derive: (i) => derivedSummary(this, i, this[TRAJECTORY_STATE].summaryOrder),
        isDerived: (i, text) => isDerivedSummary(this, i, text, this[TRAJECTORY_STATE].summaryOrder),
      }),
      summaryOrder: undefined,
      explored: new Map(),
      presets: new Map(),
      index: new Map(),
      linkIndex: new Map(),
      dynamicImports: [...(options.dynamic_imports ?? [])],
    };
    this[NODE_STATE].root = this;
    for (const branch of BRANCHES) {
      const Cls = groupClassForBranch(branch);
      this._attachChild(new Cls(''), branch);
    }
    if (options.filename !== undefined && options.storage_service !== undefined) {
      throw new InvalidArgumentError('Give new Trajectory() either a filename or a storage_service, not both.');
    }
    if (options.filename !== undefined) this._useFile(options.filename);
    if (options.storage_service !== undefined) this.v_storage_service = options.storage_service;
    this._overwriteFile = options.overwrite_file ?? false;
  }

  override f_get_class_name(): string {
    return 'Trajectory';
  }

  // -------------------------------------------------------------------------------------------
  // Identity

  override get v_name(): string {
    return this[TRAJECTORY_STATE].identity.name;
  }

  /** Creation time as `YYYY_MM_DD_HHhMMmSSs`. */
  get v_time(): string {
    return this[TRAJECTORY_STATE].identity.time;
  }

  /** Creation time (POSIX seconds). */
  get v_timestamp(): number {
    return this[TRAJECTORY_STATE].identity.timestamp;
  }

  /** The pypet format version of the trajectory. */
  get v_version(): string {
    return this[TRAJECTORY_STATE].identity.version;
  }

  /** The Python version the file records (pypet's check on loading; see {@link DEFAULT_PYTHON_VERSION}). */
  get v_python(): string {
    return this[TRAJECTORY_STATE].identity.python;
  }

  // -------------------------------------------------------------------------------------------
  // Storage

  get v_storage_service(): StorageService<Trajectory> | undefined {
    return this._storageService;
  }

  /** Gives the trajectory a service; it may add its settings (the HDF5 service's `config.hdf5.*`). */
  set v_storage_service(service: StorageService<Trajectory> | undefined) {
    this._storageService = service;
    service?.attach?.(this);
  }

  /** The HDF5 file of the storage service, if any. */
  get v_filename(): string | undefined {
    return this._storageService?.filename;
  }

  _useFile(filename: string): void {
    const factory = getDefaultStorageFactory();
    if (!factory) {
      throw new StateError('No storage service is available; import h5traj from its main entry point so the HDF5 service registers itself.');
    }
    this.v_storage_service = factory(filename);
  }

  protected _service(): StorageService<Trajectory> {
    if (!this._storageService) {
      throw new StateError(
        `The trajectory '${this.v_name}' has no storage service; create it with { filename } or set v_storage_service.`,
      );
    }
    return this._storageService;
  }

  /**
   * Stores the trajectory (only what is new or changed, as pypet does).
   * @throws UnknownOptionError for an option it does not know.
   */
  override f_store(options: TrajectoryStoreOptions = {}): void {
    checkOptions('traj.f_store()', options, STORE_OPTIONS);
    const { filename, store_data, ...storeOptions } = options;
    if (filename !== undefined) this._useFile(filename);
    if (store_data === 0) return;
    if (this._overwriteFile && storeOptions.overwrite_file === undefined) storeOptions.overwrite_file = true;
    this._service().store(this, storeOptions);
    this._overwriteFile = false;
  }

  /**
   * Loads a trajectory from the file (pypet's options and load constants). `load_data` (or its old
   * name `load_all`) sets one mode for every branch, overriding the per-branch options.
   * @throws UnknownOptionError for an option it does not know.
   * @example traj.f_load({ load_data: LOAD_DATA })
   */
  override f_load(options: TrajectoryLoadOptions = {}): void {
    checkOptions('traj.f_load()', options, LOAD_OPTIONS);
    const loadOptions = serviceLoadOptions(this, options);
    if (loadOptions.filename !== undefined) this._useFile(loadOptions.filename);
    this._service().load(this, loadOptions);
  }

  /** Loads the skeleton of every node, no data (pypet's `f_load_skeleton`). */
  f_load_skeleton(): void {
    this.f_load({ load_data: LOAD_SKELETON });
  }

  /** Stores individual leaves or groups (names or nodes). */
  f_store_items(items: (string | NNNode)[], options: StoreItemsOptions = {}): void {
    checkOptions('traj.f_store_items()', options, STORE_ITEMS_OPTIONS);
    this._service().storeItems(this, items.map((i) => this._node(i)), options);
  }

  f_store_item(item: string | NNNode, options: StoreItemsOptions = {}): void {
    this.f_store_items([item], options);
  }

  /** Loads the data of individual leaves (names or nodes). */
  f_load_items(items: (string | NNNode)[], options: LoadItemsOptions = {}): void {
    checkOptions('traj.f_load_items()', options, LOAD_ITEMS_OPTIONS);
    // One pass into an array of the right size: a million items mapped, then filtered, left
    // arrays of a million (and the ones a growing array leaves behind) as garbage.
    const leaves: NNLeafNode[] = new Array(items.length);
    let n = 0;
    for (let k = 0; k < items.length; k++) {
      if (!(k in items)) continue; // a hole of a sparse array, as map and filter skipped them
      const node = this._node(items[k]!);
      if (node.v_is_leaf) leaves[n++] = node as NNLeafNode;
    }
    leaves.length = n;
    this._service().loadItems(this, leaves, options);
  }

  f_load_item(item: string | NNNode, options: LoadItemsOptions = {}): void {
    this.f_load_items([item], options);
  }

  /** Deletes items from disk (and, with `remove_from_trajectory`, from memory). */
  f_delete_items(items: (string | NNNode)[], options: DeleteItemsOptions = {}): void {
    checkOptions('traj.f_delete_items()', options, DELETE_ITEMS_OPTIONS);
    this._service().deleteItems(this, items.map((i) => this._node(i)), options);
  }

  f_delete_item(item: string | NNNode, options: DeleteItemsOptions = {}): void {
    this.f_delete_items([item], options);
  }

  /** Loads the skeleton of everything new on disk (pypet's `f_update_skeleton`). */
  f_update_skeleton(): void {
    this.f_load({ load_parameters: -1, load_derived_parameters: -1, load_results: -1, load_other_data: -1 });
  }

  /** Copies the trajectory into another HDF5 file (default `backup_<name>.hdf5` beside the file). */
  f_backup(backupFilename?: string): string {
    const service = this._service();
    const target = backupFilename ?? defaultBackupName(service.filename, this.v_name);
    service.backup(this, target);
    return target;
  }

  /**
   * Renames and/or relocates the trajectory. Unless `in_store` says the trajectory is already
   * stored there under that name, the next `f_store` writes it anew at the new place.
   */
  f_migrate(options: { new_name?: string; new_filename?: string; in_store?: boolean } = {}): void {
    checkOptions('traj.f_migrate()', options, { known: ['new_name', 'new_filename', 'in_store'] });
    migrate(this, options, (filename) => this._useFile(filename));
  }

  _node(item: string | NNNode): NNNode {
    return typeof item === 'string' ? this.f_get<NNNode>(item, { fast_access: false }) : item;
  }

  _storeChild(group: NNGroupNode, name: string, recursive: boolean, storeData: number = STORE_DATA, maxDepth?: number): void {
    const nodes = nodesToStore(group, name, recursive, storeData, maxDepth);
    if (nodes.length === 0) return;
    this._service().storeItems(this, nodes, storeData === OVERWRITE_DATA ? { overwrite: true } : {});
  }

  _loadChild(group: NNGroupNode, name: string, recursive: boolean, loadData: number): NNNode {
    return this._service().loadChild(this, group, name, recursive, loadData as LoadMode);
  }

  _autoLoadChild(parent: NNGroupNode, name: string): NNNode | undefined {
    return this._storageService?.autoLoadChild(this, parent, name);
  }

  _autoLoadData(node: NNNode): void {
    if (this._storageService && node.v_is_leaf) this._storageService.loadItems(this, [node as NNLeafNode], {});
  }

  // -------------------------------------------------------------------------------------------
  // Tree bookkeeping (indexes, presets)

  /**
   * The leaf class stored under a class name: the standard ones, or a class given in
   * `dynamic_imports`. Unknown names give undefined (the loader decides what to do).
   */
  _leafClassByName(className: string): LeafConstructor | undefined {
    return leafClassByName(this[TRAJECTORY_STATE], className);
  }

  _leafClassFor(kind: LeafKind): LeafConstructor {
    if (kind === 'result') return this.v_standard_result;
    if (kind === 'leaf') return this.v_standard_leaf;
    return this.v_standard_parameter;
  }

  _nodeAdded(node: NNNode): void {
    nodeAdded(this[TRAJECTORY_STATE], node);
  }

  _storedLeafChanging(node: NNNode, what: string): void {
    storedLeafChanging(this, node, what);
  }

  _linkAdded(holder: NNGroupNode, name: string): void {
    linkAdded(this[TRAJECTORY_STATE], holder, name);
  }

  _searchIndex(): { index: ReadonlyMap<string, ReadonlySet<NNNode>>; links: ReadonlyMap<string, ReadonlySet<NNGroupNode>> } {
    const state = this[TRAJECTORY_STATE];
    return { index: state.index, links: state.linkIndex };
  }

  _linkRemoved(holder: NNGroupNode, name: string): void {
    linkRemoved(this[TRAJECTORY_STATE], holder, name);
  }

  _nodeRemoved(node: NNNode): void {
    nodeRemoved(this[TRAJECTORY_STATE], node);
  }

  /** Removes leaves or groups from memory (not from disk). */
  f_remove_items(items: (string | NNNode)[], options: { remove_empty_groups?: boolean } = {}): void {
    checkOptions('traj.f_remove_items()', options, { known: ['remove_empty_groups'] });
    removeItems(items, (item) => this._node(item), options.remove_empty_groups ?? false);
  }

  f_remove_item(item: string | NNNode, options: { remove_empty_groups?: boolean } = {}): void {
    this.f_remove_items([item], options);
  }

  /** Whether the trajectory holds no parameters and no results (config is ignored). */
  f_is_empty(): boolean {
    return isEmpty(this);
  }

  // -------------------------------------------------------------------------------------------
  // Presets and locking

  /** Presets the value a parameter gets when it is added (full name; `parameters.` is implied). */
  f_preset_parameter(name: string, value: unknown): void {
    this._preset(name.startsWith('parameters.') ? name : `parameters.${name}`, value);
  }

  /** Presets the value a config item gets when it is added (`config.` is implied). */
  f_preset_config(name: string, value: unknown): void {
    this._preset(name.startsWith('config.') ? name : `config.${name}`, value);
  }

  private _preset(full: string, value: unknown): void {
    preset(this, full, value);
  }

  /** Throws {@link PresettingError} naming every preset that no added parameter used. */
  f_check_presets(): void {
    checkPresets(this[TRAJECTORY_STATE]);
  }

  /** Locks every non-empty parameter and config item. */
  f_lock_parameters(): void {
    for (const branch of ['parameters', 'config']) lockBranch(this, branch);
  }

  /** Locks every non-empty derived parameter. */
  f_lock_derived_parameters(): void {
    lockBranch(this, 'derived_parameters');
  }

  // -------------------------------------------------------------------------------------------
  // Collections

  private _collect(branch: string, options: CollectOptions): Record<string, unknown> {
    checkOptions(`traj.f_get_${branch === 'config' ? 'config' : branch}()`, options, COLLECT_OPTIONS);
    return collectBranch(this, branch, options);
  }

  /** All parameters: full name → parameter (or value with `fast_access`). */
  f_get_parameters(options: CollectOptions = {}): Record<string, any> {
    return this._collect('parameters', options);
  }

  /** All config items. */
  f_get_config(options: CollectOptions = {}): Record<string, any> {
    return this._collect('config', options);
  }

  /** All derived parameters. */
  f_get_derived_parameters(options: CollectOptions = {}): Record<string, any> {
    return this._collect('derived_parameters', options);
  }

  /** All results (only the viewed run's while a run is set). */
  f_get_results(options: CollectOptions = {}): Record<string, any> {
    return this._collect('results', options);
  }

  /** The explored parameters, in exploration order. */
  f_get_explored_parameters(options: CollectOptions = {}): Record<string, any> {
    checkOptions('traj.f_get_explored_parameters()', options, COLLECT_OPTIONS);
    return Object.fromEntries(
      [...this[TRAJECTORY_STATE].explored].map(([full, p]) => [full, options.fast_access ? p._fastAccess() : p]),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Exploration

  /** Number of runs (pypet's `len(traj)`). */
  get v_length(): number {
    return this[TRAJECTORY_STATE].runs.length;
  }

  /** Number of runs. */
  f_len(): number {
    return this[TRAJECTORY_STATE].runs.length;
  }

  /**
   * Explores parameters: one range per name, all of the same length; each value must have the
   * type of the parameter's default. Several calls add parameters while no run has completed.
   * @throws NotFoundError / NotUniqueNodeError for names that do not resolve to one parameter;
   *   TypeMismatchError naming the parameter, the position and both types; StateError after runs.
   * @example traj.f_explore(cartesian_product({ x: [1, 2], y: [3, 4] }))
   */
  f_explore(buildDict: Record<string, readonly unknown[]>): void {
    explore(this, buildDict);
  }

  /**
   * Adds runs to an explored trajectory: every explored parameter gets more values (and only
   * those). With nothing explored yet it is {@link f_explore}.
   */
  f_expand(buildDict: Record<string, readonly unknown[]>): void {
    expand(this, buildDict);
  }

  /** Removes all exploration (only before the trajectory is stored, unless `force`). */
  f_shrink(options: { force?: boolean } = {}): void {
    checkOptions('traj.f_shrink()', options, { known: ['force'] });
    shrink(this, options);
  }

  // -------------------------------------------------------------------------------------------
  // Runs

  /** Run name ↔ index: `f_idx_to_run(4)` → `run_00000004`, `f_idx_to_run('run_00000004')` → 4. */
  f_idx_to_run(nameOrIdx: number): string;
  f_idx_to_run(nameOrIdx: string): number;
  f_idx_to_run(nameOrIdx: number | string): string | number {
    const idx = this[TRAJECTORY_STATE].runs.resolve(nameOrIdx);
    return typeof nameOrIdx === 'number' ? runName(idx) : idx;
  }

  /** The run names in index order. */
  f_get_run_names(): string[] {
    return Array.from({ length: this[TRAJECTORY_STATE].runs.length }, (_, idx) => runName(idx));
  }

  /**
   * Information about one run, or (no argument) an object of all runs keyed by run name. Records
   * are frozen; `copy: true` (default) gives mutable copies.
   */
  f_get_run_information(): Record<string, RunInformation>;
  f_get_run_information(nameOrIdx: string | number, copy?: boolean): RunInformation;
  f_get_run_information(nameOrIdx?: string | number, copy = true): RunInformation | Record<string, RunInformation> {
    const state = this[TRAJECTORY_STATE];
    if (nameOrIdx === undefined) {
      const all: Record<string, RunInformation> = {};
      for (const r of state.runs.records()) all[r.name] = copy ? { ...r } : r;
      return all;
    }
    const info = state.runs.get(state.runs.resolve(nameOrIdx));
    return copy ? { ...info } : info;
  }

  /** Whether a run completed; without argument, whether all did. */
  f_is_completed(nameOrIdx?: string | number): boolean {
    const state = this[TRAJECTORY_STATE];
    if (nameOrIdx === undefined) return state.runs.completedCount() === state.runs.length;
    return state.runs.isCompleted(state.runs.resolve(nameOrIdx));
  }

  /** Updates a run's record (used by the Environment and by loading). */
  _updateRun(idx: number, patch: Partial<Omit<RunInformation, 'idx' | 'name'>>): RunInformation {
    return this[TRAJECTORY_STATE].runs.update(idx, patch);
  }

  /**
   * Run indices whose parameter values satisfy `predicate` (values passed in the order of
   * `names`). Unexplored parameters contribute their value for every run.
   * @example [...traj.f_find_idx(['x', 'y'], (x, y) => x === 2 || y === 8)]
   */
  *f_find_idx(names: string | string[], predicate: (...values: any[]) => unknown): Generator<number> {
    const list = typeof names === 'string' ? [names] : names;
    const columns = list.map((n) => {
      const node = this.f_get<NNNode>(n, { fast_access: false });
      if (!(node instanceof BaseParameter)) {
        throw new TypeMismatchError(`'${n}' is not a parameter (it is a ${node.f_get_class_name()}), so f_find_idx cannot use it.`, { path: n });
      }
      return node.v_explored ? node.f_get_range(false) : undefined;
    });
    const defaults = list.map((n, i) => (columns[i] ? undefined : this.f_get<BaseParameter>(n).f_get_default()));
    for (let idx = 0; idx < this[TRAJECTORY_STATE].runs.length; idx++) {
      const values = columns.map((c, i) => (c ? c[idx] : defaults[i]));
      if (predicate(...values)) yield idx;
    }
  }

  /** The index of the viewed run, or -1. Setting it is {@link f_as_run}. */
  get v_idx(): number {
    return this[TRAJECTORY_STATE].idx;
  }

  set v_idx(idx: number) {
    this.f_as_run(idx);
  }

  /** The viewed run's name, or undefined. */
  get v_crun(): string | undefined {
    return this[TRAJECTORY_STATE].idx >= 0 ? runName(this[TRAJECTORY_STATE].idx) : undefined;
  }

  /** pypet's `v_crun_`: the current run's name, or `run_ALL` outside a run (what the `$` wildcard becomes). */
  get v_crun_(): string {
    return translatePart('$', this[TRAJECTORY_STATE].idx);
  }

  set v_crun(name: string | undefined) {
    this.f_as_run(name ?? -1);
  }

  /** Same as {@link v_crun} (pypet's `v_as_run`). */
  get v_as_run(): string | undefined {
    return this.v_crun;
  }

  set v_as_run(name: string | undefined) {
    this.f_as_run(name ?? -1);
  }

  /**
   * Views the trajectory as one run: explored parameters give that run's values, searches see
   * only that run's subtree, and results added at the root land under the run.
   * `f_as_run(-1)`, `f_as_run(undefined)` or `'run_ALL'` restores the default view.
   */
  f_as_run(nameOrIdx: string | number | undefined | null): void {
    viewRun(this, nameOrIdx);
  }

  /** Restores the default view (no run). */
  f_restore_default(): void {
    this[TRAJECTORY_STATE].idx = -1;
  }

  /**
   * Iterates over runs, viewing the trajectory as each in turn; restores the default view at the
   * end (also when the loop is left early).
   */
  *f_iter_runs(options: IterRunsOptions = {}): Generator<any> {
    checkOptions('traj.f_iter_runs()', options, { known: ['start', 'stop', 'step', 'yields'] });
    yield* iterRuns(this, options);
  }

  /** pypet's summary of a run's explored values, e.g. `x: 1.0,   y: 1`. */
  _parameterSummary(idx: number): string {
    return parameterSummary(this, idx);
  }

  /**
   * For every run, the item `name` found below that run's group (e.g. each run's `z`), or the
   * run's own node below the group `name` (`'neuron'` → `results.neuron.run_X`, `'other.q'` →
   * `results.other.run_X.q`), as an ordered Map of run name (or index) → item. Runs without it
   * are left out.
   */
  f_get_from_runs(name: string, options: FromRunsOptions = {}): Map<string | number, any> {
    checkOptions('traj.f_get_from_runs()', options, FROM_RUNS_OPTIONS);
    return valuesFromRuns(this, name, options);
  }

  /**
   * Indices of the runs whose parameter values match a filter:
   * `traj.f_find_runs({ x: { $gte: 2 }, mode: 'alpha' })`. Operators: $eq $ne $gt $gte $lt $lte
   * $in $nin $and $or.
   */
  f_find_runs(filter: RunFilter): number[] {
    return findRuns(this, filter);
  }

  /** Runs grouped by the values of some parameters: `[{ key: { x: 1 }, runs: [0, 1] }, …]`. */
  f_groupby(names: string | string[]): RunGroup[] {
    return groupRuns(this, names);
  }

  /** Per parameter: type, explored or constant, its distinct values and numeric range. */
  f_get_schema(options: { max_values?: number } = {}): ParameterSchema[] {
    checkOptions('traj.f_get_schema()', options, { known: ['max_values'] });
    return parameterSchema(this, options.max_values);
  }

  /** One record per run (run, idx, completed, explored values, chosen results), streamed. */
  f_to_records(options: RecordsOptions = {}): Generator<RunRecord> {
    checkOptions('traj.f_to_records()', options, RECORDS_OPTIONS);
    return runRecords(this, options);
  }

  /**
   * Merges another stored trajectory of the same parameter space into this one (pypet's
   * `f_merge`): its runs are appended and renumbered, explored ranges extended, its results and
   * derived parameters copied under the new run names, and the merge recorded in `config.merge`.
   * The file is written once, crash-safely; a failed check writes nothing.
   * @throws MergeError naming the first difference when the parameter spaces differ.
   * @example const summary = traj.f_merge(other, { remove_duplicates: true });
   */
  f_merge(other: Trajectory, options: MergeOptions = {}): MergeSummary {
    checkOptions('traj.f_merge()', options, MERGE_OPTIONS);
    return mergeTrajectories(this, this._storageService, [other], options);
  }

  /**
   * Merges several stored trajectories (e.g. the shards of one exploration, in shard order) into
   * this one in a single write, in time linear in the number of runs.
   * @example traj.f_merge_many([shard1, shard2, shard3]);
   */
  f_merge_many(others: readonly Trajectory[], options: MergeOptions = {}): MergeSummary {
    checkOptions('traj.f_merge_many()', options, MERGE_OPTIONS);
    return mergeTrajectories(this, this._storageService, others, options);
  }

  /** pypet's `str(traj)`: `Trajectory name (\`comment\`, len:12): (config: ConfigGroup), …`. */
  override _str(): string {
    const info = `(${this.v_comment ? `\`${this.v_comment}\`, ` : ''}len:${this.v_length})`;
    return `Trajectory${this[TRAJECTORY_STATE].singleRun ? ' (during single run)' : ''} ${this.v_name} ${info}: ${this._childrenText()}`;
  }
}
