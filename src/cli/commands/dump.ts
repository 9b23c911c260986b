/** `h5traj dump FILE`: the full manifest of a trajectory (every node, value and run). */
import { stringifyManifest } from '../manifest-values.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { out } from '../io.js';
import { trajectoryManifest } from '../manifest.js';
import { openTrajectory, trajectoryNames } from '../open.js';

export const dump: CliCommand<CommonArgs> = {
  command: 'dump <file>',
  describe: 'print every node, value and run of a trajectory (all of them with --json when the file holds several)',
  examples: [
    ['h5traj dump data/demo.hdf5 --json', 'the manifest of the trajectory as JSON'],
    ['h5traj dump runs.hdf5 --trajectory first --json', 'one trajectory of a file that holds several'],
  ],
  builder: (y) => withReadOptions(y),
  handler: async (args) => {
    const names = trajectoryNames(args.file);
    const picked = args.trajectory !== undefined || args.index !== undefined;
    const manifestOf = (pick: { trajectory?: string; index?: number }) =>
      trajectoryManifest(openTrajectory(args.file, pick, { load_all: 2 }));
    const body = picked || names.length === 1
      ? { file: args.file, trajectories_in_file: names, ...manifestOf({ trajectory: args.trajectory, index: args.index } as { trajectory?: string; index?: number }) }
      : { file: args.file, trajectories_in_file: names, trajectories: Object.fromEntries(names.map((n) => [n, manifestOf({ trajectory: n })])) };
    out(stringifyManifest(body, args.json ? 1 : 2));
  },
};
