/**
 * h5wasm loads only when a file needs it: a process that reads and writes native-readable files
 * never loads its module (so it runs under a 4 GB address-space limit, as clusters set), no static
 * import chain from the library or the CLI reaches it, and a file the native engine cannot parse
 * still opens, through h5wasm, from the async entry points.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import h5wasm from 'h5wasm/node';
import ts from 'typescript';
import { tempDir, writeW1 } from '../../cli/cli-files.js';
import { BIN } from '../../cli/cli-helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOADER = path.join(ROOT, 'scripts/loader/register.mjs');
const RECORDER = path.join(ROOT, 'test/storage/hdf5/record-loads.mjs');
const H5WASM_DIR = fs.realpathSync(path.join(ROOT, 'node_modules/h5wasm')) + path.sep; // as Node resolves it
const dir = tempDir();
const w1 = path.join(dir, 'w1.hdf5');
await writeW1(w1);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** Files of every module the process loaded (`record-loads.mjs`). */
  loaded: string[];
}

/**
 * Runs `node --import <LOADER> --import <RECORDER> <args>` in bash (after `shellPrefix`). The
 * recorder is registered last, so its hook runs first and sees the TypeScript sources too.
 */
function run(args: string[], shellPrefix = '', engine: 'native' | undefined = 'native'): Ran {
  const log = path.join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(log, '');
  const cmd = `${shellPrefix}exec ${[process.execPath, '--import', LOADER, '--import', RECORDER, ...args].map((a) => JSON.stringify(a)).join(' ')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, H5TRAJ_TEST_LOAD_LOG: log };
  if (engine) env.H5TRAJ_ENGINE = engine; // the default engine (test:wasm forces h5wasm)
  else delete env.H5TRAJ_ENGINE;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', cwd: ROOT, env });
  const loaded = fs.readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, loaded };
}

/** Runs an ESM snippet (importing the sources) in a fresh node; returns its output and loads. */
function node(code: string, shellPrefix = ''): Ran {
  const script = path.join(dir, `snippet-${Math.random().toString(36).slice(2)}.ts`);
  fs.writeFileSync(script, code);
  return run([script], shellPrefix);
}

/** The modules of the h5wasm package among `loaded`. */
const h5wasmFiles = (loaded: readonly string[]) => loaded.filter((f) => f.startsWith(H5WASM_DIR));

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
  assert.ok(r.loaded.includes(path.join(ROOT, 'src/storage/hdf5/engine/open-file.ts')), 'the recorder saw the engine boundary load');
  assert.equal(h5wasmFiles(r.loaded), [], 'no module of the h5wasm package was loaded');
  assert.not.ok(r.loaded.includes(path.join(ROOT, 'src/storage/hdf5/wasm/wasm-file.ts')), 'the wasm adapter was not loaded');
});

test('h5traj --help, info and tree run under ulimit -v 4000000 and never load h5wasm', () => {
  for (const args of [['--help'], ['info', w1], ['tree', w1]]) {
    const r = run([BIN, ...args], 'ulimit -v 4000000; ');
    assert.is(r.code, 0, `h5traj ${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.length > 100, `h5traj ${args.join(' ')} printed its output`);
    assert.ok(r.loaded.includes(BIN), 'the recorder saw the CLI load');
    assert.equal(h5wasmFiles(r.loaded), [], `h5traj ${args.join(' ')} loaded no module of the h5wasm package`);
  }
});

/**
 * The modules reached from `entry` through static imports (`import … from`, `export … from`,
 * `import '…'`; type-only ones are erased, and `import()` loads on demand), each with the chain
 * that reaches it; bare specifiers (packages) end a chain.
 */
function staticImports(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!file.endsWith('.ts')) continue;
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const st of source.statements) {
      let spec: ts.Expression | undefined;
      if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly) spec = st.moduleSpecifier;
      if (ts.isExportDeclaration(st) && !st.isTypeOnly) spec = st.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec)) continue;
      const target = spec.text.startsWith('.') ? path.resolve(path.dirname(file), spec.text.replace(/\.js$/, '.ts')) : spec.text;
      if (reached.has(target)) continue;
      reached.set(target, [...reached.get(file)!, target]);
      queue.push(target);
    }
  }
  return reached;
}

test('no static import chain from src/index.ts or the CLI reaches h5wasm (only import() on first use does)', () => {
  for (const entry of ['src/index.ts', 'src/cli/main.ts']) {
    const reached = staticImports(path.join(ROOT, entry));
    assert.ok(reached.has(path.join(ROOT, 'src/storage/hdf5/engine/open-file.ts')), `${entry} reaches the engine boundary`);
    for (const [target, chain] of reached) {
      assert.not.ok(target === 'h5wasm' || target.startsWith('h5wasm/'), `${entry} imports h5wasm statically: ${chain.map((f) => path.relative(ROOT, f)).join(' → ')}`);
    }
  }
  // The detector itself: the wasm adapter does import h5wasm statically.
  assert.ok(staticImports(path.join(ROOT, 'src/storage/hdf5/wasm/wasm-file.ts')).has('h5wasm/node'));
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
  assert.ok(h5wasmFiles(r.loaded).length > 0, 'the recorder sees h5wasm when it is loaded');
  assert.match(first!, /^StateError: The file '.*v110\.h5' needs the h5wasm engine \(the native HDF5 engine does not handle chunked storage .*\), which loads asynchronously: call `await loadWasmEngine\(\)`/);
  assert.is(second, 'true 1,2,3');
});

test('the CLI loads h5wasm for such a file by itself (and reads that it holds no trajectory)', () => {
  const r = spawnSync(process.execPath, [BIN, 'info', v110], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /v110\.h5: 0 trajectories/);
});

test.run();
