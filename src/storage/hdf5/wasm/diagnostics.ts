/**
 * HDF5's diagnostics, caught instead of printed. h5wasm's libhdf5 writes a 30–150 line
 * "HDF5-DIAG" stack to the process's stderr (file descriptor 2, through Node's `fs.writeSync`)
 * whenever a call fails, and then returns -1 or throws an Error such as "error - name not
 * defined!". The user should see one sentence naming the file and the cause instead.
 *
 * {@link quietModule} wraps h5wasm's module so that every call runs with those writes captured;
 * a call that printed a diagnostic or threw becomes a {@link FormatError} (the file is damaged)
 * or a {@link StorageError} (anything else), with the whole diagnostic kept as `cause`.
 */
import fs from 'node:fs';
import { FormatError, H5TrajError, StorageError } from '../../../errors.js';

/** The file the next h5wasm call is about (set by the wasm engine before each call), for messages. */
let currentFile = '';

/** Names the file that h5wasm calls from now on work on. */
export function aboutFile(file: string): void {
  currentFile = file;
}

/** HDF5's diagnostic text, with the line that says what went wrong. */
export class Hdf5Diagnostic extends Error {
  constructor(
    readonly text: string,
    /** The deepest "#0NN" line's cause, e.g. "incorrect metadata checksum after all read attempts". */
    readonly deepest: string,
  ) {
    super(text);
  }
}

/** Diagnostics that say the file's bytes are wrong, rather than that a resource failed. */
const DAMAGE = /checksum|signature|truncated|corrupt|bad .*version|version number|addr overflow|wrong|invalid|not an HDF5|bad (object|symbol|heap|B-tree)|unable to (load|protect|read|decode)|can't (decode|deserialize)|incorrect/i;

/** The cause in the deepest stack line ("… in H5C__load_entry(): incorrect metadata checksum …"). */
function deepestCause(text: string): string {
  const lines = text.split('\n').filter((l) => /^\s*#\d+:/.test(l));
  const last = lines.at(-1);
  if (!last) return text.trim().split('\n')[0] ?? '';
  const m = /\):\s*(.*)$/.exec(last);
  return (m ? m[1]! : last).trim();
}

/**
 * Runs `fn` (a call into h5wasm) with writes to stdout and stderr through `fs.writeSync`
 * captured, and turns a failure into one of our errors.
 * @throws FormatError / StorageError naming the current file when the call printed an HDF5
 *   diagnostic or threw.
 */
export function quietly<T>(what: string, fn: () => T): T {
  const write = fs.writeSync;
  let text = '';
  // h5wasm writes (fd, bytes, offset, length, position) to 1 and 2; anything else passes through.
  (fs as { writeSync: unknown }).writeSync = (fd: number, buffer: unknown, offset?: number, length?: number, ...rest: unknown[]): number => {
    // (h5wasm hands over a view of its heap, an Int8Array)
    if ((fd !== 1 && fd !== 2) || !ArrayBuffer.isView(buffer)) return (write as (...a: unknown[]) => number)(fd, buffer, offset, length, ...rest);
    const from = offset ?? 0;
    const n = length ?? buffer.byteLength - from;
    text += Buffer.from(buffer.buffer, buffer.byteOffset + from, n).toString('utf8');
    return n;
  };
  let value: T;
  try {
    value = fn();
  } catch (e) {
    if (e instanceof H5TrajError) throw e;
    throw failure(what, text || String((e as Error)?.message ?? e), e);
  } finally {
    fs.writeSync = write;
  }
  if (text.includes('HDF5-DIAG') || /#\d+:/.test(text)) throw failure(what, text, undefined);
  return value;
}

function failure(what: string, text: string, thrown: unknown): H5TrajError {
  const cause = deepestCause(text);
  const diag = new Hdf5Diagnostic(text, cause);
  const file = currentFile;
  const context = { file, cause: thrown === undefined ? diag : new AggregateError([thrown, diag], cause) };
  if (DAMAGE.test(text)) {
    return new FormatError(`HDF5 cannot ${what} '${file}': ${cause}. The file is damaged or not a complete HDF5 file.`, context);
  }
  return new StorageError(`HDF5 cannot ${what} '${file}': ${cause}.`, context);
}

/** Calls into h5wasm by function name, since the process started (see {@link h5wasmCalls}). */
const calls = new Map<string, number>();

/**
 * How many calls of each h5wasm function this process has made so far (a copy). Every call
 * re-resolves its path from the root, so the count is what the adapter's caching saves; tests
 * compare it between workloads.
 * @example const before = h5wasmCalls(); …; const after = h5wasmCalls();
 */
export function h5wasmCalls(): Map<string, number> {
  return new Map(calls);
}

/**
 * `module` with each of its functions run through {@link quietly} and counted
 * ({@link h5wasmCalls}); other properties (constants, the heap views) pass through unchanged.
 */
export function quietModule<M extends object>(module: M): M {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(module, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let w = wrapped.get(prop);
      if (!w) {
        const fn = value as (...a: unknown[]) => unknown;
        const what = `${describe(prop)}`;
        w = (...args: unknown[]) => {
          calls.set(prop, (calls.get(prop) ?? 0) + 1);
          return quietly(what, () => fn.apply(target, args));
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}

/** "get_attribute_data" → "read an attribute in" (the verb of the sentence {@link failure} makes). */
function describe(fn: string): string {
  if (fn === 'open') return 'open';
  if (fn.startsWith('get_') || fn.startsWith('reclaim_')) return 'read';
  if (fn === 'flush' || fn === 'close_file') return 'write out';
  if (fn.startsWith('_')) return 'allocate memory for';
  return 'change';
}
