/**
 * The run function of pypet's example 18 (test/pypet-examples/example-18.test.ts), in a module
 * of its own because with ncores > 1 it runs in worker threads.
 */
import { typed, type Trajectory } from '../../../src/index.js';

/** Multiplies; results are grouped into sets of 1000 runs with the `$set` wildcard. */
export function multiply(traj: Trajectory): void {
  // pypet's x and y are Python ints, so z is an int too.
  const z = typed(traj.x * traj.y, 'int');
  traj.f_add_result('$set.$.z', z, { comment: 'Result of our simulation sorted into buckets of 1000 runs each!' });
}
