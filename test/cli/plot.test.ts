/**
 * `h5traj plot`: a scalar result against an explored parameter, as lines (one per value of
 * another parameter) or a heat map, to SVG and PNG. The SVG's marks carry their data as
 * aria-labels (Vega writes them), so the test reads back what was drawn. (The pictures were also
 * rendered to PNG and looked at while writing this command.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { h5traj } from './cli-helpers.js';
import { tempDir } from './cli-files.js';

const dir = tempDir();
const FILE = path.join(dir, 'grid.hdf5');
const MODULE = path.join(dir, 'grid.mjs');
fs.writeFileSync(MODULE, `
export const name = 'grid';
export function setup(traj) {
  traj.f_add_parameter('a', 1.0);
  traj.f_add_parameter('b', 1.0);
  traj.f_add_parameter('c', 'u');
  traj.f_explore({ a: [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3].map(Number), b: [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2].map(Number), c: ['u', 'u', 'u', 'u', 'u', 'u', 'v', 'v', 'v', 'v', 'v', 'v'] });
}
export function run(traj) {
  traj.f_add_result('out', { s: traj.a * 10 + traj.b, arr: new Float64Array([1, 2]) });
}
`);

test.before(() => {
  const r = h5traj(['run', MODULE, '--file', FILE, '--quiet']);
  assert.is(r.code, 0, r.stderr);
});

/** The data of every mark of one kind, from the aria-labels Vega writes ("a: 1; out.s: 11; b: 1"). */
function marks(svg: string, kind: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="${kind}"`, 'g'))].map((m) =>
    Object.fromEntries(m[1]!.split('; ').map((kv) => kv.split(': ') as [string, string])),
  );
}

test('lines: one per value of --by, a point per run with its value', () => {
  const out = path.join(dir, 'lines.svg');
  const r = h5traj(['plot', FILE, 'out.s', '--x', 'a', '--by', 'b', '--where', 'c=u', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /wrote .*lines\.svg: out\.s of 6 runs\./);
  const svg = fs.readFileSync(out, 'utf8');
  assert.is(marks(svg, 'line mark').length, 2);
  const points = marks(svg, 'point');
  assert.is(points.length, 6);
  for (const p of points) assert.is(Number(p['out.s']), Number(p.a) * 10 + Number(p.b));
  assert.match(svg, />out\.s against a by b</);
});

test('a heat map over --x and --y, to PNG', () => {
  const svgFile = path.join(dir, 'heat.svg');
  assert.is(h5traj(['plot', FILE, 'out.s', '--x', 'a', '--y', 'b', '--where', 'c=v', '--out', svgFile]).code, 0);
  const cells = marks(fs.readFileSync(svgFile, 'utf8'), 'rect mark');
  assert.is(cells.length, 6);
  assert.equal(cells.map((c) => Number(c['out.s'])).sort((x, y) => x - y), [11, 12, 21, 22, 31, 32]);
  const png = path.join(dir, 'heat.png');
  const r = h5traj(['plot', FILE, 'out.s', '--x', 'a', '--y', 'b', '--where', 'c=v', '--out', png]);
  assert.is(r.code, 0, r.stderr);
  const bytes = fs.readFileSync(png);
  assert.equal([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.ok(bytes.readUInt32BE(16) > 400 && bytes.readUInt32BE(20) > 300, 'drawn at a readable size');
});

test('usage errors name the problem: an array result, runs sharing a point, unknown parameter, format', () => {
  const cases: [string[], number, RegExp][] = [
    [['plot', FILE, 'out.arr', '--out', path.join(dir, 'x.png')], 2, /plot draws one number per run, but 'out\.arr' is an array of shape \[2\] in run 0/],
    [['plot', FILE, 'out.s', '--x', 'a', '--by', 'b', '--out', path.join(dir, 'x.png')], 2, /Several runs share a=1 and b=1: they differ in c\. Fix those with --where/],
    [['plot', FILE, 'out.s', '--x', 'zz', '--out', path.join(dir, 'x.png')], 2, /--x names an explored parameter; 'zz' is not one \(explored: a, b, c\)\./],
    [['plot', FILE, 'out.s', '--out', path.join(dir, 'x.pdf')], 2, /--out must name a \.svg or \.png file, not '.*x\.pdf'\./],
    [['plot', FILE, 'nothing', '--out', path.join(dir, 'x.png')], 1, /No run of 'grid' has 'nothing'/],
  ];
  for (const [args, code, message] of cases) {
    const r = h5traj(args);
    assert.is(r.code, code, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.not.ok(fs.existsSync(path.join(dir, 'x.png')), 'nothing written on an error');
});

test.run();
