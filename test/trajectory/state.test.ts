/**
 * Shared state behind symbols: a trajectory's state (`trajectoryState`) and a node's
 * (`nodeState`, `groupState`) are reached through the natural-naming Proxy, follow the public
 * API, and no module outside the owning classes reaches into underscore fields; the trajectory's
 * helper modules do not import the Trajectory class.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cartesian_product, Trajectory } from '../../src/index.js';
import { groupState, NNGroupNode } from '../../src/tree/group.js';
import { nodeState } from '../../src/tree/node.js';
import { trajectoryState } from '../../src/trajectory/state.js';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

test('the trajectory state follows the public API, through the Proxy', () => {
  const traj = new Trajectory('t', { add_time: false });
  traj.f_add_parameter('x', 1);
  traj.f_explore(cartesian_product({ x: [1, 2, 3] }));
  const state = trajectoryState(traj);
  assert.is(state.runs.length, 3);
  assert.equal([...state.explored.keys()], ['parameters.x']);
  assert.is(state.identity.name, traj.v_name);
  traj.f_as_run(2);
  assert.is(state.idx, 2);
  traj.f_restore_default();
  assert.is(state.idx, -1);
  traj.f_migrate({ new_name: 'renamed' });
  assert.is(traj.v_name, 'renamed');
  assert.is(state.identity.name, 'renamed');
});

test('node and group state: parent, root, stored, children, links', () => {
  const traj = new Trajectory('t', { add_time: false });
  const x = traj.f_add_parameter('g.x', 1);
  const g = traj.f_get('parameters.g');
  assert.ok(g instanceof NNGroupNode);
  assert.is(nodeState(x).parent, g);
  assert.is(nodeState(x).root, traj);
  assert.equal([...groupState(g).children.keys()], ['x']);
  traj.f_add_link('xl', x);
  assert.is(groupState(traj).links.get('xl'), x);
  assert.is(traj.xl, 1, 'natural naming still follows the link');
  assert.not.ok(x.v_stored);
  traj.f_migrate({ in_store: true });
  assert.ok(x.v_stored);
  assert.ok(nodeState(x).stored);
});

test('underscore names are not state any more: natural naming treats them as non-names', () => {
  const traj = new Trajectory('t', { add_time: false });
  for (const name of ['_runs', '_explored', '_idx', '_children', '_stored', '_parent']) {
    assert.is((traj as unknown as Record<string, unknown>)[name], undefined, name);
  }
});

const FIELDS = /(?<![\w$])(?!this\b)[\w$]+\??\._(runs|explored|idx|singleRun|runAdded|index|linkIndex|presets|dynamicImports|trajName|time|timestamp|version|python|stored|parent|root|annotations|children|links)\b/;

test('no module reaches into the underscore state fields of another object', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(SRC)) {
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (FIELDS.test(line)) offenders.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.equal(offenders, []);
});

test("trajectory/ helper modules do not import the Trajectory class (no import cycle with trajectory.ts)", () => {
  const dir = path.join(SRC, 'trajectory');
  const importers = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'trajectory.ts')
    .filter((f) => /from '\.\/trajectory\.js'/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  assert.equal(importers, []);
});

test.run();
