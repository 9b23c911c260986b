/**
 * `h5traj get FILE NAME`: one result (or derived parameter) of every run, streamed: each run's
 * value is written as it is read, so memory stays flat over a million runs.
 */
import { NotFoundError } from '../../errors.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { filterFromOption, runSelection, WHERE_OPTION, type RunSelection } from '../filter.js';
import { alignedLines, jsonReplacer, note } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { resultValues } from '../result-values.js';
import { outJsonArray, stdoutSink } from '../sink.js';
import { plain, previewForStdout } from '../values.js';

interface GetArgs extends CommonArgs {
  name: string;
  where?: string | string[];
}

/** The widths of the run and idx columns over the selected runs (read from the run table). */
function runColumnWidths(traj: Trajectory, runs: RunSelection): [number, number] {
  let run = 0;
  let last = 0;
  for (let idx = 0; idx < runs.length; idx++) {
    if (!runs.has(idx)) continue;
    run = Math.max(run, traj.f_idx_to_run(idx).length);
    last = idx;
  }
  return [run, String(last).length];
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
    const runs = runSelection(traj, filter);
    const found = resultValues(traj, args.name, runs);
    if (!found) {
      throw new NotFoundError(
        `No run of '${traj.v_name}' has '${args.name}' (looked below results.runs.run_XXXXXXXX and derived_parameters.runs.run_XXXXXXXX).`,
        { path: args.name, file: args.file },
      );
    }
    // Rows are made and written as the runs are read, one pass, nothing kept per run.
    const values = found;
    let count = 0;
    function* rows(): Generator<{ run: string; idx: number; value: unknown }> {
      for (const { idx, value } of values) {
        count += 1;
        yield { run: traj.f_idx_to_run(idx), idx, value: plain(value) };
      }
    }
    if (args.json) {
      await outJsonArray(rows(), jsonReplacer);
      return;
    }
    // The columns before the value are known without reading a run (the value is last and not
    // padded), so the table streams too; its header is written with the first row.
    const cells = function* (): Generator<unknown[]> {
      for (const r of rows()) yield [r.run, r.idx, previewForStdout(r.value, 60)];
    };
    const sink = stdoutSink();
    let header: string | undefined;
    for (const line of alignedLines(['run', 'idx', args.name], runColumnWidths(traj, runs), cells())) {
      if (header === undefined) header = line;
      else {
        if (count === 1) await sink.write(header);
        await sink.write(line);
      }
    }
    await sink.end();
    note(`${count} of ${traj.v_length} runs${filter ? ' match and' : ''} have '${args.name}'.`);
  },
};
