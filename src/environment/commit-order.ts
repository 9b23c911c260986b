/**
 * Parallel runs finish out of order; their commits go in run order all the same.
 *
 * Why: what a commit writes can depend on what earlier commits wrote — pypet's
 * purge_duplicate_comments keeps a leaf's comment only on the first run that stores the leaf. If
 * run 3 were committed before run 2, the comment would sit on run 3 in a parallel exploration and
 * on run 2 in a serial one, and the two files would differ. So a finished run waits (it is durable
 * in the journal already) until every run before it has finished, and only that prefix goes to
 * the writer. A run that holds up more than {@link MAX_HELD} finished runs lets them through, to
 * keep memory bounded: only then can the placement of a comment depend on timing.
 */
import type { JournalEntry } from './journal.js';

/** How many finished runs may wait behind a slow one before they are committed anyway. */
export const MAX_HELD = 1000;

export class RunOrderGate {
  /**
   * Each run's place in the order, by run index (-1: not in this step). A typed array, not a Map:
   * a million-run step's Map took 28 MB of heap for the whole exploration, and V8 lets the heap
   * grow to a few times what is live (issue 13: W1 at 1M runs within 500 MB).
   */
  private readonly position: Int32Array;
  private next = 0;

  /** `order`: the runs of this exploration step in the order they are dispatched. */
  constructor(order: ArrayLike<number>) {
    let max = -1;
    for (let k = 0; k < order.length; k++) max = Math.max(max, order[k]!);
    this.position = new Int32Array(max + 1).fill(-1);
    for (let k = 0; k < order.length; k++) this.position[order[k]!] = k;
  }

  /** The place of run `idx` in the order (-1 for a run not in it). */
  private placeOf(idx: number): number {
    return idx < this.position.length ? this.position[idx]! : -1;
  }

  /**
   * Removes from `pending` and returns, in run order, the entries whose earlier runs have all
   * finished (or every entry, when more than {@link MAX_HELD} wait behind an unfinished run).
   */
  takeReady(pending: JournalEntry[]): JournalEntry[] {
    const finished = new Set<number>();
    for (const e of pending) finished.add(this.placeOf(e.idx));
    while (finished.has(this.next)) this.next += 1;
    // Everything before `next` is ready: the prefix just completed, and runs let through early by
    // an overflow (or put back after a failed commit) whose place has already passed.
    const ready: JournalEntry[] = [];
    const held: JournalEntry[] = [];
    for (const e of pending) this.placeOf(e.idx) < this.next ? ready.push(e) : held.push(e);
    // Only what waits behind a gap counts against the bound: many fast runs finishing between two
    // commits are a ready prefix, not a reason to give up the order.
    if (held.length > MAX_HELD) return this.takeAll(pending);
    if (ready.length === 0) return [];
    pending.splice(0, pending.length, ...held);
    return ready.sort((a, b) => this.placeOf(a.idx) - this.placeOf(b.idx));
  }

  /** Removes and returns every entry in run order (the last commit of an exploration step). */
  takeAll(pending: JournalEntry[]): JournalEntry[] {
    const all = pending.splice(0);
    for (const e of all) this.next = Math.max(this.next, this.placeOf(e.idx) + 1);
    return all.sort((a, b) => this.placeOf(a.idx) - this.placeOf(b.idx));
  }
}
