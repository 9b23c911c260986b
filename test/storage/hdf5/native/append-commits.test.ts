/**
 * Appending commits (`H5TRAJ_COMMITS=append`, `docs/commit-design.md`): a file grows by what each
 * commit adds and stays the same file (no rewrite, no rename), and after every commit h5py,
 * h5dump and h5traj read exactly the committed runs. A torn superblock switch is repaired from
 * the recovery record by the next writer. `h5traj compact` gives back what old versions take.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FormatError, Trajectory } from '../../../../src/index.js';
import { HeldFileWriter } from '../../../../src/storage/hdf5/transactions/held-writer.js';
import { writeCommit } from '../../../../src/storage/hdf5/store.js';
import { compactFile, unreachableBytes } from '../../../../src/storage/hdf5/compact.js';
import type { OverviewMemory } from '../../../../src/storage/hdf5/layout/overview-tables.js';
import { runName } from '../../../../src/tree/names.js';
import { forceCommitMode, runH5py, runH5pyJson, tempDir } from '../../../helpers.js';
import { runCommit, storeExploration } from './run-commits.js';

const RUNS = 50;
const dir = tempDir('h5traj-append-');

forceCommitMode(test, 'append');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What h5py sees: the run groups, the completed flags of the run table, and each run's z. */
function h5pyView(file: string): { groups: string[]; completed: number[]; z: number[] } {
  const code = [
    'import h5py, json, sys',
    'f = h5py.File(sys.argv[1], "r")',
    't = f["sim"]',
    'runs = t["results/runs"] if "runs" in t["results"] else {}',
    'groups = sorted(runs.keys())',
    'print(json.dumps({"groups": groups, "completed": [int(c) for c in t["overview/runs"]["completed"]],',
    '  "z": [float(runs[g]["z"]["z"][()]) for g in groups]}))',
  ].join('\n');
  return runH5pyJson<{ groups: string[]; completed: number[]; z: number[] }>(code, file);
}

function h5dumpReads(file: string): void {
  const r = spawnSync('h5dump', ['-H', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(r.status, 0, `h5dump reads ${file}: ${r.stderr}`);
}

/** Checks that the file holds exactly runs 0 … done−1 as completed, through h5py, h5dump and h5traj. */
function assertHolds(file: string, done: number, n: number, where: string): void {
  const view = h5pyView(file);
  const expected = Array.from({ length: done }, (_, i) => i);
  assert.equal(view.groups, expected.map(runName), `h5py: the run groups ${where}`);
  assert.equal(view.completed, Array.from({ length: n }, (_, i) => (i < done ? 1 : 0)), `h5py: the completed flags ${where}`);
  assert.equal(view.z, expected.map((i) => 10 * i), `h5py: the results ${where}`);
  h5dumpReads(file);
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 2 });
  for (let i = 0; i < n; i++) assert.is(t.f_is_completed(i), i < done, `h5traj: run ${i} completed ${where}`);
  for (let i = 0; i < done; i++) assert.is(t.f_get(`results.runs.${runName(i)}.z`).z, 10 * i, `h5traj: run ${i} ${where}`);
}

test(`${RUNS} commits through the storage service append to one file, each read by h5py, h5dump and h5traj`, () => {
  const file = path.join(dir, 'service.hdf5');
  const t = storeExploration(file, RUNS);
  const inode = fs.statSync(file).ino;
  let size = fs.statSync(file).size;
  const full = size;
  for (let i = 0; i < RUNS; i++) {
    t.v_storage_service!.commit(t, runCommit(t, i));
    const stat = fs.statSync(file);
    assert.is(stat.ino, inode, `commit ${i} changed the file in place (no rewrite)`);
    assert.ok(stat.size > size, `commit ${i} appended`);
    // One run adds a few KB; a rewrite would add the whole file again.
    assert.ok(stat.size - size < full, `commit ${i} appended ${stat.size - size} bytes, less than the file's first size ${full}`);
    size = stat.size;
    assertHolds(file, i + 1, RUNS, `after commit ${i}`);
  }
  // Old versions of what the commits changed (the run table, the group path) are unreachable now.
  const unreachable = unreachableBytes(file)!;
  assert.ok(unreachable > 0 && unreachable < size, `unreachable bytes counted: ${unreachable} of ${size}`);
  const { before, after } = compactFile(file);
  assert.is(before, size);
  assert.ok(after <= size - unreachable, `compaction gave back the unreachable bytes (${after} ≤ ${size} − ${unreachable})`);
  assert.is(unreachableBytes(file), 0, 'a compacted file has no unreachable bytes');
  assertHolds(file, RUNS, RUNS, 'after compacting');
  // And commits append to the compacted file again.
  const t2 = new Trajectory('sim', { add_time: false, filename: file });
  t2.f_load({ load_parameters: 2, load_results: 0 });
  t2.f_add_result('after', 1);
  t2.f_store();
  assertHolds(file, RUNS, RUNS, 'after a store into the compacted file');
});

test('the held writer (the writer thread) appends commits to the file it keeps parsed', () => {
  const file = path.join(dir, 'held.hdf5');
  const t = storeExploration(file, 6);
  const inode = fs.statSync(file).ino;
  const writer = new HeldFileWriter();
  const memory: OverviewMemory = new Map();
  try {
    for (let i = 0; i < 6; i++) {
      writer.write(file, (f) => writeCommit(f, 'sim', runCommit(t, i), memory));
      assert.is(fs.statSync(file).ino, inode, `commit ${i} in place`);
      if (i % 2 === 1) assertHolds(file, i + 1, 6, `after held commit ${i}`);
    }
  } finally {
    writer.close();
  }
});

test('the last of 40 commits into a growing file append no more bytes than 1.5 times the first', () => {
  // Bytes, not seconds: the machine is shared. What a commit writes is what it adds (its runs'
  // objects, the chunks of the run table holding their rows) plus O(log N) of changed metadata.
  const file = path.join(dir, 'growing.hdf5');
  const perCommit = 20;
  const commits = 40;
  const t = storeExploration(file, perCommit * commits);
  const writer = new HeldFileWriter();
  const memory: OverviewMemory = new Map();
  const grew: number[] = [];
  try {
    for (let c = 0; c < commits; c++) {
      const runs = Array.from({ length: perCommit }, (_, k) => runCommit(t, c * perCommit + k).runs[0]!);
      const size = fs.statSync(file).size;
      writer.write(file, (f) => writeCommit(f, 'sim', { runs, failures: [], nodes: [] }, memory));
      grew.push(fs.statSync(file).size - size);
    }
  } finally {
    writer.close();
  }
  // A commit rewrites the 32 KB chunks of the run table its rows fall in (one or two, depending
  // on where they start), so single commits differ by a chunk: compare the medians of five.
  const median5 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[2]!;
  const first = median5(grew.slice(0, 5));
  const last = median5(grew.slice(-5));
  assert.ok(last <= 1.5 * first, `the last commits appended ${last} bytes (median), the first ${first} (all: ${grew.join(' ')})`);
  assertHolds(file, perCommit * commits, perCommit * commits, 'after 40 commits');
  // libhdf5 can go on changing the group appending commits grew (its inserts split the B-tree
  // nodes and use the heap's free space): h5py adds groups after and before every run.
  const code = [
    'import h5py, sys',
    'with h5py.File(sys.argv[1], "a") as f:',
    '    g = f["sim/results/runs"]',
    '    for i in range(300): g.create_group("zz_%05d" % i)',
    '    g.create_group("aa_first")',
    'with h5py.File(sys.argv[1], "r") as f:',
    '    g = f["sim/results/runs"]',
    '    print(len(g), float(g["run_00000799"]["z"]["z"][()]))',
  ].join('\n');
  assert.is(runH5py(code, file).trim(), `${perCommit * commits + 301} 7990.0`);
  h5dumpReads(file);
});

test('a torn superblock switch is repaired by the next writer, back to the version before it', () => {
  const file = path.join(dir, 'torn.hdf5');
  const t = storeExploration(file, 3);
  t.v_storage_service!.commit(t, runCommit(t, 0));
  t.v_storage_service!.commit(t, runCommit(t, 1));
  // The switch of commit 1 torn: the new superblock's end-of-file written, its root and checksum not.
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, 36);
  fs.closeSync(fd);
  const broken = new Trajectory('sim', { add_time: false, filename: file });
  assert.throws(() => broken.f_load({ load_parameters: 2 }), (e: unknown) => e instanceof FormatError);
  // The next write (here: commit 2) repairs the superblock first, then commits.
  const again = new Trajectory('sim', { add_time: false, filename: file });
  again.v_storage_service!.commit(t, runCommit(t, 2));
  const view = h5pyView(file);
  assert.equal(view.groups, [runName(0), runName(2)], 'the torn commit 1 is gone, commits 0 and 2 are there');
  assert.equal(view.completed, [1, 0, 1]);
  h5dumpReads(file);
});

test('a torn superblock is not rolled back from a recovery record older than the last write to the file', () => {
  const file = path.join(dir, 'torn-stale.hdf5');
  const t = storeExploration(file, 3);
  t.v_storage_service!.commit(t, runCommit(t, 0));
  t.v_storage_service!.commit(t, runCommit(t, 1));
  // Another writer (as libhdf5 does) extends the file after commit 1; then its superblock write tears.
  fs.appendFileSync(file, Buffer.alloc(4096, 0x11));
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, 36);
  fs.closeSync(fd);
  const before = fs.readFileSync(file);
  const again = new Trajectory('sim', { add_time: false, filename: file });
  assert.throws(() => again.v_storage_service!.commit(t, runCommit(t, 2)), (e: unknown) => e instanceof FormatError);
  assert.ok(fs.readFileSync(file).equals(before), 'the file is left byte for byte as it was');
});

test.run();
