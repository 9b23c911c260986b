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
 * one machine writes, whatever the order the shards were merged in. The summary tables, which
 * name the first leaf stored with each comment, are merged the same way ({@link mergeSummaries}).
 */
import { MergeError } from '../../../errors.js';
import { runIndexOf } from '../../../tree/names.js';
import { type H5File, attrText, joinPath } from '../engine/h5file.js';
import { COMMENT, LEAF } from '../layout/nodes.js';
import { purgesComments } from '../layout/overview-tables.js';
import { toRunRow } from '../layout/convert.js';
import { type TableData, readTable, resizeTable, textColumn, writeTableRows } from '../layout/table.js';
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

const SUMMARIES = ['results_summary', 'derived_parameters_summary'] as const;

/** A trajectory's comment summary tables (those it has), read whole: a row per distinct comment. */
export type Summaries = Map<string, TableData>;

const summaryPath = (traj: string, table: string): string => joinPath('/', traj, 'overview', table);

/** The summary tables of trajectory `traj` in `f`. */
export function readSummaries(f: H5File, traj: string): Summaries {
  const out: Summaries = new Map();
  for (const table of SUMMARIES) if (f.exists(summaryPath(traj, table))) out.set(table, readTable(f, summaryPath(traj, table)));
  return out;
}

/** The run a summary row's leaf belongs to (its `location`, dotted), or -1 outside the runs. */
function runOfLocation(location: string): number {
  for (const part of location.split('.')) {
    const idx = runIndexOf(part);
    if (idx !== undefined && idx >= 0) return idx;
  }
  return -1;
}

/**
 * Makes the summary tables of `traj` in `f` (after a fill) list each comment once, with the
 * first leaf stored with it as one machine stores them: a row of another part replaces the
 * target's row of the same comment when its run comes first, a comment only another part saw is
 * added, and the rows of run leaves are put in run order (rows outside the runs keep their places).
 */
export function mergeSummaries(f: H5File, traj: string, others: readonly Summaries[]): void {
  for (const table of SUMMARIES) {
    const path = summaryPath(traj, table);
    if (!f.exists(path)) continue;
    const mine = readTable(f, path);
    type Row = { run: number; order: number; table: TableData; at: number };
    const slots: string[] = [];
    const best = new Map<string, Row>();
    let order = 0;
    for (const t of [mine, ...others.flatMap((o) => o.get(table) ?? [])]) {
      const digests = textColumn(t, 'hexdigest');
      const locations = textColumn(t, 'location');
      for (let at = 0; at < t.nrows; at++) {
        const row = { run: runOfLocation(locations[at]!), order: order++, table: t, at };
        const had = best.get(digests[at]!);
        if (!had) slots.push(digests[at]!);
        if (!had || (had.run >= 0 && row.run >= 0 && row.run < had.run)) best.set(digests[at]!, row);
      }
    }
    const rows = slots.map((d) => best.get(d)!);
    const runSlots = rows.flatMap((r, k) => (r.run >= 0 ? [k] : []));
    const inRunOrder = runSlots.map((k) => rows[k]!).sort((x, y) => x.run - y.run || x.order - y.order);
    runSlots.forEach((k, i) => (rows[k] = inRunOrder[i]!));
    if (rows.length === mine.nrows && rows.every((r, k) => r.table === mine && r.at === k)) continue; // nothing to change
    const columns = Object.fromEntries(mine.type.members.map((m) => [m.name, rows.map((r) => r.table.columns[m.name]![r.at])]));
    if (rows.length !== mine.nrows) resizeTable(f, path, rows.length);
    writeTableRows(f, path, 0, columns);
  }
}
