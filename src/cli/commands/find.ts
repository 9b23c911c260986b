/** `h5traj find FILE 'x>=2' 'mode=alpha'`: the runs whose parameter values match. */
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { allOf, checkFilter, listOption, parseExpression, parseFilterArg, WHERE_OPTION } from '../filter.js';
import { jsonReplacer, note, table } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { outLong } from '../sink.js';
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
    const matching = new Set(checkFilter(traj, allOf(filters)));
    const records = [...traj.f_to_records()].filter((r) => matching.has(r.idx));
    if (args.json) {
      await outLong(JSON.stringify(records, jsonReplacer, 2));
      return;
    }
    if (records.length === 0) {
      note(`No run of ${traj.v_length} matches.`);
      return;
    }
    const columns = Object.keys(records[0]!);
    const types = parameterTypes(traj);
    await outLong(table(columns, records.map((r) => columns.map((c) => (c === 'completed' ? String(r.completed) : previewTyped(r[c], types.get(c)))))));
    note(`${records.length} of ${traj.v_length} runs match.`);
  },
};
