/** `h5traj find FILE 'x>=2' 'mode=alpha'`: the runs whose parameter values match. */
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { allOf, listOption, parseExpression, parseFilterArg, runSelection, WHERE_OPTION } from '../filter.js';
import { jsonReplacer, note, tableLines } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { outJsonArray, stdoutSink } from '../sink.js';
import type { RunRecord } from '../../trajectory/query.js';
import { parameterTypes, previewTyped } from '../values.js';

interface FindArgs extends CommonArgs {
  expressions?: string[];
  where?: string | string[];
}

export const find: CliCommand<FindArgs> = {
  command: 'find <file> [expressions..]',
  describe: 'runs whose parameters match x>=2 mode=alpha or a JSON filter',
  examples: [
    ["h5traj find runs.hdf5 'x>=2' 'mode=alpha'", 'runs with x >= 2 and mode alpha'],
    ['h5traj find runs.hdf5 --where \'{"x":{"$in":[1,2]}}\'', 'a JSON filter with f_find_runs operators'],
  ],
  builder: (y) =>
    withReadOptions(y)
      .positional('expressions', { type: 'string', array: true, describe: "filter expressions such as 'x>=2' (values are JSON when they parse, else text); the same as --where" })
      .option('where', { ...WHERE_OPTION, alias: ['w', 'filter'] }),
  handler: async (args) => {
    const filters = [...listOption(args.expressions).map(parseExpression), ...listOption(args.where).map((f) => parseFilterArg(f, '--where'))];
    const traj = openPicked(args, PARAMETERS_ONLY);
    const filter = allOf(filters);
    runSelection(traj, filter); // a malformed filter is a usage error before any output
    // Streamed: the records are made again for each pass (from the parameter ranges in memory)
    // instead of kept, and the matching runs are counted, not listed (a million runs).
    let count = 0;
    function* records(): Generator<RunRecord> {
      count = 0;
      for (const r of traj.f_to_records(filter ? { where: filter } : {})) {
        count += 1;
        yield r;
      }
    }
    if (args.json) {
      await outJsonArray(records(), jsonReplacer);
      return;
    }
    const first = records().next();
    if (first.done) {
      note(`No run of ${traj.v_length} matches.`);
      return;
    }
    const columns = Object.keys(first.value);
    const types = parameterTypes(traj);
    const rows = function* (): Generator<unknown[]> {
      for (const r of records()) yield columns.map((c) => (c === 'completed' ? String(r.completed) : previewTyped(r[c], types.get(c))));
    };
    const sink = stdoutSink();
    for (const line of tableLines(columns, rows)) await sink.write(line);
    await sink.end();
    note(`${count} of ${traj.v_length} runs match.`);
  },
};
