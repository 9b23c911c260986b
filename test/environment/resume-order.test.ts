/**
 * A resume reads the file only after what a reader needs is in place: h5wasm loaded when the file
 * needs it (`prepareToOpen`) and whatever a crashed writer left repaired (a torn superblock switch,
 * stale temporaries and lock). Before, `new Environment({ resume: true })` loaded the trajectory in
 * its constructor, so a resume under h5wasm failed with "call loadWasmEngine()" and a resume of a
 * file whose last superblock switch was torn failed with a FormatError.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, Trajectory } from '../../src/index.js';
import { tempDir } from './env-helpers.js';

const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const INDEX = new URL('../../src/index.ts', import.meta.url).href;
const CRASH_CHILD = fileURLToPath(new URL('./fixtures/crash-point-child.mjs', import.meta.url));
const XS = [1, 2, 3, 4];

/** Every run completed once, with z = 2x. */
function assertComplete(file: string, where: string): void {
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_load({ load_parameters: 2, load_results: 2 });
  assert.is(t.v_length, XS.length, where);
  assert.ok(t.f_is_completed(), `every run completed ${where}`);
  assert.equal([...t.f_get_from_runs('z', { use_indices: true }).values()].map((r) => (r as { z: number }).z), XS.map((x) => 2 * x), where);
}

/** Runs the crash-point child's serial exploration with appending commits; `crashAt` kills it before that step. */
function exploreWithCrash(dir: string, crashAt?: number): string[] {
  const steps = fs.mkdtempSync(path.join(path.dirname(dir), 'steps-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, H5TRAJ_COMMITS: 'append', H5TRAJ_CRASH_STEPS: steps };
    delete env.H5TRAJ_ENGINE;
    if (crashAt !== undefined) env.H5TRAJ_CRASH_AT = String(crashAt);
    else delete env.H5TRAJ_CRASH_AT;
    const r = spawnSync(process.execPath, [CRASH_CHILD, 'serial', path.join(dir, 'e.hdf5')], { cwd: dir, env, encoding: 'utf8' });
    if (crashAt !== undefined) assert.is(r.signal, 'SIGKILL', `the child crashed at step ${crashAt}: ${r.stderr}`);
    else assert.is(r.status, 0, r.stderr);
    return fs
      .readdirSync(steps)
      .map(Number)
      .sort((a, b) => a - b)
      .map((n) => fs.readFileSync(path.join(steps, String(n)), 'utf8').trim());
  } finally {
    fs.rmSync(steps, { recursive: true, force: true });
  }
}

test('resume after a crash that tore the superblock switch: the file is repaired before it is loaded', async () => {
  const root = tempDir('h5traj-resume-torn-');
  const count = path.join(root, 'count');
  fs.mkdirSync(count);
  const steps = exploreWithCrash(count);
  // An appending commit writes the recovery record, syncs, writes the superblock, syncs:
  // crash just after the superblock write of the second run's commit.
  const file = (s: string | undefined): boolean => s === `write ${path.join(count, 'e.hdf5')}`;
  const sync = (s: string | undefined): boolean => s === `fsync ${path.join(count, 'e.hdf5')}`;
  const switches = steps.flatMap((s, i) => (file(s) && sync(steps[i - 1]) && file(steps[i - 2]) && sync(steps[i + 1]) ? [i + 1] : []));
  assert.ok(switches.length >= 3, `appending commits switch the superblock (${steps.join('; ')})`);
  const dir = path.join(root, 'crash');
  fs.mkdirSync(dir);
  exploreWithCrash(dir, switches[1]! + 1);
  const e = path.join(dir, 'e.hdf5');
  // The superblock write was torn: its root address and checksum did not reach the disk.
  const fd = fs.openSync(e, 'r+');
  fs.writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, 36);
  fs.closeSync(fd);
  assert.ok(fs.readdirSync(dir).some((n) => n.endsWith('.journal')), 'the crash left its journal');
  const env = new Environment({ trajectory: 'sim', filename: e, resume: true, progress: 'quiet' });
  await env.run((traj: Trajectory) => {
    traj.f_add_result('z', { z: (traj.x as number) * 2, arr: new Float64Array(4).fill(traj.v_idx) });
  });
  assertComplete(e, '(after resuming the torn file)');
  assert.equal(fs.readdirSync(dir), ['e.hdf5'], 'no temporary, lock or journal file is left');
  fs.rmSync(root, { recursive: true, force: true });
});

test('resume under H5TRAJ_ENGINE=wasm loads h5wasm before it reads the file, without loadWasmEngine()', () => {
  const dir = tempDir('h5traj-resume-wasm-');
  const file = path.join(dir, 'e.hdf5');
  const t = new Trajectory('sim', { add_time: false, filename: file });
  t.f_add_parameter('x', 0.5);
  t.f_explore({ x: XS });
  t.f_store();
  const child = `
import { Environment } from ${JSON.stringify(INDEX)};
const env = new Environment({ trajectory: 'sim', filename: process.argv.at(-1), resume: true, progress: 'quiet' });
const ran = await env.run((traj) => { traj.f_add_result('z', { z: traj.x * 2 }); });
console.log('ran ' + ran.length);
`;
  const r = spawnSync(process.execPath, ['--import', LOADER, '--input-type=module', '-e', child, file], {
    env: { ...process.env, H5TRAJ_ENGINE: 'wasm' },
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), `ran ${XS.length}`);
  assertComplete(file, '(resumed under h5wasm)');
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
