/**
 * Worker-thread entry: rebuilds the trajectory's parameters from records, loads the run function
 * from its module, and executes the runs the pool sends, one at a time, in the order sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attachRecord, type NodeRecord } from '../trajectory/records.js';
import { classResolver } from '../storage/hdf5/load.js';
import { Trajectory } from '../trajectory/trajectory.js';
import { executeRun } from './run-executor.js';
import { loadRunFunction } from './run-module.js';
import { errorToWire, type WorkerInit, type WorkerReply, type WorkerRequest } from './protocol.js';
import { TRANSFER_BYTES, fromWire, toWire, transferList } from './wire.js';
import { trajectoryState } from '../trajectory/state.js';

const init = workerData as WorkerInit;

async function main(): Promise<void> {
  const port = parentPort!;
  const traj = new Trajectory(init.trajName, { add_time: false });
  const records = fromWire(init.records) as NodeRecord[];
  // Classes cannot cross threads: a leaf of a class of the user's (pypet's dynamic_imports) is
  // rebuilt as its standard base class with the same value and class name, as loading does.
  const classFor = classResolver(traj);
  for (const record of records) attachRecord(traj, record, classFor);
  trajectoryState(traj).runs.resize(init.length);
  const fn = await loadRunFunction(init.run, init.url);
  const args = fromWire(init.args) as unknown[];
  // The pool sends the next run before this one is done: run them strictly one after another
  // (the trajectory views one run at a time), and close only after the last.
  let queue = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    queue = queue.then(async () => {
      if (msg.type === 'close') {
        port.close();
        return;
      }
      try {
        const entry = toWire(await executeRun(traj, msg.idx, fn, args, init.hexsha));
        // Big arrays move to the main thread instead of being copied twice (cloned out, cloned
        // in); copies move, since this thread's tree (a shared result) may still hold the originals.
        port.postMessage({ type: 'done', entry } satisfies WorkerReply, transferList(entry, TRANSFER_BYTES, { copy: true }));
      } catch (e) {
        port.postMessage({ type: 'error', error: errorToWire(e) } satisfies WorkerReply);
      }
    });
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

main().catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', error: errorToWire(e) } satisfies WorkerReply);
});
