/**
 * Permissions and ownership of the files h5traj replaces: every write makes a new file and
 * renames it over the old one, so without care a read-only file would be replaced (its folder is
 * writable) and a replaced file would get the umask's mode and the writer's owner. A read-only
 * file is refused with a ReadOnlyFileError naming it and its mode (as h5py refuses it); a
 * replaced file keeps its mode, owner and group. Runs on both engines (`test:wasm`).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, ReadOnlyFileError, StorageError, Trajectory } from '../../../src/index.js';
import { tempDir } from '../../helpers.js';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

function tempFile(name = 'p.hdf5'): string {
  return path.join(tempDir('h5traj-perm-'), name);
}

function stored(file: string, name = 't', xs = [1, 2, 3]): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_add_parameter('x', 0.5);
  t.f_explore({ x: xs });
  t.f_add_result('r', 1);
  t.f_store();
  return t;
}

const modeOf = (file: string): number => fs.statSync(file).mode & 0o7777;

/** Runs `write`, which must throw a ReadOnlyFileError naming the file and mode 0444, and leave the file as it was. */
function assertRefused(file: string, write: () => unknown): void {
  const before = fs.readFileSync(file);
  let error: unknown;
  try {
    write();
  } catch (e) {
    error = e;
  }
  assert.instance(error, ReadOnlyFileError);
  assert.instance(error, StorageError, 'a kind of storage error, so existing handlers still catch it');
  assert.is((error as ReadOnlyFileError).code, 'READ_ONLY_FILE');
  assert.is((error as ReadOnlyFileError).file, file);
  assert.match((error as Error).message, `Cannot write '${file}': the file is read-only (mode 0444)`);
  assert.ok(fs.readFileSync(file).equals(before), 'the file is unchanged');
  assert.is(modeOf(file), 0o444);
  assert.equal(fs.readdirSync(path.dirname(file)).filter((n) => n !== path.basename(file)), [], 'no lock or temporary file is left');
}

test('a replaced file keeps its mode (0640) after f_store, f_store_items, a delete and an exploration', async () => {
  const file = tempFile();
  const t = stored(file);
  fs.chmodSync(file, 0o640);
  t.f_add_result('more', 2);
  t.f_store();
  assert.is(modeOf(file), 0o640, 'after f_store');
  t.f_add_result('one', 3);
  t.f_store_item('one');
  assert.is(modeOf(file), 0o640, 'after f_store_item');
  t.f_delete_item('one');
  assert.is(modeOf(file), 0o640, 'after a delete (a rewrite)');
  fs.chmodSync(file, 0o600);
  const env = new Environment({ trajectory: 't', filename: file, resume: true, progress: 'quiet' });
  await env.run((traj: Trajectory) => traj.f_add_result('z', (traj.x as number) * 2));
  assert.ok(env.trajectory.f_is_completed());
  assert.is(modeOf(file), 0o600, 'after an exploration (journal, commits)');
});

test('a read-only file (0444) is refused by f_store, f_store_items, f_delete_items and an exploration', async () => {
  const file = tempFile();
  const t = stored(file);
  fs.chmodSync(file, 0o444);
  t.f_add_result('more', 2);
  assertRefused(file, () => t.f_store());
  assertRefused(file, () => t.f_store_item('more'));
  assertRefused(file, () => t.f_delete_item('r'));
  const env = new Environment({ trajectory: 't', filename: file, resume: true, progress: 'quiet' });
  let error: unknown;
  try {
    await env.run((traj: Trajectory) => traj.f_add_result('z', 1));
  } catch (e) {
    error = e;
  }
  assert.instance(error, ReadOnlyFileError);
  assert.is(modeOf(file), 0o444);
  assert.equal(fs.readdirSync(path.dirname(file)).filter((n) => n !== 'p.hdf5'), [], 'no journal, lock or temporary file is left');
});

test('a read-only target (0444) is refused by f_merge', () => {
  const a = tempFile('a.hdf5');
  const b = tempFile('b.hdf5');
  const ta = stored(a, 'a');
  const tb = stored(b, 'b', [4, 5]);
  fs.chmodSync(a, 0o444);
  assertRefused(a, () => ta.f_merge(tb));
});

test('h5traj run --resume refuses a read-only file with one sentence (exit 1)', () => {
  if (!fs.existsSync(CLI)) throw new Error('build first: npm run build');
  const file = tempFile();
  const module = path.join(path.dirname(file), 'sim.mjs');
  fs.writeFileSync(module, "export const name = 't';\nexport function setup() {}\nexport function run(traj) { traj.f_add_result('z', 1); }\n");
  stored(file);
  fs.chmodSync(file, 0o444);
  const r = spawnSync(process.execPath, [CLI, 'run', module, '--file', file, '--resume', '--quiet'], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.is(r.stderr.trim(), `h5traj: Cannot write '${file}': the file is read-only (mode 0444); make it writable (chmod u+w) if it should change.`);
  assert.is(modeOf(file), 0o444);
});

test('a replaced file keeps its owner and group (as root: a file of uid/gid 1234)', () => {
  const file = tempFile();
  const t = stored(file);
  const root = process.getuid?.() === 0;
  // Only root can give a file away; for anyone else the owner is the writer already.
  const [uid, gid] = root ? [1234, 1234] : [process.getuid!(), process.getgid!()];
  if (root) fs.chownSync(file, uid, gid);
  fs.chmodSync(file, 0o664);
  t.f_add_result('more', 2);
  t.f_store();
  const st = fs.statSync(file);
  assert.is(st.uid, uid);
  assert.is(st.gid, gid);
  assert.is(st.mode & 0o7777, 0o664);
  const back = new Trajectory('t', { add_time: false, filename: file });
  back.f_load({ load_results: 2 });
  assert.is(back.f_get('more').more, 2, 'the new version was written');
});

test.run();
