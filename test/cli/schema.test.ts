/** `h5traj schema`: each parameter's type, exploration, distinct values and range (f_get_schema). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { FIXTURES, h5traj } from './cli-helpers.js';

const GRID = path.join(FIXTURES, 'explored_grid.hdf5');

interface Schema { name: string; type: string; explored: boolean; values: unknown[]; distinct: number; min?: number; max?: number }

test('JSON: the explored grid of pypet, one entry per parameter', () => {
  const r = h5traj(['schema', GRID, '--json']);
  assert.is(r.code, 0, r.stderr);
  const byName = Object.fromEntries((JSON.parse(r.stdout) as Schema[]).map((s) => [s.name, s]));
  assert.equal(Object.keys(byName).sort(), ['parameters.fixed', 'parameters.label', 'parameters.x', 'parameters.y']);
  assert.equal(byName['parameters.x'], { name: 'parameters.x', type: 'float', explored: true, values: [0.5, 1, 1.5], distinct: 3, min: 0.5, max: 1.5 });
  assert.equal(byName['parameters.y'], { name: 'parameters.y', type: 'int', explored: true, values: [10, 20, 30, 40], distinct: 4, min: 10, max: 40 });
  assert.equal(byName['parameters.fixed'], { name: 'parameters.fixed', type: 'int', explored: false, values: [99], distinct: 1, min: 99, max: 99 });
  assert.equal(byName['parameters.label']!.values, ['none']);
});

test('a table: floats written as floats, a cut list of values marked', () => {
  const r = h5traj(['schema', GRID, '--max-values', '2']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0]!.split(/\s+/), ['parameter', 'type', 'explored', 'distinct', 'min', 'max', 'values']);
  const x = lines.find((l) => l.startsWith('parameters.x'))!;
  assert.equal(x.split(/\s{2,}/), ['parameters.x', 'float', 'yes', '>2', '0.5', '1.5', '0.5, 1.0']);
});

test('--max-values must be a positive whole number', () => {
  const r = h5traj(['schema', GRID, '--max-values', '0']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--max-values/);
});

test.run();
