/**
 * The run function of pypet's example 04 (test/pypet-examples/example-04.test.ts), in a module
 * of its own because with ncores > 1 it runs in worker threads.
 */
import type { Trajectory } from '../../../src/index.js';

/** Sophisticated simulation of multiplication. */
export function multiply(traj: Trajectory): void {
  const z = traj.x * traj.y;
  traj.f_add_result('z', { z }, { comment: 'I am the product of two reals!' });
}
