/**
 * Every error h5traj throws on purpose is one of these classes. Each carries a stable `code`
 * and the context as typed fields, so callers can branch on the kind without parsing messages.
 */

/** Context fields an error may carry. */
export interface ErrorContext {
  /** Full name of the node (or item) involved, e.g. `parameters.x`. */
  path?: string;
  /** File involved, if any. */
  file?: string;
  /** What was expected (a type, a length, a value). */
  expected?: string;
  /** What was found instead. */
  got?: string;
  /** Original error (e.g. an HDF5 diagnostic). */
  cause?: unknown;
}

/**
 * The `code` of every h5traj error. A class with subclasses has the union of its own code and
 * theirs (`StorageError['code']` is `'STORAGE' | 'READ_ONLY_FILE'`), so that `switch (e.code)`
 * is checked by the compiler; a new class adds its code here.
 */
type ErrorCode =
  | 'H5TRAJ_ERROR'
  | 'INVALID_NAME'
  | 'NOT_FOUND'
  | 'NOT_UNIQUE'
  | 'NODE_EXISTS'
  | 'PARAMETER_LOCKED'
  | 'TYPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_OPTION'
  | 'INVALID_STATE'
  | 'PRESETTING'
  | 'STORAGE'
  | 'READ_ONLY_FILE'
  | 'FORMAT'
  | 'UNSUPPORTED_DATA'
  | 'FILE_LOCKED'
  | 'MERGE'
  | 'RUN_FAILED'
  | 'RUNS_FAILED';

/** Base class of every h5traj error; `code` says which kind (one literal per class). */
export class H5TrajError extends Error {
  readonly code: ErrorCode = 'H5TRAJ_ERROR';
  readonly path?: string;
  readonly file?: string;
  readonly expected?: string;
  readonly got?: string;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    if (context.path !== undefined) this.path = context.path;
    if (context.file !== undefined) this.file = context.file;
    if (context.expected !== undefined) this.expected = context.expected;
    if (context.got !== undefined) this.got = context.got;
  }
}

/** A name breaks pypet's naming rules (leading underscore, `f_`/`v_` prefix, bad characters…). */
export class InvalidNameError extends H5TrajError {
  override readonly code = 'INVALID_NAME';
}

/** A node that should exist was not found. */
export class NotFoundError extends H5TrajError {
  override readonly code = 'NOT_FOUND';
}

/** A shortcut or search matched several nodes; `candidates` lists their full names. */
export class NotUniqueNodeError extends H5TrajError {
  override readonly code = 'NOT_UNIQUE';
  readonly candidates: string[];
  constructor(message: string, candidates: string[], context: ErrorContext = {}) {
    super(message, context);
    this.candidates = candidates;
  }
}

/** Adding a node whose name is already taken. */
export class NodeExistsError extends H5TrajError {
  override readonly code = 'NODE_EXISTS';
}

/** Changing the value of a locked parameter. */
export class ParameterLockedError extends H5TrajError {
  override readonly code = 'PARAMETER_LOCKED';
}

/** A value has the wrong type (unsupported by the leaf, or unlike the parameter's default). */
export class TypeMismatchError extends H5TrajError {
  override readonly code = 'TYPE_MISMATCH';
}

/** An argument is invalid for reasons other than its type (lengths, ranges, options). */
export class InvalidArgumentError extends H5TrajError {
  override readonly code: 'INVALID_ARGUMENT' | 'UNKNOWN_OPTION' = 'INVALID_ARGUMENT';
}

/** An operation is not allowed in the trajectory's current state (e.g. exploring after storing). */
export class StateError extends H5TrajError {
  override readonly code = 'INVALID_STATE';
}

/** Presets (`f_preset_parameter`/`f_preset_config`) that were never used by an added parameter. */
export class PresettingError extends H5TrajError {
  override readonly code = 'PRESETTING';
}

/** Reading or writing storage failed (I/O, HDF5 diagnostics). */
export class StorageError extends H5TrajError {
  override readonly code: 'STORAGE' | 'READ_ONLY_FILE' = 'STORAGE';
}

/** A file is not a trajectory file we can read, or holds a layout we do not understand. */
export class FormatError extends H5TrajError {
  override readonly code: 'FORMAT' | 'UNSUPPORTED_DATA' = 'FORMAT';
}

/** Stored data h5traj cannot decode (e.g. compressed with a filter it lacks, such as blosc). */
export class UnsupportedDataError extends FormatError {
  override readonly code = 'UNSUPPORTED_DATA';
}

/** Another writer holds the file's lock. */
export class FileLockedError extends H5TrajError {
  override readonly code = 'FILE_LOCKED';
}

/** A file h5traj was asked to change is read-only for this user (its mode bits allow no writing). */
export class ReadOnlyFileError extends StorageError {
  override readonly code = 'READ_ONLY_FILE';
}

/** Two trajectories cannot be merged (different parameter spaces, bad options). */
export class MergeError extends H5TrajError {
  override readonly code = 'MERGE';
}

/** A run function failed; `runIdx` says which run. */
export class RunError extends H5TrajError {
  override readonly code: 'RUN_FAILED' | 'RUNS_FAILED' = 'RUN_FAILED';
  readonly runIdx: number;
  constructor(message: string, runIdx: number, context: ErrorContext = {}) {
    super(message, context);
    this.runIdx = runIdx;
  }
}

/** One failed run of an exploration: its index and the error message of its run function. */
export interface FailedRun {
  idx: number;
  message: string;
}

/**
 * Runs of an exploration failed; the others went on and are stored. `failures` lists each failed
 * run, `results` holds `[run index, return value]` of the runs that completed, in run order, and
 * `runIdx` is the first failed run. `Environment.run` throws it unless `accept_failures` is set.
 */
export class RunsFailedError extends RunError {
  override readonly code = 'RUNS_FAILED';
  readonly failures: FailedRun[];
  readonly results: [number, unknown][];
  constructor(message: string, failures: FailedRun[], results: [number, unknown][], context: ErrorContext = {}) {
    super(message, failures[0]?.idx ?? -1, context);
    this.failures = failures;
    this.results = results;
  }
}

/**
 * An options object names an option the call does not know (a JavaScript caller has no type
 * checker to catch a typo). `option` is the unknown name; `suggestion` the nearest known one.
 */
export class UnknownOptionError extends InvalidArgumentError {
  override readonly code = 'UNKNOWN_OPTION';
  readonly option: string;
  readonly suggestion: string | undefined;
  constructor(message: string, option: string, suggestion?: string, context: ErrorContext = {}) {
    super(message, context);
    this.option = option;
    this.suggestion = suggestion;
  }
}
