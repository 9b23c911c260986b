/**
 * pypet's view of a file against h5traj's dump of it (issue 11's acceptance): pypet 0.7 loads each
 * trajectory with a plain `f_load(load_all=2)` — no `force` — through `scripts/pypet-view.py`,
 * and its manifest is compared with what `h5traj dump --json` prints (the same code, run in this
 * process to save a process start per file). One Python process checks a whole batch, since
 * importing pypet costs about a second.
 *
 * Needs pypet 0.7's source (`H5TRAJ_PYPET_SOURCE`, default `/tmp/ex-pypet`, a checkout of
 * github.com/SmokinCaterpillar/pypet) and Debian's python3-tables, python3-pandas, python3-scipy.
 * pypet is on neither npm nor Debian, so a fresh CI machine has no pypet: there the checks that
 * need it are not registered (they are not counted as passed) and one line on stderr says how
 * many were left out. `H5TRAJ_REQUIRE_PYPET=1` turns a missing pypet into a failing test instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trajectoryManifest } from '../../src/cli/manifest.js';
import { openTrajectory, trajectoryNames } from '../../src/cli/open.js';
import { stringifyManifest } from '../../src/cli/manifest-values.js';
import { PYTHON, inTempDir, python } from '../helpers.js';

export { PYTHON };
export const PYPET_SOURCE = process.env.H5TRAJ_PYPET_SOURCE || '/tmp/ex-pypet';
const VIEW_SCRIPT = fileURLToPath(new URL('../../scripts/pypet-view.py', import.meta.url));

/** One trajectory to compare; `dynamic_imports` are pypet's (`module.Class`), found in `sys_path`. */
export interface ViewCheck {
  file: string;
  trajectory: string;
  dynamic_imports?: string[];
  sys_path?: string[];
}

/** pypet's verdict on one trajectory: the differences from h5traj's dump, or why pypet failed. */
export interface ViewResult {
  file: string;
  trajectory: string;
  leaves?: number;
  groups?: number;
  differences?: string[];
  error?: string;
}

/** The environment that lets Python import pypet from its source. */
export function pypetEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [PYPET_SOURCE, process.env.PYTHONPATH].filter(Boolean).join(':') };
}

/** Why pypet 0.7 cannot be imported here with the Python packages it needs, or undefined (checked once per process). */
const PYPET_PROBLEM = pypetImportProblem();

/** Whether pypet 0.7 imports here. */
export const PYPET_AVAILABLE = PYPET_PROBLEM === undefined;

/** Why pypet 0.7 cannot be imported, or undefined when it can. */
function pypetImportProblem(): string | undefined {
  try {
    const version = python(['-c', 'import pypet, tables, pandas, scipy; print(pypet.__version__)'], { env: pypetEnv() }).trim();
    return version === '0.7.0' ? undefined : `pypet is version ${version || '(none printed)'}, not 0.7.0`;
  } catch (e) {
    return (e as Error).message.trim().split('\n').at(-1);
  }
}

let leftOut = 0;
process.on('exit', () => {
  if (leftOut > 0) process.stderr.write(`pypet 0.7 is not importable from '${PYPET_SOURCE}': ${leftOut} check${leftOut === 1 ? '' : 's'} against pypet were not run (set H5TRAJ_PYPET_SOURCE to a pypet 0.7 checkout to run them).\n`);
});

/** Counts a check against pypet that this machine cannot run; with H5TRAJ_REQUIRE_PYPET=1 it fails instead. */
function leaveOut(): void {
  if (process.env.H5TRAJ_REQUIRE_PYPET === '1') assertPypetAvailable();
  leftOut++;
}

/** A test that needs pypet itself: registered only where pypet imports (see the module comment). */
export function pypetTest(name: string, fn: () => unknown): void {
  if (PYPET_AVAILABLE) test(name, fn as () => void);
  else leaveOut();
}

/** Fails with what to install when pypet 0.7 cannot be imported. */
export function assertPypetAvailable(): void {
  assert.ok(
    PYPET_AVAILABLE,
    `pypet 0.7.0 cannot be imported from '${PYPET_SOURCE}' (${PYPET_PROBLEM}): put pypet's source there (or set H5TRAJ_PYPET_SOURCE) and install python3-tables python3-pandas python3-scipy.`,
  );
}

/** Every trajectory in `file`, as checks. */
export const checksFor = (file: string, extra: Omit<ViewCheck, 'file' | 'trajectory'> = {}): ViewCheck[] =>
  trajectoryNames(file).map((trajectory) => ({ file, trajectory, ...extra }));

/**
 * Dumps each trajectory as `h5traj dump --json` does and has pypet compare its own view.
 * Resolves when the one Python process ends (awaiting it keeps the test runner's event loop free).
 */
export function pypetViews(checks: readonly ViewCheck[]): Promise<ViewResult[]> {
  return inTempDir('pypet-view', async (dir) => {
    const spec = checks.map((c, i) => {
      const dump = join(dir, `dump-${i}.json`);
      const traj = openTrajectory(c.file, { trajectory: c.trajectory }, { load_all: 2 });
      writeFileSync(dump, stringifyManifest({ file: c.file, ...trajectoryManifest(traj) }, 1));
      return { ...c, dump };
    });
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const { code, stdout, stderr } = await run(PYTHON, [VIEW_SCRIPT, '--batch', specFile], pypetEnv());
    assert.is(code, 0, `scripts/pypet-view.py failed: ${stderr.slice(-2000)}`);
    return JSON.parse(stdout) as ViewResult[];
  });
}

/**
 * Asserts that pypet loads every trajectory of `file` without `force` and sees what h5traj's dump
 * shows, except the differences listed in `known` (each one a documented gap, matched exactly so
 * that a closed gap shows up here too).
 */
export async function assertSameAsPypet(file: string, extra: Omit<ViewCheck, 'file' | 'trajectory'> = {}, known: readonly string[] = []): Promise<void> {
  assert.ok(existsSync(file), `the port wrote no file at ${file}`);
  if (!PYPET_AVAILABLE) return leaveOut();
  for (const r of await pypetViews(checksFor(file, extra))) {
    assert.is(r.error, undefined, `pypet could not load trajectory '${r.trajectory}' of ${file}: ${r.error}`);
    assert.ok((r.leaves ?? 0) > 0, `pypet sees no leaves in '${r.trajectory}' of ${file}`);
    assert.equal(r.differences, [...known], `pypet's view of '${r.trajectory}' in ${file} differs from h5traj's dump`);
  }
}

/** Runs a process to its end without blocking the event loop. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Example 05's FunctionParameter (examples 05 and 06 use it), imported from the Python original so pypet can load the file. */
export const EX05_IMPORTS: Omit<ViewCheck, 'file' | 'trajectory'> = {
  dynamic_imports: ['example_05_custom_parameter.FunctionParameter'],
  sys_path: [join(PYPET_SOURCE, 'examples')],
};
