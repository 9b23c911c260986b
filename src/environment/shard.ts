/**
 * Shard arithmetic: which runs shard i of n holds, how a shard is recorded in its file, and how a
 * set of run indices is described to a user ("runs 3–5, 9").
 *
 * A shard file keeps the whole exploration (every run row, every explored value) and completes
 * only its own block; the other runs stay "not completed". A run in a shard therefore sees its
 * global `v_idx` and `v_crun`, exactly as on one machine, and merging shards only fills in
 * completed runs. The Environment records the block under its `config.environment` group as
 * `shard` ([i, n]) and `shard_length` (the number of runs the block was cut from).
 */
import { InvalidArgumentError } from '../errors.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { describeRuns } from '../trajectory/run-ranges.js';

export { describeRuns };

/** The runs of a shard: contiguous blocks, the first shards one run larger when n does not divide. */
export function shardIndices(length: number, shard: readonly [number, number]): number[] {
  const { start, end } = shardBlock(length, shard);
  return Array.from({ length: end - start }, (_, k) => start + k);
}

/**
 * The block `[start, end)` of shard `[i, n]` over `length` runs.
 * @throws InvalidArgumentError unless 0 <= i < n.
 * @example shardBlock(10, [1, 3]) // { start: 4, end: 7 }
 */
export function shardBlock(length: number, shard: readonly [number, number]): { start: number; end: number } {
  const [i, n] = shard;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(i) || i < 0 || i >= n) {
    throw new InvalidArgumentError(`A shard is [i, n] with 0 <= i < n, not [${i}, ${n}].`);
  }
  const base = Math.floor(length / n);
  const extra = length % n;
  const start = i * base + Math.min(i, extra);
  return { start, end: start + base + (i < extra ? 1 : 0) };
}

/** A shard as its file records it. */
export interface ShardRecord {
  /** [i, n]: block i of n. */
  shard: [number, number];
  /** The number of runs the blocks were cut from. */
  length: number;
}

/**
 * The shard records of a loaded trajectory (one per Environment that ran a shard into it, so a
 * file merged from shards has several). The trajectory's `config` must be loaded.
 */
export function shardRecords(traj: Trajectory): ShardRecord[] {
  if (!traj.f_contains('config.environment')) return [];
  const out: ShardRecord[] = [];
  const seen = new Set<string>();
  for (const leaf of traj.f_get('config.environment').f_get_all('shard') as { f_get(): unknown; v_full_name: string }[]) {
    const value = leaf.f_get();
    if (!Array.isArray(value) || value.length !== 2) continue;
    const lengthName = leaf.v_full_name.replace(/shard$/, 'shard_length');
    const length = traj.f_contains(lengthName) ? Number(traj.f_get(lengthName).f_get()) : traj.v_length;
    const rec: ShardRecord = { shard: [Number(value[0]), Number(value[1])], length };
    const key = `${rec.shard.join('/')}:${rec.length}`;
    if (!seen.has(key)) out.push(rec);
    seen.add(key);
  }
  return out.sort((a, b) => a.shard[0] - b.shard[0]);
}

/** The one shard a file holds, or undefined (not a shard, or merged from several). */
export function fileShard(traj: Trajectory): ShardRecord | undefined {
  const records = shardRecords(traj);
  return records.length === 1 ? records[0] : undefined;
}

/**
 * The shard a resumed file continues: the one the file records (`recorded`; a file merged from
 * several shards records several and finishes every run), or the `shard` option (`wanted`),
 * which must agree with it.
 * @throws InvalidArgumentError when the file holds another shard than the one wanted.
 */
export function resumedShard(recorded: ShardRecord | undefined, wanted: [number, number] | undefined, filename: string, length: number): ShardRecord | undefined {
  if (!wanted) return recorded;
  if (recorded && (recorded.shard[0] !== wanted[0] || recorded.shard[1] !== wanted[1])) {
    throw new InvalidArgumentError(
      `The file '${filename}' holds shard ${recorded.shard.join('/')}, not shard ${wanted.join('/')}; resume it without the shard option or with the same shard.`,
    );
  }
  return { shard: wanted, length: recorded?.length ?? length };
}

/**
 * The runs an Environment may run out of `length`: the given indices, a shard's block, or
 * undefined for all of them.
 * @throws InvalidArgumentError for an index outside the trajectory, or `runIndices` empty.
 */
export function selectedRuns(length: number, shard: ShardRecord | undefined, runIndices: readonly number[] | undefined): Set<number> | undefined {
  const indices = runIndices ?? (shard ? shardIndices(shard.length, shard.shard) : undefined);
  if (!indices) return undefined;
  // An empty shard (more shards than runs) is allowed: its file holds the exploration, no run.
  if (indices.length === 0 && !shard) throw new InvalidArgumentError('run_indices selects no runs.');
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= length) {
      throw new InvalidArgumentError(`Run index ${i} is outside the trajectory (0 to ${length - 1}).`);
    }
  }
  return new Set(indices);
}

/** "shard 1 of 2: runs 3–5 (3 of 6)" — what `h5traj info` says about a shard. */
export function describeShard(rec: ShardRecord): string {
  const { start, end } = shardBlock(rec.length, rec.shard);
  const runs = end - start === 0 ? 'no runs' : end - start === 1 ? `run ${start}` : `runs ${start}–${end - 1}`;
  return `shard ${rec.shard[0]} of ${rec.shard[1]}: ${runs} (${end - start} of ${rec.length})`;
}

/**
 * The shards none of whose runs is completed — the ones a merge is missing — when the records
 * are blocks of one split (same n, same length); otherwise none can be named.
 */
export function missingShards(records: readonly ShardRecord[], incomplete: readonly number[]): number[] {
  const first = records[0];
  if (!first || records.some((r) => r.shard[1] !== first.shard[1] || r.length !== first.length)) return [];
  const open = new Set(incomplete);
  const out: number[] = [];
  for (let k = 0; k < first.shard[1]; k++) {
    const { start, end } = shardBlock(first.length, [k, first.shard[1]]);
    let all = end > start;
    for (let i = start; all && i < end; i++) all = open.has(i);
    if (all) out.push(k);
  }
  return out;
}
