/**
 * Writer-thread entry: owns the HDF5 writes of a parallel exploration, so that storing finished
 * runs overlaps with computing new ones instead of following it. Commits arrive in order and are
 * written one by one, each crash-safe (a new version of the file, synced, renamed over the old
 * one); the file's graph stays in memory between commits (see `held-writer.ts`).
 */
import { parentPort } from 'node:worker_threads';
import type { OverviewMemory } from '../storage/hdf5/layout/overview-tables.js';
import { writeCommit } from '../storage/hdf5/store.js';
import { HeldFileWriter } from '../storage/hdf5/transactions/held-writer.js';
import { prepareToOpen } from '../storage/hdf5/engine/open-file.js';
import type { Commit } from '../trajectory/storage-service.js';
import { fromWire } from './wire.js';

export type WriterRequest = { type: 'commit'; id: number; filename: string; trajName: string; commit: unknown } | { type: 'close' };
export type WriterReply = { type: 'done'; id: number } | { type: 'error'; id: number; message: string; stack: string };

const port = parentPort!;
/** Per file: what the overview tables hold, so commits need not re-read them. */
const overview = new Map<string, OverviewMemory>();
const files = new HeldFileWriter();
// Commits are written strictly in order; loading h5wasm (only for a file the native engine does
// not read) is asynchronous, so each message waits for the one before it.
let queue = Promise.resolve();
port.on('message', (msg: WriterRequest) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg: WriterRequest): Promise<void> {
  if (msg.type === 'close') {
    files.close();
    port.close();
    return;
  }
  try {
    await prepareToOpen(msg.filename);
    const commit = fromWire(msg.commit) as Commit;
    let memory = overview.get(msg.filename);
    if (!memory) overview.set(msg.filename, (memory = new Map()));
    files.write(msg.filename, (f) => writeCommit(f, msg.trajName, commit, memory));
    port.postMessage({ type: 'done', id: msg.id } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, message: (e as Error).message, stack: (e as Error).stack ?? '' } satisfies WriterReply);
  }
}
port.postMessage({ type: 'ready' });
