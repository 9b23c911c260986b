/**
 * A pool of worker threads running runs in parallel. Each worker holds at most two runs: the one
 * it computes and the next, so it never waits for the main thread between runs (with every core
 * busy, the main thread may wait milliseconds for a time slice). A worker gets another run only
 * after a result was handed to `onResult` (which journals it), so a fast exploration never piles
 * up results in memory: back-pressure by construction.
 */
import { StateError } from '../errors.js';
import type { CompletedRunEntry } from './journal.js';
import type { RunFailure } from '../trajectory/storage-service.js';
import { errorFromWire, type WorkerInit, type WorkerReply, type WorkerRequest } from './protocol.js';
import { spawnModuleWorker } from './threads.js';
import { fromWire } from './wire.js';

/** Runs handed to a worker at a time: the one it computes and the next one. */
const RUNS_PER_WORKER = 2;

/**
 * Runs `indices` on `n` workers. `onResult` is awaited before the worker gets more work;
 * `shouldStop()` ends dispatching (runs in flight still finish).
 */
export async function runOnWorkers(
  n: number,
  init: WorkerInit,
  indices: ArrayLike<number>,
  onResult: (entry: CompletedRunEntry | RunFailure) => void | Promise<void>,
  shouldStop: () => boolean,
): Promise<void> {
  let next = 0; // the next run of `indices` to hand out
  const workers = Array.from({ length: Math.min(n, Math.max(1, indices.length)) }, () => spawnModuleWorker('./worker', init));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            let closed = false;
            const dispatch = (): void => {
              while (!closed && inFlight < RUNS_PER_WORKER) {
                const idx = shouldStop() || next === indices.length ? undefined : indices[next++];
                if (idx === undefined) {
                  if (inFlight === 0) {
                    closed = true;
                    worker.postMessage({ type: 'close' } satisfies WorkerRequest);
                    resolve();
                  }
                  return;
                }
                inFlight++;
                worker.postMessage({ type: 'run', idx } satisfies WorkerRequest);
              }
            };
            worker.on('message', (msg: WorkerReply) => {
              if (msg.type === 'ready') dispatch();
              else if (msg.type === 'error') {
                // An h5traj error (a module without the run function) stays what it is in one thread.
                reject(errorFromWire(msg.error, (w) => new StateError(`A worker thread failed: ${w.message}`, { cause: w.stack })));
              } else {
                // A throw from onResult (a full disk while journaling) rejects instead of escaping the event handler.
                new Promise<void>((done) => done(onResult(fromWire(msg.entry) as CompletedRunEntry | RunFailure))).then(() => {
                  inFlight--;
                  dispatch();
                }, reject);
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
