/**
 * The main thread's handle on the writer thread (`writer.ts`): commits are queued and written in
 * order while the exploration goes on; each resolves once its transaction is on disk, or rejects
 * with the error the storage service threw (the same class and message as in a serial run).
 */
import type { Worker } from 'node:worker_threads';
import { StorageError } from '../errors.js';
import type { Commit } from '../trajectory/storage-service.js';
import { errorFromWire, type WriterInit, type WriterReply, type WriterRequest } from './protocol.js';
import { spawnModuleWorker } from './threads.js';
import { TRANSFER_BYTES, toWire, transferList } from './wire.js';

export class BackgroundWriter {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private crashed: Error | undefined;

  /** Starts a writer thread for the commits of trajectory `trajName` in `filename`. */
  constructor(filename: string, trajName: string) {
    this.worker = spawnModuleWorker('./writer', { filename, trajName } satisfies WriterInit);
    this.worker.on('message', (msg: WriterReply) => {
      if (msg.type === 'ready') return;
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (msg.type === 'done') w?.resolve();
      else w?.reject(errorFromWire(msg.error, (e) => new StorageError(`Storing finished runs failed: ${e.message}`, { cause: e.stack })));
    });
    const fail = (e: Error) => {
      this.crashed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', (e) => fail(new StorageError(`The writer thread crashed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code) => {
      if (code !== 0) fail(new StorageError(`The writer thread exited with code ${code}.`));
    });
  }

  /**
   * Queues a commit; resolves when it is written. Its big arrays move to the writer thread (they
   * are unusable here afterwards), except those viewing a buffer in `keep`.
   */
  commit(commit: Commit, keep?: ReadonlySet<ArrayBufferLike>): Promise<void> {
    if (this.crashed) return Promise.reject(this.crashed);
    const id = this.nextId++;
    const wire = toWire(commit);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'commit', id, commit: wire } satisfies WriterRequest, transferList(wire, TRANSFER_BYTES, { keep }));
    });
  }

  /** Stops the thread (after the queued commits). */
  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    await new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      setTimeout(() => void this.worker.terminate().then(() => resolve()), 10_000).unref();
    });
  }
}
