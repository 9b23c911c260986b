/**
 * Opening trajectories for the read commands.
 */
import { HDF5StorageService } from '../storage/hdf5/service.js';
import { Trajectory } from '../trajectory/trajectory.js';
import type { LoadOptions } from '../trajectory/storage-service.js';

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
 * Loads one trajectory: by `--trajectory NAME`, by `--index N`, else the last one in the file.
 * `load` picks pypet's load modes (default: parameters with data, the rest as a skeleton).
 */
export function openTrajectory(file: string, pick: { trajectory?: string | undefined; index?: number | undefined }, load: LoadOptions = {}): Trajectory {
  const traj = new Trajectory('h5traj', { add_time: false, filename: file });
  const which = pick.trajectory !== undefined ? { name: pick.trajectory } : { index: pick.index ?? -1 };
  traj.f_load({ ...which, force: true, ...load });
  return traj;
}
