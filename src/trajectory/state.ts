/**
 * A trajectory's shared state, behind a symbol (as zarrita's `getContext(arr)`): the one place
 * that says which parts of a trajectory h5traj's other modules may read and change, and who
 * changes them. The helpers of `trajectory/` (exploration, queries, run values, merge) and the
 * storage service see a trajectory as a {@link TrajectoryCore}, so they do not depend on the
 * Trajectory class. A symbol, not `#private`, because groups are Proxies (natural naming) and
 * private fields do not work through one.
 */
import type { BaseParameter } from '../leaves/parameter.js';
import type { NNGroupNode } from '../tree/group.js';
import type { LeafConstructor } from '../tree/leaf-node.js';
import type { NNNode, TreeRoot } from '../tree/node.js';
import type { RunTable } from './runs.js';

/** The key of a trajectory's shared state; exported for h5traj's modules, not from the package. */
export const TRAJECTORY_STATE = Symbol('h5traj.trajectory');

/** What a trajectory's identity is made of (pypet's `v_name`, `v_time`, …). */
export interface TrajectoryIdentity {
  name: string;
  /** Creation time as `YYYY_MM_DD_HHhMMmSSs`. */
  time: string;
  /** Creation time, POSIX seconds. */
  timestamp: number;
  /** pypet's format version. */
  version: string;
  /** The runtime that wrote the trajectory (pypet: the Python version). */
  python: string;
}

/**
 * What h5traj's modules share of a trajectory, and who may change it:
 * - `identity`: set by the constructor; `f_migrate` renames; loading takes the stored identity.
 * - `idx`: the viewed run. `f_as_run`/`f_restore_default` set it; helpers that look into one run
 *   after another (run values) set it and restore it before they return.
 * - `singleRun`, `runAdded`: only the run executor (environment) sets them, around one run; the
 *   trajectory records additions into `runAdded` while `singleRun` is true.
 * - `runs`: the run table. Exploration resizes it; the Environment, loading, storing and merging
 *   update records.
 * - `explored`: explored parameters by full name, in exploration order. Exploration and the tree
 *   hooks (a parameter added or removed) maintain it; loading rebuilds it.
 * - `presets`, `index`, `linkIndex`: the trajectory's own bookkeeping; others only read them.
 * - `dynamicImports`: leaf classes for loading; the constructor and `f_load` add to it.
 */
export interface TrajectoryState {
  identity: TrajectoryIdentity;
  idx: number;
  /** True while the Environment executes a run (pypet's `_is_run`). */
  singleRun: boolean;
  /**
   * What the executing run added, in the order added: nodes attached and links set (group, link
   * name) while `singleRun` is true. The run executor turns them into the run's records.
   */
  runAdded: { nodes: NNNode[]; links: [NNGroupNode, string][] };
  readonly runs: RunTable;
  readonly explored: Map<string, BaseParameter>;
  /**
   * The order of the explored parameters in the parameter summaries of the runs loaded from a
   * file (its `overview/explorations`), which may differ from `explored`'s (tree order after a
   * load); the run table derives those summaries in it instead of storing them. Undefined:
   * `explored`'s order. Set only as the run table is replaced (its derived summaries would change).
   */
  summaryOrder: readonly string[] | undefined;
  readonly presets: Map<string, unknown>;
  /** Every node by name (shortcut search). */
  readonly index: Map<string, Set<NNNode>>;
  /** The groups holding a link, by link name. */
  readonly linkIndex: Map<string, Set<NNGroupNode>>;
  readonly dynamicImports: LeafConstructor[];
}

/**
 * What helper modules and the storage service see of a trajectory: its tree (the root group,
 * with the root's hooks) and its shared state. The Trajectory class is one.
 */
export interface TrajectoryCore extends NNGroupNode, TreeRoot {
  readonly [TRAJECTORY_STATE]: TrajectoryState;
  /** The HDF5 file of its storage service, if any. */
  readonly v_filename: string | undefined;
}

/**
 * A trajectory's shared state (see {@link TrajectoryState} for who may change what).
 * @example trajectoryState(traj).runs.length // the number of runs
 */
export function trajectoryState(traj: TrajectoryCore): TrajectoryState {
  return traj[TRAJECTORY_STATE];
}
