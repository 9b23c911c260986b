/**
 * The package as a user gets it: `npm pack` (of the built dist/), installed into an empty
 * project, imported as ESM and with require(), type-checked against from a TypeScript file, and
 * its `h5traj` binary run on a TypeScript exploration module (`npx h5traj run sim.ts`, serial
 * and on two worker threads) and `npx h5traj info`.
 * Needs npm and its registry (or the packages in npm's cache).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './cli-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const dir = tempDir();
const project = path.join(dir, 'project');

function run(cmd: string, args: string[], cwd = project): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test.before(() => {
  // dist/ is built by `npm test` before the suites (and by `prepare`); packing does not rebuild it.
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/index.js')), 'dist/ is built');
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, ROOT], { stdio: 'ignore' });
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'project', version: '1.0.0', private: true, type: 'module' }));
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, `${pkg.name}-${pkg.version}.tgz`)]);
  assert.is(install.code, 0, install.stderr);
});

test('the tarball holds the license, the sources its source maps point to, and the TypeScript loader', () => {
  const installed = path.join(project, 'node_modules', pkg.name);
  for (const f of ['LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'scripts/loader/register.mjs', 'scripts/loader/hooks.mjs']) {
    assert.ok(fs.existsSync(path.join(installed, f)), f);
  }
  assert.match(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8'), /BSD 3-Clause License\n\nCopyright \(c\) 2026, the h5traj authors/);
  const map = JSON.parse(fs.readFileSync(path.join(installed, 'dist/trajectory/trajectory.js.map'), 'utf8')) as { sources: string[] };
  for (const source of map.sources) assert.ok(fs.existsSync(path.join(installed, 'dist/trajectory', source)), `${source} resolves`);
});

test('import (ESM), the ./package.json export, and require() all give the library', () => {
  const esm = run(process.execPath, ['--input-type=module', '-e', `import { Trajectory } from 'h5traj'; import p from 'h5traj/package.json' with { type: 'json' }; console.log(typeof Trajectory, p.version);`]);
  assert.is(esm.stdout, `function ${pkg.version}\n`, esm.stderr);
  const cjs = run(process.execPath, ['-e', `const { Trajectory, Environment } = require('h5traj'); console.log(typeof Trajectory, typeof Environment);`]);
  assert.is(cjs.stdout, 'function function\n', cjs.stderr);
});

test('a TypeScript file type-checks against the installed types (and a wrong call does not)', () => {
  fs.writeFileSync(path.join(project, 'check.ts'), `
import { Environment, Trajectory, cartesian_product, type RunRecord } from 'h5traj';
const t: Trajectory = new Trajectory('t', { add_time: false });
t.f_add_parameter('x', 1, { dtype: 'int' });
t.f_explore(cartesian_product({ x: [1, 2] }));
const env: Environment = new Environment({ trajectory: 't', filename: 'data/t.hdf5', ncores: 2 });
const records: RunRecord[] = [...t.f_to_records()];
void env; void records;
`);
  fs.writeFileSync(path.join(project, 'wrong.ts'), `import { Environment } from 'h5traj';\nnew Environment({ trajectory: 1 });\n`);
  const tsc = path.join(ROOT, 'node_modules/.bin/tsc');
  const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--typeRoots', path.join(ROOT, 'node_modules/@types'), '--types', 'node'];
  const good = run(tsc, [...flags, 'check.ts']);
  assert.is(good.code, 0, good.stdout);
  const bad = run(tsc, [...flags, 'wrong.ts']);
  assert.is(bad.code, 2);
  assert.match(bad.stdout, /wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable/);
});

test('npx h5traj run sim.ts (serial and --ncores 2), then npx h5traj info', () => {
  fs.writeFileSync(path.join(project, 'sim.ts'), `
import type { Trajectory } from 'h5traj';
interface Point { x: number }
export const name = 'sim';
export function setup(traj: Trajectory): void {
  traj.f_add_parameter('x', 1.0, { comment: 'the input' });
  traj.f_explore({ x: [1.0, 2.0, 3.0] });
}
export function run(traj: Trajectory): number {
  const p: Point = { x: traj.x as number };
  traj.f_add_result('y', p.x * p.x);
  return p.x;
}
`);
  for (const [file, extra] of [['data/sim.hdf5', []], ['data/par.hdf5', ['--ncores', '2']]] as const) {
    const r = run('npx', ['h5traj', 'run', 'sim.ts', '--file', file, '--quiet', ...extra]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sim: 3 of 3 runs completed \(3 now\)/);
  }
  const info = run('npx', ['h5traj', 'info', 'data/sim.hdf5']);
  assert.is(info.code, 0, info.stderr);
  assert.match(info.stdout, /^data\/sim\.hdf5: 1 trajectory, /);
  assert.match(info.stdout, /\nsim {2,}\S+ {2,}3 {2,}3 {2,}0 {2,}parameters\.x/);
  const y = run('npx', ['h5traj', 'get', 'data/par.hdf5', 'y', '--json']);
  assert.equal((JSON.parse(y.stdout) as { value: number }[]).map((r) => r.value), [1, 4, 9]);
});

test.run();
