/**
 * Big arrays cross threads by moving their buffers (`transferList`, `wire.ts`): which buffers
 * move, which are copied first, which stay; and `dataBytes`, what the commit scheduler counts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { NDArray } from '../../src/index.js';
import { buffersIn, dataBytes, fromWire, toWire, transferList } from '../../src/environment/wire.js';

const BIG = 1 << 16;

test('dataBytes sums the typed arrays anywhere in a value, NDArray data included', () => {
  const v = { a: new Float64Array(10), list: [new Uint8Array(3), { n: new NDArray('int32', [2, 2], new Int32Array(4)) }], m: new Map([['k', new Int16Array(5)]]) };
  assert.is(dataBytes(v), 80 + 3 + 16 + 10);
  assert.is(dataBytes({ x: 1, s: 'text' }), 0);
});

test('big whole-buffer arrays move to the other side; small, partial, kept and shared ones are cloned', () => {
  const big = new Float64Array(BIG);
  big[7] = 3.5;
  const kept = new Float64Array(BIG);
  const value = toWire({ big, small: new Float64Array(4), part: new Float64Array(new ArrayBuffer(16 * BIG), 8, BIG), kept, shared: new Float64Array(new SharedArrayBuffer(8 * BIG)), nd: new NDArray('float64', [BIG], new Float64Array(BIG)) });
  const list = transferList(value, BIG, { keep: buffersIn({ kept }) });
  assert.is(list.length, 2, 'the big array and the NDArray data');
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value, list);
  const got = receiveMessageOnPort(port2)!.message as { big: Float64Array };
  assert.is(got.big[7], 3.5, 'the data arrived');
  assert.is(big.byteLength, 0, 'the sender no longer holds it (moved, not copied)');
  assert.is(kept.byteLength, 8 * BIG, 'a kept buffer stays usable');
  port1.close();
});

test('with copy, the sender keeps its arrays and copies move', () => {
  const big = new Float64Array(BIG).fill(2);
  const value = toWire({ records: [{ data: big }] }) as { records: { data: Float64Array }[] };
  const list = transferList(value, BIG, { copy: true });
  assert.is(list.length, 1);
  assert.is.not(value.records[0]!.data, big, 'the message holds a copy');
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value, list);
  const got = receiveMessageOnPort(port2)!.message as { records: { data: Float64Array }[] };
  assert.is(got.records[0]!.data[BIG - 1], 2);
  assert.is(big.length, BIG, 'the original is untouched');
  port1.close();
});

test('toWire finds a cycle however deep it starts, and takes deep acyclic values whole', () => {
  const nest = (depth: number, inner: unknown): unknown => (depth === 0 ? inner : { next: nest(depth - 1, inner) });
  const loop: Record<string, unknown> = { a: 1 };
  loop.self = { back: loop };
  assert.throws(() => toWire(loop), /cycle/);
  assert.throws(() => toWire(nest(100, loop)), /cycle/);
  const shared = { x: 1 };
  const deep = nest(100, [shared, shared]);
  let back = fromWire(toWire(deep)) as Record<string, unknown>;
  for (let i = 0; i < 100; i++) back = back.next as Record<string, unknown>;
  assert.equal(back, [{ x: 1 }, { x: 1 }], 'an object reached twice, not on its own path, is no cycle');
});

test.run();
