/** The storage service as a user meets it: store, load modes, partial I/O, delete, overwrite, backup. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runH5py, throwsKind, tempDir } from '../helpers.js';
import {
  Trajectory, cartesian_product, NotFoundError, StorageError, FormatError, FileLockedError, LOAD_SKELETON, LOAD_DATA, UPDATE_DATA,
} from '../../src/index.js';
import { acquireLock } from '../../src/storage/lock.js';

const tmp = () => tempDir('h5traj-service-');

function stored(file: string, name = 'svc'): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file, comment: 'service test' });
  t.f_add_parameter('x', 1, { dtype: 'int' });
  t.f_add_parameter('g.label', 'a');
  t.f_explore(cartesian_product({ x: [1, 2, 3] }));
  for (const _ of t.f_iter_runs()) t.f_add_result('out', { a: t.x * 1.5, arr: new Float64Array([t.x, t.x]) });
  t.f_add_result('summary.total', 42n);
  t.f_store();
  return t;
}

function load(file: string, options = {}, name = 'svc'): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, ...options });
  return t;
}

test('load modes: skeleton leaves are empty and load on demand; data loads values', () => {
  const file = path.join(tmp(), 'a.hdf5');
  stored(file);
  const sk = load(file, { load_results: LOAD_SKELETON });
  const out = sk.f_get('results.runs.run_00000001.out');
  assert.ok(out.f_is_empty());
  sk.f_load_items([out], { load_only: ['a'] });
  assert.equal(out.f_keys(), ['a']);
  assert.is(out.a, 3);
  const data = load(file, { load_all: LOAD_DATA });
  assert.equal(data.f_get('results.runs.run_00000002.out').arr.toNested(), [3, 3]);
  assert.is(data.f_get('summary.total').f_get(), 42);
  // Loading again keeps what is in memory and fills leaves that are still empty (pypet's rule).
  data.f_get('results.runs.run_00000000.out').a = 99;
  sk.f_load({ name: 'svc', load_results: LOAD_DATA });
  assert.equal(sk.f_get('results.runs.run_00000000.out').arr.toNested(), [1, 1], 'an empty leaf is filled');
  data.f_load({ name: 'svc', load_results: LOAD_DATA });
  assert.is(data.f_get('results.runs.run_00000000.out').a, 99, 'a leaf in memory is kept');
  data.f_load({ name: 'svc', load_all: UPDATE_DATA });
});

test('auto_load: natural naming loads missing groups and empty leaves', () => {
  const file = path.join(tmp(), 'a.hdf5');
  stored(file);
  const t = load(file, { load_results: 0 });
  t.v_auto_load = true;
  assert.is(t.results.runs.run_00000002.out.a, 4.5);
  assert.equal([...t.f_get_from_runs('out', { fast_access: false, auto_load: true }).keys()], ['run_00000000', 'run_00000001', 'run_00000002']);
});

test('f_store stores only what is new; a name already in the file is refused', () => {
  const file = path.join(tmp(), 'a.hdf5');
  const t = stored(file);
  t.f_add_result('later', 'added after the first store');
  t.f_store();
  assert.is(load(file, { load_all: 2 }).later, 'added after the first store');
  const clash = new Trajectory('svc', { add_time: false, filename: file });
  throwsKind(() => clash.f_store(), StorageError, /already holds a trajectory named 'svc'/);
  assert.is(load(file, { load_all: 2 }).later, 'added after the first store', 'the refused store changed nothing');
});

test('f_delete_items removes stored nodes (whole, parts, empty groups) and leaves the rest', () => {
  const file = path.join(tmp(), 'a.hdf5');
  const t = stored(file);
  t.f_delete_items(['results.runs.run_00000000.out'], { remove_from_trajectory: true, remove_empty_groups: true });
  const after = load(file, { load_all: 2 });
  assert.not.ok(after.f_contains('results.runs.run_00000000'), 'the emptied run group went too');
  assert.ok(after.f_contains('results.runs.run_00000001.out'));
  assert.not.ok(t.f_contains('results.runs.run_00000000.out'));
  t.f_delete_item('results.runs.run_00000001.out', { delete_only: ['arr'] });
  assert.equal(load(file, { load_all: 2 }).f_get('results.runs.run_00000001.out').f_keys(), ['a']);
  throwsKind(() => t.f_delete_item('results.runs.run_00000000'), NotFoundError);
});

test('f_store_items with overwrite replaces stored parts', () => {
  const file = path.join(tmp(), 'a.hdf5');
  const t = stored(file);
  const out = t.f_get('results.runs.run_00000002.out');
  out.a = 333;
  out.note = 'new part';
  t.f_store_item(out); // as in pypet: new parts are added, stored ones are kept
  const kept = load(file, { load_all: 2 }).f_get('results.runs.run_00000002.out');
  assert.is(kept.a, 4.5);
  assert.is(kept.note, 'new part');
  t.f_store_item(out, { overwrite: ['a'] });
  const back = load(file, { load_all: 2 }).f_get('results.runs.run_00000002.out');
  assert.is(back.a, 333);
  assert.is(back.note, 'new part');
  assert.equal(back.arr.toNested(), [3, 3], 'parts not overwritten are kept');
});

test('f_backup copies one trajectory; f_migrate renames and relocates', () => {
  const dir = tmp();
  const file = path.join(dir, 'a.hdf5');
  const t = stored(file);
  stored(file, 'second');
  const backup = t.f_backup(path.join(dir, 'b.hdf5'));
  const b = new Trajectory('x', { add_time: false, filename: backup });
  b.f_load({ index: 0, load_all: 2 });
  assert.is(b.v_name, 'svc');
  assert.equal((b.v_storage_service as any).listTrajectories(), ['svc']);
  throwsKind(() => t.f_backup(backup), StorageError, /exists already/);
  t.f_migrate({ new_name: 'moved', new_filename: path.join(dir, 'moved.hdf5') });
  t.f_store();
  assert.is(load(path.join(dir, 'moved.hdf5'), { load_all: 2 }, 'moved').f_get('results.runs.run_00000002.out').a, 4.5);
});

test('bad input: missing file, non-HDF5 file, HDF5 file without trajectory, unknown name', () => {
  const dir = tmp();
  throwsKind(() => load(path.join(dir, 'missing.hdf5')), NotFoundError, /does not exist/);
  fs.writeFileSync(path.join(dir, 'text.hdf5'), 'just text');
  throwsKind(() => load(path.join(dir, 'text.hdf5')), FormatError, /not an HDF5 file/);
  const file = path.join(dir, 'a.hdf5');
  stored(file);
  throwsKind(() => load(file, {}, 'nope'), NotFoundError, /has no trajectory 'nope'; it holds: svc/);
});

test('a lock naming this pid but an older process start (a reused pid) is stale and taken over', () => {
  const file = path.join(tmp(), 'a.hdf5');
  const t = stored(file);
  fs.writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid: process.pid, since: 0, start: 1_000, thread: 0 }));
  t.f_add_result('after_reuse', 1);
  t.f_store();
  assert.is(load(file, { load_all: 2 }).after_reuse, 1);
  assert.not.ok(fs.existsSync(`${file}.lock`));
});

test('a second writer gets FileLockedError and the file is untouched', () => {
  process.env.H5TRAJ_LOCK_WAIT_MS = '200';
  const file = path.join(tmp(), 'a.hdf5');
  const t = stored(file);
  const before = fs.readFileSync(file);
  // Another live process holds the lock: simulate with this test's parent pid.
  fs.writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid: process.ppid, since: Date.now() / 1000 }));
  t.f_add_result('blocked', 1);
  throwsKind(() => t.f_store(), FileLockedError, /being written by process \d+/);
  assert.ok(fs.readFileSync(file).equals(before));
  fs.rmSync(`${file}.lock`);
  // A lock left by a dead process is taken over.
  fs.writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 12345, since: 0 }));
  t.f_store();
  assert.not.ok(fs.existsSync(`${file}.lock`));
  const release = acquireLock(file);
  release();
});

test('a write that fails half-way (file size limit) leaves the stored file as it was', () => {
  const file = path.join(tmp(), 'a.hdf5');
  stored(file);
  const before = fs.readFileSync(file);
  const loader = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
  const child = fileURLToPath(new URL('./fixtures/grow.ts', import.meta.url));
  // 600 blocks of 1 KiB: the copy can be made, the 1.6 MB result cannot be written.
  const r = spawnSync('bash', ['-c', `ulimit -f 600; exec "${process.execPath}" --import "${loader}" "${child}" "${file}"`], { encoding: 'utf8' });
  assert.match(r.stdout, /^StorageError: /m, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(file) && !r.stdout.includes('h5traj-tmp'), `the error names the file: ${r.stdout}`);
  assert.ok(fs.readFileSync(file).equals(before), 'the stored file is unchanged');
  assert.is(load(file, { load_all: 2 }).f_get('summary.total').f_get(), 42);
  assert.equal(fs.readdirSync(path.dirname(file)).filter((n) => n !== 'a.hdf5'), [], 'no temporary copy or lock is left');
});

test('h5py and h5dump read a file h5traj wrote', () => {
  const file = path.join(tmp(), 'a.hdf5');
  stored(file);
  const out = runH5py([
    'import h5py, sys',
    'f = h5py.File(sys.argv[1], "r")',
    'leaf = f["svc/results/runs/run_00000001/out"]',
    'cls = leaf.attrs["SRVC_INIT_CLASS_NAME"]',
    'cset = leaf.attrs.get_id("SRVC_INIT_CLASS_NAME").get_type().get_cset()',
    'print(cls.decode() if isinstance(cls, bytes) else cls, cset == h5py.h5t.CSET_UTF8, int(leaf.attrs["SRVC_LEAF"]), float(leaf["a"][()]), list(leaf["arr"][()]))',
    'print(f["svc/overview/info"]["name"][0].decode(), len(f["svc/overview/runs"]))',
  ].join('\n'), file);
  // PyTables (hence pypet) reads UTF-8 fixed-length strings as str, which the class name must be.
  assert.equal(out.trim().split('\n'), ['Result True 1 3.0 [2.0, 2.0]', 'svc 3']);
  const dump = spawnSync('h5dump', ['-A', '-g', '/svc/parameters/x', file], { encoding: 'utf8' });
  assert.is(dump.status, 0, dump.stderr || 'install Debian hdf5-tools');
  assert.match(dump.stdout, /SRVC_INIT_CLASS_NAME/);
  assert.match(dump.stdout, /"Parameter"/);
});

test.run();
