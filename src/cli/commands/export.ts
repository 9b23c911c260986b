/** `h5traj export FILE --format csv|jsonl`: one record per run, streamed to stdout or a file. */
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { csvHeader, csvLine } from '../csv.js';
import { UsageError } from '../exit-codes.js';
import { filterFromOption, runSelection, WHERE_OPTION } from '../filter.js';
import { watchInterrupts } from '../interrupt.js';
import { jsonReplacer } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { recordColumns, streamRecords } from '../records.js';
import { locateResults } from '../result-names.js';
import { fileSink, stdoutSink, type LineSink } from '../sink.js';

interface ExportArgs extends CommonArgs {
  format?: 'csv' | 'jsonl';
  results?: string;
  out?: string;
  where?: string | string[];
}

/** Turns a record into one output line. */
type Formatter = (record: Record<string, unknown>) => string;

function csvFormatter(columns: string[]): { header: string; line: Formatter } {
  return { header: csvHeader(columns), line: (record) => csvLine(columns, record) };
}

const jsonlLine: Formatter = (record) => JSON.stringify(record, jsonReplacer);

function chooseFormat(args: ExportArgs): 'csv' | 'jsonl' {
  if (args.json && args.format === 'csv') throw new UsageError('--json means --format jsonl; give one of them, not --json with --format csv.');
  const format = args.json ? 'jsonl' : args.format;
  if (!format) throw new UsageError('Choose the output format: --format csv or --format jsonl.');
  return format;
}

function parseResults(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--results takes names separated by commas (e.g. out.a,out.b,z), not '${value}'.`);
  return names;
}

export const exportCommand: CliCommand<ExportArgs> = {
  command: 'export <file>',
  describe: 'one record per run as CSV or JSON lines, streamed',
  examples: [
    ['h5traj export runs.hdf5 --format csv -r out.a,out.b', 'items a and b of result out, per run'],
    ["h5traj export runs.hdf5 --json -w 'x>=2' -o x.jl", 'runs with x >= 2, atomically into x.jl'],
  ],
  builder: (y) =>
    withReadOptions(y)
      .option('format', { choices: ['csv', 'jsonl'] as const, describe: 'output format (--json is the same as --format jsonl)' })
      .option('results', { alias: 'r', type: 'string', describe: 'result (or derived parameter) names to add, comma-separated (out.a is item a of result out)' })
      .option('out', { alias: 'o', type: 'string', describe: 'write to this file (atomically: a temporary file renamed when complete)' })
      .option('where', { ...WHERE_OPTION, alias: 'w' }),
  handler: async (args) => {
    const formatName = chooseFormat(args);
    const results = parseResults(args.results);
    const where = filterFromOption(args.where, '--where');
    const traj = openPicked(args, PARAMETERS_ONLY);
    runSelection(traj, where); // a malformed filter is a usage error before any output
    const { results: inResults, derived_parameters: derived } = locateResults(traj, args.file, results);
    const records = streamRecords(traj, { results: inResults, derived, where });
    const csv = formatName === 'csv' ? csvFormatter(recordColumns(traj, results)) : undefined;
    const format = csv ? csv.line : jsonlLine;
    const sink: LineSink = args.out !== undefined ? fileSink(args.out) : stdoutSink();
    const unwatch = watchInterrupts();
    try {
      if (csv) await sink.write(csv.header);
      for (const record of records) await sink.write(format(record));
      await sink.end();
    } catch (e) {
      sink.abort();
      throw e;
    } finally {
      unwatch();
    }
  },
};
