/**
 * What the trajectory's storage methods decide before they call the storage service: how
 * `f_load`'s options combine (`load_data` and its old name `load_all`, `dynamic_imports`), which
 * nodes a group's `f_store` writes (pypet's store constants), what `f_migrate` resets, and where
 * `f_backup` writes by default. The service itself stays the trajectory's (`v_storage_service`).
 */
import { InvalidArgumentError } from '../errors.js';
import type { NNGroupNode } from '../tree/group.js';
import { nodeState, type NNNode } from '../tree/node.js';
import { checkTrajectoryName } from './identity.js';
import { trajectoryState, type TrajectoryCore } from './state.js';
import { OVERWRITE_DATA, STORE_DATA, STORE_DATA_SKIPPING, STORE_NOTHING, type LoadOptions } from './storage-service.js';
import type { TrajectoryLoadOptions } from './trajectory-options.js';

/**
 * The service's load options for `f_load(options)`: `load_data` becomes `load_all`; the classes
 * of `dynamic_imports` join the trajectory's.
 * @throws InvalidArgumentError when `load_data` and `load_all` disagree.
 */
export function serviceLoadOptions(traj: TrajectoryCore, options: TrajectoryLoadOptions): LoadOptions {
  const state = trajectoryState(traj);
  const { load_data, dynamic_imports, ...loadOptions } = options;
  if (load_data !== undefined) {
    if (loadOptions.load_all !== undefined && loadOptions.load_all !== load_data) {
      throw new InvalidArgumentError(`f_load got load_data: ${load_data} and load_all: ${loadOptions.load_all}; load_all is pypet's old name of load_data, give one.`);
    }
    loadOptions.load_all = load_data;
  }
  for (const Cls of dynamic_imports ?? []) if (!state.dynamicImports.includes(Cls)) state.dynamicImports.push(Cls);
  return loadOptions;
}

/**
 * The nodes a group-level store of the child `name` of `group` writes: the child, its subtree
 * with `recursive` (down to `maxDepth` levels), without what is on disk already under
 * STORE_DATA_SKIPPING; none under STORE_NOTHING.
 * @throws InvalidArgumentError for a `storeData` that is not one of pypet's store constants.
 */
export function nodesToStore(group: NNGroupNode, name: string, recursive: boolean, storeData: number, maxDepth?: number): NNNode[] {
  if (storeData === STORE_NOTHING) return [];
  if (![STORE_DATA_SKIPPING, STORE_DATA, OVERWRITE_DATA].includes(storeData)) {
    throw new InvalidArgumentError(`store_data must be one of pypet's store constants 0, 1, 2 or 3, not ${storeData}.`);
  }
  const node = group.f_get<NNNode>(name, { shortcuts: false });
  const below = recursive && !node.v_is_leaf ? [...(node as NNGroupNode).f_iter_nodes()] : [];
  const nodes = [node, ...below.filter((n) => maxDepth === undefined || n.v_depth - node.v_depth <= maxDepth)];
  // STORE_DATA_SKIPPING leaves everything already on disk alone.
  return storeData === STORE_DATA_SKIPPING ? nodes.filter((n) => !nodeState(n).stored) : nodes;
}

/**
 * `f_migrate`: a new name (checked), a new file (`useFile`), and every node marked as stored
 * there (`in_store`) or not, so that the next `f_store` writes it anew.
 * @throws InvalidNameError for a bad new name.
 */
export function migrate(
  traj: TrajectoryCore,
  options: { new_name?: string; new_filename?: string; in_store?: boolean },
  useFile: (filename: string) => void,
): void {
  if (options.new_name !== undefined) {
    checkTrajectoryName(options.new_name);
    trajectoryState(traj).identity.name = options.new_name;
  }
  if (options.new_filename !== undefined) useFile(options.new_filename);
  const stored = options.in_store ?? false;
  nodeState(traj).stored = stored;
  for (const node of traj.f_iter_nodes()) nodeState(node).stored = stored;
}

/** `backup_<name>.hdf5` beside the trajectory's file. */
export function defaultBackupName(filename: string, trajName: string): string {
  const slash = filename.lastIndexOf('/');
  const dir = slash < 0 ? '' : filename.slice(0, slash + 1);
  return `${dir}backup_${trajName}.hdf5`;
}
