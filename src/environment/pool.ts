/**
 * A pool of worker threads running runs in parallel. Each worker holds one run at a time and gets
 * the next only after its result was handed to `onResult` (which journals it), so a fast
 * exploration never piles up results in memory: back-pressure by construction.
 */
import { StateError } from '../errors.js';
import type { CompletedRunEntry, FailedRunEntry } from './journal.js';
import { spawnModuleWorker } from './threads.js';
import { fromWire } from './wire.js';

/** What a worker needs to start. */
export interface WorkerInit {
  trajName: string;
  /** Wire form of the parameter/config records. */
  records: unknown;
  length: number;
  module: string;
  exportName: string;
  args: unknown;
  hexsha: string;
}

export type WorkerRequest = { type: 'run'; idx: number } | { type: 'close' };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; entry: unknown }
  | { type: 'error'; message: string; stack: string };

/**
 * Runs `indices` on `n` workers. `onResult` is awaited before the worker gets more work;
 * `shouldStop()` ends dispatching (runs in flight still finish).
 */
export async function runOnWorkers(
  n: number,
  init: WorkerInit,
  indices: number[],
  onResult: (entry: CompletedRunEntry | FailedRunEntry) => void | Promise<void>,
  shouldStop: () => boolean,
): Promise<void> {
  const queue = [...indices];
  const workers = Array.from({ length: Math.min(n, Math.max(1, queue.length)) }, () => spawnModuleWorker('./worker', init));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const next = (): void => {
              const idx = shouldStop() ? undefined : queue.shift();
              if (idx === undefined) {
                worker.postMessage({ type: 'close' } satisfies WorkerRequest);
                resolve();
                return;
              }
              worker.postMessage({ type: 'run', idx } satisfies WorkerRequest);
            };
            worker.on('message', (msg: WorkerReply) => {
              if (msg.type === 'ready') next();
              else if (msg.type === 'error') reject(new StateError(`A worker thread failed: ${msg.message}`, { cause: msg.stack }));
              else {
                Promise.resolve(onResult(fromWire(msg.entry) as CompletedRunEntry | FailedRunEntry)).then(next, reject);
              }
            });
            worker.on('error', (e) => reject(new StateError(`A worker thread crashed: ${e.message}`, { cause: e })));
            worker.on('exit', (code) => {
              if (code !== 0) reject(new StateError(`A worker thread exited with code ${code}.`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
