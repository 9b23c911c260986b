/**
 * HDF5StorageService: stores and loads trajectories in pypet 0.7's HDF5 layout through h5wasm.
 *
 * Every write is a transaction on a copy of the file that replaces the file by an atomic rename
 * (see `transaction.ts`), guarded by a lock file. Reads use one cached read-only handle, which is
 * dropped whenever this service changes the file.
 */
import fs from 'node:fs';
import { NotFoundError, StateError, StorageError } from '../../errors.js';
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
import type { Trajectory } from '../../trajectory/trajectory.js';
import { H5File, initH5, joinPath } from './h5.js';
import { loadChildNode, loadLeafData, loadTrajectory } from './load.js';
import { listTrajectories } from './nodes.js';
import { FAILURES_TABLE, writeCommit, writeItems, writeNewTrajectory, writeTrajectoryUpdates, type CommentMemory } from './store.js';
import { numberColumn, readTable, textColumn } from './table.js';
import { withWriteTransaction } from './transaction.js';

// h5wasm loads asynchronously once; afterwards every call is synchronous, which natural naming
// (auto-loading on property access) needs.
await initH5();

export class HDF5StorageService implements StorageService {
  readonly filename: string;
  private reader: H5File | undefined;
  private readonly comments: CommentMemory = new Map();

  constructor(filename: string) {
    this.filename = filename;
  }

  /** The cached read handle (opened on first use). */
  private read(): H5File {
    if (!this.reader || this.reader.closed) {
      if (!fs.existsSync(this.filename)) {
        throw new NotFoundError(`The file '${this.filename}' does not exist.`, { file: this.filename });
      }
      this.reader = H5File.openSync(this.filename, 'r');
    }
    return this.reader;
  }

  /** Runs a write transaction (after closing the read handle, whose file is about to be replaced). */
  private write<T>(change: (f: H5File) => T): T {
    this.close();
    return withWriteTransaction(this.filename, change);
  }

  close(): void {
    this.reader?.close();
    this.reader = undefined;
  }

  /** Names of the trajectories in the file. */
  listTrajectories(): string[] {
    return listTrajectories(this.read());
  }

  store(traj: Trajectory, options: StoreOptions): void {
    this.write((f) => {
      if (!traj._stored) writeNewTrajectory(f, traj, this.comments, options.only_init ?? false);
      else writeTrajectoryUpdates(f, traj, this.comments);
    });
  }

  storeItems(traj: Trajectory, items: NNNode[], options: StoreItemsOptions): void {
    if (!traj._stored) {
      throw new StateError(`The trajectory '${traj.v_name}' was never stored; call f_store() once before storing single items.`);
    }
    if (options.overwrite) {
      throw new StorageError(
        `Overwriting stored items needs the file to be rewritten, which this version of h5traj does not do yet; store the changed items under new names.`,
        { file: this.filename },
      );
    }
    const nodes = options.non_empties ? items.filter((n) => !n.v_is_leaf || !(n as NNLeafNode).f_is_empty()) : items;
    this.write((f) => writeItems(f, traj, nodes, this.comments));
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

  deleteItems(_traj: Trajectory, _items: NNNode[], _options: DeleteItemsOptions): void {
    throw new StorageError(`Deleting stored items needs the file to be rewritten, which this version of h5traj does not do yet.`, { file: this.filename });
  }

  commit(traj: Trajectory, commit: Commit): void {
    this.write((f) => writeCommit(f, traj, commit, this.comments));
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

  backup(traj: Trajectory, backupFilename: string): void {
    this.close();
    const names = fs.existsSync(this.filename) ? listTrajectories(this.read()) : [];
    this.close();
    if (names.length === 1 && names[0] === traj.v_name) {
      fs.copyFileSync(this.filename, backupFilename);
      return;
    }
    throw new StorageError(
      `Backing up one trajectory of a file that holds several (${names.join(', ')}) needs a file rewrite, which this version does not do yet.`,
      { file: this.filename },
    );
  }
}

setDefaultStorageFactory((filename) => new HDF5StorageService(filename));
