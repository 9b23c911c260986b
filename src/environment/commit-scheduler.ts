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
 * - A failed commit loses nothing: its runs are in the journal. A synchronous one's entries go
 *   back, first, for the next try; a failed promise stops the exploration (`onCommitFailed`),
 *   and {@link CommitScheduler.finish} throws its error, leaving the journal for resume.
 */
import { pushAll } from '../fold.js';
import { RunOrderGate } from './commit-order.js';
import type { JournalEntry } from './journal.js';

/** Unsynced journal entries that force a sync, however recent the last one. */
export const SYNC_EVERY = 500;
/** Entries waiting for a commit that force one, however recent the last checkpoint. */
export const MAX_PENDING = 10_000;

/** The journal as the scheduler uses it (a `JournalWriter`). */
export interface JournalSink {
  append(entry: JournalEntry): void;
  sync(): void;
  readonly unsynced: number;
}

export interface CommitSchedulerOptions {
  journal: JournalSink;
  /** The runs of this step in the order they are dispatched: commits follow this order. */
  order: readonly number[];
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
}

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

  constructor(private readonly options: CommitSchedulerOptions) {
    this.gate = new RunOrderGate(options.order);
    this.now = options.now ?? Date.now;
    this.lastSync = this.lastCheckpoint = this.now();
  }

  /** Appends a finished run's entry to the journal (durable at the next sync). */
  add(entry: JournalEntry): void {
    this.options.journal.append(entry);
    this.pending.push(entry);
    this.unreported.push(entry);
  }

  /**
   * Syncs the journal, and commits, when their time has come; called after each {@link add}.
   * @throws the error of a synchronous commit (its entries stay pending).
   */
  tick(): void {
    const { journal, syncMs, checkpointMs } = this.options;
    if (this.now() - this.lastSync >= syncMs || journal.unsynced >= SYNC_EVERY) this.sync();
    const due = this.now() - this.lastCheckpoint >= Math.max(checkpointMs, 3 * this.lastWriteMs) || this.pending.length >= MAX_PENDING;
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
    const entries = final ? this.gate.takeAll(this.pending) : this.gate.takeReady(this.pending);
    if (entries.length === 0) return;
    const started = this.now();
    let written: void | Promise<void>;
    try {
      written = this.options.commit(entries);
    } catch (e) {
      // Still only in the journal: keep them, first, for the next try.
      pushAll(this.pending, pushAll(entries, this.pending.splice(0)));
      throw e;
    }
    if (!written) return;
    this.inFlight = true;
    this.written.push(
      written.then(
        () => {
          this.lastWriteMs = this.now() - started;
          this.inFlight = false;
        },
        (e: Error) => {
          this.failure ??= e;
          this.inFlight = false;
          this.options.onCommitFailed?.(e);
        },
      ),
    );
  }
}
