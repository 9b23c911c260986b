/** The lock file beside an HDF5 file: failures to create it, and locks of other hosts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { throwsKind, tempDir } from '../helpers.js';
import { FileLockedError, StorageError } from '../../src/index.js';
import { acquireLock, lockPathFor } from '../../src/storage/lock.js';
import { locksBeside, runningExplorations } from '../../src/storage/locks-beside.js';

const tmp = () => tempDir('h5traj-lock-');

test('a full disk while writing the lock: a sentence saying so, and no empty lock left behind', () => {
  const file = path.join(tmp(), 'a.hdf5');
  const writeSync = fs.writeSync;
  // The lock's name can be created, its content cannot be written (what a full disk does).
  fs.writeSync = ((..._args: unknown[]) => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }) as typeof fs.writeSync;
  try {
    throwsKind(() => acquireLock(file), StorageError, new RegExp(`Cannot create the lock file '.*a\\.hdf5\\.lock': the disk holding '${path.dirname(file)}' is full \\(ENOSPC\\); free space, then try again\\.`));
  } finally {
    fs.writeSync = writeSync;
  }
  assert.not.ok(fs.existsSync(lockPathFor(file)), 'no empty lock is left');
  acquireLock(file)();
});

test('an empty lock (left by an older version on a full disk) is taken over once it is old', () => {
  const file = path.join(tmp(), 'a.hdf5');
  fs.writeFileSync(lockPathFor(file), '');
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(lockPathFor(file), old, old);
  const release = acquireLock(file);
  assert.match(fs.readFileSync(lockPathFor(file), 'utf8'), /"pid":/);
  release();
  assert.not.ok(fs.existsSync(lockPathFor(file)));
});

test('a fresh empty lock is one being written: it is waited for, not taken over at once', () => {
  process.env.H5TRAJ_LOCK_WAIT_MS = '50';
  const file = path.join(tmp(), 'a.hdf5');
  fs.writeFileSync(lockPathFor(file), ''); // created by another writer that has not written it yet
  const started = Date.now();
  const release = acquireLock(file); // after the writing window it counts as a dead writer's
  assert.ok(Date.now() - started >= 4000, 'waited while the lock could still be being written');
  release();
});

test('a lock written by another host is never taken over: FileLockedError naming the host and h5traj unlock', () => {
  process.env.H5TRAJ_LOCK_WAIT_MS = '50';
  const file = path.join(tmp(), 'a.hdf5');
  fs.writeFileSync(lockPathFor(file), JSON.stringify({ host: 'node17.cluster', pid: 4242, since: 1_700_000_000 }));
  throwsKind(() => acquireLock(file), FileLockedError, /being written by process 4242 on node17\.cluster .*h5traj unlock/);
  assert.ok(fs.existsSync(lockPathFor(file)), 'the lock is kept');
});

test("locksBeside finds the file's lock and its explorations' locks, and only those", () => {
  const dir = tmp();
  const file = path.join(dir, 'a.hdf5');
  const live = JSON.stringify({ host: os.hostname(), pid: process.pid, since: 1_700_000_000 });
  const dead = JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 4321, since: 1_700_000_000 });
  fs.writeFileSync(`${file}.lock`, dead);
  fs.writeFileSync(`${file}.T.1700000000000.journal.lock`, live);
  fs.writeFileSync(`${file}.U.1700000000001.journal.lock`, dead);
  fs.writeFileSync(`${file}.T.1700000000000.journal`, 'a journal, not a lock');
  fs.writeFileSync(path.join(dir, 'a.hdf5.x.hdf5.T.1700000000000.journal.lock'), live); // another file's
  fs.writeFileSync(path.join(dir, 'b.hdf5.lock'), live);
  const found = locksBeside(file).map((l) => [path.basename(l.path), l.kind, l.trajectory ?? null, l.state]);
  assert.equal(found, [
    ['a.hdf5.T.1700000000000.journal.lock', 'exploration', 'T', 'live'],
    ['a.hdf5.U.1700000000001.journal.lock', 'exploration', 'U', 'stale'],
    ['a.hdf5.lock', 'file', null, 'stale'],
  ]);
  assert.equal(runningExplorations(file).map((l) => l.trajectory), ['T']);
});

test.run();
