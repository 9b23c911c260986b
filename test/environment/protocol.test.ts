/** Errors crossing a thread (protocol.ts): the same h5traj class, message and context come back. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileLockedError, InvalidArgumentError, NotUniqueNodeError, StateError, UnknownOptionError } from '../../src/index.js';
import { errorFromWire, errorToWire } from '../../src/environment/protocol.js';

/** The error as the other thread sees it: through structured clone and back. */
const across = (e: unknown): Error => errorFromWire(structuredClone(errorToWire(e)), (w) => new StateError(`A thread failed: ${w.message}`));

test('an h5traj error comes back as its class, with its message, context and the stack of the thread that threw it', () => {
  const original = new FileLockedError('The file f.h5 is being written by process 1.', { file: 'f.h5' });
  const back = across(original);
  assert.instance(back, FileLockedError);
  assert.is(back.message, original.message);
  assert.is((back as FileLockedError).file, 'f.h5');
  assert.is(back.stack, original.stack);
});

test('a subclass with fields of its own comes back as its nearest base without them', () => {
  const back = across(new UnknownOptionError("Unknown option 'ncore'.", 'ncore', 'ncores'));
  assert.is(back.constructor, InvalidArgumentError);
  assert.is(back.message, "Unknown option 'ncore'.");
});

test('any other error is what the receiver makes of it', () => {
  assert.is(across(new TypeError('boom')).message, 'A thread failed: boom');
  assert.instance(across('a string'), StateError);
  assert.instance(across(new NotUniqueNodeError('x is ambiguous.', ['a.x', 'b.x'])), StateError, 'no base of NotUniqueNodeError but H5TrajError crosses');
});

test.run();
