/**
 * The values of one result name (`z`, or `out.a` for item `a` of result `out`) in the selected
 * runs, streamed in run order for `get` and `plot`: nothing is kept per run, so the memory of a
 * command does not grow with the number of runs.
 */
import { Result } from '../leaves/result.js';
import type { FromRunsOptions, Trajectory } from '../trajectory/trajectory.js';
import type { RunSelection } from './filter.js';
import { RunResultReader } from './records.js';
import { someRunHas } from './result-names.js';

/** One run's value. */
export interface RunValue {
  idx: number;
  value: unknown;
}

/**
 * Where the values of `name` are, and a stream of them over the selected runs; undefined when
 * no run has `name`.
 *
 * The branch is the first of `results.runs` and `derived_parameters.runs` in which some run (of
 * all runs, selected or not) has the name: looking stops at the first run that has it. Then the
 * selected runs are read with the export's reader: a block of runs per storage call when the
 * name is exactly a path below the run groups, else one run's group at a time; only the items
 * named are read. Names that are not below `<branch>.runs.run_XXXXXXXX` (pypet's
 * `results.neuron.run_XXXXXXXX`) go through `f_get_from_runs` with auto-load, which returns the
 * values of all runs at once: that layout is not streamed.
 */
export function resultValues(traj: Trajectory, name: string, runs: RunSelection): Iterable<RunValue> | undefined {
  for (const where of ['results', 'derived_parameters'] as const) {
    if (someRunHas(traj, name, where)) return streamed(new RunResultReader(traj, [name], where), runs);
    const found = fromRuns(traj, name, where);
    if (found.size > 0) return [...found].filter(([idx]) => runs.has(idx)).map(([idx, value]) => ({ idx, value }));
  }
  return undefined;
}

function* streamed(reader: RunResultReader, runs: RunSelection): Generator<RunValue> {
  for (const { idx, values } of reader.scan(runs)) if (values[0] !== undefined) yield { idx, value: values[0] };
}

/** `f_get_from_runs` for `name`, or for result `out` when `name` is `out.a` and `a` an item. */
function fromRuns(traj: Trajectory, name: string, where: 'results' | 'derived_parameters'): Map<number, unknown> {
  const options: FromRunsOptions = { where, fast_access: true, auto_load: true, use_indices: true };
  const found = traj.f_get_from_runs(name, options) as Map<number, unknown>;
  const dot = name.lastIndexOf('.');
  if (found.size > 0 || dot <= 0) return found;
  const item = name.slice(dot + 1);
  const items = new Map<number, unknown>();
  for (const [idx, leaf] of traj.f_get_from_runs(name.slice(0, dot), { ...options, fast_access: false }) as Map<number, unknown>) {
    if (leaf instanceof Result && leaf.f_contains(item)) items.set(idx, leaf.f_get(item));
  }
  return items;
}
