/** `h5traj tree FILE [PATH]`: the natural-naming tree with leaf types, values and comments. */
import type { NNNode } from '../../tree/node.js';
import type { LoadOptions } from '../../trajectory/storage-service.js';
import { wholeNumber, withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { watchInterrupts } from '../interrupt.js';
import { jsonReplacer } from '../io.js';
import { openPicked, PARAMETERS_ONLY, SKELETON } from '../open.js';
import { stdoutSink, writeText } from '../sink.js';
import { treeJson, treeLines } from '../tree-view.js';

interface TreeArgs extends CommonArgs {
  path?: string;
  depth?: number;
}

/** Loads only the branch a path points into (a large results branch is slow to scan). */
function loadFor(path: string | undefined): LoadOptions {
  switch (path?.split('.')[0]) {
    case 'parameters':
    case 'config':
      return PARAMETERS_ONLY;
    case 'results':
      return { ...PARAMETERS_ONLY, load_results: 1 };
    case 'derived_parameters':
      return { ...PARAMETERS_ONLY, load_derived_parameters: 1 };
    default:
      return SKELETON;
  }
}

export const tree: CliCommand<TreeArgs> = {
  command: 'tree <file> [path]',
  describe: 'the tree of groups and leaves, with values and comments',
  examples: [
    ['h5traj tree runs.hdf5 --depth 2', 'the branches and their first level'],
    ['h5traj tree runs.hdf5 parameters --json', 'the parameters with values and ranges, as JSON'],
  ],
  builder: (y) =>
    withReadOptions(y)
      .positional('path', { type: 'string', describe: 'start at this node (a full name like parameters.x, or a shortcut)' })
      .option('depth', { alias: 'd', type: 'string', coerce: wholeNumber('--depth', 'of levels to show', 0), describe: 'levels to show below the start (default: all)' }),
  handler: async (args) => {
    const traj = openPicked(args, loadFor(args.path));
    const start = args.path ? traj.f_get<NNNode>(args.path, { fast_access: false }) : traj;
    const sink = stdoutSink();
    const unwatch = watchInterrupts();
    try {
      if (args.json) {
        await writeText(sink, JSON.stringify(treeJson(traj, start, args.depth), jsonReplacer, 2));
        return;
      }
      for (const line of treeLines(traj, start, args.depth)) await sink.write(line);
      await sink.end();
    } finally {
      unwatch();
    }
  },
};
