/**
 * Issue 13: the run journal holds only the runs the file does not hold yet. It is cut after each
 * commit, so over a long exploration it stays as small as the runs between two commits (a
 * million-run exploration's journal had grown to 1.4 GB), and a process killed between two
 * commits still loses no run: resume finds the committed runs in the file and the others in the
 * journal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, type Trajectory } from '../../src/index.js';
import { MAX_PENDING } from '../../src/environment/commit-scheduler.js';
import { journalPathFor, journalsBeside, readJournal } from '../../src/environment/journal.js';
import { tempDir } from './env-helpers.js';
import { runH5pyJson } from '../helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/journal-child.ts', import.meta.url));
const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const RUNS = 3 * MAX_PENDING;

const run = (traj: Trajectory): void => {
  traj.f_add_result('z', (traj.x as number) * 2);
};

test(`over ${RUNS} runs (three commits) the journal never holds more than the runs between two commits`, async () => {
  const file = path.join(tempDir(), 'bounded.hdf5');
  // The journal's size each time a run became durable, and how many runs it held then.
  const sizes: { bytes: number; entries: number }[] = [];
  let journal = '';
  let sinceCut = 0;
  const env = new Environment({
    trajectory: 'bounded',
    filename: file,
    progress: 'quiet',
    on_run: () => {
      const bytes = fs.statSync(journal).size;
      if (sizes.length > 0 && bytes < sizes[sizes.length - 1]!.bytes) sinceCut = 0;
      sizes.push({ bytes, entries: ++sinceCut });
    },
  });
  env.trajectory.f_add_parameter('x', 0, { dtype: 'int' });
  env.trajectory.f_explore({ x: Array.from({ length: RUNS }, (_, i) => i) });
  journal = journalPathFor(file, 'bounded', env.trajectory.v_timestamp);
  const results = await env.run(run);
  assert.is(results.length, RUNS);
  const cuts = sizes.filter((s, i) => i > 0 && s.bytes < sizes[i - 1]!.bytes).length;
  assert.ok(cuts >= 2, `the journal was cut after each commit (${cuts} cuts seen)`);
  const biggest = sizes.reduce((m, s) => Math.max(m, s.bytes), 0);
  const perEntry = sizes[0]!.bytes / sizes[0]!.entries;
  assert.ok(biggest < 1.2 * MAX_PENDING * perEntry, `the journal reached ${biggest} bytes (${perEntry.toFixed(0)} per run)`);
  assert.ok(biggest < 0.5 * RUNS * perEntry, 'far below what all runs would take');
  assert.equal(journalsBeside(file), [], 'no journal left at the end');
});

test('killed between two commits, the journal holds only the runs after the last commit, and resume finds every run', () => {
  const dir = tempDir();
  const file = path.join(dir, 'killed.hdf5');
  const killAt = 2 * MAX_PENDING + MAX_PENDING / 2;
  const first = spawnSync(process.execPath, ['--import', LOADER, CHILD, file, String(RUNS), String(killAt)], { encoding: 'utf8' });
  assert.is(first.signal, 'SIGKILL', first.stderr);
  const [journal] = journalsBeside(file);
  assert.ok(journal !== undefined, 'the killed exploration left its journal');
  const { entries } = readJournal(journal);
  assert.ok(entries.length <= killAt - 2 * MAX_PENDING, `the journal holds ${entries.length} runs`);
  assert.ok(entries.every((e) => e.idx >= 2 * MAX_PENDING && e.idx < killAt), 'only runs after the last commit');
  const second = spawnSync(process.execPath, ['--import', LOADER, CHILD, file, String(RUNS)], { encoding: 'utf8' });
  assert.is(second.status, 0, second.stderr);
  assert.equal(journalsBeside(file), [], 'no journal left after resume');
  const code = [
    'import h5py, json, sys',
    'f = h5py.File(sys.argv[1], "r")',
    't = f["bounded"]',
    'runs = t["overview"]["runs"]',
    'done = int((runs["completed"][:] == 1).sum())',
    'g = t["results"]["runs"]',
    'z = {i: float(g["run_%08d" % i]["z"]["z"][()]) for i in json.loads(sys.argv[2])}',
    'print(json.dumps({"runs": len(runs), "done": done, "groups": len(g), "z": z}))',
  ].join('\n');
  // The first and last run, and the runs on each side of the last commit and of the kill.
  const probe = [0, 2 * MAX_PENDING - 1, 2 * MAX_PENDING, killAt - 1, killAt, RUNS - 1];
  const got = runH5pyJson<{ runs: number; done: number; groups: number; z: Record<string, number> }>(code, file, JSON.stringify(probe));
  assert.equal({ runs: got.runs, done: got.done, groups: got.groups }, { runs: RUNS, done: RUNS, groups: RUNS });
  for (const [i, z] of Object.entries(got.z)) assert.is(z, 2 * Number(i), `run ${i}`);
});

test.run();
