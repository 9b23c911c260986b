/**
 * `h5traj merge TARGET SOURCE…`: merges the trajectories in SOURCE files into the trajectory in
 * TARGET, as one crash-safe write of TARGET. Shards of one exploration fill in their completed
 * runs (merged in shard order, whatever the order given); other trajectories are appended as in
 * pypet. A TARGET that does not exist yet is created from the first part.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeRuns, fileShard, missingShards, shardRecords } from '../../environment/shard.js';
import { replaceThroughTemp } from '../../storage/atomic.js';
import { NotFoundError } from '../../errors.js';
import { Trajectory } from '../../trajectory/trajectory.js';
import type { MergeOptions, MergeSummary } from '../../trajectory/merge.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../exit-codes.js';
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
  describe: 'merge the trajectories in SOURCE files into TARGET (created if missing): shards fill in their runs, others are appended',
  examples: [
    ['h5traj merge data/sim.hdf5 parts/*.hdf5', 'join the shards of an array job (data/sim.hdf5 is created if it does not exist)'],
    ['h5traj merge a.hdf5 b.hdf5 --trial-parameter trial', 'renumber the trials of b after those of a'],
    ['h5traj merge a.hdf5 b.hdf5 --remove-duplicates --json', 'skip runs whose parameters a already has'],
  ],
  builder: (y) =>
    y
      .positional('target', { type: 'string', demandOption: true, describe: 'file whose trajectory receives the runs (created from the first part if it does not exist)' })
      .positional('sources', { type: 'string', array: true, demandOption: true, describe: 'files whose trajectories are merged (shards of one exploration in any order)' })
      .option('trajectory', { alias: 't', type: 'string', describe: 'trajectory in TARGET (default: the last one); sources use their only/last one' })
      .option('trial-parameter', { type: 'string', describe: 'integer parameter counting trials, renumbered in the merged runs' })
      .option('remove-duplicates', { type: 'boolean', describe: 'skip runs whose parameter values TARGET already has' })
      .option('backup', { type: 'boolean', describe: 'back up both trajectories beside their files first' })
      .option('json', { type: 'boolean', describe: 'print the merge summary as JSON' }),
  handler: async (args) => {
    // The same error (and exit code 1) as every other command that is given a missing file; a
    // missing target is created from the first part.
    for (const f of args.sources) if (!fs.existsSync(f)) throw new NotFoundError(`The file '${f}' does not exist.`, { file: f });
    let sources = args.sources.map((f) => openForMerge(f, trajectoryNames(f).at(-1)!));
    // Shards go in shard order, so that any order of the files gives the same trajectory.
    const shards = sources.map((t) => fileShard(t));
    if (shards.every((s) => s !== undefined)) sources = sources.map((t, k) => ({ t, k: shards[k]!.shard[0] })).sort((a, b) => a.k - b.k).map((x) => x.t);
    const created = !fs.existsSync(args.target);
    const base = sources[0]!.v_filename!;
    if (created) {
      if (args.trajectory !== undefined) throw new UsageError(`The file '${args.target}' does not exist, so it holds no trajectory '${args.trajectory}'.`);
      copyAsNew(base, args.target);
      sources = sources.slice(1);
    }
    const targetName = args.trajectory ?? trajectoryNames(args.target).at(-1)!;
    const target = openForMerge(args.target, targetName);
    const options: MergeOptions = {};
    if (args.trialParameter) options.trial_parameter = args.trialParameter;
    if (args.removeDuplicates) options.remove_duplicates = true;
    if (args.backup) options.backup_filename = true;
    const started = performance.now();
    const summary: MergeSummary = sources.length > 0 ? target.f_merge_many(sources, options) : alone(target);
    const seconds = (performance.now() - started) / 1000;
    const records = shardRecords(openForMerge(args.target, targetName));
    const missing = missingShards(records, summary.incomplete_runs);
    if (args.json) {
      outJson({ target: args.target, trajectory: targetName, created, seconds: Number(seconds.toFixed(3)), ...summary, missing_shards: missing });
    } else {
      const parts = args.sources.length;
      const filled = summary.others.filter((o) => o.mode === 'filled');
      const how = created ? `new file, from ${path.basename(base)}` : `into the existing file`;
      if (filled.length === summary.others.length && (filled.length > 0 || created)) {
        out(`${targetName}: ${parts} part(s) merged (${how}): ${summary.length - summary.incomplete_runs.length} of ${summary.length} runs completed in ${args.target} (${seconds.toFixed(2)} s)`);
      } else {
        out(`${targetName}: ${summary.length_before} + ${summary.merged_runs} runs = ${summary.length} runs in ${args.target} (${seconds.toFixed(2)} s)`);
      }
      if (summary.duplicates_removed > 0) out(`${summary.duplicates_removed} duplicate run(s) skipped`);
      for (const w of summary.warnings) note(`warning: ${w}`);
    }
    if (summary.incomplete_runs.length > 0) {
      const which = missing.length > 0 ? ` (${missing.length === 1 ? 'shard' : 'shards'} ${missing.join(', ')} of ${records[0]!.shard[1]} not merged)` : '';
      note(`warning: runs ${describeRuns(summary.incomplete_runs)} of ${summary.length} are not completed in ${args.target}${which}; merge the missing part(s) into it later, or run them with h5traj run MODULE --file ${args.target} --resume.`);
    }
  },
};

/** Writes a copy of `from` as `to` (a new file: through a temporary name, so never half written). */
function copyAsNew(from: string, to: string): void {
  fs.mkdirSync(path.dirname(path.resolve(to)), { recursive: true });
  replaceThroughTemp(to, (tmp) => fs.copyFileSync(from, tmp), { onError: (e) => e });
}

/** The summary of a "merge" of one part into a new file: the copy itself. */
function alone(t: Trajectory): MergeSummary {
  const incomplete = Array.from({ length: t.v_length }, (_, i) => i).filter((i) => !t.f_is_completed(i));
  return {
    length_before: t.v_length, length: t.v_length, merged_runs: 0, duplicates_removed: 0, others: [], changed_parameters: [],
    newly_explored: [], rewrote_file: false, backups: [], warnings: [], incomplete_runs: incomplete,
  };
}
