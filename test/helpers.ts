/** Shared test helpers. */
import * as assert from 'uvu/assert';

/** Asserts that `fn` throws an instance of `kind` whose message matches `pattern` (if given). */
export function throwsKind(fn: () => unknown, kind: abstract new (...args: any[]) => Error, pattern?: RegExp): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof kind)) assert.unreachable(`expected ${kind.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    if (pattern && !pattern.test((e as Error).message)) assert.unreachable(`message ${JSON.stringify((e as Error).message)} does not match ${pattern}`);
    return;
  }
  assert.unreachable(`expected ${kind.name} to be thrown`);
}
