/**
 * One check for every public options object. JavaScript callers have no type checker, and pypet
 * users bring pypet's option names: an option h5traj does not know is an {@link UnknownOptionError}
 * naming the nearest known one, never silently ignored. pypet options that have no meaning here
 * (logging, process wrapping, …) are accepted and listed in the README as having none; options
 * h5traj spells differently say what to write instead.
 */
import { TypeMismatchError, UnknownOptionError } from './errors.js';

/** What an options object may hold. */
export interface OptionSpec {
  /** The options the call understands. */
  known: readonly string[];
  /** pypet options with no meaning in h5traj: accepted and ignored (the README lists them). */
  meaningless?: readonly string[];
  /** pypet's name → h5traj's name, for options h5traj spells differently. */
  renamed?: ReadonlyMap<string, string>;
  /** pypet options h5traj does not implement here → why, or what to do instead. */
  unsupported?: ReadonlyMap<string, string>;
}

/**
 * The option names of an options type, checked by the compiler to be complete:
 * `optionNames<LoadOptions>({ name: true, index: true, … })` fails to compile when a key is
 * missing or unknown, so a new option cannot be forgotten here.
 */
export function optionNames<T>(names: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(names);
}

/** pypet options that configure Python's logging, process wrapping or resources: no meaning here. */
export const PYPET_MEANINGLESS = [
  'wrap_mode', 'log_config', 'log_stdout', 'log_folder', 'log_level', 'log_multiproc', 'log_allow_fork',
  'multiproc', 'use_pool', 'use_scoop', 'freeze_input', 'cpu_cap', 'memory_cap', 'swap_cap', 'niceness',
  'graceful_exit', 'lazy_debug', 'clean_up_runs', 'immediate_postproc', 'port', 'timeout', 'queue_maxsize',
  'gc_interval', 'sumatra_project', 'sumatra_reason', 'sumatra_label', 'delete_continue', 'continue_folder',
  'file_title',
] as const;

/**
 * Throws {@link UnknownOptionError} when `given` holds an option that `spec` does not list.
 * @param where the call, as the user wrote it (e.g. `traj.f_load()`), for the message.
 * @example checkOptions('traj.f_load()', options, { known: LOAD_OPTIONS })
 */
export function checkOptions(where: string, given: unknown, spec: OptionSpec): void {
  if (given === undefined) return;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new TypeMismatchError(`The options of ${where} must be an object such as { comment: 'x' }, not ${given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given}.`);
  }
  for (const option of Object.keys(given)) {
    if (spec.known.includes(option) || spec.meaningless?.includes(option)) continue;
    const renamed = spec.renamed?.get(option);
    if (renamed !== undefined) {
      throw new UnknownOptionError(`${where} has no option '${option}': pypet's '${option}' is called '${renamed}' in h5traj.`, option, renamed);
    }
    const why = spec.unsupported?.get(option);
    if (why !== undefined) {
      throw new UnknownOptionError(`${where} does not support pypet's option '${option}': ${why}.`, option);
    }
    const nearest = nearestName(option, spec.known);
    const hint = nearest !== undefined ? ` Did you mean '${nearest}'?` : '';
    const list = spec.known.length > 0 ? ` Its options are: ${spec.known.join(', ')}.` : ' It takes no options.';
    throw new UnknownOptionError(`${where} has no option '${option}'.${hint}${list}`, option, nearest);
  }
}

/** The known name closest to `name` by edit distance (ties: the first listed). */
function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
