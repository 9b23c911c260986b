/**
 * Opening trajectories for the read commands.
 */
import { NotFoundError } from '../errors.js';
import { HDF5StorageService } from '../storage/hdf5/service.js';
import { Trajectory } from '../trajectory/trajectory.js';
import type { LoadOptions } from '../trajectory/storage-service.js';
import { note } from './io.js';

/** The names of the trajectories in a file (checks that it is an HDF5 file). */
export function trajectoryNames(file: string): string[] {
  const service = new HDF5StorageService(file);
  try {
    return service.listTrajectories();
  } finally {
    service.close();
  }
}

/**
 * The name of the trajectory `--index N` picks (negative: from the end).
 * @throws NotFoundError saying how many trajectories the file holds when N is out of range.
 */
export function trajectoryAt(file: string, index: number): string {
  const names = trajectoryNames(file);
  const name = names.at(index);
  if (name !== undefined) return name;
  const n = names.length;
  const holds = n === 0 ? 'holds no trajectory' : n === 1 ? 'holds 1 trajectory: use --index 0 (or -1)' : `holds ${n} trajectories: use --index 0 to ${n - 1}, or -1 to -${n} from the end`;
  throw new NotFoundError(`--index ${index} is out of range: '${file}' ${holds}.`, { file });
}

/**
 * Loads one trajectory: by `--trajectory NAME`, by `--index N`, else the last one in the file.
 * `load` picks pypet's load modes (default: parameters with data, the rest as a skeleton).
 */
export function openTrajectory(file: string, pick: { trajectory?: string | undefined; index?: number | undefined }, load: LoadOptions = {}): Trajectory {
  const traj = new Trajectory('h5traj', { add_time: false, filename: file });
  const which = pick.trajectory !== undefined ? { name: pick.trajectory } : pick.index !== undefined ? { name: trajectoryAt(file, pick.index) } : { index: -1 };
  traj.f_load({ ...which, force: true, ...load });
  return traj;
}

/** Parameters (and config) with data, nothing else: enough for filters, schemas and run records. */
export const PARAMETERS_ONLY: LoadOptions = { load_parameters: 2, load_derived_parameters: 0, load_results: 0, load_other_data: 0 };

/** Parameters with data, everything else as a skeleton (nodes without data). */
export const SKELETON: LoadOptions = { load_parameters: 2, load_derived_parameters: 1, load_results: 1, load_other_data: 1 };

/**
 * {@link openTrajectory} for a read command. When the file holds several trajectories and none
 * was picked, the last one is used and stderr says so (stdout stays data only).
 */
export function openPicked(args: { file: string; trajectory?: string | undefined; index?: number | undefined }, load: LoadOptions): Trajectory {
  if (args.trajectory === undefined && args.index === undefined) {
    const names = trajectoryNames(args.file);
    if (names.length > 1) {
      note(`${args.file} holds ${names.length} trajectories (${names.join(', ')}); using the last one, '${names.at(-1)}'. Pick one with --trajectory NAME or --index N.`);
    }
  }
  return openTrajectory(args.file, args, load);
}
