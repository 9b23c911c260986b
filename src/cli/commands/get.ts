/** `h5traj get FILE NAME`: one result (or derived parameter) of every run. */
import { NotFoundError } from '../../errors.js';
import { Result } from '../../leaves/result.js';
import type { FromRunsOptions, Trajectory } from '../../trajectory/trajectory.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { checkFilter, filterFromOption, WHERE_OPTION } from '../filter.js';
import { jsonReplacer, note, table } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { outLong } from '../sink.js';
import { plain, previewForStdout } from '../values.js';

interface GetArgs extends CommonArgs {
  name: string;
  where?: string | string[];
}

/**
 * The value of `name` in every run that has it, by run index: `f_get_from_runs` with auto-load,
 * below results first, then below derived parameters. `out.a` is item `a` of the result `out`.
 */
export function valuesFromRuns(traj: Trajectory, name: string): Map<number, unknown> {
  const dot = name.lastIndexOf('.');
  for (const where of ['results', 'derived_parameters'] as const) {
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
    const rows = [...values].filter(([idx]) => matching.has(idx)).map(([idx, value]) => ({ run: traj.f_idx_to_run(idx), idx, value: plain(value) }));
    if (args.json) {
      await outLong(JSON.stringify(rows, jsonReplacer, 2));
      return;
    }
    if (rows.length > 0) await outLong(table(['run', 'idx', args.name], rows.map((r) => [r.run, r.idx, previewForStdout(r.value, 60)])));
    note(`${rows.length} of ${traj.v_length} runs${filter ? ' match and' : ''} have '${args.name}'.`);
  },
};
