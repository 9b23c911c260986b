/**
 * Writer-thread entry: owns the HDF5 writes of a parallel exploration, so that storing finished
 * runs overlaps with computing new ones instead of following it. Like pypet's
 * `QueueStorageServiceWriter`, it wraps a storage service instead of going around it: every
 * commit goes through `HDF5StorageService.commit`, the path serial runs take, holding the file's
 * graph in memory between commits. Commits arrive in order and are written one by one, each
 * crash-safe (a new version of the file, synced, renamed over the old one).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HDF5StorageService } from '../storage/hdf5/service.js';
import { prepareToOpen } from '../storage/hdf5/engine/open-file.js';
import type { Commit } from '../trajectory/storage-service.js';
import { errorToWire, type WriterInit, type WriterReply, type WriterRequest } from './protocol.js';
import { fromWire } from './wire.js';

const port = parentPort!;
const init = workerData as WriterInit;
const service = new HDF5StorageService(init.filename);
service.holdBetweenCommits();
const traj = { v_name: init.trajName };
// Commits are written strictly in order; loading h5wasm (only for a file the native engine does
// not read) is asynchronous, so each message waits for the one before it.
let queue = Promise.resolve();
port.on('message', (msg: WriterRequest) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg: WriterRequest): Promise<void> {
  if (msg.type === 'close') {
    service.close();
    port.close();
    return;
  }
  try {
    await prepareToOpen(init.filename);
    service.commit(traj, fromWire(msg.commit) as Commit);
    port.postMessage({ type: 'done', id: msg.id } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, error: errorToWire(e) } satisfies WriterReply);
  }
}
port.postMessage({ type: 'ready' } satisfies WriterReply);
