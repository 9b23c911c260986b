/**
 * Merging parts of one exploration (shards): when the other trajectory has the same runs with
 * the same explored values as the target and one of them is not complete, its completed runs
 * fill in the same runs of the target instead of being appended. Run names stay as they are
 * (a shard's runs already carry their global names), so the copy is the identity map and only
 * the rows of those runs in `overview/runs` change.
 *
 * Comments: like pypet, a leaf keeps its comment only where that comment first appears in its
 * branch (run 0's `z`, not run 1's). Each shard keeps it on its own first run, so after a fill
 * the repeats are removed again (see {@link dedupeRunComments}) and the merged file equals what
 * one machine writes, whatever the order the shards were merged in.
 */
import { MergeError } from '../../../errors.js';
import { runIndexOf } from '../../../tree/names.js';
import { type H5File, attrText, joinPath } from '../engine/h5file.js';
import { COMMENT, LEAF } from '../layout/nodes.js';
import { purgesComments } from '../layout/overview-tables.js';
import { toRunRow } from '../layout/convert.js';
import { describeRuns } from '../../../trajectory/run-ranges.js';
import { sameExploration, type MergePlan } from '../../../trajectory/merge.js';
import type { Context, OtherMerge } from './plan.js';
import { type DiskParameter, type Side, readParameterForMerge } from './side.js';

/** A side's parameters with the explored ones read again, values included. */
function withRanges(side: Side): Map<string, DiskParameter> {
  const out = new Map<string, DiskParameter>();
  for (const [full, p] of side.space) out.set(full, p.explored && p.range === undefined ? readParameterForMerge(side.f, full, p.path, true) : p);
  return out;
}

const explored = (side: Side): string => [...side.space.values()].filter((p) => p.explored).map((p) => p.fullName).sort().join('\n');

/**
 * Plans `b` as a part of the target's exploration, or returns undefined when it is not one (it is
 * then appended as pypet does). Filling runs that the target has completed already is refused.
 * @throws MergeError when a completed run of `b` is completed in the target too.
 */
export function planFill(ctx: Context, b: Side): Pick<OtherMerge, 'plan' | 'runMap' | 'mode'> | undefined {
  const { a } = ctx;
  const length = a.runs.length;
  if (ctx.options.trial_parameter !== undefined || ctx.newRuns.length > 0 || b.runs.length !== length) return undefined;
  const theirs: number[] = [];
  for (let i = 0; i < length; i++) if (b.runs.isCompleted(i)) theirs.push(i);
  if (ctx.completed.size === length && theirs.length === length) return undefined; // two whole explorations: pypet's merge
  if (explored(a) !== explored(b)) return undefined;
  ctx.aRanges ??= withRanges(a);
  if (!sameExploration(ctx.aRanges, length, withRanges(b), length)) return undefined;
  const both = theirs.filter((i) => ctx.completed.has(i));
  if (both.length > 0) {
    throw new MergeError(
      `Cannot merge '${b.name}' (${b.file}) into '${ctx.name}': both are parts of the same exploration, but runs ${describeRuns(both)} are completed in both (is a shard merged twice?).`,
      { file: b.file, path: b.name },
    );
  }
  const runMap = new Array<number>(length).fill(-1);
  for (const i of theirs) {
    runMap[i] = i;
    ctx.completed.add(i);
    ctx.filledRuns.push(toRunRow(b.runs.get(i)));
  }
  const plan: MergePlan = { used: theirs, duplicates: 0, changed: [], newlyExplored: [], lengthBefore: length };
  return { plan, runMap, mode: 'filled' };
}

/**
 * Removes comments that repeat one written earlier in the same branch (pypet's
 * purge_duplicate_comments: a comment text is written once per branch, on the first leaf stored
 * with it; one machine stores the trajectory's own leaves before run 0, then the runs in order).
 * Returns how many it removed.
 */
export function dedupeRunComments(f: H5File, traj: string): number {
  // With purging off, every leaf keeps its comment, on one machine and so after a merge too.
  if (!purgesComments(f, traj)) return 0;
  const found: { idx: number; branch: string; path: string; comment: string }[] = [];
  const walk = (branch: string, groupPath: string, runIdx: number): void => {
    for (const name of f.childNames(groupPath)) {
      const child = joinPath(groupPath, name);
      if (f.linkTarget(child) !== null || f.typeOf(child) !== 'group') continue;
      const idx = runIdx >= 0 ? runIdx : (runIndexOf(name) ?? -1);
      if (!f.hasAttr(child, LEAF)) {
        walk(branch, child, idx);
        continue;
      }
      if (!f.hasAttr(child, COMMENT)) continue;
      found.push({ idx, branch, path: child, comment: attrText(f, child, COMMENT) ?? '' });
    }
  };
  for (const branch of ['results', 'derived_parameters']) {
    const root = joinPath('/', traj, branch);
    if (f.typeOf(root) === 'group') walk(branch, root, -1);
  }
  found.sort((a, b) => a.idx - b.idx);
  const seen = new Set<string>();
  let removed = 0;
  for (const leaf of found) {
    const key = `${leaf.branch}\0${leaf.comment}`;
    if (!seen.has(key)) seen.add(key);
    else {
      f.deleteAttr(leaf.path, COMMENT);
      removed++;
    }
  }
  return removed;
}
