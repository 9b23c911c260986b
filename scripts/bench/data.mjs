/**
 * The deterministic data of the benchmark workloads (docs/benchmarks.md). Plain JavaScript on the
 * built library (dist/), like the measuring process (measure.mjs) that uses it and the W1env run
 * module it also is: a benchmark measures what a user runs, without the TypeScript loader that
 * running the sources needs (it alone added ~50 MB to a measured peak). Types: data.d.mts.
 */
import { cartesian_product } from '../../dist/index.js';

/** The uniform sequence U[k]: a 32-bit LCG from seed 12345. */
export function uniform(count) {
  const u = new Float64Array(count);
  let s = 12345;
  for (let k = 0; k < count; k++) {
    s = (1664525 * s + 1013904223) % 2 ** 32;
    u[k] = s / 2 ** 32;
  }
  return u;
}

/** Adds W1's parameters and explores the grid for N runs (mode slowest, x fastest). */
export function w1Parameters(traj, n) {
  const ny = n <= 1000 ? 10 : 25;
  const nx = n / (4 * ny);
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('y', 0, { dtype: 'int64' });
  traj.f_add_parameter('mode', 'alpha');
  traj.f_explore(
    cartesian_product(
      { mode: ['alpha', 'beta', 'gamma', 'delta'], y: [...Array(ny).keys()], x: [...Array(nx).keys()].map((i) => 0.5 + 0.25 * i) },
      ['mode', 'y', 'x'],
    ),
  );
}

const U100 = uniform(100);

/** W1's run: result `out` with a, b, c and arr. */
export function w1Run(traj) {
  const i = traj.v_idx;
  const x = traj.x;
  const y = Number(traj.y);
  const arr = new Float64Array(100);
  for (let k = 0; k < 100; k++) arr[k] = i + U100[k];
  traj.f_add_result('out', { a: x * y, b: x + y / 8, c: i / 3, arr }, { comment: 'W1 result' });
}

/** W1's run plus about 5 ms of CPU work (the parallel speed-up measurement). */
export function w1BusyRun(traj) {
  const end = performance.now() + 5;
  let acc = 0;
  while (performance.now() < end) acc += Math.sqrt(acc + 1);
  w1Run(traj);
}
