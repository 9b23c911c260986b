/**
 * Opening an HDF5 file picks the engine: the native engine (`native/`) for new files and for
 * files it can parse, h5wasm (`h5.ts`) for anything else. `H5TRAJ_ENGINE=wasm` forces h5wasm
 * (to compare the two, or to work around a native-engine problem).
 */
import fs from 'node:fs';
import { durableStep } from '../durable-step.js';
import { checkOpenable } from './file-check.js';
import { WasmH5File, initH5 } from './h5.js';
import type { H5File, OpenMode } from './h5file.js';
import { NativeUnsupportedError } from './native/model.js';
import { NativeH5File } from './native/native-file.js';

/** Which engine serves files: `native` (with h5wasm as fallback) or `wasm` only. */
export function engineName(): 'native' | 'wasm' {
  return process.env.H5TRAJ_ENGINE === 'wasm' ? 'wasm' : 'native';
}

/**
 * Opens (or creates) an HDF5 file: `'r'` read, `'a'` read and change, `'w'` create or truncate,
 * `'x'` create (must not exist). With the native engine, changes reach the disk on `close()`.
 * h5wasm must be loaded ({@link initH5}) for files the native engine cannot parse.
 */
export function openH5Sync(path: string, mode: OpenMode = 'r'): H5File {
  if (engineName() === 'native') {
    checkOpenable(path, mode);
    try {
      return NativeH5File.open(path, mode);
    } catch (e) {
      if (!(e instanceof NativeUnsupportedError)) throw e;
    }
  }
  return WasmH5File.openSync(path, mode);
}

/** {@link openH5Sync}, after loading h5wasm if needed. */
export async function openH5(path: string, mode: OpenMode = 'r'): Promise<H5File> {
  await initH5();
  return openH5Sync(path, mode);
}

/**
 * A writable file that starts as a copy of `source` (empty when undefined) and is written to
 * `target` when closed; `source` is not changed. The native engine reads `source` and writes
 * `target` once; h5wasm needs a byte copy first, which it then changes in place.
 */
export function openH5Copy(source: string | undefined, target: string): H5File {
  if (source !== undefined) checkOpenable(source, 'r');
  checkOpenable(target, 'w');
  if (engineName() === 'native') {
    try {
      return NativeH5File.openCopy(source, target);
    } catch (e) {
      if (!(e instanceof NativeUnsupportedError)) throw e;
    }
  }
  if (source === undefined) return WasmH5File.openSync(target, 'w');
  durableStep('copy', target);
  fs.copyFileSync(source, target);
  return WasmH5File.openSync(target, 'a');
}
