/**
 * `node --import ./test/storage/hdf5/record-loads.mjs …` with `H5TRAJ_TEST_LOAD_LOG=<file>`:
 * appends the URL of every module the process loads to that file (one a line), static imports
 * and `import()` alike, so a test can tell whether a process ever loaded h5wasm.
 */
import { register } from 'node:module';

const REGISTERED = Symbol.for('h5traj.test.record-loads');
if (process.env.H5TRAJ_TEST_LOAD_LOG && !globalThis[REGISTERED]) {
  register(new URL('./record-loads-hooks.mjs', import.meta.url), { data: { log: process.env.H5TRAJ_TEST_LOAD_LOG } });
  globalThis[REGISTERED] = true;
}
