/**
 * Run filters from the command line: expressions such as `x>=2` or `mode=alpha`, or a JSON
 * filter in the form `f_find_runs` takes (`{"x": {"$gte": 2}}`). Several are ANDed.
 */
import { InvalidArgumentError } from '../errors.js';
import { compileFilter, type RunFilter } from '../trajectory/query.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { UsageError } from './exit-codes.js';

const OPERATORS: Record<string, string | undefined> = { '=': undefined, '==': undefined, '!=': '$ne', '>': '$gt', '>=': '$gte', '<': '$lt', '<=': '$lte' };
// The name is anything up to the operator (pypet names may hold `-` and dots); the longest
// operator is tried first by the alternation order.
const EXPRESSION = /^\s*([^\s=!<>]+)\s*(==|!=|>=|<=|=|>|<)\s*(.*?)\s*$/s;

/** A value from the command line: JSON when it parses (`2`, `true`, `"a b"`, `[1,2]`), else the text. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * One expression `NAME OP VALUE` as a filter.
 * @throws UsageError when the text is not such an expression.
 * @example parseExpression('x>=2') // { x: { $gte: 2 } }
 */
export function parseExpression(text: string): RunFilter {
  const m = EXPRESSION.exec(text);
  if (!m) {
    throw new UsageError(`'${text}' is not a filter expression; write NAME OP VALUE with OP one of = == != > >= < <= (for example 'x>=2' or 'mode=alpha').`);
  }
  const [, name, op, raw] = m as unknown as [string, string, string, string];
  if (/^[=<>!]/.test(raw)) {
    throw new UsageError(`'${text}' is not a filter expression: its value starts with an operator. Write NAME OP VALUE (for example 'x>=2'); quote a text value as JSON ('mode=">a"').`);
  }
  const value = parseValue(raw);
  const mongo = OPERATORS[op];
  return { [name]: mongo === undefined ? { $eq: value } : { [mongo]: value } };
}

/**
 * A JSON filter from the command line.
 * @throws UsageError when the text is not a JSON object.
 */
export function parseJsonFilter(text: string, option: string): RunFilter {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option} needs a JSON object such as '{"x": {"$gte": 2}}', but parsing '${text}' failed: ${(e as Error).message}.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${option} needs a JSON object such as '{"x": {"$gte": 2}}', not '${text}'.`);
  }
  return value as RunFilter;
}

/** A filter argument that may be JSON (starting with `{`) or an expression. */
export function parseFilterArg(text: string, option: string): RunFilter {
  return text.trimStart().startsWith('{') ? parseJsonFilter(text, option) : parseExpression(text);
}

/** ANDs filters; undefined when there are none (every run matches). */
export function allOf(filters: RunFilter[]): RunFilter | undefined {
  if (filters.length === 0) return undefined;
  return filters.length === 1 ? filters[0] : { $and: filters };
}

/** A string option yargs may hand over once or several times (repeated flags). */
export function listOption(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : ([] as string[]).concat(value);
}

/**
 * The run filter option, `--where` in every command that selects runs (`find` also takes the
 * expressions as positionals; its old `--filter` and `get`'s old `--runs` are aliases).
 */
export const WHERE_OPTION = {
  type: 'string',
  describe: 'only runs matching this filter: NAME OP VALUE (x>=2, mode=alpha) or JSON ({"x": {"$in": [1, 2]}}); repeatable, ANDed',
} as const;

/** The filter of `--where` options (each JSON or an expression), ANDed. */
export function filterFromOption(value: string | string[] | undefined, option: string): RunFilter | undefined {
  return allOf(listOption(value).map((v) => parseFilterArg(v, option)));
}

/**
 * The runs matching a filter (all runs without one). A malformed filter (an unknown operator, a
 * $in without an array) is a usage error; an unknown parameter name fails with the library's message.
 */
export function checkFilter(traj: Trajectory, filter: RunFilter | undefined): number[] {
  try {
    return traj.f_find_runs(filter ?? {});
  } catch (e) {
    throw e instanceof InvalidArgumentError ? new UsageError(e.message) : e;
  }
}

/** Which runs a command reads: a test per run index, and how many runs there are. */
export interface RunSelection {
  /** Whether run `idx` is selected. */
  has(idx: number): boolean;
  /** The number of runs of the trajectory (selected or not). */
  length: number;
}

/**
 * The runs matching a filter as a test per run index, for commands that stream over the runs: it
 * keeps no list of the matching runs (a million of them would be 8 MB or, as a Set, 40 MB), and
 * the filter is checked here on run 0 so that a malformed filter fails before any output, as
 * {@link checkFilter} does.
 */
export function runSelection(traj: Trajectory, filter: RunFilter | undefined): RunSelection {
  const length = traj.v_length;
  if (!filter) return { has: () => true, length };
  try {
    const predicate = compileFilter(traj, filter);
    if (length > 0) predicate(0);
    return { has: predicate, length };
  } catch (e) {
    throw e instanceof InvalidArgumentError ? new UsageError(e.message) : e;
  }
}
