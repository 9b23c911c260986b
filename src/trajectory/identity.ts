/**
 * A trajectory's identity (pypet's `v_name`, `v_time`, `v_version`, `v_python`): the name rule, the
 * creation time and the Python version a new trajectory records.
 */
import { InvalidArgumentError, InvalidNameError } from '../errors.js';
import { nameProblem } from '../tree/names.js';
import { PYPET_FORMAT_VERSION } from './pypet-version.js';
import { formatTime } from './runs.js';
import type { TrajectoryIdentity } from './state.js';

/**
 * The Python version written into `overview/info.python` unless `H5TRAJ_PYTHON_VERSION` or the
 * option `python_version` names another. pypet 0.7 loads a file without `force=True` only when
 * this equals its interpreter's version exactly (as it checks its own files); Debian 12's Python.
 */
export const DEFAULT_PYTHON_VERSION = '3.11.2';

/** The Python version a new trajectory records: the option, `H5TRAJ_PYTHON_VERSION`, or the default. */
function pythonVersion(option: string | undefined): string {
  const fromEnv = process.env.H5TRAJ_PYTHON_VERSION;
  const v = option ?? (fromEnv === undefined || fromEnv === '' ? DEFAULT_PYTHON_VERSION : fromEnv);
  if (!/^\d+\.\d+\.\d+$/.test(v)) {
    const source = option !== undefined ? 'The option python_version' : 'H5TRAJ_PYTHON_VERSION';
    throw new InvalidArgumentError(`${source} is '${v}', but pypet compares it with Python's version as major.minor.micro, e.g. '3.12.4'.`, {
      expected: 'major.minor.micro', got: v,
    });
  }
  return v;
}

/**
 * Checks a trajectory name (a node name without dots).
 * @throws InvalidNameError saying what is wrong with it.
 */
export function checkTrajectoryName(name: string): void {
  const problem = name.includes('.') ? `'${name}' contains a dot` : nameProblem(name);
  if (problem) throw new InvalidNameError(`The trajectory name '${name}' is not valid: ${problem}.`, { path: name });
}

/**
 * The identity of a trajectory created now: the name (with the time appended unless `add_time`
 * is false), the creation time, pypet's format version and the Python version.
 * @throws InvalidNameError for a bad name; InvalidArgumentError for a bad Python version.
 */
export function newIdentity(name: string, options: { add_time?: boolean; python_version?: string }): TrajectoryIdentity {
  checkTrajectoryName(name);
  const timestamp = Date.now() / 1000;
  const time = formatTime(timestamp);
  return {
    name: (options.add_time ?? true) ? `${name}_${time}` : name,
    time,
    timestamp,
    version: PYPET_FORMAT_VERSION,
    python: pythonVersion(options.python_version),
  };
}
