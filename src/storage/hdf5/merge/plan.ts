/** Planning a merge: which tables grow, which arrays are copied, how runs are renumbered; nothing is written. */
import { FormatError, MergeError } from '../../../errors.js';
import { runName } from '../../../tree/names.js';
import { MergeState, type MergePlan, type ResolvedMergeOptions } from '../../../trajectory/merge.js';
import { pythonRepr } from '../../../values/python-repr.js';
import { type CopyStats } from '../transactions/copy.js';
import { type H5File, joinPath } from '../engine/h5file.js';
import { openH5Sync } from '../engine/open-file.js';
import { I32, compoundType } from '../engine/h5types.js';
import { type RunInfo, type TrajectoryInfo } from '../layout/overview.js';
import { toRunRow } from '../layout/convert.js';
import { Compound, RR } from './shared.js';
import { type DiskParameter, Side, readIdx, readSide } from './side.js';
import { planFill } from './fill.js';
import { Rows, asCompound, capacity, convertRows, pickRows, readRows, repeatRow, valueRows, widenType } from './rows.js';
import { maxOf } from '../../../fold.js';


/** A table of the target whose rows grow: an `explored_data` table or an index table. */
export interface TableGrowth {
  path: string;
  /** Whether it exists in the target already (else it is created). */
  exists: boolean;
  /** Its type (existing) or the type it is created with. */
  base: Compound;
  /** A new table takes the attributes of this dataset (a parameter's `data` table). */
  attrsFrom?: string;
  /** Attributes of a new index table. */
  idxColumn?: boolean;
  rows: Rows[];
}

/** A dataset to copy into the target: one array of an ArrayParameter or PickleParameter. */
export interface ArrayCopy {
  /** Index of the other trajectory it comes from; -1 for the target itself. */
  from: number;
  src: string;
  dst: string;
  /** ArrayParameter arrays live in `NESTED_GROUP` groups. */
  nested: boolean;
}

/** The merge of one other trajectory. */
export interface OtherMerge {
  name: string;
  file: string;
  sameFile: boolean;
  info: TrajectoryInfo;
  length: number;
  plan: MergePlan;
  runMap: number[];
  record?: string;
  /** Appended after the target's runs, or filling in runs of the same exploration (`fill.ts`). */
  mode: 'appended' | 'filled';
}

export interface Context {
  file: string;
  name: string;
  options: ResolvedMergeOptions;
  /** The target file as it was (read-only). */
  src: H5File;
  a: Side;
  others: OtherMerge[];
  tables: Map<string, TableGrowth>;
  copies: ArrayCopy[];
  newRuns: RunInfo[];
  /** Rows of `overview/runs` rewritten because another part of the exploration completed them. */
  filledRuns: RunInfo[];
  /** The target's completed runs, as the merge goes on. */
  completed: Set<number>;
  /** The target's parameters with explored values (read once, when a part is filled in). */
  aRanges?: Map<string, DiskParameter>;
  explorations: string[];
  changed: Set<string>;
  newlyExplored: string[];
  /** Datasets of the target that are written anew (only when the file is rewritten). */
  replaced: Set<string>;
  /** Trajectories of the target file that the rewrite leaves out. */
  dropped: Set<string>;
  timestamp: number;
  warnings: string[];
  stats: CopyStats;
}

export const xaName = (n: number) => joinPath(`explored${RR}`, `set_${String(Math.floor(n / 1000)).padStart(5, '0')}`, `xa_${String(n).padStart(8, '0')}`);
export const xpName = (n: number) => `xp_${String(n).padStart(8, '0')}`;

/** Grows the parameter `full`'s tables by the runs `plan` takes from `b`. */
export function growParameter(ctx: Context, full: string, plan: MergePlan, b: Side, otherIndex: number): void {
  const mine = ctx.a.space.get(full)!;
  const theirs = b.space.get(full)!;
  const src = ctx.src;
  if (mine.layout === 'table') {
    const table = joinPath(mine.path, 'explored_data');
    let g = ctx.tables.get(table);
    if (!g) {
      if (mine.explored) {
        g = { path: table, exists: true, base: asCompound(src.datasetInfo(table).type, table), rows: [] };
      } else {
        const dataPath = joinPath(mine.path, 'data');
        const row = readRows(src, dataPath, [0, 1]);
        g = { path: table, exists: false, base: row.type, attrsFrom: dataPath, rows: [repeatRow(row, plan.lengthBefore)] };
      }
      ctx.tables.set(table, g);
    }
    if (plan.trial?.name === full) {
      g.rows.push(valueRows(g.base, plan.trial.values));
    } else if (theirs.explored) {
      const rows = readRows(b.f, joinPath(theirs.path, 'explored_data'));
      if (rows.count < b.runs.length) {
        throw new FormatError(`'${full}' of '${b.name}' in '${b.file}' has ${rows.count} explored values for ${b.runs.length} runs.`, { file: b.file, path: full });
      }
      g.rows.push(pickRows(rows, plan.used));
    } else {
      g.rows.push(repeatRow(readRows(b.f, joinPath(theirs.path, 'data'), [0, 1]), plan.used.length));
    }
    return;
  }
  // ArrayParameter / PickleParameter: arrays stored once each, an index table per run.
  const array = mine.layout === 'array';
  const table = joinPath(mine.path, array ? `explored_data${RR}` : 'explored_data');
  const arrayPath = (leaf: string, n: number) => joinPath(leaf, array ? xaName(n) : xpName(n));
  const defaultPath = (leaf: string) => joinPath(leaf, array ? `data${RR}` : 'data');
  let g = ctx.tables.get(table) as (TableGrowth & { count: number }) | undefined;
  if (!g) {
    if (mine.explored) {
      const idx = readIdx(src, table);
      g = { path: table, exists: true, base: asCompound(src.datasetInfo(table).type, table), rows: [], count: idx.reduce((m, v) => Math.max(m, v + 1), 0) };
    } else {
      const base = compoundType([['idx', I32]]);
      g = { path: table, exists: false, base, idxColumn: true, rows: [valueRows(base, new Array(plan.lengthBefore).fill(0))], count: 1 };
      ctx.copies.push({ from: -1, src: defaultPath(mine.path), dst: arrayPath(mine.path, 0), nested: array });
    }
    ctx.tables.set(table, g);
  }
  const growth = g;
  let values: number[];
  if (theirs.explored) {
    const idx = readIdx(b.f, joinPath(theirs.path, array ? `explored_data${RR}` : 'explored_data'));
    const assigned = new Map<number, number>();
    values = plan.used.map((j) => {
      const n = idx[j];
      if (n === undefined) throw new FormatError(`'${full}' of '${b.name}' in '${b.file}' has no array for run ${j}.`, { file: b.file, path: full });
      let m = assigned.get(n);
      if (m === undefined) {
        assigned.set(n, (m = growth.count++));
        ctx.copies.push({ from: otherIndex, src: arrayPath(theirs.path, n), dst: arrayPath(mine.path, m), nested: array });
      }
      return m;
    });
  } else {
    const m = growth.count++;
    ctx.copies.push({ from: otherIndex, src: defaultPath(theirs.path), dst: arrayPath(mine.path, m), nested: array });
    values = new Array(plan.used.length).fill(m);
  }
  growth.rows.push(valueRows(growth.base, values));
}

/** Decides the rows, copies and tables of the whole merge; writes nothing. */
export function planAll(ctx: Context, others: readonly { file: string; name: string }[]): void {
  const { options } = ctx;
  const state = new MergeState(ctx.a.space, ctx.a.runs.length, options, ctx.name);
  others.forEach((o, k) => {
    const sameFile = o.file === ctx.file;
    if (sameFile && o.name === ctx.name) {
      throw new MergeError(`Cannot merge the trajectory '${o.name}' with itself.`, { file: o.file, path: o.name });
    }
    const f = sameFile ? ctx.src : openH5Sync(o.file, 'r');
    try {
      const b = readSide(f, o.file, o.name, options);
      const fill = planFill(ctx, b);
      if (fill) {
        ctx.others.push({ name: o.name, file: o.file, sameFile, info: b.info, length: b.runs.length, ...fill });
        if (options.delete_other_trajectory && sameFile) ctx.dropped.add(o.name);
        return;
      }
      const plan = state.plan(o.name, b.space, b.runs.length);
      for (const full of plan.changed) {
        ctx.changed.add(full);
        growParameter(ctx, full, plan, b, k);
      }
      for (const full of plan.newlyExplored) {
        ctx.newlyExplored.push(full);
        if (!ctx.explorations.includes(full)) ctx.explorations.push(full);
      }
      const summary = summaryMaker(ctx, plan, b);
      const runMap = new Array<number>(b.runs.length).fill(-1);
      plan.used.forEach((j, i) => {
        const idx = plan.lengthBefore + i;
        runMap[j] = idx;
        const row = toRunRow(b.runs.get(j));
        ctx.newRuns.push({ ...row, idx, name: runName(idx), parameter_summary: summary?.(i, j) ?? row.parameter_summary });
        if (row.completed) ctx.completed.add(idx);
      });
      if (plan.duplicates > 0) {
        ctx.warnings.push(`${plan.duplicates} of the ${b.runs.length} runs of '${o.name}' duplicate runs of '${ctx.name}' and were not merged.`);
      }
      if (options.trial_parameter !== undefined && options.remove_duplicates) {
        ctx.warnings.push('A trial parameter was given, so duplicates were not removed (runs of different trials are never duplicates).');
      }
      ctx.others.push({ name: o.name, file: o.file, sameFile, info: b.info, length: b.runs.length, plan, runMap, mode: 'appended' });
      if (options.delete_other_trajectory && sameFile) ctx.dropped.add(o.name);
    } finally {
      if (!sameFile) f.close();
    }
  });
  decideRewrite(ctx);
}

/**
 * The run summaries (`x: 1.0,   y: 2`) of the merged runs, when they must change: when trials
 * are renumbered or the set of explored parameters differs from the other trajectory's. Then
 * they are written as h5traj's Environment writes them (explored parameters in the target's
 * order); otherwise — and when values cannot be rendered (pickles, arrays not read) — the other
 * trajectory's summaries are kept as they are.
 */
export function summaryMaker(ctx: Context, plan: MergePlan, b: Side): ((i: number, j: number) => string) | undefined {
  const order = ctx.explorations.filter((full) => ctx.changed.has(full));
  const theirs = [...b.space.values()].filter((p) => p.explored).map((p) => p.fullName);
  const sameSet = theirs.length === order.length && theirs.every((full) => order.includes(full));
  if (sameSet && !plan.trial) return undefined;
  const params = order.map((full) => b.space.get(full)!);
  if (params.some((p) => p.layout === 'pickle' || (p.explored && p.range === undefined && p.fullName !== plan.trial?.name))) return undefined;
  return (i, j) => {
    let summary = '';
    for (const p of params) {
      const value = p.fullName === plan.trial?.name ? plan.trial.values[i] : p.explored ? p.range![j] : p.value.value;
      const short = p.fullName.slice(p.fullName.lastIndexOf('.') + 1);
      const label = summary.includes(short) ? p.fullName : short;
      let repr = pythonRepr(value, p.value.type);
      if (repr.length >= 512) repr = `${repr.slice(0, 509)}...`;
      summary += `${summary ? ',   ' : ''}${label}: ${repr}`;
    }
    return summary;
  };
}

/** Which tables cannot grow in place; any of them (or a trajectory to drop) means a new file. */
export function decideRewrite(ctx: Context): void {
  const { a } = ctx;
  const src = ctx.src;
  for (const g of ctx.tables.values()) {
    if (!g.exists) continue;
    const total = tableLength(src, g.path) + g.rows.reduce((s, r) => s + r.count, 0);
    const fits = widenType(g.base, g.rows) === g.base && g.rows.every((r) => convertRows(r, g.base) !== undefined);
    if (!fits || capacity(src, g.path) < total) ctx.replaced.add(g.path);
  }
  const runs = joinPath('/', a.name, 'overview', 'runs');
  if (capacity(src, runs) < a.runs.length + ctx.newRuns.length) ctx.replaced.add(runs);
  const explorations = joinPath('/', a.name, 'overview', 'explorations');
  if (ctx.explorations.length > a.explorations.length && src.typeOf(explorations) === 'dataset') {
    const width = src.datasetInfo(explorations).type.size;
    const longest = maxOf(ctx.explorations, (n) => Buffer.byteLength(n, 'utf8'));
    if (longest > width || capacity(src, explorations) < ctx.explorations.length) ctx.replaced.add(explorations);
  }
}

export function tableLength(f: H5File, p: string): number {
  return f.datasetInfo(p).shape?.[0] ?? 0;
}
