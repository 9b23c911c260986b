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
import { pythonProblem, runH5py, runH5pyJson } from './helpers.js';

const TEST = fileURLToPath(new URL('.', import.meta.url));

test('runH5pyJson returns what the script printed, parsed; runH5py the text', () => {
  assert.equal(runH5pyJson('import json, sys\nprint(json.dumps({"args": sys.argv[1:], "n": 1.5}))', 'a', 'b c'), { args: ['a', 'b c'], n: 1.5 });
  assert.is(runH5py('import sys; print(sys.argv[1])', 'x'), 'x\n');
  assert.is(pythonProblem('import h5py'), '', 'h5py imports (apt-get install python3-h5py)');
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

test('test files run Python scripts only through test/helpers.ts', () => {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mjs)$/.test(entry.name) && file !== join(TEST, 'helpers.ts') && /spawnSync\(PYTHON\b/.test(readFileSync(file, 'utf8'))) found.push(relative(TEST, file));
    }
  };
  walk(TEST);
  assert.equal(found, [], 'use python, runH5py, runH5pyJson or pythonProblem from test/helpers.ts');
});

test.run();
