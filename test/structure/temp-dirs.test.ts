/**
 * Tests leave nothing in the temp folder (os.tmpdir()): every temp folder a test makes there
 * comes from test/helpers.ts (`tempDir`, removed when the test process exits; `inTempDir`,
 * removed after its function), and the library leaves no temporary file behind.
 *
 * Checked two ways: the test sources are scanned for a folder made in the temp folder any other
 * way, and a few representative suites (with the library writing, renaming, locking and failing,
 * and with a suite that fails on purpose) run in a fresh TMPDIR that must be empty afterwards.
 * Together they take a few seconds; the whole suite in a fresh TMPDIR is the thorough check
 * (`TMPDIR=$(mktemp -d) npm run test:all`, then the folder must be empty).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inTempDir } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEST = path.join(ROOT, 'test');
const LOADER = path.join(ROOT, 'scripts/loader/register.mjs');
const UVU = path.join(ROOT, 'node_modules/uvu/bin.js');

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testSources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

test('test sources make temp folders only through test/helpers.ts', () => {
  // mkdtemp (or mkdir) of a path built from tmpdir() or TMPDIR: a folder nobody removes.
  const direct = /mkd(?:temp|ir)(?:Sync)?\([^)]*(?:tmpdir\(\)|TMPDIR)/;
  const found: string[] = [];
  for (const file of testSources(TEST)) {
    if (file === path.join(TEST, 'helpers.ts')) continue;
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (direct.test(line)) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.equal(found, [], `use tempDir/inTempDir from test/helpers.ts instead:\n${found.join('\n')}`);
  assert.ok(testSources(TEST).length > 100, 'the scan saw the test files');
});

/** Runs the uvu suites `pattern` of test/`dir` with TMPDIR = a fresh folder; returns what is left in it. */
function leftAfter(dir: string, pattern: string): { code: number | null; left: string[]; output: string } {
  return inTempDir('leak-check', (tmp) => {
    const r = spawnSync(process.execPath, ['--import', LOADER, UVU, path.join('test', dir), pattern], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
    });
    return { code: r.status, left: fs.readdirSync(tmp), output: r.stdout + r.stderr };
  });
}

test('a suite that fails leaves no temp folder', () => {
  const r = leftAfter('structure', '^failing-suite\\.ts$');
  assert.is(r.code, 1, `the suite fails on purpose: ${r.output}`);
  assert.match(r.output, /fails on purpose/);
  assert.equal(r.left, [], 'left in TMPDIR');
});

for (const [dir, pattern] of [
  ['storage', '^(temps|lock)\\.test\\.ts$'],
  ['cli', '^get\\.test\\.ts$'],
  ['environment', '^journals-beside\\.test\\.ts$'],
] as const) {
  test(`test/${dir} ${pattern} leaves no temp folder`, () => {
    const r = leftAfter(dir, pattern);
    assert.is(r.code, 0, r.output);
    assert.match(r.output, /Passed:\s+[1-9]/);
    assert.equal(r.left.filter((n) => n.startsWith('h5traj')), [], 'left in TMPDIR');
  });
}

test.run();
