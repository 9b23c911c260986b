import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nameProblem, splitAndCheck, translateWildcards, runName, runSetName, runIndexOf } from '../../src/tree/names.js';
import { InvalidNameError } from '../../src/errors.js';

test('valid names follow pypet: letters, digits, _ and -, may start with a digit', () => {
  for (const ok of ['x', 'param1', '1abc', 'a-b', 'run_00000001', 'A_b_C']) assert.is(nameProblem(ok), undefined, ok);
});

test('each refusal names the bad part and why', () => {
  assert.match(nameProblem('_x')!, /'_x' starts with an underscore/);
  assert.match(nameProblem('f_get')!, /'f_get' starts with 'f_'/);
  assert.match(nameProblem('v_name')!, /reserved for the API/);
  assert.match(nameProblem('a b')!, /contains ' '/);
  assert.match(nameProblem('grüß')!, /'ü', 'ß'/);
  assert.match(nameProblem('')!, /may not be empty/);
  assert.match(nameProblem('x'.repeat(128))!, /128 characters long; the limit is 127/);
  assert.match(nameProblem('then')!, /JavaScript itself looks up/);
  assert.match(nameProblem('vars')!, /pypet's alias of the 'v_' members/);
  assert.is(nameProblem('constructor'), undefined);
  assert.throws(() => splitAndCheck('group._hidden.x'), (e: Error) => e instanceof InvalidNameError && /'group\._hidden\.x'.*'_hidden'/.test(e.message));
  assert.throws(() => splitAndCheck('a..b'), /may not be empty/);
});

test('wildcards and shortcuts translate like pypet', () => {
  assert.is(translateWildcards('$.z', 3), 'run_00000003.z');
  assert.is(translateWildcards('$.z', -1), 'run_ALL.z');
  assert.is(translateWildcards('crun.z', 12), 'run_00000012.z');
  assert.is(translateWildcards('$set.$.sq', 2345), 'run_set_00002.run_00002345.sq');
  assert.is(translateWildcards('$set', -1), 'run_set_ALL');
  assert.is(translateWildcards('res.r_5.x', -1), 'results.run_00000005.x');
  assert.is(translateWildcards('par.x', -1), 'parameters.x');
  assert.is(translateWildcards('rts_1500', -1), 'run_set_00001');
  assert.is(translateWildcards('runs.7', -1), 'runs.run_00000007');
  assert.is(runName(42), 'run_00000042');
  assert.is(runSetName(999), 'run_set_00000');
  assert.is(runIndexOf('run_00000042'), 42);
  assert.is(runIndexOf('run_ALL'), undefined);
});

test.run();
