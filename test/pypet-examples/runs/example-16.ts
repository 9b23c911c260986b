/**
 * The run function of the replacement for pypet's example 16 (test/pypet-examples/example-16.test.ts):
 * instead of storing into the shared file itself under a lock, a run hands its data to the
 * Environment's single writer (the main thread, or its writer thread with ncores > 1).
 */
import { threadId } from 'node:worker_threads';
import type { Trajectory } from '../../../src/index.js';

/** pypet's manipulate_multiproc_safe: records which worker ran, as pypet records its process name. */
export function manipulateMultiprocSafe(traj: Trajectory): string {
  const processName = `Worker-${threadId}`;
  traj.f_add_result('process_names.$', processName, { comment: 'Name of the process that manipulated the trajectory' });
  return processName;
}

/** What a worker sees of the tree: a result added before env.run and a link under the root. */
export function readShared(traj: Trajectory): string {
  return `${traj.last_process_name} ${traj.mylink}`;
}

/** A derived parameter of a class of the user's (pypet's example 05), read in a worker. */
export function readCustom(traj: Trajectory): string {
  return `${traj.f_get('diff_eq').f_get_class_name()}: ${traj.diff_eq}`;
}
