/**
 * The yargs wiring of the `h5traj` command line: every command in one list, one error path.
 */
import fs from 'node:fs';
import yargs from 'yargs';
import { H5TrajError } from '../errors.js';
import type { CliCommand } from './command.js';
import { commands } from './commands/index.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor, InterruptedError, ReportedFailure, UsageError } from './exit-codes.js';
import { note, PipeClosed } from './io.js';
import { prepareToOpen } from '../storage/hdf5/engine/open-file.js';

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

/** The package's version (package.json sits two folders up from both `src/cli` and `dist/cli`). */
function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('h5traj')
    .usage('$0 <command> FILE [options]\n\nParameter explorations in HDF5 (pypet-compatible files).')
    .option('verbose', { type: 'boolean', describe: 'print stack traces on errors' })
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .alias('version', 'V')
    // A terminal's width on a TTY; piped help (into less, grep, a file) is not wrapped at all,
    // so that no word is cut where some assumed width ran out.
    .wrap(process.stdout.isTTY ? process.stdout.columns : null)
    .fail((msg, err) => {
      // yargs' own validation errors (YError, also from an option's `coerce`) are usage errors.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(msg);
    });
  for (const cmd of commands) register(parser, cmd);
  parser.completion('completion', 'print a bash/zsh completion script (h5traj completion >> ~/.bashrc)');
  // `h5traj` alone: the help, on stdout, as a successful answer to "what can this do?".
  parser.command({ command: '$0', describe: false, handler: () => void parser.showHelp('log') });
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
