/**
 * `h5traj run` on a full disk (a 2 MiB tmpfs): one sentence naming the disk, what of ours fills
 * it and what to do; no empty lock left; after freeing space `--resume` finishes every run.
 * Mounting needs root; without it the test is skipped (test/storage/lock.test.ts covers the lock
 * part with an injected ENOSPC on any machine).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { h5traj } from './cli-helpers.js';
import { Trajectory } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-disk-full-');
const disks: string[] = [];
/** A new 2 MiB tmpfs under the test's folder, or undefined when mounting is not permitted. */
function mountDisk(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const disk = path.join(dir, `disk${disks.length}`);
  fs.mkdirSync(disk);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]).status !== 0) return undefined;
  disks.push(disk);
  return disk;
}
const serialDisk = mountDisk();
const parallelDisk = serialDisk && mountDisk();
test.after(() => {
  // Lazily: a file this process read may still be open.
  for (const disk of disks) {
    const u = spawnSync('umount', ['-l', disk], { encoding: 'utf8' });
    if (u.status !== 0) process.stderr.write(`disk-full.test: could not unmount ${disk}: ${u.stderr || u.error}\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const MODULE = path.join(dir, 'big.mjs');
// 400 runs of 16 KB each: about 6.5 MB, three times the disk.
fs.writeFileSync(MODULE, `
export const name = 'big';
export function setup(traj) {
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: Array.from({ length: 400 }, (_, i) => i) });
}
export function run(traj) {
  traj.f_add_result('out', { arr: new Float64Array(2000).fill(traj.x) });
}
`);

function fillAndResume(ncores: string, disk: string): void {
  const file = path.join(disk, 'T.hdf5');
  const r = h5traj(['run', MODULE, '--file', file, '--quiet', '--ncores', ncores]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^h5traj: The disk holding '${disk}' \\(2\\.0 MiB, .* free\\) is full \\(ENOSPC\\); '${file}' takes \\d+ KiB`));
  assert.match(lines[0]!, /its run journal \(the runs not yet in the file\) [\d.]+ (KiB|MiB)/);
  assert.ok(lines[0]!.endsWith(`Free space there, then continue with: h5traj run ${MODULE} --file ${file} --resume.`), lines[0]);
  const left = fs.readdirSync(disk);
  assert.not.ok(left.some((n) => n.endsWith('.lock')), `no lock is left: ${left.join(', ')}`);
  // Space freed: --resume folds the journal in and finishes.
  assert.is(spawnSync('mount', ['-o', 'remount,size=32m', disk]).status, 0);
  const again = h5traj(['run', MODULE, '--file', file, '--quiet', '--resume', '--ncores', ncores]);
  assert.is(again.code, 0, again.stderr);
  assert.equal(fs.readdirSync(disk), ['T.hdf5'], 'no journal, lock or copy is left');
  const t = new Trajectory('big', { add_time: false, filename: file });
  t.f_load({ name: 'big', load_parameters: 2, load_results: 2 });
  const arrs = [...t.f_get_from_runs('out', { use_indices: true }).values()].map((o) => o.arr.at(0));
  assert.equal(arrs, Array.from({ length: 400 }, (_, i) => i), 'every run once, with its value');
}

(serialDisk ? test : test.skip)('a full disk during a serial run: one sentence saying what filled it and to --resume; no empty lock', () => fillAndResume('1', serialDisk!));

// In parallel the journal is written from a worker's message: its ENOSPC must end the run the same way.
(parallelDisk ? test : test.skip)('a full disk during a parallel run: the same sentence, no stack trace, and --resume finishes', () => fillAndResume('2', parallelDisk!));

test.run();
