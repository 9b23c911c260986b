/**
 * Opening an HDF5 file picks the engine: the native engine (`native/`) for new files and for
 * files it can parse, h5wasm (`wasm/wasm-file.ts`) for anything else. `H5TRAJ_ENGINE=wasm` forces h5wasm
 * (to compare the two, or to work around a native-engine problem).
 *
 * h5wasm is loaded only when a file needs it: instantiating it reserves gigabytes of address
 * space (its wasm memory), which fails under cluster limits such as `ulimit -v 4000000`, and
 * costs ~80 MB and ~0.3 s that a native-readable file never needs. Loading it is asynchronous
 * while opening is synchronous (natural naming loads on property access), so the async entry
 * points (the CLI, `Environment.run`, {@link openH5}) call {@link prepareToOpen} first.
 */
import fs from 'node:fs';
import { StateError } from '../../../errors.js';
import { durableStep } from '../../durable-step.js';
import { checkOpenable } from './file-check.js';
import type { H5File, OpenMode } from './h5file.js';
import { NativeUnsupportedError } from '../native/model.js';
import { NativeH5File } from '../native/native-file.js';
import { sharedReadSources } from '../native/shared-sources.js';

type WasmEngine = typeof import('../wasm/wasm-file.js');

let wasm: WasmEngine | undefined;
let loading: Promise<void> | undefined;

/** Which engine serves files: `native` (with h5wasm as fallback) or `wasm` only. */
export function engineName(): 'native' | 'wasm' {
  return process.env.H5TRAJ_ENGINE === 'wasm' ? 'wasm' : 'native';
}

/**
 * Loads h5wasm, the engine for files the native engine does not read (once; later calls return
 * at once). Needed before a synchronous open of such a file, e.g. `Trajectory.f_load`.
 * @example
 * await loadWasmEngine();
 * traj.f_load({ filename: 'written-by-h5py-latest.h5' });
 */
export function loadWasmEngine(): Promise<void> {
  loading ??= import('../wasm/wasm-file.js').then(async (m) => {
    await m.initH5();
    wasm = m;
  });
  return loading;
}

/** Whether h5wasm has been loaded in this process (a native-only process never loads it). */
export function wasmEngineLoaded(): boolean {
  return wasm !== undefined;
}

/**
 * Loads h5wasm if opening `path` will need it: always under `H5TRAJ_ENGINE=wasm`, otherwise when
 * `path` is an existing file the native engine cannot parse. A missing or broken file is left
 * to the open itself, which reports it. Parsing here is not wasted: the parsed file is shared
 * with the next read-only open of the same file version.
 */
export async function prepareToOpen(path: string): Promise<void> {
  if (wasm) return;
  if (engineName() === 'wasm') return loadWasmEngine();
  let isFile = false;
  try {
    isFile = fs.statSync(path).isFile();
  } catch {
    return;
  }
  if (!isFile) return;
  try {
    checkOpenable(path, 'r');
    sharedReadSources.acquire(path).close();
  } catch (e) {
    if (e instanceof NativeUnsupportedError) await loadWasmEngine();
  }
}

/** The loaded h5wasm engine, or a StateError saying how to load it for `path`. */
function wasmFor(path: string, why: string): WasmEngine {
  if (wasm) return wasm;
  throw new StateError(
    `The file '${path}' needs the h5wasm engine (${why}), which loads asynchronously: call \`await loadWasmEngine()\` (exported by h5traj) once before opening it.`,
    { file: path },
  );
}

/** Why the wasm engine is asked for: the native engine's reason, or H5TRAJ_ENGINE. */
function reasonOf(e: NativeUnsupportedError | undefined): string {
  return e ? e.message.replace(/^The /, 'the ').replace(/\.$/, '') : 'H5TRAJ_ENGINE=wasm is set';
}

/**
 * Opens (or creates) an HDF5 file: `'r'` read, `'a'` read and change, `'w'` create or truncate,
 * `'x'` create (must not exist). With the native engine, changes reach the disk on `close()`.
 * @throws StateError when the file needs h5wasm and it is not loaded ({@link prepareToOpen}).
 */
export function openH5Sync(path: string, mode: OpenMode = 'r'): H5File {
  let unsupported: NativeUnsupportedError | undefined;
  if (engineName() === 'native') {
    checkOpenable(path, mode);
    try {
      return NativeH5File.open(path, mode);
    } catch (e) {
      if (!(e instanceof NativeUnsupportedError)) throw e;
      unsupported = e;
    }
  }
  return wasmFor(path, reasonOf(unsupported)).WasmH5File.openSync(path, mode);
}

/** {@link openH5Sync}, after loading h5wasm if the file needs it. */
export async function openH5(path: string, mode: OpenMode = 'r'): Promise<H5File> {
  await prepareToOpen(path);
  return openH5Sync(path, mode);
}

/**
 * A writable file that starts as a copy of `source` (empty when undefined) and is written to
 * `target` when closed; `source` is not changed. The native engine reads `source` and writes
 * `target` once; h5wasm needs a byte copy first, which it then changes in place.
 * @throws StateError when `source` needs h5wasm and it is not loaded ({@link prepareToOpen}).
 */
export function openH5Copy(source: string | undefined, target: string): H5File {
  if (source !== undefined) checkOpenable(source, 'r');
  checkOpenable(target, 'w');
  let unsupported: NativeUnsupportedError | undefined;
  if (engineName() === 'native') {
    try {
      return NativeH5File.openCopy(source, target);
    } catch (e) {
      if (!(e instanceof NativeUnsupportedError)) throw e;
      unsupported = e;
    }
  }
  const engine = wasmFor(source ?? target, reasonOf(unsupported));
  if (source === undefined) return engine.WasmH5File.openSync(target, 'w');
  durableStep('copy', target);
  fs.copyFileSync(source, target);
  return engine.WasmH5File.openSync(target, 'a');
}
