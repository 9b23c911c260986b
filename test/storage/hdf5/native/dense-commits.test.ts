/**
 * Appending commits into a file where libhdf5 put dense storage (fractal heaps and v2 B-trees,
 * see `dense-file.ts`): the native writer never writes those structures, so it must link the
 * dense objects a commit does not change where they are and write a new version of those it does
 * change, and never write over a byte the version before the commit reaches (a crash falls back
 * to it, and a reader may still hold it). Checked after each of 50 commits, interleaved with
 * h5py adding more dense storage: h5py and h5dump read the new version and the old one (the file
 * with its previous superblock put back), each holding exactly its runs, links and attributes,
 * and the commit changed no byte below the old end of file except the reserved head and the
 * free space of the run group's local heap. Then a crash at every durable step of three commits
 * into such a file leaves the old or the new version, and the next commit completes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Trajectory } from '../../../../src/index.js';
import { RESERVED } from '../../../../src/storage/hdf5/native/write/superblock.js';
import { forceCommitMode, tempDir } from '../../../helpers.js';
import { runCommit, storeExploration } from './run-commits.js';
import { changedOutside, densify, expectedView, h5pyViews, heapFreeSpace, storageOf } from './dense-file.js';

const N = 60;
const LOADER = fileURLToPath(new URL('../../../../scripts/loader/register.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./dense-commit-child.ts', import.meta.url));
const dir = tempDir('h5traj-dense-commits-');

forceCommitMode(test, 'append');

function h5dumpReads(file: string): void {
  const r = spawnSync('h5dump', ['-H', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(r.status, 0, `h5dump reads ${file}: ${r.stderr}`);
}

/** h5traj loads the file: runs 0 … done−1 of N completed, each with its result. */
function assertLoads(file: string, done: number, where: string): void {
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 2 });
  for (let i = 0; i < N; i++) assert.is(t.f_is_completed(i), i < done, `h5traj: run ${i} completed ${where}`);
  for (let i = 0; i < done; i++) assert.is(t.f_get(`results.runs.run_${String(i).padStart(8, '0')}.z`).z, 10 * i, `h5traj: run ${i} ${where}`);
}

test('50 appending commits into a file with dense links and attributes keep every old version whole, read by h5py and h5dump', () => {
  const file = path.join(dir, 'dense.hdf5');
  const old = path.join(dir, 'previous-version.hdf5');
  const t = storeExploration(file, N);
  for (let i = 0; i < 10; i++) t.v_storage_service!.commit(t, runCommit(t, i));
  const inode = fs.statSync(file).ino;
  let rounds = 0;
  for (let i = 10; i < N; i++) {
    const where = `at commit ${i} (densify rounds: ${rounds})`;
    if (i % 10 === 0) {
      densify(file, rounds++);
      const storage = storageOf(file, '/', '/sim', '/sim/results/runs', '/dense', '/dense/ds_0');
      assert.equal([storage['/sim/results/runs']!.links, storage['/dense'], storage['/dense/ds_0']!.attrs], ['dense', { links: 'dense', attrs: 'dense' }, 'dense'], `libhdf5 made them dense ${where}`);
      // Round 0 also makes the root's links and sim's attributes dense (later rounds find the root
      // an old-style group and sim's 12 attributes compact, which libhdf5 keeps as they are).
      if (i === 10) assert.equal([storage['/']!.links, storage['/sim']!.attrs], ['dense', 'dense'], `libhdf5 made them dense ${where}`);
    }
    const before = fs.readFileSync(file);
    const eof = Number(before.readBigUInt64LE(28)); // the superblock's end of file
    const heapFree = heapFreeSpace(file, '/sim/results/runs');
    t.v_storage_service!.commit(t, runCommit(t, i));
    const after = fs.readFileSync(file);
    assert.is(fs.statSync(file).ino, inode, `the commit appended to the file ${where}`);
    assert.ok(after.length > before.length, `the commit appended ${where}`);
    // Nothing the old version reaches was written over: only the head (superblock, recovery
    // slot, count of old bytes) and the free space of the run group's heap changed.
    const allowed: [number, number][] = [[0, RESERVED], ...(heapFree ? [heapFree] : [])];
    assert.equal(changedOutside(before, after, eof, allowed), [], `bytes of the old version changed ${where}`);
    if (i % 10 === 0) {
      // The dense objects the commit did not change are linked where they are; what it changed is new, in the writer's own forms.
      assert.equal(storageOf(file, '/', '/sim', '/dense', '/dense/ds_0'), {
        '/': { links: 'symbol table', attrs: 'compact' },
        '/sim': { links: 'compact', attrs: 'compact' },
        '/dense': { links: 'dense', attrs: 'dense' },
        '/dense/ds_0': { attrs: 'dense' },
      }, `after the commit ${where}`);
    }
    // The version before the commit: the file with its previous superblock.
    fs.writeFileSync(old, after);
    const fd = fs.openSync(old, 'r+');
    fs.writeSync(fd, before, 0, 48, 0);
    fs.closeSync(fd);
    const [now, then] = h5pyViews(file, old);
    assert.equal(now, expectedView(i + 1, N, rounds), `h5py: the new version ${where}`);
    assert.equal(then, expectedView(i, N, rounds), `h5py: the version before ${where}`);
    h5dumpReads(file);
    h5dumpReads(old);
    if (i % 5 === 4) assertLoads(file, i + 1, where);
  }
});

/** Runs the child committing runs [from, to) into `file`, crashing at durable step `crashAt` if given; returns the steps it announced. */
function commitInChild(file: string, from: number, to: number, crashAt?: number): { crashed: boolean; steps: number } {
  const steps = fs.mkdtempSync(path.join(path.dirname(file), 'steps-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, H5TRAJ_CRASH_STEPS: steps, H5TRAJ_COMMITS: 'append' };
    if (crashAt === undefined) delete env.H5TRAJ_CRASH_AT;
    else env.H5TRAJ_CRASH_AT = String(crashAt);
    const r = spawnSync(process.execPath, ['--import', LOADER, CHILD, file, String(from), String(to)], { env, encoding: 'utf8' });
    const crashed = r.signal === 'SIGKILL';
    if (!crashed && r.status !== 0) throw new Error(`the commit child failed (crash at ${crashAt}): ${r.stderr}`);
    return { crashed, steps: fs.readdirSync(steps).length };
  } finally {
    fs.rmSync(steps, { recursive: true, force: true });
  }
}

test('a crash at every durable step of three commits into a file with dense storage leaves the old or the new version', () => {
  // Runs 0–19 committed (the run group then an old-style group), then dense again: the first
  // commit replaces the dense run group, the next two add to its local heap in place.
  const template = path.join(dir, 'template.hdf5');
  const t = storeExploration(template, N);
  for (let i = 0; i < 10; i++) t.v_storage_service!.commit(t, runCommit(t, i));
  densify(template, 0);
  for (let i = 10; i < 20; i++) t.v_storage_service!.commit(t, runCommit(t, i));
  densify(template, 1);
  t.v_storage_service!.close?.();
  const count = path.join(dir, 'count');
  fs.mkdirSync(count);
  fs.copyFileSync(template, path.join(count, 'f.hdf5'));
  const { steps } = commitInChild(path.join(count, 'f.hdf5'), 20, 23);
  assert.ok(steps > 6, `the commits announce their durable steps (${steps})`);
  assert.equal(h5pyViews(path.join(count, 'f.hdf5')), [expectedView(23, N, 2)], 'the three commits without a crash');
  for (let k = 1; k <= steps; k++) {
    const where = `(crash at step ${k} of ${steps})`;
    const here = path.join(dir, `k${k}`);
    fs.mkdirSync(here);
    const file = path.join(here, 'f.hdf5');
    fs.copyFileSync(template, file);
    assert.ok(commitInChild(file, 20, 23, k).crashed, `the child crashed ${where}`);
    const [view] = h5pyViews(file);
    const done = view!.runs.length;
    assert.ok(done >= 20 && done <= 23, `the file holds ${done} runs ${where}`);
    assert.equal(view, expectedView(done, N, 2), `h5py: a whole version ${where}`);
    h5dumpReads(file);
    // The next writer repairs what the crash left (a torn superblock, appended bytes, a stale
    // lock) and commits the rest, then stores something more.
    const again = new Trajectory('sim', { add_time: false, filename: file });
    again.f_load({ load_parameters: 2, load_results: 0 });
    for (let i = done; i < 23; i++) again.v_storage_service!.commit(again, runCommit(again, i));
    again.f_add_result('after', 1);
    again.f_store();
    again.v_storage_service!.close?.();
    assert.equal(h5pyViews(file), [expectedView(23, N, 2)], `h5py: all three commits after the next writer ${where}`);
    assert.equal(fs.readdirSync(here), ['f.hdf5'], `nothing left beside the file ${where}`);
    fs.rmSync(here, { recursive: true, force: true });
  }
});

test.run();
