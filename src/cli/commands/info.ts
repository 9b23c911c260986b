/**
 * `h5traj info FILE`: the trajectories in a file, with their size, state and, for shards, their
 * block, read from the overview tables (not the run groups).
 */
import fs from 'node:fs';
import { describeRuns, describeShard, missingShards, shardBlock, shardRecords } from '../../environment/shard.js';
import { recordedUnreachableBytes, unreachableBytes } from '../../storage/hdf5/compact.js';
import { openH5 } from '../../storage/hdf5/engine/open-file.js';
import { type StoredSummary, readSummary } from '../../storage/hdf5/summary.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { out, outJson, table } from '../io.js';
import { PARAMETERS_ONLY, openTrajectory, trajectoryAt, trajectoryNames } from '../open.js';

export const info: CliCommand<CommonArgs & { exact?: boolean }> = {
  command: 'info <file>',
  describe: 'list the trajectories in a file: comment, creation time, runs, explored parameters, failures',
  examples: [
    ['h5traj info data/demo.hdf5', 'a table of the trajectories in the file'],
    ['h5traj info data/demo.hdf5 --json', 'the same as JSON'],
    ['h5traj info data/demo.hdf5 --exact', 'measure the space old versions take by walking the file (slow on big files)'],
  ],
  builder: (y) =>
    withReadOptions(y).option('exact', {
      type: 'boolean',
      default: false,
      describe: 'measure the bytes old versions take by walking every object (minutes on a million runs) instead of reading the count commits keep',
    }),
  handler: async (args) => {
    const names = args.trajectory !== undefined ? [args.trajectory] : args.index !== undefined ? [trajectoryAt(args.file, args.index)] : trajectoryNames(args.file);
    const rows = await Promise.all(names.map(async (name) => {
      const s = await summarize(args.file, name);
      const incomplete: number[] = [];
      for (let i = 0; i < s.length; i++) if (s.completed[i] !== 1) incomplete.push(i);
      // Shards are recorded as config parameters: only a shard's (or merged) file loads them.
      const records = s.hasShardRecords ? shardRecords(openTrajectory(args.file, { trajectory: name }, PARAMETERS_ONLY)) : [];
      return {
        name: s.name,
        comment: s.comment,
        created: s.time,
        runs: s.length,
        completed: s.length - incomplete.length,
        failed: s.failures.length,
        explored: s.explored,
        // A shard file: its block; a file merged from shards: which ones, and which are missing.
        shards: records.map((r) => ({ index: r.shard[0], count: r.shard[1], length: r.length, ...shardBlock(r.length, r.shard) })),
        missing_shards: records.length > 0 ? missingShards(records, incomplete) : [],
        not_completed: describeRuns(incomplete),
        shard_note: shardNote(records, incomplete),
      };
    }));
    const size = fs.statSync(args.file).size;
    // Space old versions take (appending commits): the count commits keep in the file, read in
    // constant time (walking a million-run file takes minutes), or measured with --exact; null
    // when neither is known (a file h5traj did not write, without --exact).
    const exact = args.exact === true;
    const unreachable = (exact ? unreachableBytes(args.file) : recordedUnreachableBytes(args.file)) ?? null;
    if (args.json) {
      outJson({ file: args.file, file_bytes: size, unreachable_bytes: unreachable, unreachable_measured: exact, trajectories: rows });
      return;
    }
    const old = unreachable ? `, of which ${exact ? '' : 'about '}${(unreachable / 1024 / 1024).toFixed(2)} MiB unreachable (old versions; h5traj compact gives them back)` : '';
    out(`${args.file}: ${rows.length} trajector${rows.length === 1 ? 'y' : 'ies'}, ${(size / 1024 / 1024).toFixed(2)} MiB${old}`);
    out(table(['trajectory', 'created', 'runs', 'completed', 'failed', 'explored', 'comment'],
      rows.map((r) => [r.name, r.created, r.runs, r.completed, r.failed, r.explored.join(', '), r.comment])));
    for (const r of rows) if (r.shard_note) out(`${r.name}: ${r.shard_note}`);
  },
};

/**
 * The trajectory `name` as its overview tables describe it: `info` reads no run group and
 * decodes only the run table's `completed` column, so it stays fast on a million runs.
 */
async function summarize(file: string, name: string): Promise<StoredSummary> {
  const f = await openH5(file);
  try {
    return readSummary(f, name);
  } finally {
    f.close();
  }
}

/** What a file holds of a sharded exploration, in one line (empty for an unsharded trajectory). */
function shardNote(records: ReturnType<typeof shardRecords>, incomplete: number[]): string {
  if (records.length === 0) return '';
  const open = incomplete.length > 0 ? `; runs ${describeRuns(incomplete)} not completed` : '';
  if (records.length === 1) {
    const { start, end } = shardBlock(records[0]!.length, records[0]!.shard);
    const mine = incomplete.filter((i) => i >= start && i < end);
    return `${describeShard(records[0]!)}${mine.length > 0 ? `; runs ${describeRuns(mine)} of its block not completed` : ', all completed'}`;
  }
  const missing = missingShards(records, incomplete);
  const n = records[0]!.shard[1];
  return `merged from shards ${records.map((r) => r.shard[0]).join(', ')} of ${n}${open}${missing.length > 0 ? ` (shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing)` : ''}`;
}
