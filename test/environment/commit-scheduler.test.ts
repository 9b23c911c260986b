/** The commit scheduler on its own: journal syncs in batches, checkpoints in run order, one commit in flight, failures. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommitScheduler, MAX_PENDING, SYNC_EVERY, type CommitSchedulerOptions, type JournalSink } from '../../src/environment/commit-scheduler.js';
import type { JournalEntry } from '../../src/environment/journal.js';

const failure = (idx: number): JournalEntry => ({ kind: 'failure', idx, message: 'm', stack: '', timestamp: 0 });

/** A journal that remembers what was appended and what each sync made durable. */
class FakeJournal implements JournalSink {
  appended: number[] = [];
  durable: number[] = [];
  /** What the journal holds now. */
  held: number[] = [];
  append(entry: JournalEntry): void {
    this.appended.push(entry.idx);
    this.held.push(entry.idx);
  }
  sync(): void {
    this.durable = [...this.appended];
  }
  get unsynced(): number {
    return this.appended.length - this.durable.length;
  }
  /** What each cut left in the journal. */
  kept: number[][] = [];
  keepOnly(entries: readonly JournalEntry[]): void {
    this.held = entries.map((e) => e.idx);
    this.kept.push([...this.held]);
  }
}

/** A scheduler over runs 0..n-1 with a clock the test moves, recording commits and reports. */
function setup(n: number, options: Partial<CommitSchedulerOptions> = {}) {
  const clock = { t: 0 };
  const journal = new FakeJournal();
  const commits: number[][] = [];
  const reported: number[] = [];
  const scheduler = new CommitScheduler({
    journal,
    order: [...Array(n).keys()],
    syncMs: 100,
    checkpointMs: 1000,
    commit: (entries) => void commits.push(entries.map((e) => e.idx)),
    onDurable: (e) => reported.push(e.idx),
    now: () => clock.t,
    ...options,
  });
  const finished = (idx: number, at: number): void => {
    clock.t = at;
    scheduler.add(failure(idx));
    scheduler.tick();
  };
  return { clock, journal, commits, reported, scheduler, finished };
}

test('the journal is synced every syncMs, and a run is reported only once synced', () => {
  const { journal, reported, finished } = setup(4);
  finished(0, 10);
  finished(1, 60);
  assert.equal(journal.appended, [0, 1], 'appended at once');
  assert.equal(reported, [], 'not durable yet');
  finished(2, 100);
  assert.equal(journal.durable, [0, 1, 2]);
  assert.equal(reported, [0, 1, 2]);
  finished(3, 150);
  assert.equal(reported, [0, 1, 2]);
});

test(`${SYNC_EVERY} unsynced entries force a sync, however recent the last one`, () => {
  const { reported, finished } = setup(SYNC_EVERY + 1, { syncMs: 1e9, checkpointMs: 1e9 });
  for (let i = 0; i < SYNC_EVERY - 1; i++) finished(i, 1);
  assert.is(reported.length, 0);
  finished(SYNC_EVERY - 1, 1);
  assert.is(reported.length, SYNC_EVERY);
});

test('checkpoints commit the finished prefix in run order; finish commits the rest', async () => {
  const { commits, reported, scheduler, finished } = setup(5, { checkpointMs: 1000 });
  finished(1, 1000);
  assert.equal(commits, [], 'run 1 waits for run 0');
  assert.equal(reported, [1], 'a checkpoint syncs the journal first');
  finished(0, 1500);
  assert.equal(commits, [], 'no checkpoint before checkpointMs since the last one');
  finished(3, 2000);
  assert.equal(commits, [[0, 1]], 'the prefix 0, 1 in run order; 3 waits for 2');
  finished(4, 2100);
  assert.ok(await scheduler.finish(), 'everything is in the file');
  assert.equal(commits, [[0, 1], [3, 4]], 'the last commit takes everything left, in run order');
  assert.equal(reported, [1, 0, 3, 4]);
});

test('a synchronous commit that fails keeps its entries, first, for the next try', async () => {
  let fail = true;
  const commits: number[][] = [];
  const { scheduler, finished } = setup(3, {
    checkpointMs: 0,
    commit: (entries) => {
      if (fail) throw new Error('disk full');
      commits.push(entries.map((e) => e.idx));
    },
  });
  assert.throws(() => finished(0, 1), /disk full/);
  fail = false;
  scheduler.add(failure(2));
  scheduler.add(failure(1));
  assert.ok(await scheduler.finish());
  assert.equal(commits, [[0, 1, 2]], 'the failed entries go with the next commit, in run order');
});

test('one asynchronous commit in flight: later runs wait and go together; commits space out to 3x their duration', async () => {
  const started: number[][] = [];
  const settle: (() => void)[] = [];
  const { clock, scheduler, finished } = setup(6, {
    checkpointMs: 0,
    commit: (entries) => {
      started.push(entries.map((e) => e.idx));
      return new Promise<void>((resolve) => settle.push(resolve));
    },
  });
  finished(0, 0);
  assert.equal(started, [[0]]);
  finished(1, 10);
  finished(2, 20);
  assert.equal(started, [[0]], 'runs 1 and 2 wait while commit 0 is in flight');
  clock.t = 100;
  settle[0]!();
  await Promise.resolve();
  await Promise.resolve();
  finished(3, 200);
  assert.equal(started, [[0]], 'the last commit took 100 ms: the next waits until 300 ms after the checkpoint');
  finished(4, 300);
  assert.equal(started, [[0], [1, 2, 3, 4]]);
  finished(5, 400);
  const done = scheduler.finish();
  assert.equal(started, [[0], [1, 2, 3, 4], [5]], 'finish commits the rest even behind a commit in flight');
  for (const s of settle.slice(1)) s();
  assert.ok(await done);
});

test('a failed asynchronous commit stops the exploration and finish throws its error', async () => {
  const stopped: Error[] = [];
  const { scheduler, finished } = setup(3, {
    checkpointMs: 0,
    commit: (entries) => (entries[0]!.idx === 0 ? Promise.reject(new Error('the writer failed')) : Promise.resolve()),
    onCommitFailed: (e) => stopped.push(e),
  });
  finished(0, 0);
  finished(1, 1);
  const error = await scheduler.finish().then(() => undefined, (e: unknown) => e);
  assert.instance(error, Error);
  assert.is((error as Error).message, 'the writer failed');
  assert.equal(stopped.map((e) => e.message), ['the writer failed']);
});

test('a commit is due once MAX_PENDING runs wait, however recent the last checkpoint', () => {
  // A serial exploration of many quick runs must not hold them all in memory for one commit.
  const n = 2 * MAX_PENDING + 5;
  const { commits, finished, scheduler } = setup(n, { checkpointMs: 3_600_000 });
  for (let i = 0; i < n; i++) finished(i, 1);
  assert.equal(commits.map((c) => c.length), [MAX_PENDING, MAX_PENDING]);
  assert.equal(commits[1]![0], MAX_PENDING, 'in run order');
  return scheduler.finish().then(() => assert.equal(commits.map((c) => c.length), [MAX_PENDING, MAX_PENDING, 5]));
});

test('after each commit the journal keeps only the runs still waiting (bounded journal)', async () => {
  const n = 2 * MAX_PENDING + 5;
  const { journal, commits, finished, scheduler } = setup(n, { checkpointMs: 3_600_000 });
  let most = 0;
  for (let i = 0; i < n; i++) {
    finished(i, 1);
    most = Math.max(most, journal.held.length);
  }
  assert.equal(commits.map((c) => c.length), [MAX_PENDING, MAX_PENDING]);
  assert.equal(journal.kept, [[], []], 'cut to nothing after each commit');
  assert.ok(most <= MAX_PENDING, `the journal held at most ${most} entries`);
  assert.equal(journal.held, [2 * MAX_PENDING, 2 * MAX_PENDING + 1, 2 * MAX_PENDING + 2, 2 * MAX_PENDING + 3, 2 * MAX_PENDING + 4]);
  assert.ok(await scheduler.finish());
  assert.equal(journal.held, [], 'empty once everything is committed');
});

test('runs waiting behind an earlier run stay in the journal when it is cut', () => {
  // Run 1 finishes last: runs 2 and 3 wait for it (commits follow run order) and stay journaled.
  const { journal, commits, finished } = setup(4);
  finished(2, 1);
  finished(3, 2);
  finished(0, 1500);
  assert.equal(commits, [[0]]);
  assert.equal(journal.held, [2, 3], 'the waiting runs are kept');
  finished(1, 3000);
  assert.equal(commits, [[0], [1, 2, 3]]);
  assert.equal(journal.held, []);
});

/** Big entries: runs 0..n-1 whose size the test gives (bytes of array data). */
function setupSized(n: number, sizes: number[], options: Partial<CommitSchedulerOptions> = {}) {
  const s = setup(n, { checkpointMs: 1e9, directBytes: 100, commitBytes: 250, size: (e) => sizes[e.idx] ?? 0, ...options });
  return s;
}

test('big entries skip the journal and are reported durable once committed; data waiting past commitBytes is committed', async () => {
  const { journal, commits, reported, scheduler, finished } = setupSized(5, [120, 10, 120, 120, 5]);
  finished(0, 0);
  finished(1, 100);
  assert.equal(journal.appended, [1], 'only the small run goes to the journal');
  assert.equal(reported, [1], 'the small run is durable once synced; the big one is not yet');
  assert.equal(commits, [], '130 bytes wait: no commit yet');
  finished(2, 110);
  assert.equal(commits, [[0, 1, 2]], '250 bytes wait: committed at once, long before the checkpoint');
  assert.equal(reported, [1, 0, 2], 'the big runs are durable once committed');
  finished(3, 120);
  finished(4, 130);
  assert.ok(await scheduler.finish());
  assert.equal(commits, [[0, 1, 2], [3, 4]]);
  assert.equal(journal.appended, [1, 4]);
  assert.equal(reported.sort(), [0, 1, 2, 3, 4]);
});

test('without directBytes (commits that rewrite the file) every entry goes to the journal', async () => {
  const { journal, scheduler, finished } = setupSized(2, [1e6, 1e6], { directBytes: undefined });
  finished(0, 0);
  finished(1, 1);
  assert.equal(journal.appended, [0, 1]);
  assert.ok(await scheduler.finish());
});

test('back-pressure: with a commit in flight and commitBytes waiting, the next run waits for the commit', async () => {
  const settle: (() => void)[] = [];
  const started: number[][] = [];
  const { reported, scheduler, finished } = setupSized(4, [300, 300, 300, 300], {
    commit: (entries) => {
      started.push(entries.map((e) => e.idx));
      return new Promise<void>((resolve) => settle.push(resolve));
    },
  });
  finished(0, 0);
  assert.equal(started, [[0]]);
  assert.equal(reported, [], 'not durable while its commit is in flight');
  finished(1, 1);
  let released = false;
  const waiting = scheduler.backPressure().then(() => (released = true));
  await Promise.resolve();
  assert.not.ok(released, 'run 1 waits: 300 bytes wait behind the commit in flight');
  settle[0]!();
  await waiting;
  assert.equal(reported, [0], 'run 0 durable once its commit settled');
  assert.equal(started, [[0], [1]], 'the waiting data went to the next commit');
  finished(2, 2);
  finished(3, 3);
  const done = scheduler.finish();
  for (const s of settle.slice(1)) s();
  for (let i = 0; i < 5; i++) await Promise.resolve();
  for (const s of settle.slice(1)) s();
  assert.ok(await done);
  assert.equal(reported.sort(), [0, 1, 2, 3]);
});

test('a big entry whose asynchronous commit failed is never reported durable (resume runs it again)', async () => {
  const { reported, scheduler, finished } = setupSized(2, [300, 5], {
    commit: (entries) => (entries[0]!.idx === 0 ? Promise.reject(new Error('disk full')) : Promise.resolve()),
  });
  finished(0, 0);
  finished(1, 200);
  const error = await scheduler.finish().then(() => undefined, (e: unknown) => e);
  assert.is((error as Error).message, 'disk full');
  assert.equal(reported, [1], 'only the journaled run is durable');
});

test.run();
