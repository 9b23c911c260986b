/** Shared test helpers. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';

const made = new Set<string>();

/** Removes the folders {@link tempDir} made; runs once, when the test process exits. */
function removeMade(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/**
 * A fresh temp folder named `<prefix>…` in `os.tmpdir()`, removed with everything in it when the
 * test process exits, whether its tests passed or failed (an uncaught error too; only a killed
 * process leaves it). For folders a whole test file shares; a folder for one test can go sooner
 * with {@link inTempDir}. Every test makes its temp folders through these two, which
 * test/structure/temp-dirs.test.ts checks.
 * @example const dir = tempDir('h5traj-env-');
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.size === 0) process.once('exit', removeMade);
  made.add(dir);
  return dir;
}

/**
 * Runs `fn` in a fresh temp folder (`h5traj-<label>-…`) and removes the folder afterwards, whether
 * `fn` returns, throws or (when it returns a promise) settles.
 * @example inTempDir('ex08', (dir) => { const file = join(dir, 'ex08.hdf5'); … });
 */
export function inTempDir<T>(label: string, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), `h5traj-${label}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    result = fn(dir);
  } catch (e) {
    remove();
    throw e;
  }
  if (result instanceof Promise) return result.finally(remove) as T;
  remove();
  return result;
}

/** Asserts that `fn` throws an instance of `kind` whose message matches `pattern` (if given). */
export function throwsKind(fn: () => unknown, kind: abstract new (...args: any[]) => Error, pattern?: RegExp): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof kind)) assert.unreachable(`expected ${kind.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    if (pattern && !pattern.test((e as Error).message)) assert.unreachable(`message ${JSON.stringify((e as Error).message)} does not match ${pattern}`);
    return;
  }
  assert.unreachable(`expected ${kind.name} to be thrown`);
}

/**
 * Forces the commit mode (`H5TRAJ_COMMITS`) for the tests of `suite` and puts back what it was
 * after them, so a file testing appending commits does not depend on the default policy.
 * @example forceCommitMode(test, 'append');
 */
export function forceCommitMode(suite: Test, mode: 'append' | 'rewrite'): void {
  const before = process.env.H5TRAJ_COMMITS;
  suite.before(() => {
    process.env.H5TRAJ_COMMITS = mode;
  });
  suite.after(() => {
    if (before === undefined) delete process.env.H5TRAJ_COMMITS;
    else process.env.H5TRAJ_COMMITS = before;
  });
}

/**
 * The Python that has h5py, PyTables and pandas (Debian's python3-h5py, python3-tables,
 * python3-pandas; the `python3` first on PATH may lack them). Tests that need it fail and say so
 * when it is missing; only the checks against pypet are left out (see pypet-examples/pypet-view.ts).
 */
export const PYTHON = '/usr/bin/python3';

/** How to run {@link python}: the environment (default: this process's) and what to write to its stdin (default: nothing). */
export interface PythonOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs {@link PYTHON} with `argv` (a script file or `-c code`, then its arguments) and returns what
 * it printed on stdout. Throws an Error naming the script, its exit status and its stderr when it
 * cannot start or exits with a status other than 0, so a failing check shows Python's traceback.
 * @example const out = python([join(SCRIPTS, 'gen.py'), dir], { env: pypetEnv() });
 */
export function python(argv: readonly string[], options: PythonOptions = {}): string {
  const r = spawnSync(PYTHON, argv, { encoding: 'utf8', maxBuffer: 1 << 28, env: options.env, input: options.input });
  if (r.error === undefined && r.status === 0) return r.stdout;
  const script = argv[0] === '-c' ? `script ${JSON.stringify(firstLine(argv[1] ?? ''))}` : `${argv[0]}`;
  const args = argv.slice(argv[0] === '-c' ? 2 : 1);
  const how = r.error ? `could not run (${r.error.message})` : r.signal ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
  throw new Error(`${PYTHON} ${script}${args.length ? ` on ${args.join(' ')}` : ''} ${how}:\n${(r.stderr ?? '').trim()}`);
}

/** The first line of a script that is not blank or an import (else the first line), shortened, to name it in an error. */
function firstLine(code: string): string {
  const lines = code.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.find((l) => !/^(import|from) /.test(l)) ?? lines[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * Runs the Python script `code` (which may import h5py) with `args` as `sys.argv[1:]` and returns
 * its stdout; throws as {@link python} does.
 * @example const n = Number(runH5py('import h5py, sys; print(len(h5py.File(sys.argv[1], "r")))', file));
 */
export function runH5py(code: string, ...args: string[]): string {
  return python(['-c', code, ...args]);
}

/**
 * Runs the Python script `code` with `args` as {@link runH5py} does and parses what it printed
 * as JSON (the script prints one `json.dumps(...)`).
 * @example const names = runH5pyJson<string[]>('import h5py, json, sys; print(json.dumps(list(h5py.File(sys.argv[1], "r"))))', file);
 */
export function runH5pyJson<T = any>(code: string, ...args: string[]): T {
  return JSON.parse(runH5py(code, ...args)) as T;
}

/**
 * Why the Python script `code` fails with `args` (the Error message of {@link runH5py}), or ''
 * when it runs; for `assert.is(pythonProblem(...), '', where)`, which shows the traceback.
 * @example assert.is(pythonProblem('import h5py'), '', 'install python3-h5py');
 */
export function pythonProblem(code: string, ...args: string[]): string {
  try {
    runH5py(code, ...args);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}
