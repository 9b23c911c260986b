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
import type { NNNode } from '../../tree/node.js';
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
import { type H5File, joinPath } from './h5file.js';
import { fileVersion } from './atomic.js';
import { openH5Sync } from './open-file.js';
import { loadChildNode, loadLeafData, loadTrajectory } from './load.js';
import { mergeIntoFile } from './merge.js';
import { listTrajectories, nodePath, readLeaf, subtreeSignature } from './nodes.js';
import { rewriteFile, skipPaths } from './rewrite.js';
import type { OverviewMemory } from './overview-tables.js';
import { HDF5_SERVICE_OPTIONS, type Hdf5ServiceOptions, type Hdf5Settings, addConfigLeaves, resolveSettings } from './settings.js';
import { FAILURES_TABLE, writeCommit, writeItems, writeNewTrajectory, writeTrajectoryUpdates } from './store.js';
import { numberColumn, readTable, textColumn } from './table.js';
import { withWriteTransaction } from './transaction.js';
import { HeldFileWriter } from './held-writer.js';
import { appendCommitsEnabled } from './native/append-commit.js';

export class HDF5StorageService implements StorageService {
  readonly filename: string;
  /** pypet's storage settings given to the constructor (the trajectory's `config.hdf5` leaves start from them). */
  readonly settings: Hdf5Settings;
  /** Whether any storage option was given (then it replaces another service's defaults). */
  private readonly explicit: boolean;
  private reader: H5File | undefined;
  private readerIdentity = '';
  private readonly overview: OverviewMemory = new Map();
  /** With appending commits, the file stays parsed between the Environment's commits (`held-writer.ts`). */
  private readonly committer = new HeldFileWriter();

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
    // As pypet and `h5traj run` do, a missing output folder is created (the lock file goes there first).
    fs.mkdirSync(path.dirname(path.resolve(this.filename)), { recursive: true });
    return withWriteTransaction(this.filename, change, options);
  }

  close(): void {
    this.reader?.close();
    this.reader = undefined;
    this.committer.close();
  }

  /**
   * Closes the read handle (it reopens on the next read) when its caches grow with what it read
   * (h5wasm's wrapper); the native engine's graph does not, and reopening would re-parse it.
   */
  releaseCaches(): void {
    if (this.reader?.cachesReads) this.close();
  }

  subtreeSignature(traj: Trajectory, fullName: string): string | undefined {
    return subtreeSignature(this.read(), traj.v_name, fullName);
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
    if (fresh) traj._stored = false;
    this.write(
      (f) => {
        if (!traj._stored) writeNewTrajectory(f, traj, this.overview, this.settings, options.only_init ?? false);
        else writeTrajectoryUpdates(f, traj, this.overview);
      },
      { fresh },
    );
  }

  storeItems(traj: Trajectory, items: NNNode[], options: StoreItemsOptions): void {
    if (!traj._stored) {
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
    if (!traj._stored || !fs.existsSync(this.filename)) return undefined;
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
        let parent = node._parent;
        while (parent && parent.v_depth > 1) {
          const pp = nodePath(traj.v_name, parent.v_full_name);
          if (!f.childNames(pp).every((c) => skipped(joinPath(pp, c)))) break;
          skip.push(pp);
          parent = parent._parent;
        }
      }
    }
    this.close();
    rewriteFile(this.filename, { skip: skipPaths(skip) });
    if (options.remove_from_trajectory) traj.f_remove_items(items, { remove_empty_groups: options.remove_empty_groups ?? false });
    else for (const node of items) if (!only) markUnstored(node);
  }

  commit(traj: Trajectory, commit: Commit): void {
    if (!appendCommitsEnabled() || !fs.existsSync(this.filename)) {
      this.write((f) => writeCommit(f, traj.v_name, commit, this.overview));
      return;
    }
    // Appending, a commit costs what it adds only if the file is not parsed again for each one.
    this.reader?.close();
    this.reader = undefined;
    this.committer.write(this.filename, (f) => writeCommit(f, traj.v_name, commit, this.overview));
  }

  readFailures(traj: Trajectory): RunFailure[] {
    const f = this.read();
    const path = joinPath('/', traj.v_name, 'overview', FAILURES_TABLE);
    if (!f.exists(path)) return [];
    const t = readTable(f, path);
    const idx = numberColumn(t, 'idx');
    const timestamp = numberColumn(t, 'timestamp');
    const message = textColumn(t, 'message');
    const stack = textColumn(t, 'stack');
    const latest = new Map<number, RunFailure>();
    idx.forEach((i, k) => latest.set(i, { idx: i, timestamp: timestamp[k]!, message: message[k]!, stack: stack[k]! }));
    return [...latest.values()].filter((x) => x.idx < traj.v_length && !traj.f_is_completed(x.idx)).sort((a, b) => a.idx - b.idx);
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
  node._stored = false;
  if (!node.v_is_leaf) for (const child of (node as NNGroupNode).f_iter_nodes()) child._stored = false;
}

setDefaultStorageFactory((filename, options) => new HDF5StorageService(filename, options as Hdf5ServiceOptions | undefined));
