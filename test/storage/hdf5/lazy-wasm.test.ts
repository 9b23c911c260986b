/**
 * h5wasm loads only when a file needs it: a process that reads and writes native-readable files
 * never instantiates it (so it runs under a 4 GB address-space limit, as clusters set), and a
 * file the native engine cannot parse still opens, through h5wasm, from the async entry points.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import h5wasm from 'h5wasm/node';
import { tempDir, writeW1 } from '../../cli/cli-files.js';
import { BIN } from '../../cli/cli-helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOADER = path.join(ROOT, 'scripts/loader/register.mjs');
const dir = tempDir();
const w1 = path.join(dir, 'w1.hdf5');
await writeW1(w1);

/** Runs an ESM snippet (importing the sources) in a fresh node; returns its stdout and status. */
function node(code: string, shellPrefix = ''): { code: number; stdout: string; stderr: string } {
  const script = path.join(dir, `snippet-${Math.random().toString(36).slice(2)}.ts`);
  fs.writeFileSync(script, code);
  const cmd = `${shellPrefix}exec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(LOADER)} ${JSON.stringify(script)}`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, H5TRAJ_ENGINE: 'native' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const SRC = JSON.stringify(path.join(ROOT, 'src/index.ts'));
const OPEN = JSON.stringify(path.join(ROOT, 'src/storage/hdf5/engine/open-file.ts'));

test('a process that only uses native-readable files never loads h5wasm, and runs under ulimit -v 4000000', () => {
  const r = node(
    `import { Environment, Trajectory } from ${SRC};
     import { wasmEngineLoaded } from ${OPEN};
     const traj = new Trajectory('x', { filename: ${JSON.stringify(w1)}, add_time: false });
     traj.f_load({ index: -1, load_all: 2 });
     const env = new Environment({ trajectory: 'fresh', filename: ${JSON.stringify(path.join(dir, 'fresh.hdf5'))}, progress: 'quiet' });
     env.trajectory.f_add_parameter('x', 1.5);
     await env.run((t) => { t.f_add_result('y', t.x * 2); });
     console.log(traj.v_length + ' ' + wasmEngineLoaded());`,
    'ulimit -v 4000000; ',
  );
  assert.is(r.stderr, '');
  assert.is(r.stdout.trim(), '12 false');
});

test('h5traj --help and h5traj info run under ulimit -v 4000000', () => {
  for (const args of ['--help', `info ${w1}`]) {
    const r = spawnSync('bash', ['-c', `ulimit -v 4000000; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}`], {
      encoding: 'utf8',
      env: { ...process.env, H5TRAJ_ENGINE: 'native' }, // the default engine (test:wasm forces h5wasm)
    });
    assert.is(r.status, 0, `h5traj ${args}: ${r.stderr}`);
    assert.ok(r.stdout.length > 100, `h5traj ${args} printed its output`);
  }
});

// A chunked, growable dataset in a file whose format floor is HDF5 1.10 gets a version-4 layout
// (an extensible-array chunk index), which the native engine does not read.
const v110 = path.join(dir, 'v110.h5');
await h5wasm.ready;
const f = new h5wasm.File(v110, 'w', { libver: ['v110', 'v200'] } as never);
f.create_dataset({ name: 'grow', data: new Float64Array([1, 2, 3]), maxshape: [null], chunks: [2] });
f.close();

test('a file the native engine cannot read: a clear error on a sync open before h5wasm is loaded, and it opens after', () => {
  const r = node(
    `import { openH5, openH5Sync, wasmEngineLoaded } from ${OPEN};
     try { openH5Sync(${JSON.stringify(v110)}); console.log('opened?!'); } catch (e) { console.log(e.name + ': ' + e.message); }
     const f = await openH5(${JSON.stringify(v110)});
     console.log(wasmEngineLoaded() + ' ' + Array.from(new Float64Array(f.readDataset('/grow').bytes.slice().buffer)).join(','));
     f.close();`,
  );
  assert.is(r.code, 0, r.stderr);
  const [first, second] = r.stdout.trim().split('\n');
  assert.match(first!, /^StateError: The file '.*v110\.h5' needs the h5wasm engine \(the native HDF5 engine does not handle chunked storage .*\), which loads asynchronously: call `await loadWasmEngine\(\)`/);
  assert.is(second, 'true 1,2,3');
});

test('the CLI loads h5wasm for such a file by itself (and reads that it holds no trajectory)', () => {
  const r = spawnSync(process.execPath, [BIN, 'info', v110], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /v110\.h5: 0 trajectories/);
});

test.run();
