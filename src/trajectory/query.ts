/**
 * Asking questions of a trajectory's runs: filters over parameter values (signac's `find_jobs`,
 * batchpy's `get_runs_with`), grouping, the parameter schema, and one flat record per run.
 * Parameter ranges are read once per query; no run is loaded to answer a filter.
 */
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { BaseParameter } from '../leaves/parameter.js';
import { valuesEqual } from '../values/compare.js';
import { NDArray } from '../values/ndarray.js';
import { valueToString } from '../values/text.js';
import { describeType, type ValueType } from '../values/types.js';
import type { NNNode } from '../tree/node.js';
import { groupState, type NNGroupNode } from '../tree/group.js';
import { valueOfRun } from './run-values.js';
import { trajectoryState, type TrajectoryCore } from './state.js';

/** Comparison operators of a filter. */
export interface FilterOps {
  $eq?: unknown;
  $ne?: unknown;
  $gt?: unknown;
  $gte?: unknown;
  $lt?: unknown;
  $lte?: unknown;
  $in?: unknown[];
  $nin?: unknown[];
}

/**
 * A run filter: `{ x: 2 }`, `{ x: { $gte: 2 }, mode: { $in: ['a', 'b'] } }`,
 * `{ $or: [{ x: 1 }, { y: { $lt: 3 } }] }`. Names are parameter names as `f_get` finds them.
 */
export type RunFilter = { $and?: RunFilter[]; $or?: RunFilter[] } & { [name: string]: unknown };

const OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

/** Values of a parameter for every run (its range, or its default repeated). */
export function parameterColumn(traj: TrajectoryCore, name: string): { param: BaseParameter; values: (idx: number) => unknown } {
  const node = traj.f_get<NNNode>(name, { fast_access: false });
  if (!(node instanceof BaseParameter)) {
    throw new TypeMismatchError(`'${name}' is not a parameter (it is a ${node.f_get_class_name()}); filters work on parameters.`, { path: name });
  }
  if (node.v_explored) {
    const range = node.f_get_range(false);
    return { param: node, values: (idx) => range[idx] };
  }
  const value = node.f_get_default();
  return { param: node, values: () => value };
}

function compare(a: unknown, b: unknown): number | undefined {
  const norm = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
  const x = norm(a);
  const y = norm(b);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  return undefined;
}

function matchOps(value: unknown, ops: unknown, name: string): boolean {
  if (ops === null || typeof ops !== 'object' || Array.isArray(ops) || !Object.keys(ops).every((k) => OPS.has(k))) {
    if (ops !== null && typeof ops === 'object' && !Array.isArray(ops)) {
      const bad = Object.keys(ops).filter((k) => !OPS.has(k));
      if (bad.some((k) => k.startsWith('$'))) {
        throw new InvalidArgumentError(`Unknown filter operator ${bad.join(', ')} for '${name}'; use ${[...OPS].join(' ')}.`, { path: name });
      }
    }
    return valuesEqual(value, ops);
  }
  return Object.entries(ops as FilterOps).every(([op, arg]) => {
    switch (op) {
      case '$eq':
        return valuesEqual(value, arg);
      case '$ne':
        return !valuesEqual(value, arg);
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg)) throw new InvalidArgumentError(`${op} for '${name}' needs an array of values.`, { path: name });
        const found = arg.some((a) => valuesEqual(value, a));
        return op === '$in' ? found : !found;
      }
      default: {
        const c = compare(value, arg);
        if (c === undefined) {
          throw new TypeMismatchError(`'${name}' has the value ${valueToString(value)}, which cannot be compared with ${valueToString(arg)} by ${op}.`, { path: name });
        }
        return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0;
      }
    }
  });
}

/** Compiles a filter into a predicate over run indices (columns are resolved once). */
export function compileFilter(traj: TrajectoryCore, filter: RunFilter): (idx: number) => boolean {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new InvalidArgumentError('A run filter must be an object such as { x: { $gte: 2 } }.');
  }
  const parts: ((idx: number) => boolean)[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(cond)) throw new InvalidArgumentError(`${key} needs an array of filters.`);
      const subs = (cond as RunFilter[]).map((f) => compileFilter(traj, f));
      parts.push(key === '$and' ? (i) => subs.every((s) => s(i)) : (i) => subs.some((s) => s(i)));
    } else if (key.startsWith('$')) {
      throw new InvalidArgumentError(`Unknown filter operator ${key}; at the top level use $and or $or.`);
    } else {
      const { values } = parameterColumn(traj, key);
      parts.push((i) => matchOps(values(i), cond, key));
    }
  }
  return (idx) => parts.every((p) => p(idx));
}

/** Indices of the runs matching `filter`, in run order. */
export function findRuns(traj: TrajectoryCore, filter: RunFilter): number[] {
  const predicate = compileFilter(traj, filter);
  const out: number[] = [];
  for (let idx = 0; idx < trajectoryState(traj).runs.length; idx++) if (predicate(idx)) out.push(idx);
  return out;
}

/** A group of runs sharing the values of some parameters. */
export interface RunGroup {
  key: Record<string, unknown>;
  runs: number[];
}

/** Runs grouped by the values of `names`, groups in order of first appearance. */
export function groupRuns(traj: TrajectoryCore, names: string | string[]): RunGroup[] {
  const list = typeof names === 'string' ? [names] : names;
  const columns = list.map((n) => parameterColumn(traj, n).values);
  const groups: RunGroup[] = [];
  for (let idx = 0; idx < trajectoryState(traj).runs.length; idx++) {
    const values = columns.map((c) => c(idx));
    let group = groups.find((g) => list.every((n, i) => valuesEqual(g.key[n], values[i])));
    if (!group) {
      group = { key: Object.fromEntries(list.map((n, i) => [n, values[i]])), runs: [] };
      groups.push(group);
    }
    group.runs.push(idx);
  }
  return groups;
}

/** What one parameter looks like across the runs (signac's `detect_schema`). */
export interface ParameterSchema {
  name: string;
  type: string;
  explored: boolean;
  /** Distinct values in order of appearance (at most `maxValues`). */
  values: unknown[];
  /** Number of distinct values (counted up to `maxValues` + 1). */
  distinct: number;
  min?: number;
  max?: number;
}

/** The schema of every parameter: type, explored or constant, value set and numeric range. */
export function parameterSchema(traj: TrajectoryCore, maxValues = 20): ParameterSchema[] {
  const out: ParameterSchema[] = [];
  for (const leaf of (groupState(traj).children.get('parameters') as NNGroupNode).f_iter_leaves()) {
    if (!(leaf instanceof BaseParameter) || leaf.f_is_empty()) continue;
    const values = leaf.v_explored ? leaf.f_get_range(false) : [leaf.f_get_default()];
    const distinct: unknown[] = [];
    let min: number | undefined;
    let max: number | undefined;
    for (const v of values) {
      if (distinct.length <= maxValues && !distinct.some((d) => valuesEqual(d, v))) distinct.push(v);
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
      if (n !== undefined && !Number.isNaN(n)) {
        min = min === undefined || n < min ? n : min;
        max = max === undefined || n > max ? n : max;
      }
    }
    const schema: ParameterSchema = {
      name: leaf.v_full_name,
      type: describeType(leaf.v_value_type as ValueType),
      explored: leaf.v_explored,
      values: distinct.slice(0, maxValues),
      distinct: distinct.length,
    };
    if (min !== undefined) schema.min = min;
    if (max !== undefined) schema.max = max;
    out.push(schema);
  }
  return out;
}

/** Options of {@link runRecords}. */
export interface RecordsOptions {
  /** Result names (as found below each run's group) whose scalar values join each record. */
  results?: string[];
  /** Only runs matching this filter. */
  where?: RunFilter;
  /** Load results from storage as needed, dropping them again to keep memory flat (default: `v_auto_load`). */
  auto_load?: boolean;
}

/** One flat record per run: run name, idx, completed, explored parameters, chosen results. */
export type RunRecord = Record<string, unknown> & { run: string; idx: number; completed: boolean };

/** A scalar for a record cell: numbers, strings, booleans; arrays and objects as short text. */
function cell(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (v instanceof NDArray && v.size === 1) return v.at(0);
  return valueToString(v, 1_000);
}

/**
 * Streams one record per run, in run order. Results are looked up per run (and, with auto_load,
 * loaded and dropped run by run), so memory does not grow with the number of runs.
 */
export function* runRecords(traj: TrajectoryCore, options: RecordsOptions = {}): Generator<RunRecord> {
  const predicate = options.where ? compileFilter(traj, options.where) : () => true;
  const state = trajectoryState(traj);
  const explored = [...state.explored];
  const ranges = explored.map(([, p]) => p.f_get_range(false));
  const shortNames = explored.map(([full, p]) => (explored.filter(([, q]) => q.v_name === p.v_name).length > 1 ? full : p.v_name));
  const results = options.results ?? [];
  const autoLoad = options.auto_load ?? traj.v_auto_load;
  for (let idx = 0; idx < state.runs.length; idx++) {
    if (!predicate(idx)) continue;
    const info = state.runs.get(idx);
    // Entries, then fromEntries: a parameter called '__proto__' stays an own key of the record.
    const entries: [string, unknown][] = [['run', info.name], ['idx', idx], ['completed', info.completed === 1]];
    shortNames.forEach((n, i) => entries.push([n, cell(ranges[i]![idx])]));
    for (const r of results) entries.push([r, cell(valueOfRun(traj, idx, r, autoLoad))]);
    yield Object.fromEntries(entries) as RunRecord;
  }
}
