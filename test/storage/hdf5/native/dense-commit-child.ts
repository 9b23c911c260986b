/**
 * Child process of `dense-commits.test.ts`: commits runs FROM … TO−1 of the trajectory `sim` in
 * FILE, one commit each, as an Environment's writer does, so that the test can crash it at each
 * durable step (`H5TRAJ_CRASH_AT`, see `src/storage/durable-step.ts`).
 * Usage: node --import ./scripts/loader/register.mjs dense-commit-child.ts FILE FROM TO
 */
import { Trajectory } from '../../../../src/index.js';
import { runCommit } from './run-commits.js';

const [file, from, to] = process.argv.slice(2) as [string, string, string];
const t = new Trajectory('sim', { add_time: false, filename: file });
t.f_load({ load_parameters: 2, load_results: 0 });
for (let i = Number(from); i < Number(to); i++) t.v_storage_service!.commit(t, runCommit(t, i));
t.v_storage_service!.close?.();
