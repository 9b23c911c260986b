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
/** Bytes of V8's heap in use after full collections (a range lives there; buffers other tests left
 * to other threads would blur a measure that also counted external memory). */
const used = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

test('an explored or loaded range of a million numbers takes 8 bytes a value, with no room left for growth', () => {
  const values = Array.from({ length: 1_000_000 }, (_, i) => 0.5 + 0.25 * i);
  for (const how of ['explored', 'restored'] as const) {
    let p: Parameter | undefined = new Parameter('parameters.x', 0.0);
    if (how === 'explored') p._explore(values);
    else p._restore(undefined, values);
    assert.is(p.f_get_range(false)[999_999], 0.5 + 0.25 * 999_999);
    assert.is(p.f_get_range_length(), 1_000_000);
    // What the parameter holds is what dropping it frees. (Not the heap's growth while exploring:
    // optimized code that has seen arrays of other kinds may rewrite the caller's own array of
    // doubles as boxed numbers on the way, as V8 does, which is that array's memory.)
    const held = used();
    p = undefined;
    const bytes = held - used();
    assert.ok(bytes > 7.9e6 && bytes < 8.4e6, `${how}: ${bytes} bytes (grown by push it was 11.6 MB)`);
  }
});

test.run();
