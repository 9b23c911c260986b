/**
 * `h5traj compact FILE`: gives back the space old versions of the file's contents take (left by
 * appending commits, see `docs/commit-design.md`), by rewriting the current version into a new
 * file that atomically replaces it. `h5traj info` shows how many bytes that would free.
 */
import { compactFile } from '../../storage/hdf5/compact.js';
import { prepareToOpen } from '../../storage/hdf5/engine/open-file.js';
import type { CliCommand } from '../command.js';
import { out, outJson } from '../io.js';

interface CompactArgs {
  file: string;
  json?: boolean;
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MiB`;

export const compact: CliCommand<CompactArgs> = {
  command: 'compact <file>',
  describe: 'rewrite FILE without the space old versions of its contents take (see "unreachable" in info)',
  examples: [['h5traj compact data/sim.hdf5', 'rewrite the file with only its current contents']],
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'HDF5 file to compact' })
      .option('json', { type: 'boolean', describe: 'print the sizes before and after as JSON' }),
  handler: async (args) => {
    await prepareToOpen(args.file);
    const { before, after } = compactFile(args.file);
    if (args.json) outJson({ file: args.file, bytes_before: before, bytes_after: after });
    else out(`${args.file}: ${mib(before)} before, ${mib(after)} after compacting.`);
  },
};
