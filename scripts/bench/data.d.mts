/** The types of data.mjs (the benchmark's data, plain JavaScript so that no loader is measured). */
import type { Trajectory } from '../../dist/index.js';

/** The uniform sequence U[k]: a 32-bit LCG from seed 12345. */
export declare function uniform(count: number): Float64Array;
/** Adds W1's parameters and explores the grid for N runs (mode slowest, x fastest). */
export declare function w1Parameters(traj: Trajectory, n: number): void;
/** W1's run: result `out` with a, b, c and arr. */
export declare function w1Run(traj: Trajectory): void;
/** W1's run plus about 5 ms of CPU work (the parallel speed-up measurement). */
export declare function w1BusyRun(traj: Trajectory): void;
