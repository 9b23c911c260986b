/**
 * `h5traj merge TARGET SOURCE…`: appends the runs of the trajectories in SOURCE files to the
 * trajectory in TARGET (e.g. the shards of an array job), as one crash-safe write of TARGET.
 */
import fs from 'node:fs';
import { NotFoundError } from '../../errors.js';
import { Trajectory } from '../../trajectory/trajectory.js';
import type { MergeOptions } from '../../trajectory/merge.js';
import type { CliCommand } from '../command.js';
import { note, out, outJson } from '../io.js';
import { trajectoryNames } from '../open.js';

interface MergeArgs {
  target: string;
  sources: string[];
  trajectory?: string;
  trialParameter?: string;
  removeDuplicates?: boolean;
  backup?: boolean;
  json?: boolean;
}

/** Loads the parameters and runs of a trajectory (merge copies the data without loading it). */
function openForMerge(file: string, name: string): Trajectory {
  const t = new Trajectory(name, { add_time: false, filename: file });
  t.f_load({ name, load_parameters: 2, load_derived_parameters: 0, load_results: 0, load_other_data: 0, force: true });
  return t;
}

export const merge: CliCommand<MergeArgs> = {
  command: 'merge <target> <sources..>',
  describe: 'append the runs of the trajectories in SOURCE files to the trajectory in TARGET (same parameter space)',
  examples: [
    ['h5traj merge data/sim.hdf5 parts/sim-*.hdf5', 'join the shards of an array job, in the order given'],
    ['h5traj merge a.hdf5 b.hdf5 --trial-parameter trial', 'renumber the trials of b after those of a'],
    ['h5traj merge a.hdf5 b.hdf5 --remove-duplicates --json', 'skip runs whose parameters a already has'],
  ],
  builder: (y) =>
    y
      .positional('target', { type: 'string', demandOption: true, describe: 'file whose trajectory receives the runs' })
      .positional('sources', { type: 'string', array: true, demandOption: true, describe: 'files whose trajectories are appended' })
      .option('trajectory', { alias: 't', type: 'string', describe: 'trajectory in TARGET (default: the last one); sources use their only/last one' })
      .option('trial-parameter', { type: 'string', describe: 'integer parameter counting trials, renumbered in the merged runs' })
      .option('remove-duplicates', { type: 'boolean', describe: 'skip runs whose parameter values TARGET already has' })
      .option('backup', { type: 'boolean', describe: 'back up both trajectories beside their files first' })
      .option('json', { type: 'boolean', describe: 'print the merge summary as JSON' }),
  handler: async (args) => {
    // The same error (and exit code 1) as every other command that is given a missing file.
    for (const f of [args.target, ...args.sources]) if (!fs.existsSync(f)) throw new NotFoundError(`The file '${f}' does not exist.`, { file: f });
    const targetName = args.trajectory ?? trajectoryNames(args.target).at(-1)!;
    const target = openForMerge(args.target, targetName);
    const others = args.sources.map((f) => openForMerge(f, trajectoryNames(f).at(-1)!));
    const options: MergeOptions = {};
    if (args.trialParameter) options.trial_parameter = args.trialParameter;
    if (args.removeDuplicates) options.remove_duplicates = true;
    if (args.backup) options.backup_filename = true;
    const started = performance.now();
    const summary = target.f_merge_many(others, options);
    const seconds = (performance.now() - started) / 1000;
    if (args.json) {
      outJson({ target: args.target, trajectory: targetName, seconds: Number(seconds.toFixed(3)), ...summary });
      return;
    }
    out(`${targetName}: ${summary.length_before} + ${summary.merged_runs} runs = ${summary.length} runs in ${args.target} (${seconds.toFixed(2)} s)`);
    if (summary.duplicates_removed > 0) out(`${summary.duplicates_removed} duplicate run(s) skipped`);
    for (const w of summary.warnings) note(`warning: ${w}`);
  },
};
