/**
 * pypet 0.7 loads h5traj's files with a plain `f_load` (no `force=True`): `overview/info` records
 * pypet's version and a Python version, which pypet compares with its own interpreter's; the
 * attribute `H5TRAJ_WRITER` records that h5traj wrote the file.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError, Trajectory } from '../../src/index.js';
import { openH5 } from '../../src/storage/hdf5/engine/open-file.js';
import { readInfo } from '../../src/storage/hdf5/layout/overview.js';
import { inTempDir, throwsKind } from '../helpers.js';
import { PYTHON, pypetEnv, pypetTest, run } from './pypet-view.js';

const PLAIN_LOAD = String.raw`
import sys
from pypet import Trajectory
t = Trajectory(filename=sys.argv[1])
try:
    t.f_load(name=sys.argv[2], load_all=2)
    print('loaded', t.v_version, t.v_python, t.x)
except Exception as e:
    print('refused', type(e).__name__)
`;

function write(dir: string, name: string, options: { python_version?: string } = {}): string {
  const filename = join(dir, `${name}.hdf5`);
  const traj = new Trajectory(name, { add_time: false, filename, ...options });
  traj.f_add_parameter('x', 1.5);
  traj.f_store();
  return filename;
}

pypetTest('pypet loads an h5traj file without force=True, and the file says h5traj wrote it', async () => {
  await inTempDir('version', async (dir) => {
    const filename = write(dir, 'plain');
    const r = await run(PYTHON, ['-c', PLAIN_LOAD, filename, 'plain'], pypetEnv());
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout.trim(), 'loaded 0.7.0 3.11.2 1.5');
    const f = await openH5(filename, 'r');
    try {
      const info = readInfo(f, 'plain');
      assert.equal([info.version, info.python], ['0.7.0', '3.11.2']);
      assert.match(info.writer ?? '', /^h5traj \d+\.\d+\.\d+ \(node \d+\.\d+\.\d+\)$/);
    } finally {
      f.close();
    }
  });
});

pypetTest('pypet checks the recorded Python version: another one needs force=True, as for its own files', async () => {
  await inTempDir('version', async (dir) => {
    const filename = write(dir, 'other', { python_version: '3.12.4' });
    const r = await run(PYTHON, ['-c', PLAIN_LOAD, filename, 'other'], pypetEnv());
    assert.is(r.stdout.trim(), 'refused VersionMismatchError', r.stderr);
    const loaded = new Trajectory('other', { add_time: false, filename });
    loaded.f_load({ load_data: 2 });
    assert.is(loaded.v_python, '3.12.4', 'a loaded trajectory keeps the version its file records');
  });
});

test('the Python version comes from the option, else H5TRAJ_PYTHON_VERSION, and must look like one', () => {
  const before = process.env.H5TRAJ_PYTHON_VERSION;
  try {
    process.env.H5TRAJ_PYTHON_VERSION = '3.13.1';
    assert.is(new Trajectory('t').v_python, '3.13.1');
    assert.is(new Trajectory('t', { python_version: '3.10.12' }).v_python, '3.10.12');
    process.env.H5TRAJ_PYTHON_VERSION = 'node 20';
    throwsKind(() => new Trajectory('t'), InvalidArgumentError, /H5TRAJ_PYTHON_VERSION is 'node 20'/);
    throwsKind(() => new Trajectory('t', { python_version: '3.12' }), InvalidArgumentError, /python_version is '3\.12'.*major\.minor\.micro/);
    delete process.env.H5TRAJ_PYTHON_VERSION;
    assert.is(new Trajectory('t').v_python, '3.11.2');
  } finally {
    if (before === undefined) delete process.env.H5TRAJ_PYTHON_VERSION;
    else process.env.H5TRAJ_PYTHON_VERSION = before;
  }
});

test.run();
