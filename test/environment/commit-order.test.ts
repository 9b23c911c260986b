/** Parallel runs are committed in run order (so serial and parallel files are the same). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MAX_HELD, RunOrderGate } from '../../src/environment/commit-order.js';
import type { JournalEntry } from '../../src/environment/journal.js';

const entry = (idx: number): JournalEntry => ({ kind: 'failure', idx, message: 'm', stack: '', timestamp: 0 });
const ids = (es: JournalEntry[]) => es.map((e) => e.idx);

test('a finished run waits until every run before it has finished', () => {
  const gate = new RunOrderGate([4, 5, 6, 7]);
  const pending = [entry(5), entry(7)];
  assert.equal(ids(gate.takeReady(pending)), [], 'run 4 is still computing');
  assert.equal(ids(pending), [5, 7]);
  pending.push(entry(4));
  assert.equal(ids(gate.takeReady(pending)), [4, 5], 'in run order, up to the next gap');
  assert.equal(ids(pending), [7]);
  pending.push(entry(6));
  assert.equal(ids(gate.takeReady(pending)), [6, 7]);
  assert.equal(pending, []);
});

test('the last commit takes everything; entries put back after a failed commit are ready again', () => {
  const gate = new RunOrderGate([0, 1, 2]);
  const pending = [entry(2), entry(0)];
  const taken = gate.takeReady(pending);
  assert.equal(ids(taken), [0]);
  pending.unshift(...taken); // the commit failed: the serial path puts them back
  assert.equal(ids(gate.takeReady(pending)), [0]);
  assert.equal(ids(gate.takeAll([entry(2), entry(1)])), [1, 2]);
});

test('a slow run holds back at most MAX_HELD finished runs', () => {
  const order = Array.from({ length: MAX_HELD + 3 }, (_, i) => i);
  const gate = new RunOrderGate(order);
  const pending = order.slice(1, MAX_HELD + 2).map(entry);
  assert.is(gate.takeReady(pending).length, MAX_HELD + 1, 'over the bound, all go');
  const late = [entry(0)];
  assert.equal(ids(gate.takeReady(late)), [0], 'the slow run goes as soon as it finishes');
});

test('many fast runs finishing between two commits keep their order: only runs behind a gap count', () => {
  const order = Array.from({ length: 2000 }, (_, i) => i);
  const gate = new RunOrderGate(order);
  // 1,200 runs finished in a row, run 1,200 still computing, 300 later ones finished.
  const pending = [...order.slice(0, 1200), ...order.slice(1300, 1600)].reverse().map(entry);
  const taken = gate.takeReady(pending);
  assert.equal(ids(taken), order.slice(0, 1200), 'the whole ready prefix, in run order');
  assert.is(pending.length, 300, 'the runs behind the gap wait');
});

test('a gate over a million runs holds a few bytes per run, not a Map entry each (issue 13)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const runs = 1_000_000;
  const order = Uint32Array.from({ length: runs }, (_, i) => i);
  const before = used();
  const gate = new RunOrderGate(order);
  const held = used() - before;
  // A Map from run to place took ~28 bytes a run, held for the whole exploration.
  assert.ok(held < 6 * runs, `the gate holds ${(held / runs).toFixed(1)} bytes a run`);
  assert.equal(ids(gate.takeReady([entry(1), entry(0)])), [0, 1], 'and still orders the runs');
});

test.run();
