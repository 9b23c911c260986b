/**
 * The yargs wiring of the `h5traj` command line: every command in one list, one error path.
 */
import yargs from 'yargs';
import { H5TrajError } from '../errors.js';
import type { CliCommand } from './command.js';
import { commands } from './commands/index.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor, InterruptedError, ReportedFailure, UsageError } from './exit-codes.js';
import { note, PipeClosed } from './io.js';
import { prepareToOpen } from '../storage/hdf5/open-file.js';

/** The HDF5 files a command line names (positionals and `--file`), whatever the command. */
function namedFiles(argv: Record<string, unknown>): string[] {
  return [argv.file, argv.target, argv.sources].flat().filter((f): f is string => typeof f === 'string');
}

function register(y: ReturnType<typeof yargs>, cmd: CliCommand): void {
  y.command(
    cmd.command,
    cmd.describe,
    (sub) => {
      const built = cmd.builder(sub);
      for (const [line, what] of cmd.examples) built.example(line, what);
      return built;
    },
    cmd.handler,
  );
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('h5traj')
    .usage('$0 <command> FILE [options]\n\nParameter explorations in HDF5 (pypet-compatible files).')
    .option('verbose', { type: 'boolean', describe: 'print stack traces on errors' })
    .demandCommand(1, 'Name a command; see h5traj --help.')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const cmd of commands) register(parser, cmd);
  // Commands open files synchronously; h5wasm (for files the native engine does not read) loads
  // asynchronously, so it is loaded here, before the command, and only when a file needs it.
  parser.middleware(async (argv) => {
    for (const file of namedFiles(argv)) await prepareToOpen(file);
  });
  const verbose = argv.includes('--verbose');
  try {
    await parser.parseAsync();
    return EXIT_OK;
  } catch (e) {
    if (e instanceof PipeClosed) return EXIT_OK;
    if (e instanceof ReportedFailure) return EXIT_FAILURE;
    const code = exitCodeFor(e);
    if (e instanceof UsageError) {
      note(`h5traj: ${e.message}`);
      note('Run h5traj --help (or h5traj COMMAND --help) for usage.');
      return EXIT_USAGE;
    }
    if (e instanceof InterruptedError) {
      // The command's own sentence says what was kept and how to go on (run: --resume).
      note(`h5traj: ${e.message}`);
      return code;
    }
    const message = e instanceof Error ? e.message : String(e);
    note(`h5traj: ${e instanceof H5TrajError ? message : `unexpected error: ${message}`}`);
    if (verbose && e instanceof Error && e.stack) note(e.stack);
    return code;
  }
}
