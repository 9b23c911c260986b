/** Shared test helpers. */
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
