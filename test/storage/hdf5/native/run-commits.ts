/**
 * The trajectory the tests of appending commits write into (`append-commits.test.ts`,
 * `dense-commits.test.ts` and its crash child): `sim` explores x = 0 … n−1, and the commit of
 * run i stores result z = 10·i with an array filled with i, as an Environment commits a run.
 */
import { Trajectory } from '../../../../src/index.js';
import { leafToRecord } from '../../../../src/trajectory/records.js';
import type { Commit } from '../../../../src/trajectory/storage-service.js';
import { runName } from '../../../../src/tree/names.js';

/** A trajectory `sim` exploring x = 0 … n−1, stored into `file` with no run completed. */
export function storeExploration(file: string, n: number): Trajectory {
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_add_parameter('x', 0);
  t.f_explore({ x: Array.from({ length: n }, (_, i) => i) });
  t.f_store();
  return t;
}

/** The commit of run i of `t`: result z = 10·i and an array filled with i. */
export function runCommit(t: Trajectory, i: number): Commit {
  const scratch = new Trajectory('scratch', { add_time: false });
  const leaf = scratch.f_add_result(`runs.${runName(i)}.z`, { z: 10 * i, arr: new Float64Array(3).fill(i) });
  return { runs: [{ idx: i, info: { ...t.f_get_run_information(i), completed: 1 }, records: [leafToRecord(leaf)] }], failures: [], nodes: [] };
}
