/** `env.run`'s answer gathered without a pair per run (issue 13): the pairs come out in run order. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunResults } from '../../src/environment/run-results.js';

test('runs finishing out of order come back in run order, with their return values', () => {
  const r = new RunResults();
  r.add(3, 'three');
  r.add(0, undefined);
  r.add(2, { two: 2 });
  r.add(1, 0);
  assert.equal(r.list(), [[0, undefined], [1, 0], [2, { two: 2 }], [3, 'three']]);
});

test('thousands of runs (past the first storage) keep every index', () => {
  const r = new RunResults();
  const n = 5000;
  for (let i = n - 1; i >= 0; i--) r.add(i, i % 1000 === 0 ? i : undefined);
  const list = r.list();
  assert.is(list.length, n);
  assert.ok(list.every(([idx], i) => idx === i));
  assert.equal(list.filter(([, v]) => v !== undefined).map(([, v]) => v), [0, 1000, 2000, 3000, 4000]);
});

test.run();
