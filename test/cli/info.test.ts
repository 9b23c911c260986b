/**
 * `h5traj info` reads the overview tables, not the run groups (issue 13: ≤ 1 s on a 1M-run
 * file): counted in-process through the native reader's object-header counter, and checked
 * against the loaded trajectory on a file with a failed run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { runCli } from '../../src/cli/app.js';
import { headerReads } from '../../src/storage/hdf5/native/read/object-header.js';
import { openH5 } from '../../src/storage/hdf5/engine/open-file.js';
import { readSummary } from '../../src/storage/hdf5/summary.js';
import { Environment, Trajectory } from '../../src/index.js';
import { tempDir, writeBig } from './cli-files.js';

const dir = tempDir();

/** Runs `h5traj ARGS` in this process; returns its exit code and stdout. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    const code = await runCli(args);
    return { code, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

test('info on a 3,000-run file opens no run group: a few dozen object headers, whatever the number of runs', async () => {
  const file = path.join(dir, 'big.hdf5');
  writeBig(file, 3000);
  const before = headerReads.count;
  const r = await inProcess(['info', file, '--json']);
  const parsed = headerReads.count - before;
  assert.is(r.code, 0);
  const t = (JSON.parse(r.stdout) as { trajectories: { runs: number; completed: number; explored: string[] }[] }).trajectories[0]!;
  assert.equal([t.runs, t.completed, t.explored], [3000, 0, ['parameters.x']]);
  // The file has 3 objects a run (9,000 in all); the overview tables and the top are ~50.
  assert.ok(parsed < 200, `${parsed} object headers parsed`);
});

test('the summary info prints equals what the loaded trajectory says: runs, completed, failed, explored', async () => {
  const file = path.join(dir, 'failing.hdf5');
  const env = new Environment({ trajectory: 'f', filename: file, progress: 'quiet', accept_failures: true });
  env.trajectory.f_add_parameter('x', 0.0);
  env.trajectory.f_add_parameter('y', 0, { dtype: 'int' });
  env.trajectory.f_explore({ x: [1.0, 2.0, 3.0, 4.0], y: [1, 2, 3, 4] });
  await env.run((t: Trajectory) => {
    if (t.x === 2.0) throw new Error('x = 2 fails');
    t.f_add_result('z', t.x * 2);
  });
  const f = await openH5(file);
  const s = readSummary(f, 'f');
  f.close();
  const traj = new Trajectory('f', { filename: file, add_time: false });
  traj.f_load({ index: -1, load_parameters: 2, load_derived_parameters: 0, load_results: 0, load_other_data: 0 });
  assert.is(s.length, traj.v_length);
  assert.equal([...s.completed], [0, 1, 2, 3].map((i) => (traj.f_is_completed(i) ? 1 : 0)));
  assert.equal([...s.completed], [1, 0, 1, 1]);
  assert.equal(s.failures.map((x) => [x.idx, x.message]), [[1, 'x = 2 fails']]);
  assert.equal(s.explored, Object.keys(traj.f_get_explored_parameters()));
  assert.is(s.name, traj.v_name);
  assert.is(s.time, traj.v_time);
  assert.not.ok(s.hasShardRecords);
  const r = await inProcess(['info', file, '--json']);
  const row = (JSON.parse(r.stdout) as { trajectories: { completed: number; failed: number; not_completed: string }[] }).trajectories[0]!;
  assert.equal([row.completed, row.failed, row.not_completed], [3, 1, '1']);
});

test.run();
