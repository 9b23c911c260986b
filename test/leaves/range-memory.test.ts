/**
 * Memory of explored ranges (issue 13): a range of a million numbers is kept as 8 bytes a value,
 * made at its final length. Alone in its file, so that no other test's leftovers are measured.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Parameter } from '../../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

test('an explored or loaded range of a million numbers takes 8 bytes a value, with no room left for growth', () => {
  const values = Array.from({ length: 1_000_000 }, (_, i) => 0.5 + 0.25 * i);
  // (once on a few values first: the code compiled on the first call is not the range's memory)
  for (const warm of [new Parameter('parameters.w', 0.0), new Parameter('parameters.v', 0.0)]) warm._explore(values.slice(0, 1000));
  new Parameter('parameters.u', 0.0)._restore(undefined, values.slice(0, 1000));
  for (const how of ['explored', 'restored'] as const) {
    const before = used();
    const p = new Parameter('parameters.x', 0.0);
    if (how === 'explored') p._explore(values);
    else p._restore(undefined, values);
    const bytes = used() - before;
    assert.ok(bytes < 8.4e6, `${how}: ${bytes} bytes (grown by push it was 11.6 MB)`);
    assert.is(p.f_get_range(false)[999_999], 0.5 + 0.25 * 999_999);
    assert.is(p.f_get_range_length(), 1_000_000);
  }
});

test.run();
