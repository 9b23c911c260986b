/**
 * Locks through the built binary: a file an exploration is running on is refused to a second
 * `run --overwrite` and to `merge` up front; `h5traj unlock` removes what dead writers left and
 * asks for --force before removing a lock of another host or of a running process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, h5traj } from './cli-helpers.js';
import { tempDir } from './cli-files.js';
import { Trajectory } from '../../src/index.js';

const dir = tempDir();
const MODULE = path.join(dir, 'waits.mjs');
// Run 1 announces itself and waits for SIGUSR2 when WAIT_AT=1: a test can act while the
// exploration is known to be running, and let it go on after.
fs.writeFileSync(MODULE, `
export const name = 'waits';
export function setup(traj) {
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: [0, 1, 2, 3] });
}
export async function run(traj) {
  if (String(traj.v_idx) === process.env.WAIT_AT) {
    const keepAlive = setInterval(() => {}, 1000);
    const go = new Promise((resolve) => process.once('SIGUSR2', resolve));
    process.stderr.write('run ' + traj.v_idx + ' waits\\n');
    await go;
    clearInterval(keepAlive);
  }
  traj.f_add_result('z', traj.x * 10);
}
`);

/** Starts `h5traj run` whose run 1 waits; resolves once run 1 is waiting, with the child and its exit. */
function startWaiting(args: string[]): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; stderr: string }> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', MODULE, '--quiet', ...args], {
      env: { ...process.env, WAIT_AT: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let waiting = false;
    const exited = new Promise<{ code: number | null; stderr: string }>((done) => child.on('exit', (code) => done({ code, stderr })));
    child.stdout!.resume();
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (!waiting && stderr.includes('run 1 waits')) {
        waiting = true;
        resolve({ child, exited });
      }
    });
    exited.then(({ code }) => {
      if (!waiting) reject(new Error(`the run ended (exit ${code}) before run 1 waited: ${stderr}`));
    });
  });
}

function zs(file: string): number[] {
  const t = new Trajectory('waits', { add_time: false, filename: file });
  t.f_load({ name: 'waits', load_parameters: 2, load_results: 2 });
  return [...t.f_get_from_runs('z', { fast_access: true }).values()];
}

const leftovers = (file: string) => fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(`${path.basename(file)}.`) || n.startsWith(`.${path.basename(file)}`));

test('a second run --overwrite is refused up front while an exploration runs on the file; the first finishes', async () => {
  const file = path.join(dir, 'over.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', file, '--quiet']).code, 0);
  // The lock of an exploration that died is no obstacle, and goes with the file it guarded.
  fs.writeFileSync(`${file}.waits.1700000000000.journal.lock`, JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 4321, since: 1_700_000_000 }));
  const first = await startWaiting(['--file', file, '--overwrite']);
  const second = h5traj(['run', MODULE, '--file', file, '--overwrite', '--quiet']);
  assert.is(second.code, 1, second.stderr);
  assert.match(second.stderr, /^h5traj: An exploration of trajectory 'waits' is running on '.*over\.hdf5' \(process \d+ on .*\); overwriting would replace the file under it\. Wait for it to finish\.\n$/);
  first.child.kill('SIGUSR2');
  const done = await first.exited;
  assert.is(done.code, 0, done.stderr);
  assert.equal(zs(file), [0, 10, 20, 30]);
  assert.equal(leftovers(file), [], 'no journal, lock or copy is left');
});

test('a merge into a file an exploration is running on is refused, and the file is left alone', async () => {
  const file = path.join(dir, 'target.hdf5');
  const shard = path.join(dir, 'shard.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', shard, '--quiet']).code, 0);
  const running = await startWaiting(['--file', file]);
  const before = fs.readFileSync(file);
  const merged = h5traj(['merge', file, shard]);
  assert.is(merged.code, 1, merged.stdout + merged.stderr);
  assert.match(merged.stderr, /^h5traj: Cannot merge into '.*target\.hdf5': an exploration of trajectory 'waits' is running on it \(process \d+ on .*\); merge once it has finished\.\n$/);
  assert.ok(fs.readFileSync(file).equals(before), 'the target is unchanged');
  running.child.kill('SIGUSR2');
  assert.is((await running.exited).code, 0);
  // Once the exploration is over, the same merge goes through.
  const after = h5traj(['merge', file, shard]);
  assert.is(after.code, 0, after.stderr);
  assert.equal(zs(file), [0, 10, 20, 30, 0, 10, 20, 30]);
});

test('unlock: removes locks of dead writers, asks for --force for another host or a running process, keeps journals', () => {
  const file = path.join(dir, 'locked.hdf5');
  assert.is(h5traj(['run', MODULE, '--file', file, '--quiet']).code, 0);
  assert.equal(h5traj(['unlock', file]).stdout, `'${file}' is not locked.\n`);
  const lock = `${file}.lock`;
  const journalLock = `${file}.waits.1700000000000.journal.lock`;
  const journal = `${file}.waits.1700000000000.journal`;
  fs.writeFileSync(journal, 'runs for --resume');
  // A dead writer of this host: removed without --force.
  fs.writeFileSync(lock, JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 4321, since: 1_700_000_000 }));
  fs.writeFileSync(journalLock, '');
  let r = h5traj(['unlock', file]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), [
    `removed '${lock}' (file lock, held by process ${2 ** 22 + 4321} on ${os.hostname()}, since 2023-11-14T22:13:20.000Z, which is gone)`,
    `removed '${journalLock}' (lock of an exploration of 'waits', unreadable: its writer died while writing it)`,
  ]);
  assert.is(r.stderr, '');
  // Another host: kept without --force, with a sentence saying why and what to do.
  fs.writeFileSync(lock, JSON.stringify({ host: 'node17.cluster', pid: 4242, since: 1_700_000_000 }));
  r = h5traj(['unlock', file]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^h5traj: Nothing was removed: '.*locked\.hdf5\.lock' was written by process 4242 on host node17\.cluster, and h5traj cannot tell from here whether that process still writes '.*locked\.hdf5'\. If you are sure it is gone, run h5traj unlock .*locked\.hdf5 --force; removing the lock of a live writer lets two writers damage the file\.\n$/);
  assert.ok(fs.existsSync(lock));
  // A writer sees the same lock as held, and its error names the way out.
  const store = h5traj(['merge', file, file], { env: { H5TRAJ_LOCK_WAIT_MS: '50' } });
  assert.match(store.stderr, /process 4242 on node17\.cluster .*another host.*h5traj unlock .*locked\.hdf5 --force/);
  r = h5traj(['unlock', file, '--force']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^removed '.*locked\.hdf5\.lock' \(file lock, held by process 4242 on node17\.cluster, since .*, on another host\)\n$/);
  assert.match(r.stderr, /^warning: if process 4242 on node17\.cluster is still writing '.*locked\.hdf5', stop it and check the file with h5traj verify/);
  assert.not.ok(fs.existsSync(lock));
  // A live process of this host (this test's parent) needs --force too.
  fs.writeFileSync(lock, JSON.stringify({ host: os.hostname(), pid: process.pid, since: 1_700_000_000 }));
  r = h5traj(['unlock', file]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /is held by process \d+ on this host, which is running\. Wait for it to finish; if it is not an h5traj writer \(its pid was reused\), run h5traj unlock .* --force\./);
  assert.is(h5traj(['unlock', file, '--force']).code, 0);
  assert.equal(leftovers(file), [path.basename(journal)], 'the journal is never removed');
});

test('unlock --help shows its usage, --force and an example; h5traj --help lists it', () => {
  const r = h5traj(['unlock', '--help']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /h5traj unlock <file>/);
  assert.match(r.stdout, /--force/);
  assert.match(r.stdout, /Examples:\n\s+h5traj unlock /);
  assert.match(h5traj(['--help']).stdout, /h5traj unlock <file>/);
});

test.run();
