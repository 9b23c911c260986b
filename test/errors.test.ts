/**
 * Each error class's `code` is a literal type, so callers can `switch (e.code)` and have the
 * compiler check it: the type assertions below fail `npm run typecheck` if a `code` is widened
 * to `string` again, and the table is checked against the classes at run time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index.js';

/** True when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(ok: Equals<A, B>): Equals<A, B> => ok;

// A class with subclasses has the union of its own code and theirs; a leaf class its own code.
same<api.StorageError['code'], 'STORAGE' | 'READ_ONLY_FILE'>(true);
same<api.ReadOnlyFileError['code'], 'READ_ONLY_FILE'>(true);
same<api.FormatError['code'], 'FORMAT' | 'UNSUPPORTED_DATA'>(true);
same<api.InvalidArgumentError['code'], 'INVALID_ARGUMENT' | 'UNKNOWN_OPTION'>(true);
same<api.RunError['code'], 'RUN_FAILED' | 'RUNS_FAILED'>(true);
same<api.NotFoundError['code'], 'NOT_FOUND'>(true);

/** Every class and its code; the switch below must name each code (`never` checks it). */
const CODES = {
  H5TrajError: 'H5TRAJ_ERROR',
  InvalidNameError: 'INVALID_NAME',
  NotFoundError: 'NOT_FOUND',
  NotUniqueNodeError: 'NOT_UNIQUE',
  NodeExistsError: 'NODE_EXISTS',
  ParameterLockedError: 'PARAMETER_LOCKED',
  TypeMismatchError: 'TYPE_MISMATCH',
  InvalidArgumentError: 'INVALID_ARGUMENT',
  UnknownOptionError: 'UNKNOWN_OPTION',
  StateError: 'INVALID_STATE',
  PresettingError: 'PRESETTING',
  StorageError: 'STORAGE',
  ReadOnlyFileError: 'READ_ONLY_FILE',
  FormatError: 'FORMAT',
  UnsupportedDataError: 'UNSUPPORTED_DATA',
  FileLockedError: 'FILE_LOCKED',
  MergeError: 'MERGE',
  RunError: 'RUN_FAILED',
  RunsFailedError: 'RUNS_FAILED',
} as const satisfies Record<string, api.H5TrajError['code']>;

/** What a caller writes: an exhaustive switch over the codes of H5TrajError. */
function kindOf(e: api.H5TrajError): string {
  const code = e.code;
  switch (code) {
    case 'NOT_FOUND':
    case 'NOT_UNIQUE':
      return 'lookup';
    case 'INVALID_NAME':
    case 'NODE_EXISTS':
    case 'PARAMETER_LOCKED':
    case 'TYPE_MISMATCH':
    case 'INVALID_ARGUMENT':
    case 'UNKNOWN_OPTION':
    case 'INVALID_STATE':
    case 'PRESETTING':
      return 'usage';
    case 'STORAGE':
    case 'READ_ONLY_FILE':
    case 'FORMAT':
    case 'UNSUPPORTED_DATA':
    case 'FILE_LOCKED':
    case 'MERGE':
      return 'file';
    case 'RUN_FAILED':
    case 'RUNS_FAILED':
      return 'run';
    case 'H5TRAJ_ERROR':
      return 'other';
    default: {
      const unknown: never = code;
      return unknown;
    }
  }
}

test('every exported error class has the code its type says', () => {
  const classes = Object.entries(api).filter(([, v]) => v === api.H5TrajError || (typeof v === 'function' && v.prototype instanceof api.H5TrajError));
  assert.equal(classes.map(([name]) => name).sort(), Object.keys(CODES).sort(), 'the table lists every error class');
  for (const [name, E] of classes) {
    const e = new (E as new (...args: unknown[]) => api.H5TrajError)('m', [], {});
    assert.is(e.code, CODES[name as keyof typeof CODES], name);
  }
  assert.is(kindOf(new api.ReadOnlyFileError('read-only')), 'file');
  assert.is(kindOf(new api.UnknownOptionError('typo', 'naem', 'name')), 'usage');
});

test.run();
