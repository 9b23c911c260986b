/** Helpers for Environment tests: temp files, trajectories, and comparable manifests. */
import { cartesian_product, Trajectory } from '../../src/index.js';
import { trajectoryManifest } from '../../src/cli/manifest.js';
import { tempDir as removedAtExit } from '../helpers.js';

/** A temp folder removed when the test process exits (see test/helpers.ts). */
export function tempDir(prefix = 'h5traj-env-'): string {
  return removedAtExit(prefix);
}

/** The exploration used across the Environment tests: x (int) × y (float), 3 × 4 = 12 runs. */
export function explore(traj: Trajectory): void {
  traj.f_add_parameter('x', 1, { dtype: 'int', comment: 'first axis' });
  traj.f_add_parameter('y', 1.0, { comment: 'second axis' });
  traj.f_explore(cartesian_product({ x: [1, 2, 3], y: [0.5, 1.5, 2.5, 3.5] }));
}

/** Loads a stored trajectory with all data. */
export function loadAll(file: string, name: string): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_all: 2 });
  return t;
}

const VOLATILE_RUN_FIELDS = ['time', 'timestamp', 'finish_timestamp', 'runtime', 'short_environment_hexsha'];

/** A trajectory's manifest without what differs between two runs of the same exploration. */
export function comparableManifest(t: Trajectory): Record<string, unknown> {
  const m = trajectoryManifest(t) as Record<string, any>;
  delete m.trajectory.time;
  delete m.trajectory.timestamp;
  m.run_information = m.run_information.map((r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE_RUN_FIELDS.includes(k))));
  m.groups = m.groups.filter((g: { full_name: string }) => !g.full_name.startsWith('config.environment'));
  m.leaves = m.leaves.filter((l: { full_name: string }) => !l.full_name.startsWith('config.environment'));
  return m;
}
