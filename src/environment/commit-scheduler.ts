/**
 * When the finished runs of one exploration step become durable, and when they go into the HDF5
 * file. The rules, in one place:
 * - Each finished run is appended to the journal at once, and the journal is synced in batches
 *   (every `syncMs`, or every {@link SYNC_EVERY} entries): a sync per run would cost more than
 *   many small runs themselves. `onDurable` hears of each entry once it is synced.
 * - A checkpoint commits what the journal holds at least every `checkpointMs`, in run order
 *   (see `commit-order.ts`), and the last commit takes everything left. It also commits once
 *   {@link MAX_PENDING} runs wait: until committed, a run's records are held in memory, and so is
 *   what the commit builds of them, so a serial exploration of a million quick runs must not
 *   gather them all for one commit at the end (issue 13: bounded memory).
 * - A commit is synchronous (a serial run: the runs wait for it) or a promise (the writer
 *   thread: writing overlaps computing). Of the second kind one is in flight at a time: runs
 *   finishing meanwhile wait in the journal and go with the next one, so the writer never falls
 *   behind (back-pressure) and each commit carries more runs as the file, and the cost of writing
 *   it, grows; and commits space out to three times the last one's duration, so writing takes at
 *   most about a quarter of the time.
 * - Big run data is written once, into the file: when commits are cheap (they append to the
 *   file), an entry with at least `directBytes` of array data skips the journal; its commit
 *   makes it durable (`onDurable` hears of it then), and a crash before that loses only a run
 *   that was never reported durable, which resume runs again. Entries waiting to be committed
 *   are committed once they hold `commitBytes` of data, and while a commit is in flight
 *   {@link CommitScheduler.backPressure} holds the runs back, so memory stays bounded.
 * - After each commit the journal is cut to the entries still waiting (`keepOnly`), so it never
 *   holds more than the runs between two commits (issue 13: bounded journal).
 * - A failed commit loses nothing durable: its runs are in the journal (or were never reported
 *   durable). A synchronous one's entries go back, first, for the next try; a failed promise
 *   stops the exploration (`onCommitFailed`), and {@link CommitScheduler.finish} throws its
 *   error, leaving the journal for resume.
 */
import { pushAll } from '../fold.js';
import { RunOrderGate } from './commit-order.js';
import type { JournalEntry } from './journal.js';

/** Unsynced journal entries that force a sync, however recent the last one. */
export const SYNC_EVERY = 500;
/**
 * Entries waiting for a commit that force one, however recent the last checkpoint. The waiting
 * runs (their records, and the objects a commit builds of them: ~5 KB a W1 run together) are
 * live until the commit, and V8 lets the heap grow to about four times what is live. A commit's
 * cost is flat in the runs it carries above a few hundred (W1 at 100k: the same CPU time with
 * 1,000, 2,000 or 5,000), so fewer is nearly free: W1 at 1M peaked at 894–950 MB RSS with
 * 10,000 and 774 MB with 5,000; at 300k, 501 MB with 5,000 and 382 MB with 2,000 (with the
 * run-order gate's Map gone too).
 */
export const MAX_PENDING = 2_000;

/** The journal as the scheduler uses it (a `JournalWriter`). */
export interface JournalSink {
  append(entry: JournalEntry): void;
  sync(): void;
  readonly unsynced: number;
  /** Makes the journal hold only these entries, durably (after a commit wrote the others). */
  keepOnly(entries: readonly JournalEntry[]): void;
}

export interface CommitSchedulerOptions {
  journal: JournalSink;
  /** The runs of this step in the order they are dispatched: commits follow this order. */
  order: ArrayLike<number>;
  /** Sync the journal at least this often (milliseconds; 0: after every entry). */
  syncMs: number;
  /** Commit at least this often (milliseconds; 0: after every entry). */
  checkpointMs: number;
  /**
   * Writes entries (never an empty list) into the file: returns when written (throwing when it
   * could not), or returns a promise settled when written.
   */
  commit: (entries: JournalEntry[]) => void | Promise<void>;
  /** Called once an entry is durable (synced to the journal). */
  onDurable?: (entry: JournalEntry) => void;
  /** Called when a commit's promise rejected (the caller should stop handing out runs). */
  onCommitFailed?: (error: Error) => void;
  /** The clock in milliseconds (default `Date.now`; tests give their own). */
  now?: () => number;
  /** The bytes of array data an entry writes (default: 0 for every entry). */
  size?: (entry: JournalEntry) => number;
  /** Entries of at least this many bytes skip the journal (see the module comment); undefined: none does. */
  directBytes?: number;
  /** Commit once the entries waiting hold this many bytes (default {@link COMMIT_BYTES}). */
  commitBytes?: number;
}

/** Bytes of data waiting that force a commit, however recent the last one. */
export const COMMIT_BYTES = 32 * 1024 * 1024;

/**
 * Waiting data past this many times `commitBytes` goes to the file even ahead of a slow earlier
 * run (out of run order, as `commit-order.ts` allows for too many waiting runs): memory first.
 */
const HOLD_FACTOR = 4;

export class CommitScheduler {
  /** Journaled entries not yet handed to a commit. */
  private readonly pending: JournalEntry[] = [];
  /** Journaled entries `onDurable` has not heard of. */
  private readonly unreported: JournalEntry[] = [];
  /** Commits handed out as promises (each settles without rejecting). */
  private readonly written: Promise<void>[] = [];
  private readonly gate: RunOrderGate;
  private readonly now: () => number;
  private inFlight = false;
  private failure: Error | undefined;
  private lastSync: number;
  private lastCheckpoint: number;
  private lastWriteMs = 0;
  /** Bytes of data of the entries in {@link pending}, and of each entry (those with data). */
  private pendingBytes = 0;
  private readonly sizes = new Map<JournalEntry, number>();
  /** Entries that skipped the journal: durable once committed. */
  private readonly direct = new Set<JournalEntry>();
  /** Settles when the commit in flight does. */
  private settled: Promise<void> = Promise.resolve();

  constructor(private readonly options: CommitSchedulerOptions) {
    this.gate = new RunOrderGate(options.order);
    this.now = options.now ?? Date.now;
    this.lastSync = this.lastCheckpoint = this.now();
  }

  /** Appends a finished run's entry to the journal (durable at the next sync). */
  add(entry: JournalEntry): void {
    const size = this.options.size?.(entry) ?? 0;
    const direct = this.options.directBytes !== undefined && size >= this.options.directBytes;
    if (direct) this.direct.add(entry);
    else {
      this.options.journal.append(entry);
      this.unreported.push(entry);
    }
    this.pending.push(entry);
    if (size > 0) {
      this.sizes.set(entry, size);
      this.pendingBytes += size;
    }
  }

  private get commitBytes(): number {
    return this.options.commitBytes ?? COMMIT_BYTES;
  }

  /**
   * Resolves once the next run may be handed out: at once, unless a commit is in flight and the
   * entries waiting hold `commitBytes` of data already (then when that commit has settled).
   * @throws the error of a synchronous commit made meanwhile (see {@link tick}).
   */
  async backPressure(): Promise<void> {
    while (this.inFlight && this.pendingBytes >= this.commitBytes) {
      await this.settled;
      this.tick();
    }
  }

  /**
   * Syncs the journal, and commits, when their time has come; called after each {@link add}.
   * @throws the error of a synchronous commit (its entries stay pending).
   */
  tick(): void {
    const { journal, syncMs, checkpointMs } = this.options;
    if (this.now() - this.lastSync >= syncMs || journal.unsynced >= SYNC_EVERY) this.sync();
    const due = this.now() - this.lastCheckpoint >= Math.max(checkpointMs, 3 * this.lastWriteMs) || this.pending.length >= MAX_PENDING || this.pendingBytes >= this.commitBytes;
    if (!this.inFlight && due) {
      this.sync();
      this.flush(false);
      this.lastCheckpoint = this.now();
    }
  }

  /**
   * Syncs the journal, commits everything left and waits for the commits in flight.
   * @returns whether every entry is in the file (the journal may go).
   * @throws the error of a failed commit.
   */
  async finish(): Promise<boolean> {
    this.sync();
    this.flush(true);
    await Promise.all(this.written);
    if (this.failure) throw this.failure;
    return this.pending.length === 0;
  }

  private sync(): void {
    this.options.journal.sync();
    this.lastSync = this.now();
    for (const e of this.unreported.splice(0)) this.options.onDurable?.(e);
  }

  /** Commits the entries that are ready (`final`: all of them, even behind a commit in flight). */
  private flush(final: boolean): void {
    if (this.inFlight && !final) return;
    const all = final || this.pendingBytes >= HOLD_FACTOR * this.commitBytes;
    const entries = all ? this.gate.takeAll(this.pending) : this.gate.takeReady(this.pending);
    if (entries.length === 0) return;
    for (const e of entries) this.pendingBytes -= this.sizes.get(e) ?? 0;
    const started = this.now();
    let written: void | Promise<void>;
    try {
      written = this.options.commit(entries);
    } catch (e) {
      // Still only in the journal (or, skipping it, here): keep them, first, for the next try.
      for (const x of entries) this.pendingBytes += this.sizes.get(x) ?? 0;
      pushAll(this.pending, pushAll(entries, this.pending.splice(0)));
      throw e;
    }
    if (!written) return this.committed(entries);
    this.inFlight = true;
    const failed = (e: Error): void => {
      this.failure ??= e;
      this.inFlight = false;
      this.forget(entries);
      this.options.onCommitFailed?.(e);
    };
    const settled = written.then(() => {
      this.lastWriteMs = this.now() - started;
      this.inFlight = false;
      try {
        this.committed(entries);
      } catch (e) {
        failed(e as Error); // the journal could not be cut: it is still whole, for resume
      }
    }, failed);
    this.settled = settled;
    this.written.push(settled);
  }

  /** Entries now in the file: those that skipped the journal are durable, and the journal keeps only the others waiting. */
  private committed(entries: readonly JournalEntry[]): void {
    for (const e of entries) if (this.direct.has(e)) this.options.onDurable?.(e);
    this.forget(entries);
    this.options.journal.keepOnly(this.pending.filter((e) => !this.direct.has(e)));
  }

  private forget(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      this.sizes.delete(e);
      this.direct.delete(e);
    }
  }
}
