/** `h5traj get FILE NAME`: one result (or derived parameter) of every run. */
import { NotFoundError } from '../../errors.js';
import { Result } from '../../leaves/result.js';
import type { FromRunsOptions, Trajectory } from '../../trajectory/trajectory.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { checkFilter, filterFromOption, WHERE_OPTION } from '../filter.js';
import { jsonReplacer, note, tableLines } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { outJsonArray, stdoutSink } from '../sink.js';
import { RunResultReader } from '../records.js';
import { plain, previewForStdout } from '../values.js';

interface GetArgs extends CommonArgs {
  name: string;
  where?: string | string[];
}

/**
 * The value of `name` in every run that has it, by run index: below results first, then below
 * derived parameters (`out.a` is item `a` of the result `out`). Run by run with the export's
 * reader, which loads one run's group at a time and only the items named, so memory stays flat
 * over a million runs; names that are not below `<branch>.runs.run_XXXXXXXX` (pypet's
 * `results.neuron.run_XXXXXXXX`) go through `f_get_from_runs` with auto-load.
 */
export function valuesFromRuns(traj: Trajectory, name: string): Map<number, unknown> {
  const dot = name.lastIndexOf('.');
  for (const where of ['results', 'derived_parameters'] as const) {
    const reader = new RunResultReader(traj, [name], where);
    const streamed = new Map<number, unknown>();
    for (let idx = 0; idx < traj.v_length; idx++) {
      const [value] = reader.read(idx);
      if (value !== undefined) streamed.set(idx, value);
    }
    if (streamed.size > 0) return streamed;
    const options: FromRunsOptions = { where, fast_access: true, auto_load: true, use_indices: true };
    const found = traj.f_get_from_runs(name, options) as Map<number, unknown>;
    if (found.size > 0) return found;
    if (dot > 0) {
      const item = name.slice(dot + 1);
      const items = new Map<number, unknown>();
      for (const [idx, leaf] of traj.f_get_from_runs(name.slice(0, dot), { ...options, fast_access: false }) as Map<number, unknown>) {
        if (leaf instanceof Result && leaf.f_contains(item)) items.set(idx, leaf.f_get(item));
      }
      if (items.size > 0) return items;
    }
  }
  return new Map();
}

export const get: CliCommand<GetArgs> = {
  command: 'get <file> <name>',
  describe: 'one result of every run (z, or item out.a of result out)',
  examples: [
    ['h5traj get runs.hdf5 z', 'result z of every run: run, idx, value'],
    ["h5traj get runs.hdf5 out.a --where 'x>=2' --json", 'item a of result out where x >= 2, as JSON'],
  ],
  builder: (y) =>
    withReadOptions(y)
      .positional('name', { type: 'string', demandOption: true, describe: 'result name as found below each run (z, stats, stats.mean)' })
      .option('where', { ...WHERE_OPTION, alias: ['w', 'runs'] }),
  handler: async (args) => {
    const filter = filterFromOption(args.where, '--where');
    const traj = openPicked(args, PARAMETERS_ONLY);
    const matching = new Set(checkFilter(traj, filter));
    const values = valuesFromRuns(traj, args.name);
    if (values.size === 0) {
      throw new NotFoundError(
        `No run of '${traj.v_name}' has '${args.name}' (looked below results.runs.run_XXXXXXXX and derived_parameters.runs.run_XXXXXXXX).`,
        { path: args.name, file: args.file },
      );
    }
    // Rows are made as they are written (twice for a table: to measure it, then to write it).
    function* rows(): Generator<{ run: string; idx: number; value: unknown }> {
      for (const [idx, value] of values) if (matching.has(idx)) yield { run: traj.f_idx_to_run(idx), idx, value: plain(value) };
    }
    if (args.json) {
      await outJsonArray(rows(), jsonReplacer);
      return;
    }
    let count = 0;
    for (const _ of rows()) count += 1;
    if (count > 0) {
      const sink = stdoutSink();
      for (const line of tableLines(['run', 'idx', args.name], function* () {
        for (const r of rows()) yield [r.run, r.idx, previewForStdout(r.value, 60)];
      })) await sink.write(line);
      await sink.end();
    }
    note(`${count} of ${traj.v_length} runs${filter ? ' match and' : ''} have '${args.name}'.`);
  },
};
