/**
 * A run's parameter summary tested without being built (issue 13: a load tests every row of a
 * million against the summary the explored values give): the test agrees with the summary it
 * stands for, labels, order and cut reprs included.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Trajectory } from '../../src/index.js';
import { derivedSummary, isDerivedSummary, parameterSummary } from '../../src/trajectory/run-summary.js';

function explored(): Trajectory {
  const traj = new Trajectory('s', { add_time: false });
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('group.x', 0);
  traj.f_add_parameter('mode', 'a');
  traj.f_add_parameter('long', 'b');
  traj.f_explore({ x: [0.5, 1, -0], 'group.x': [1, 2, 3], mode: ['a', "it's", 'x'], long: ['q'.repeat(600), 'r', 's'] });
  return traj;
}

test('the summary test agrees with the summary: labels of repeated names, -0, cut reprs, other orders', () => {
  const traj = explored();
  for (const order of [undefined, ['parameters.mode', 'parameters.group.x'], ['parameters.long', 'parameters.x', 'parameters.mode', 'parameters.group.x']]) {
    for (let i = 0; i < 3; i++) {
      const summary = parameterSummary(traj, i, order);
      assert.is(derivedSummary(traj, i, order), summary);
      assert.ok(isDerivedSummary(traj, i, summary, order), `run ${i}: ${summary}`);
      for (const other of [summary.slice(0, -1), `${summary} `, summary.replace('x: ', 'x:  '), parameterSummary(traj, (i + 1) % 3, order), '']) {
        assert.not.ok(isDerivedSummary(traj, i, other, order), `run ${i} is not '${other}'`);
      }
    }
  }
  const first = parameterSummary(traj, 0);
  assert.ok(first.includes('parameters.group.x: 1'), 'the second x is labelled with its full name');
  assert.ok(first.includes(`${'q'.repeat(508)}...`), 'a long repr is cut');
  assert.ok(parameterSummary(traj, 2).includes('x: -0.0'));
  assert.not.ok(isDerivedSummary(traj, 3, parameterSummary(traj, 2)), 'a run past the ranges has no derived summary');
  assert.is(derivedSummary(traj, 3), undefined);
});

test('the summary test follows the explored parameters as they change', () => {
  const traj = explored();
  const before = parameterSummary(traj, 1);
  assert.ok(isDerivedSummary(traj, 1, before));
  traj.f_get('parameters.long').f_unlock();
  traj.f_remove_child('parameters', { recursive: true });
  assert.is(parameterSummary(traj, 1), '');
  assert.not.ok(isDerivedSummary(traj, 1, before));
  assert.ok(isDerivedSummary(traj, 1, ''));
});

test.run();
