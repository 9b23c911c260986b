/**
 * The `h5traj` program as a whole: `--version`, `h5traj` alone, shell completion, and help text
 * wrapped to the terminal on a TTY but not at all when piped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, h5traj } from './cli-helpers.js';

const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--version (and -V) prints the package version', () => {
  for (const flag of ['--version', '-V']) {
    const r = h5traj([flag]);
    assert.is(r.code, 0);
    assert.is(r.stdout, `${pkg.version}\n`);
  }
});

test('h5traj alone prints the help on stdout and exits 0', () => {
  const r = h5traj([]);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, /Commands:|Name a command/);
  assert.match(r.stdout, /^h5traj <command> FILE \[options\]/);
  for (const cmd of ['run', 'info', 'tree', 'find', 'get', 'export', 'merge', 'completion']) assert.match(r.stdout, new RegExp(`h5traj ${cmd}\\b`));
});

test('an unknown command is still a usage error (exit 2)', () => {
  const r = h5traj(['frobnicate']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /Unknown argument: frobnicate/);
});

test('h5traj completion prints a bash completion script whose completer lists the commands', () => {
  const r = h5traj(['completion']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /###-begin-h5traj-completions-###/);
  assert.match(r.stdout, /complete -o bashdefault -o default -F _h5traj_yargs_completions h5traj/);
  const words = h5traj(['--get-yargs-completions', 'h5traj', '']).stdout.split('\n');
  for (const cmd of ['run', 'info', 'export', 'merge']) assert.ok(words.includes(cmd), `completes ${cmd}`);
});

test('piped --help is not wrapped: every description stays on its line', () => {
  const r = h5traj(['dump', '--help']);
  assert.is(r.code, 0);
  const describe = r.stdout.split('\n').find((l) => l.startsWith('print every node'));
  assert.is(describe, 'print every node, value and run of a trajectory (all of them with --json when the file holds several)');
  assert.ok(r.stdout.split('\n').some((l) => l.length > 100), 'long lines are kept whole');
});

test('--help on a TTY wraps to the terminal width', () => {
  // `script` gives the program a pseudo-terminal; stty sets its width to 60 columns.
  const r = spawnSync('script', ['-qec', `stty cols 60; ${process.execPath} ${BIN} dump --help`, '/dev/null'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.replace(/\r/g, '').split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length > 10, r.stdout);
  for (const line of lines) assert.ok(line.length <= 60, `'${line}' fits in 60 columns`);
});

test.run();
