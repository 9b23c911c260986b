/**
 * The messages between the main thread and its threads: the run workers (`worker.ts`, driven by
 * `pool.ts`) and the writer (`writer.ts`, driven by `background-writer.ts`). An error crosses a
 * thread as {@link WireError} and comes back as the same h5traj error class with the same
 * message, so a user error reads the same whether runs are serial or parallel.
 */
import {
  FileLockedError,
  FormatError,
  H5TrajError,
  InvalidArgumentError,
  InvalidNameError,
  MergeError,
  NodeExistsError,
  NotFoundError,
  ParameterLockedError,
  PresettingError,
  ReadOnlyFileError,
  StateError,
  StorageError,
  TypeMismatchError,
  UnsupportedDataError,
  type ErrorContext,
} from '../errors.js';
import type { RunModule } from './run-module.js';

/** What a run worker needs to start. */
export interface WorkerInit {
  trajName: string;
  /** Wire form (`toWire`) of the records of the tree the runs see. */
  records: unknown;
  length: number;
  /** The run function's module, as the user gave it (error messages name it so). */
  run: RunModule;
  /** The module's URL, resolved in the main thread. */
  url: string;
  /** Wire form of the run function's extra arguments. */
  args: unknown;
  hexsha: string;
}

/** Main thread → run worker. */
export type WorkerRequest = { type: 'run'; idx: number } | { type: 'close' };

/** Run worker → main thread: ready for runs, a run's journal entry (wire form), or a failure of the worker itself. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; entry: unknown } | { type: 'error'; error: WireError };

/** What the writer thread needs to start: the file and the trajectory its commits go to. */
export interface WriterInit {
  filename: string;
  trajName: string;
}

/** Main thread → writer thread: a commit (wire form of a `Commit`) to write, or the end. */
export type WriterRequest = { type: 'commit'; id: number; commit: unknown } | { type: 'close' };

/** Writer thread → main thread: started, or how commit `id` went. */
export type WriterReply = { type: 'ready' } | { type: 'done'; id: number } | { type: 'error'; id: number; error: WireError };

/** An error as it crosses a thread: class name, message, stack and h5traj's context fields. */
export interface WireError {
  name: string;
  message: string;
  stack: string;
  context: Omit<ErrorContext, 'cause'>;
}

/** The h5traj error classes an error may cross a thread as (those built from a message and a context). */
const CROSSING = new Map<string, new (message: string, context?: ErrorContext) => H5TrajError>(
  [
    InvalidNameError,
    NotFoundError,
    NodeExistsError,
    ParameterLockedError,
    TypeMismatchError,
    InvalidArgumentError,
    StateError,
    PresettingError,
    StorageError,
    FormatError,
    UnsupportedDataError,
    FileLockedError,
    ReadOnlyFileError,
    MergeError,
  ].map((c) => [c.name, c]),
);

/** The wire form of a thrown value. */
export function errorToWire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const context: WireError['context'] = {};
  if (err instanceof H5TrajError) {
    for (const k of ['path', 'file', 'expected', 'got'] as const) if (err[k] !== undefined) context[k] = err[k];
  }
  return { name: crossingName(err), message: err.message, stack: err.stack ?? '', context };
}

/** The nearest class of `err` (itself or a base) that can cross a thread, or 'Error'. */
function crossingName(err: Error): string {
  for (let p: object | null = Object.getPrototypeOf(err); p && p !== H5TrajError.prototype; p = Object.getPrototypeOf(p)) {
    const name = (p as { constructor: { name: string } }).constructor.name;
    if (CROSSING.get(name)?.prototype === p) return name;
  }
  return 'Error';
}

/**
 * The error `w` describes: the same h5traj class (for a subclass with fields of its own, its
 * nearest base without them) with the same message and context, its stack the other thread's;
 * for any other error, what `otherwise` makes of it.
 */
export function errorFromWire(w: WireError, otherwise: (w: WireError) => Error): Error {
  const Class = CROSSING.get(w.name);
  if (!Class) return otherwise(w);
  const e = new Class(w.message, w.context);
  e.stack = w.stack;
  return e;
}
