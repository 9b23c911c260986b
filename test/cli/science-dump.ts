/**
 * `h5traj dump --json` of a trajectory without what legitimately differs between two executions
 * of the same exploration: config (provenance, merge records), the file name, and times.
 */
import * as assert from 'uvu/assert';
import { h5traj } from './cli-helpers.js';

const VOLATILE_RUN_FIELDS = ['time', 'timestamp', 'finish_timestamp', 'runtime', 'short_environment_hexsha'];

/** The dump of `file`'s trajectory, for comparing "the same science" between two files. */
export function scienceDump(file: string): unknown {
  const r = h5traj(['dump', file, '--json']);
  assert.is(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  delete m.file;
  delete m.trajectory.time;
  delete m.trajectory.timestamp;
  for (const key of ['groups', 'leaves', 'links']) m[key] = m[key].filter((n: { full_name: string }) => !n.full_name.startsWith('config'));
  m.run_information = m.run_information.map((row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE_RUN_FIELDS.includes(k))));
  return m;
}
