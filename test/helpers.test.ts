/**
 * The shared test helpers for Python scripts (test/helpers.ts): a script's stdout comes back
 * (parsed as JSON by `runH5pyJson`), a failing script is an Error naming the script, its exit
 * status and its stderr, and no test file runs the project's Python some other way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { python, pythonProblem, runH5py, runH5pyJson } from './helpers.js';

const TEST = fileURLToPath(new URL('.', import.meta.url));

test('runH5pyJson returns what the script printed, parsed; runH5py the text', () => {
  assert.equal(runH5pyJson('import json, sys\nprint(json.dumps({"args": sys.argv[1:], "n": 1.5}))', 'a', 'b c'), { args: ['a', 'b c'], n: 1.5 });
  assert.is(runH5py('import sys; print(sys.argv[1])', 'x'), 'x\n');
  assert.is(pythonProblem('import h5py'), '', 'h5py imports (apt-get install python3-h5py)');
});

test("python writes the input option to the script's stdin", () => {
  assert.is(python(['-c', 'import sys; print(sys.stdin.read()[::-1])'], { input: 'abc' }), 'cba\n');
});

test('a failing script is an Error naming its first line, its arguments, its exit status and its stderr', () => {
  try {
    runH5py('import sys\nprint("never read")\nsys.exit("no file " + sys.argv[1])', 'f.h5');
    assert.unreachable('the script failed');
  } catch (e) {
    assert.instance(e, Error);
    assert.is((e as Error).message, '/usr/bin/python3 script "print(\\"never read\\")" on f.h5 exited with status 1:\nno file f.h5');
  }
  assert.match(pythonProblem('import no_such_module_here'), /exited with status 1:\n[\s\S]*ModuleNotFoundError: No module named 'no_such_module_here'$/);
});

/**
 * A child_process call (spawn, execFile, exec, sync or not) whose command is the PYTHON constant,
 * a local `PY`, or a literal python3 path: a script run that way has no error naming the script and
 * its stderr, and misses the helper's buffer size.
 */
const RUNS_PYTHON = /\b(?:spawn|execFile|exec)(?:Sync)?\(\s*(?:PYTHON\b|PY\b|(['"`])(?:\/usr\/bin\/)?python3\1)/;

test('the check below finds each way of running Python directly, and not other commands', () => {
  for (const call of ["spawnSync(PYTHON, ['-c', code])", "execFileSync(PY, ['-c', code], { input })", "execSync(PYTHON + ' x.py')",
    "spawnSync('/usr/bin/python3', ['-c', code])", 'execFileSync("python3", [script])', "spawn(\n  '/usr/bin/python3', [])", 'execFileSync(`python3`, [])']) {
    assert.ok(RUNS_PYTHON.test(call), call);
  }
  for (const call of ["spawnSync('h5dump', [file])", 'spawnSync(process.execPath, [CLI])', "spawnSync('bash', ['-c', 'python3 x'])", "execFileSync(PYTHONPATH, [])", "spawnSync('python3-config', [])"]) {
    assert.not.ok(RUNS_PYTHON.test(call), call);
  }
});

test('test files run Python scripts only through test/helpers.ts', () => {
  const found: string[] = [];
  // helpers.ts runs Python for everyone; this file holds the check's samples above.
  const allowed = [join(TEST, 'helpers.ts'), fileURLToPath(import.meta.url)];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mjs)$/.test(entry.name) && !allowed.includes(file) && RUNS_PYTHON.test(readFileSync(file, 'utf8'))) found.push(relative(TEST, file));
    }
  };
  walk(TEST);
  assert.equal(found, [], 'use python, runH5py, runH5pyJson or pythonProblem from test/helpers.ts');
});

test.run();
