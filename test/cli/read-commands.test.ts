/**
 * What every read command shares: `--help` with examples, usage errors (exit 2), missing and
 * non-HDF5 files (exit 1, one line naming the file), `--trajectory`/`--index`, and stdout that
 * holds only data (JSON that parses) while notes go to stderr.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, h5traj } from './cli-helpers.js';
import { tempDir } from './cli-files.js';

const TWO = path.join(FIXTURES, 'two_trajectories.hdf5');

/** Each read command with the arguments it needs besides the file. */
const COMMANDS: [string, string[]][] = [
  ['info', []],
  ['tree', []],
  ['find', []],
  ['get', ['r']],
  ['schema', []],
  ['export', ['--format', 'jsonl']],
  ['dump', []],
];

test('--help of every command shows its usage and an example', () => {
  for (const [name] of [...COMMANDS, ['verify', []] as [string, string[]]]) {
    const r = h5traj([name, '--help']);
    assert.is(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`h5traj ${name} <file>`));
    assert.match(r.stdout, /Examples:\n\s+h5traj /, name);
  }
  const top = h5traj(['--help']);
  for (const name of ['tree', 'find', 'get', 'schema', 'export', 'verify']) assert.match(top.stdout, new RegExp(`h5traj ${name} <file>`));
});

test('usage errors exit 2 with a hint: no file, an unknown option, --trajectory with --index', () => {
  for (const [name, extra] of COMMANDS) {
    const cases = [[name], [name, TWO, ...extra, '--bogus']];
    // The pick options are shared by every read command; two of them stand for all.
    if (name === 'find' || name === 'export') cases.push([name, TWO, ...extra, '--trajectory', 'first', '--index', '0']);
    for (const args of cases) {
      const r = h5traj(args);
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.is(r.stdout, '');
      assert.match(r.stderr, /h5traj --help/);
    }
  }
});

test('a missing file and a file that is not HDF5: exit 1, one line naming the file', () => {
  const dir = tempDir();
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'not hdf5');
  for (const [name, extra] of COMMANDS) {
    for (const [file, pattern] of [[path.join(dir, 'missing.hdf5'), /does not exist/], [text, /not an HDF5 file/]] as const) {
      const r = h5traj([name, file, ...extra]);
      assert.is(r.code, 1, `${name} ${file}: ${r.stderr}`);
      assert.is(r.stdout, '');
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.ok(r.stderr.includes(file), r.stderr);
    }
  }
});

test('--json output is data only: it parses, whichever trajectory is picked', () => {
  for (const [name, extra] of [['tree', ['--depth', '1']], ['find', []], ['schema', []], ['info', []]] as [string, string[]][]) {
    for (const pick of [['--trajectory', 'first'], []]) {
      const r = h5traj([name, TWO, ...extra, '--json', ...pick]);
      assert.is(r.code, 0, `${name} ${pick.join(' ')}: ${r.stderr}`);
      assert.not.throws(() => JSON.parse(r.stdout), `${name}: ${r.stdout}`);
    }
  }
  const first = JSON.parse(h5traj(['find', TWO, '--json', '--index', '0']).stdout) as { a: number }[];
  assert.equal(first.map((r) => r.a), [1, 2]);
  const second = JSON.parse(h5traj(['schema', TWO, '--json', '--index', '-1']).stdout) as { name: string }[];
  assert.equal(second.map((s) => s.name), ['parameters.a', 'parameters.b']);
});

test('a trajectory name the file does not hold: exit 1 listing the names', () => {
  for (const [name, extra] of COMMANDS.filter(([n]) => n !== 'info')) {
    const r = h5traj([name, TWO, ...extra, '--trajectory', 'third']);
    assert.is(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /no trajectory 'third'; it holds: first, second/);
  }
});

test.run();
