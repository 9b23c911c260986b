/**
 * `export --format csv`'s lines (src/cli/csv.ts) and the line sink they stream through
 * (src/cli/sink.ts): RFC 4180 quoting, the text of every cell type, bytes written exactly as
 * given (multi-byte characters, lines longer than a chunk), and no garbage that outlives V8's
 * young generation, for CSV lines and for `get`'s table lines: at a million runs such garbage
 * made the export peak at 600 MB and `get` at 530 MB (issue 13).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvCell, csvHeader, csvLine } from '../../src/cli/csv.js';
import { fileSink } from '../../src/cli/sink.js';
import { numberText } from '../../src/values/text.js';
import { tempDir } from '../helpers.js';

const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const PROBE = fileURLToPath(new URL('./old-space-probe.ts', import.meta.url));
const dir = tempDir('h5traj-csv-');

test('cells: numbers as JavaScript writes them, booleans as words, null empty, bigint exact', () => {
  const cases: [unknown, string][] = [
    [0, '0'], [-0, '0'], [0.1 + 0.2, '0.30000000000000004'], [1e21, '1e+21'], [-1.5e-7, '-1.5e-7'], [123456789012, '123456789012'],
    [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
    [true, 'true'], [false, 'false'], [null, ''], [undefined, ''],
    [2n ** 64n, '18446744073709551616'], ['', ''], ['plain', 'plain'],
  ];
  for (const [value, text] of cases) assert.is(csvCell(value), text, String(value));
});

test('cells: quoted when they hold a comma, a quote or a line break; quotes inside doubled', () => {
  assert.is(csvCell('a,b'), '"a,b"');
  assert.is(csvCell('say "hi"'), '"say ""hi"""');
  assert.is(csvCell('two\nlines'), '"two\nlines"');
  assert.is(csvCell('cr\r'), '"cr\r"');
  assert.is(csvCell("it's; fine"), "it's; fine");
  assert.is(csvCell('[1, 2]'), '"[1, 2]"');
  assert.is(csvCell({ a: 1 }), '"{""a"":1}"');
});

test('lines: the record values under the columns, in their order, missing ones empty', () => {
  const columns = ['run', 'idx', 'x', 'label', 'missing'];
  assert.is(csvHeader(columns), 'run,idx,x,label,missing');
  assert.is(csvHeader(['a,b', 'c']), '"a,b",c');
  assert.is(csvLine(columns, { label: 'x, y', x: 0.5, idx: 3, run: 'run_00000003' }), 'run_00000003,3,0.5,"x, y",');
});

test('the file sink writes every line exactly: multi-byte characters, chunk edges, a line longer than a chunk', async () => {
  const target = path.join(dir, 'lines.txt');
  const sink = fileSink(target);
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(`${i},naïve,日本語,🙂,${'x'.repeat(i % 97)}`);
  lines.splice(2500, 0, 'é'.repeat(70_000), '🙂'.repeat(40_000), '');
  for (const line of lines) await sink.write(line);
  await sink.end();
  assert.is(fs.readFileSync(target, 'utf8'), `${lines.join('\n')}\n`);
});

for (const format of ['csv', 'table']) {
  test(`streaming ${format === 'csv' ? "export's CSV" : "get's table"} lines leaves no garbage for the old generation (promoted < 8 bytes a line)`, () => {
    // In a child with a 1 MB young generation, so that V8 scavenges every ~40 lines: anything a
    // line's text keeps alive across scavenges is promoted. String(number) did (V8's number-to-
    // string cache holds the strings: ~40 bytes a line for the cells, ~24 for the run name), and
    // so did a chunk gathered as a string (~650 bytes a line); now it is well under a byte.
    const out = path.join(dir, `probe.${format}`);
    const r = spawnSync(process.execPath, ['--min-semi-space-size=1', '--max-semi-space-size=1', '--import', LOADER, PROBE, out, '100000', format], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const { promoted_per_line, scavenges } = JSON.parse(r.stdout) as { promoted_per_line: number; scavenges: number };
    assert.ok(scavenges > 100, `only ${scavenges} scavenges: the probe did not exercise the young generation`);
    assert.ok(promoted_per_line < 8, `${promoted_per_line.toFixed(1)} bytes a line were promoted to the old generation`);
    assert.is(fs.readFileSync(out, 'utf8').split('\n').length, 100_000 + 1000 + 3);
  });
}

test('numberText writes what String writes', () => {
  const values = [0, -0, 1, -1, 0.1, 1 / 3, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-7, 123e-20, Number.MAX_VALUE, Number.MIN_VALUE, -5e-324, NaN, Infinity, -Infinity];
  // A fixed-seed generator (mulberry32), so that a failure names a value that fails again.
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 10_000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
  for (const v of values) assert.is(numberText(v), String(v), `numberText(${String(v)})`);
});

test.run();
