/**
 * Name rules and run-name helpers of the natural-naming tree.
 *
 * User names share the objects of the API, so pypet reserves every name that starts with `f_`
 * or `v_`, and every name starting with an underscore (internal state). Names also become HDF5
 * group names and PyTables column values, hence the character set and length limit.
 */
import { InvalidNameError } from '../errors.js';

/** pypet's limit on a single name (PyTables' string columns are sized for it). */
export const MAX_NAME_LENGTH = 128;

/** The four standard branches under the trajectory root. */
export const BRANCHES = ['config', 'parameters', 'derived_parameters', 'results'] as const;
export type Branch = (typeof BRANCHES)[number];

/**
 * Names JavaScript itself asks objects for (`await` reads `then`, `JSON.stringify` reads
 * `toJSON`): a node with such a name would be found by a shortcut search and change how the
 * whole trajectory behaves, so they are refused. Names of `Object.prototype` members
 * (`constructor`, `toString`, …) are fine: `f_get('toString')` and dotted paths reach them, and
 * plain `traj.toString` keeps the JavaScript member.
 */
const PROTOCOL_NAMES = new Set(['then', 'toJSON', 'inspect']);

/** pypet's aliases of the API members (`traj.func.add_result`, `traj.vars.idx`). */
const ALIAS_NAMES = new Set(['func', 'vars']);

// pypet admits ASCII letters, digits, '_' and '-' (names may start with a digit).
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Why a single name (no dots) is invalid, or undefined when it is valid. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a name may not be empty (check for a doubled or trailing dot)';
  if (name.startsWith('_')) return `'${name}' starts with an underscore, which is reserved for internal use`;
  if (name.startsWith('f_') || name.startsWith('v_')) {
    return `'${name}' starts with '${name.slice(0, 2)}', which is reserved for the API's methods and properties`;
  }
  if (!NAME_PATTERN.test(name)) {
    const bad = [...new Set([...name].filter((c) => !/[A-Za-z0-9_-]/.test(c)))].map((c) => `'${c}'`).join(', ');
    return `'${name}' contains ${bad}; names may only use ASCII letters, digits, '_' and '-'`;
  }
  if (name.length >= MAX_NAME_LENGTH) {
    return `'${name.slice(0, 20)}…' is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH - 1}`;
  }
  if (PROTOCOL_NAMES.has(name)) {
    return `'${name}' is a name JavaScript itself looks up on objects, so a node with it would change how the trajectory behaves`;
  }
  if (ALIAS_NAMES.has(name)) return `'${name}' is pypet's alias of the ${name === 'func' ? "'f_'" : "'v_'"} members`;
  return undefined;
}

/** Whether a single name is valid. */
export function isValidName(name: string): boolean {
  return nameProblem(name) === undefined;
}

/**
 * Splits a dotted name and checks every part. Wildcards (`$`, `$set`, `crun`) must already be
 * translated. Throws {@link InvalidNameError} naming the bad part and the whole name.
 */
export function splitAndCheck(fullName: string): string[] {
  const parts = fullName.split('.');
  for (const part of parts) {
    const problem = nameProblem(part);
    if (problem) {
      throw new InvalidNameError(`The name '${fullName}' is not valid: ${problem}.`, { path: fullName });
    }
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Runs

/** `run_%08d`. */
export function runName(idx: number): string {
  // JSON.stringify, not String: V8 keeps what String(number) makes in its number-to-string cache,
  // long enough to promote it to the old generation, and a pass over a million runs made
  // millions of such strings (garbage that waited there for a full collection).
  return `run_${JSON.stringify(idx).padStart(8, '0')}`;
}

/** pypet buckets runs in sets of 1000: `run_set_%05d`. */
export function runSetName(idx: number): string {
  return `run_set_${String(Math.floor(idx / 1000)).padStart(5, '0')}`;
}

/** The run name used outside a run (`$` resolves to it). */
export const RUN_ALL = 'run_ALL';
/** The run-set name used outside a run (`$set` resolves to it). */
export const RUN_SET_ALL = 'run_set_ALL';

const RUN_NAME_PATTERN = /^run_(\d{8,})$/;

/** The index of a run name (`run_00000003` → 3), or undefined for other names. */
export function runIndexOf(name: string): number | undefined {
  // By hand, as RUN_NAME_PATTERN reads it: asked for every run of a scan, where a match object
  // per call was garbage.
  // (and the number from its digits: a slice per call was garbage too)
  if (name.length < 12 || !name.startsWith('run_')) return undefined;
  let idx = 0;
  for (let i = 4; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    idx = idx * 10 + (c - 48);
  }
  return idx;
}

/** Whether a name is a run group name (`run_XXXXXXXX`, `run_ALL`). */
export function isRunGroupName(name: string): boolean {
  return name === RUN_ALL || RUN_NAME_PATTERN.test(name);
}

// A Map, not an object literal: a name like 'constructor' must not find Object's members.
const BRANCH_SHORTCUTS = new Map([
  ['par', 'parameters'],
  ['dpar', 'derived_parameters'],
  ['res', 'results'],
  ['conf', 'config'],
]);

/**
 * Translates one name part the way pypet does when adding and searching: branch shortcuts
 * (`par`, `dpar`, `res`, `conf`), run shortcuts (`r_3`/`run_3` → `run_00000003`, `r_A` →
 * `run_ALL`, `rts_1500` → `run_set_00001`, a bare integer → that run), and the wildcards `$`/`crun`
 * (the current run, or `run_ALL` outside a run) and `$set`/`crunset`.
 */
export function translatePart(part: string, idx: number): string {
  const branch = BRANCH_SHORTCUTS.get(part);
  if (branch) return branch;
  if (part === '$' || part === 'crun') return idx >= 0 ? runName(idx) : RUN_ALL;
  if (part === '$set' || part === 'crunset') return idx >= 0 ? runSetName(idx) : RUN_SET_ALL;
  if (/^\d+$/.test(part)) return runName(Number(part));
  const run = /^(?:run|r)_(\d+|A)$/.exec(part);
  if (run) return run[1] === 'A' ? RUN_ALL : runName(Number(run[1]));
  const set = /^(?:runtoset|rts)_(\d+|A)$/.exec(part);
  if (set) return set[1] === 'A' ? RUN_SET_ALL : runSetName(Number(set[1]));
  return part;
}

/** Whether a part is a run wildcard (`$`, `crun`, `$set`, `crunset`). */
export function isWildcard(part: string): boolean {
  return part === '$' || part === 'crun' || part === '$set' || part === 'crunset';
}

/** {@link translatePart} applied to every part of a dotted name. */
export function translateWildcards(name: string, idx: number): string {
  return name
    .split('.')
    .map((part) => translatePart(part, idx))
    .join('.');
}
