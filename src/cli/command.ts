/**
 * The shape of one CLI command module (one file per command under `commands/`).
 */
import type { Argv } from 'yargs';

/** Options every read command shares. */
export interface CommonArgs {
  file: string;
  json?: boolean;
  trajectory?: string;
  index?: number;
  verbose?: boolean;
}

export interface CliCommand<A = any> {
  /** yargs command string, e.g. `info <file>`. */
  command: string;
  describe: string;
  /** Examples shown by `--help`: [command line, what it does]. */
  examples: [string, string][];
  builder: (y: Argv) => Argv<any>;
  handler: (args: A) => Promise<void>;
}

/** Adds `--json`, `--trajectory` and `--index` to a read command. */
export function withReadOptions(y: Argv): Argv {
  return y
    .positional('file', { type: 'string', describe: 'HDF5 file holding the trajectory', demandOption: true })
    .option('json', { type: 'boolean', describe: 'print JSON on stdout instead of a table' })
    .option('trajectory', { alias: 't', type: 'string', describe: 'name of the trajectory (a file may hold several)' })
    .option('index', { alias: 'i', type: 'number', describe: 'position of the trajectory in the file (negative: from the end)' })
    .conflicts('trajectory', 'index');
}
