/**
 * The shape of one CLI command module (one file per command under `commands/`).
 */
import type { Argv } from 'yargs';
import { UsageError } from './exit-codes.js';

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
    .option('index', { alias: 'i', type: 'string', coerce: wholeNumber('--index', '(the position of a trajectory in the file: 0 is the first, -1 the last)', -Infinity), describe: 'position of the trajectory in the file (negative: from the end)' })
    .conflicts('trajectory', 'index');
}

/**
 * A yargs `coerce` for an option that takes a whole number: the text as given is checked, so a
 * wrong value is named as typed (`--depth x`), not as the NaN a number option would make of it.
 * @example .option('depth', { type: 'string', coerce: wholeNumber('--depth', 'of levels', 0) })
 */
export function wholeNumber(option: string, what: string, min: number): (value: unknown) => number {
  return (value) => {
    const text = String(Array.isArray(value) ? value.at(-1) : value).trim();
    const n = Number(text);
    if (!/^[-+]?\d+$/.test(text) || n < min) {
      const range = min === -Infinity ? '' : ` (${min} or more)`;
      throw new UsageError(`${option} takes a whole number ${what}${range}, not '${text}'.`);
    }
    return n;
  };
}
