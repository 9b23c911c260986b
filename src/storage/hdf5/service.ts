/**
 * HDF5StorageService: stores and loads trajectories in pypet 0.7's HDF5 layout (through the engine
 * `open-file.ts` picks).
 *
 * Every write is a transaction on a copy of the file that replaces the file by an atomic rename
 * (see `transaction.ts`), guarded by a lock file. Reads use one cached read-only handle, which is
 * dropped whenever this service changes the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotFoundError, StateError, StorageError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { Result } from '../../leaves/result.js';
import type { NNGroupNode } from '../../tree/group.js';
import type { NNLeafNode } from '../../tree/leaf-node.js';
import { nodeState, type NNNode } from '../../tree/node.js';
import {
  setDefaultStorageFactory,
  type Commit,
  type DeleteItemsOptions,
  type LoadItemsOptions,
  type LoadMode,
  type LoadOptions,
  type RunFailure,
  type StorageService,
  type StoreItemsOptions,
  type StoreOptions,
} from '../../trajectory/storage-service.js';
import type { MergeSummary, ResolvedMergeOptions } from '../../trajectory/merge.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { type H5File, joinPath } from './engine/h5file.js';
import { fileVersion } from '../atomic.js';
import { engineName, openH5Sync } from './engine/open-file.js';
import { loadChildNode, loadLeafData, loadTrajectory, readReleasedLeaf, readReleasedLeaves } from './load.js';
import { mergeIntoFile } from './merge/index.js';
import { listTrajectories, nodePath, readLeaf, subtreeSignature } from './layout/nodes.js';
import { rewriteFile, skipPaths } from './transactions/rewrite.js';
import type { OverviewMemory } from './layout/overview-tables.js';
import { HDF5_SERVICE_OPTIONS, type Hdf5ServiceOptions, type Hdf5Settings, addConfigLeaves, resolveSettings } from './layout/settings.js';
import { writeCommit, writeItems, writeNewTrajectory, writeTrajectoryUpdates } from './store.js';
import { withWriteTransaction } from './transactions/transaction.js';
import { HeldFileWriter } from './transactions/held-writer.js';
import { appendCommitsEnabled } from './native/append-commit.js';
import { latestFailures } from './summary.js';

export class HDF5StorageService implements StorageService {
  readonly filename: string;
  /** pypet's storage settings given to the constructor (the trajectory's `config.hdf5` leaves start from them). */
  readonly settings: Hdf5Settings;
  /** Whether any storage option was given (then it replaces another service's defaults). */
  private readonly explicit: boolean;
  private reader: H5File | undefined;
  private readerIdentity = '';
  private readonly overview: OverviewMemory = new Map();
  /**
   * The file's graph kept in memory from one commit to the next: set by {@link holdBetweenCommits},
   * or by the first commit when commits may append (see {@link commit}).
   */
  private held: HeldFileWriter | undefined;

  /**
   * A service for one HDF5 file. The options are pypet's `HDF5StorageService` arguments (see
   * {@link Hdf5ServiceOptions}); they become the `config.hdf5.*` leaves of the trajectories that
   * get this service, which decide the overview tables and comment purging when it is first stored.
   * @throws UnknownOptionError for an option pypet's service does not have.
   * @throws InvalidArgumentError for purge_duplicate_comments without summary_tables.
   * @example new Trajectory('t', { storage_service: new HDF5StorageService('t.h5', { large_overview_tables: true }) })
   */
  constructor(filename: string, options: Hdf5ServiceOptions = {}) {
    checkOptions('new HDF5StorageService()', options, { known: HDF5_SERVICE_OPTIONS });
    this.filename = filename;
    this.settings = resolveSettings(options);
    this.explicit = Object.keys(options).length > 0;
  }

  /** Adds the `config.hdf5.*` leaves to a trajectory that is not stored yet, as pypet's service does. */
  attach(traj: Trajectory): void {
    addConfigLeaves(traj, this.settings, this.explicit);
  }

  /**
   * The cached read handle (opened on first use). Writers replace the file by a rename, so the
   * handle is reopened whenever the file on disk is no longer the one it was opened on.
   */
  private read(): H5File {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.filename);
    } catch {
      this.close();
      throw new NotFoundError(`The file '${this.filename}' does not exist.`, { file: this.filename });
    }
    const identity = fileVersion(stat);
    if (this.reader && !this.reader.closed && identity !== this.readerIdentity) this.close();
    if (!this.reader || this.reader.closed) {
      this.reader = openH5Sync(this.filename, 'r');
      this.readerIdentity = identity;
    }
    return this.reader;
  }

  /** Runs a write transaction (after closing the read handle, whose file is about to be replaced). */
  private write<T>(change: (f: H5File) => T, options: { fresh?: boolean } = {}): T {
    this.close();
    this.makeFolder();
    return withWriteTransaction(this.filename, change, options);
  }

  /** As pypet and `h5traj run` do, a missing output folder is created (the lock file goes there first). */
  private makeFolder(): void {
    fs.mkdirSync(path.dirname(path.resolve(this.filename)), { recursive: true });
  }

  /** Closes the read handle and releases a graph held between commits (see {@link holdBetweenCommits}). */
  close(): void {
    this.closeReader();
    this.held?.close();
  }

  private closeReader(): void {
    this.reader?.close();
    this.reader = undefined;
  }

  subtreeSignature(traj: Trajectory, fullName: string): string | undefined {
    return subtreeSignature(this.read(), traj.v_name, fullName);
  }

  readReleasedLeaf(traj: Trajectory, under: string, relative: string, withData: boolean): NNLeafNode | undefined {
    return readReleasedLeaf(this.read(), traj, under, relative, withData);
  }

  readReleasedLeaves(traj: Trajectory, under: string, groups: string[], relative: string, withData: boolean): (NNLeafNode | undefined)[] {
    return readReleasedLeaves(this.read(), traj, under, groups, relative, withData);
  }

  readResultItems(traj: Trajectory, fullName: string, className: string, items: readonly string[]): Map<string, unknown> {
    const data = readLeaf(this.read(), traj.v_name, fullName, className, { loadOnly: [...items] });
    const out = new Map<string, unknown>();
    if (data.kind === 'result') for (const [k, v] of Object.entries(data.items)) out.set(k, v.value);
    return out;
  }

  /** Names of the trajectories in the file. */
  listTrajectories(): string[] {
    return listTrajectories(this.read());
  }

  store(traj: Trajectory, options: StoreOptions): void {
    const fresh = options.overwrite_file ?? false;
    if (fresh) nodeState(traj).stored = false;
    const afterWrite = this.write(
      (f) =>
        nodeState(traj).stored
          ? writeTrajectoryUpdates(f, traj, this.overview)
          : writeNewTrajectory(f, traj, this.overview, this.settings, options.only_init ?? false),
      { fresh },
    );
    afterWrite();
  }

  storeItems(traj: Trajectory, items: NNNode[], options: StoreItemsOptions): void {
    if (!nodeState(traj).stored) {
      throw new StateError(`The trajectory '${traj.v_name}' was never stored; call f_store() once before storing single items.`);
    }
    const nodes = options.non_empties ? items.filter((n) => !n.v_is_leaf || !(n as NNLeafNode).f_is_empty()) : items;
    if (!options.overwrite) {
      this.write((f) => writeItems(f, traj, nodes, this.overview));
      return;
    }
    // Overwriting: rewrite the file without the stored parts being replaced, then write them
    // again. As in pypet, `true` replaces the parts the item holds in memory (a result's items, a
    // parameter's data); other stored parts stay. Groups only have attributes, rewritten in place.
    const parts = options.overwrite === true ? undefined : options.overwrite;
    const skip = nodes.flatMap((n) => {
      if (!n.v_is_leaf) return [];
      const leafPath = nodePath(traj.v_name, n.v_full_name);
      const names = parts ?? (n instanceof Result ? n.f_keys() : this.read().childNames(leafPath));
      return names.map((p) => joinPath(leafPath, ...p.split('.')));
    });
    this.close();
    rewriteFile(this.filename, {
      skip: skipPaths(skip),
      then: (f) => writeItems(f, traj, nodes, new Map()),
    });
  }

  load(traj: Trajectory, options: LoadOptions): void {
    loadTrajectory(this.read(), traj, options);
  }

  loadItems(traj: Trajectory, items: NNLeafNode[], options: LoadItemsOptions): void {
    loadLeafData(this.read(), traj, items, options);
  }

  loadChild(traj: Trajectory, group: NNGroupNode, name: string, recursive: boolean, loadData: LoadMode): NNNode {
    const node = loadChildNode(this.read(), traj, group, name, recursive, loadData);
    if (!node) {
      throw new NotFoundError(`'${group.v_full_name ? `${group.v_full_name}.` : ''}${name}' is not stored in '${this.filename}'.`, {
        file: this.filename,
        path: name,
      });
    }
    return node;
  }

  autoLoadChild(traj: Trajectory, group: NNGroupNode, name: string): NNNode | undefined {
    if (!nodeState(traj).stored || !fs.existsSync(this.filename)) return undefined;
    return loadChildNode(this.read(), traj, group, name, false, -1);
  }

  /**
   * Deletes stored nodes by rewriting the file without them (h5wasm cannot delete HDF5 objects):
   * whole leaves or groups, or with `delete_only` some parts of a leaf. `remove_empty_groups`
   * also leaves out groups that become empty; `remove_from_trajectory` drops the nodes from memory.
   */
  deleteItems(traj: Trajectory, items: NNNode[], options: DeleteItemsOptions): void {
    const only = options.delete_only === undefined ? undefined : ([] as string[]).concat(options.delete_only);
    const f = this.read();
    const skip: string[] = [];
    for (const node of items) {
      const p = nodePath(traj.v_name, node.v_full_name);
      if (!f.exists(p)) {
        throw new NotFoundError(`'${node.v_full_name}' is not stored in '${this.filename}', so it cannot be deleted.`, { file: this.filename, path: node.v_full_name });
      }
      if (only && node.v_is_leaf) for (const part of only) skip.push(joinPath(p, ...part.split('.')));
      else skip.push(p);
    }
    if (options.remove_empty_groups && !only) {
      // A group whose children are all deleted goes too (up to, not including, the branches).
      const skipped = skipPaths(skip);
      for (const node of items) {
        let parent = nodeState(node).parent;
        while (parent && parent.v_depth > 1) {
          const pp = nodePath(traj.v_name, parent.v_full_name);
          if (!f.childNames(pp).every((c) => skipped(joinPath(pp, c)))) break;
          skip.push(pp);
          parent = nodeState(parent).parent;
        }
      }
    }
    this.close();
    rewriteFile(this.filename, { skip: skipPaths(skip) });
    if (options.remove_from_trajectory) traj.f_remove_items(items, { remove_empty_groups: options.remove_empty_groups ?? false });
    else for (const node of items) if (!only) markUnstored(node);
  }

  /**
   * Writes an Environment commit (runs, failures, new nodes) in one crash-safe write: the one
   * place that decides what a commit writes and which comments it purges, for serial runs and
   * for the parallel writer thread alike. Only the trajectory's name is read. With appending
   * commits possible (not `H5TRAJ_COMMITS=rewrite`) and the file there, the graph is held between
   * commits too, since a commit costs only what it adds if the file is not parsed again for each one.
   */
  commit(traj: Pick<Trajectory, 'v_name'>, commit: Commit): void {
    const change = (f: H5File): void => writeCommit(f, traj.v_name, commit, this.overview);
    if (!this.held && !(appendCommitsEnabled() && fs.existsSync(this.filename))) return this.write(change);
    this.closeReader();
    this.makeFolder();
    this.held ??= new HeldFileWriter();
    this.held.write(this.filename, change);
  }

  /**
   * Whether commits append to the file (the native engine, unless `H5TRAJ_COMMITS=rewrite`): a
   * small file is still rewritten whole, but one with big run data in it is not (see
   * `native/append-commit.ts`). A file only h5wasm can write is rewritten by every commit all the same.
   */
  commitsAppend(): boolean {
    return appendCommitsEnabled() && engineName() === 'native';
  }

  /**
   * Makes {@link commit} keep the file's graph in memory between commits (the native engine; see
   * `held-writer.ts`), so that a writer committing again and again — the Environment's writer
   * thread — does not parse the whole file per commit. Each commit is on disk all the same;
   * {@link close} releases the graph.
   */
  holdBetweenCommits(): void {
    this.held ??= new HeldFileWriter();
  }

  readFailures(traj: Trajectory): RunFailure[] {
    return latestFailures(this.read(), traj.v_name, (i) => i < traj.v_length && !traj.f_is_completed(i));
  }

  /** Merges stored trajectories into `traj` in one crash-safe write (see `merge.ts`). */
  merge(traj: Trajectory, others: readonly Trajectory[], options: ResolvedMergeOptions): MergeSummary {
    this.close();
    return mergeIntoFile(this.filename, traj, others, options);
  }

  /** Copies the trajectory (only this one, if the file holds several) into another file. */
  backup(traj: Trajectory, backupFilename: string): void {
    this.close();
    if (fs.existsSync(backupFilename)) {
      throw new StorageError(`The backup file '${backupFilename}' exists already; choose another name.`, { file: backupFilename });
    }
    rewriteFile(this.filename, { skip: () => false, keepTopLevel: (name) => name === traj.v_name }, backupFilename);
  }
}

function markUnstored(node: NNNode): void {
  nodeState(node).stored = false;
  if (!node.v_is_leaf) for (const child of (node as NNGroupNode).f_iter_nodes()) nodeState(child).stored = false;
}

setDefaultStorageFactory((filename, options) => new HDF5StorageService(filename, options as Hdf5ServiceOptions | undefined));
