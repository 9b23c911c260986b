/**
 * The run function of pypet's example 12 (test/pypet-examples/example-12.test.ts), in a module
 * of its own because with ncores > 1 it runs in worker threads.
 */
import type { Trajectory } from '../../../src/index.js';

/** pypet's `multiply(traj, result_list)`: writes z into the list shared by all workers. */
export function multiply(traj: Trajectory, resultList: BigInt64Array): void {
  const z = traj.x * traj.y;
  resultList[traj.v_idx] = BigInt(z);
}
