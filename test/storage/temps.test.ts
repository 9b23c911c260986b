/**
 * Temporary copies beside a file: a copy of a copy is named after the real file, the next writer
 * removes copies a killed writer left, and errors name the file the user knows, never a copy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Trajectory, StorageError, runName } from '../../src/index.js';
import { failedWrite, nameTarget, replaceThroughTemp, targetOfTemp, tempPathFor } from '../../src/storage/atomic.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('h5traj-temps-');

function stored(file: string, name: string, runs: number, bytesPerRun = 0): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_add_parameter('x', 0.0);
  t.f_explore({ x: Array.from({ length: runs }, (_, i) => i + (name === 'B' ? 1000 : 0)) });
  for (let i = 0; i < runs; i++) {
    t.f_add_result(`runs.${runName(i)}.out`, bytesPerRun ? { arr: new Float64Array(bytesPerRun / 8).fill(i) } : { z: i });
  }
  t.f_store();
  return t;
}

const load = (file: string, name: string) => {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_parameters: 2, load_results: 0 });
  return t;
};

test('a temporary copy of a temporary copy is named after the real file', () => {
  const dir = tmp();
  const file = path.join(dir, 'T.hdf5');
  const first = tempPathFor(file);
  const second = tempPathFor(first);
  assert.ok(path.basename(first).startsWith('.T.hdf5.h5traj-tmp-'), first);
  assert.ok(path.basename(second).startsWith('.T.hdf5.h5traj-tmp-'), `no temp of a temp: ${second}`);
  assert.is.not(second, first);
  assert.is(targetOfTemp(second), file);
  assert.is(targetOfTemp(file), file);
});

test('the next store and the next merge remove copies killed writers left (also old temp-of-temp names)', () => {
  const dir = tmp();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  const ta = stored(a, 'A', 3);
  stored(b, 'B', 2);
  const leftovers = () => fs.readdirSync(dir).filter((n) => n.includes('h5traj-tmp'));
  const plant = () => {
    fs.writeFileSync(path.join(dir, '.a.hdf5.h5traj-tmp-123-abc-0'), 'half a copy');
    fs.writeFileSync(path.join(dir, '..a.hdf5.h5traj-tmp-123-abc-0.h5traj-tmp-123-abd-1'), 'half a copy of a copy');
    fs.writeFileSync(path.join(dir, '.b.hdf5.h5traj-tmp-123-abc-2'), "another file's copy");
  };
  plant();
  ta.f_add_result('later', 1);
  ta.f_store();
  assert.equal(leftovers(), ['.b.hdf5.h5traj-tmp-123-abc-2'], "the store removed a.hdf5's copies and only those");
  plant();
  const s = load(a, 'A').f_merge(load(b, 'B'));
  assert.is(s.length, 5);
  assert.equal(leftovers(), ['.b.hdf5.h5traj-tmp-123-abc-2'], "the merge removed a.hdf5's copies");
});

test('an error raised while writing a copy names the target file, in the message and the file field', () => {
  const file = path.join(tmp(), 'T.hdf5');
  const copy = tempPathFor(tempPathFor(file));
  const e = nameTarget(new StorageError(`Cannot write (in '${copy}', at '/x').`, { file: copy }), file);
  assert.is(e.message, `Cannot write (in '${file}', at '/x').`);
  assert.is(e.file, file);
  const other = path.join(path.dirname(file), 'other.hdf5');
  assert.is(nameTarget(new StorageError(`'${tempPathFor(other)}' is bad.`), file).message.includes('other.hdf5.h5traj-tmp-'), true, "another file's copy is left alone");
});

test('a merge that runs out of file size fails naming the target file and leaves no copy', () => {
  const dir = tmp();
  const a = path.join(dir, 'a.hdf5');
  const b = path.join(dir, 'b.hdf5');
  stored(a, 'A', 2);
  stored(b, 'B', 40, 40_000);
  const before = fs.readFileSync(a);
  const loader = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
  const index = new URL('../../src/index.ts', import.meta.url).href;
  const child = `
    import { Trajectory, loadWasmEngine } from ${JSON.stringify(index)};
    if (process.env.H5TRAJ_ENGINE === 'wasm') await loadWasmEngine(); // test:wasm's engine, loaded as the suite's own preload does
    const load = (file, name) => { const t = new Trajectory(name, { add_time: false, filename: file }); t.f_load({ name, load_parameters: 2, load_results: 0 }); return t; };
    try { load(process.argv.at(-2), 'A').f_merge(load(process.argv.at(-1), 'B')); console.log('merged'); }
    catch (e) { console.log(e.constructor.name + ': ' + e.message + ' [file: ' + e.file + ']'); }`;
  // 1 MiB: a copy of a.hdf5 fits, the merged file (1.6 MB of B's results) does not.
  const r = spawnSync('bash', ['-c', `ulimit -f 1024; exec "${process.execPath}" --import "${loader}" --input-type=module -e '${child.replace(/'/g, "'\\''")}' "${a}" "${b}"`], { encoding: 'utf8' });
  assert.match(r.stdout, /^(StorageError|MergeError): /m, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(a) && !r.stdout.includes('h5traj-tmp'), `the error names the file: ${r.stdout}`);
  assert.ok(fs.readFileSync(a).equals(before), 'the target is unchanged');
  assert.equal(fs.readdirSync(dir).sort(), ['a.hdf5', 'b.hdf5'], 'no copy or lock is left');
});

test('replaceThroughTemp: a failed write leaves the target and no copy; a text file replaces its target; a short HDF5 file never does', () => {
  const dir = tmp();
  const target = path.join(dir, 'out.txt');
  fs.writeFileSync(target, 'old');
  assert.throws(
    () => replaceThroughTemp(target, (t) => { fs.writeFileSync(t, 'half'); throw new Error(`disk full writing ${t}`); }, { hdf5: false, onError: failedWrite(target, `Writing '${target}'`) }),
    (e: unknown) => e instanceof StorageError && e.message.includes(target) && !e.message.includes('h5traj-tmp'),
  );
  assert.is(fs.readFileSync(target, 'utf8'), 'old');
  assert.equal(fs.readdirSync(dir), ['out.txt']);
  assert.is(replaceThroughTemp(target, (t) => { fs.writeFileSync(t, 'new'); return 7; }, { hdf5: false }), 7);
  assert.is(fs.readFileSync(target, 'utf8'), 'new');
  const h5 = path.join(dir, 'a.hdf5');
  fs.writeFileSync(h5, 'old');
  assert.throws(() => replaceThroughTemp(h5, (t) => fs.writeFileSync(t, 'not HDF5')), (e: unknown) => e instanceof StorageError && /incomplete HDF5 file/.test((e as Error).message));
  assert.is(fs.readFileSync(h5, 'utf8'), 'old');
  assert.equal(fs.readdirSync(dir).sort(), ['a.hdf5', 'out.txt']);
});

test.run();
