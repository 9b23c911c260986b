/**
 * The README runs as written: in a fresh clone of the committed repository, its set-up commands
 * (the block after `<!-- readme-setup`), then every `$` line of the command-line walk-through
 * (the block after `<!-- readme-walkthrough -->`), each compared with the output the README shows
 * (creation times masked); and the first example, whose `// value` comments must be what the
 * expressions return. Needs git and npm (the registry, or the packages in npm's cache).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './cli/cli-files.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const clone = path.join(tempDir(), 'clone');
let readme = '';

/** The fenced block that follows `marker` in the README. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `the README has the marker ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `a fenced block follows ${marker}`);
  return m![1]!;
}

function sh(command: string): { code: number; output: string } {
  const r = spawnSync('bash', ['-c', `${command} 2>&1`], { cwd: clone, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status ?? -1, output: r.stdout };
}

/** Masks what differs from one run to the next: creation times such as 2026_12_03_07h58m11s. */
const mask = (text: string) => text.replace(/\d{4}_\d\d_\d\d_\d\dh\d\dm\d\ds/g, '<time>').split('\n').map((l) => l.trimEnd()).join('\n').trim();

test.before(() => {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
  execFileSync('git', ['checkout', '--quiet', head], { cwd: clone });
  readme = fs.readFileSync(path.join(clone, 'README.md'), 'utf8');
  for (const line of blockAfter('<!-- readme-setup').split('\n')) {
    const command = line.replace(/\s+#.*$/, '').trim();
    if (!command) continue;
    const r = sh(command);
    assert.is(r.code, 0, `set-up '${command}' failed:\n${r.output}`);
  }
});

test('every $ line of the walk-through prints what the README shows', () => {
  const block = blockAfter('<!-- readme-walkthrough -->');
  const steps = block.split(/^\$ /m).slice(1).map((s) => {
    const [command, ...shown] = s.split('\n');
    return { command: command!, shown: shown.join('\n') };
  });
  assert.ok(steps.length >= 4, 'the walk-through has its commands');
  for (const { command, shown } of steps) {
    const r = sh(command);
    assert.is(r.code, 0, `${command}:\n${r.output}`);
    assert.fixture(mask(r.output), mask(shown), command);
  }
});

test("the first example's comments are what its expressions return", () => {
  const start = readme.indexOf('## A first example');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
  const checks: string[] = [];
  // An analysis line `t.…;  // value (remark)` or `[...t.…];  // value` becomes a print of its value.
  const program = code.split('\n').map((line) => {
    const m = /^((?:\[\.\.\.)?t\..*?);\s*\/\/\s*([[\d{'M].*)$/.exec(line);
    if (!m) return line;
    checks.push(m[2]!.replace(/\s\([a-z][^)]*\)$/, ''));
    return `console.log('@@' + inspect(${m[1]}, { breakLength: Infinity, maxArrayLength: Infinity }));`;
  });
  assert.ok(checks.length >= 4, 'the example shows values');
  fs.writeFileSync(path.join(clone, 'first-example.ts'), `import { inspect } from 'node:util';\n${program.join('\n')}`);
  const r = spawnSync(process.execPath, ['--import', './scripts/loader/register.mjs', 'first-example.ts'], { cwd: clone, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const printed = r.stdout.split('\n').filter((l) => l.startsWith('@@')).map((l) => l.slice(2));
  assert.is(printed.length, checks.length);
  const squash = (s: string) => s.replace(/\s+/g, '');
  checks.forEach((shown, i) => {
    const [prefix, rest] = squash(shown).split('…');
    if (rest === undefined) assert.is(squash(printed[i]!), prefix, `comment '${shown}'`);
    else assert.ok(squash(printed[i]!).startsWith(prefix!), `'${printed[i]}' starts as the comment '${shown}' says`);
  });
});

test.run();
