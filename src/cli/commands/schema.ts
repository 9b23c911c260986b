/** `h5traj schema FILE`: what each parameter looks like across the runs. */
import { wholeNumber, withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { out, outJson, table } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { parameterTypes, preview, previewTyped } from '../values.js';

interface SchemaArgs extends CommonArgs {
  maxValues: number;
}

export const schema: CliCommand<SchemaArgs> = {
  command: 'schema <file>',
  describe: 'each parameter: type, explored, distinct values, range',
  examples: [
    ['h5traj schema runs.hdf5', 'a table of the parameters'],
    ['h5traj schema runs.hdf5 --json --max-values 100', 'as JSON, up to 100 values per parameter'],
  ],
  builder: (y) =>
    withReadOptions(y).option('max-values', { type: 'string', default: '20', coerce: wholeNumber('--max-values', 'of values to list per parameter', 1), describe: 'distinct values to list per parameter' }),
  handler: async (args) => {
    const traj = openPicked(args, PARAMETERS_ONLY);
    const rows = traj.f_get_schema({ max_values: args.maxValues });
    if (args.json) {
      outJson(rows);
      return;
    }
    const types = parameterTypes(traj);
    out(table(
      ['parameter', 'type', 'explored', 'distinct', 'min', 'max', 'values'],
      rows.map((s) => {
        const show = (v: unknown) => previewTyped(v, types.get(s.name), 20);
        return [
          s.name,
          s.type,
          s.explored ? 'yes' : 'no',
          s.distinct > s.values.length ? `>${s.values.length}` : s.distinct,
          s.min === undefined ? '' : show(s.min),
          s.max === undefined ? '' : show(s.max),
          preview(s.values.map(show).join(', '), 50),
        ];
      }),
    ));
  },
};
