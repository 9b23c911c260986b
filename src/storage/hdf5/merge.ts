/**
 * Merging stored trajectories in HDF5 files (pypet's `f_merge` / `f_merge_many`,
 * `pypet-format.md` §11), without loading their data: HDF5 objects are copied run by run.
 *
 * What changes in the target trajectory's group:
 * - every merged run of the other trajectory is copied from its file (the same file or another)
 *   under its new name: `results/…/run_<new>` and `derived_parameters/…/run_<new>`, in the
 *   `run_set_<new // 1000>` bucket when the run sat in a bucket;
 * - `overview/runs` gets a row per merged run, `overview/info.length` the new length,
 *   `overview/explorations` the parameters that became explored;
 * - each parameter whose values differ gets rows appended to its `explored_data` table (created
 *   from `data` when it was not explored); ArrayParameters and PickleParameters get their new
 *   arrays (`explored__rr__/set_NNNNN/xa_NNNNNNNN`, `xp_NNNNNNNN`) and index rows;
 * - results and derived parameters outside runs that are missing here are copied (pypet's keep
 *   rules), and so are the other's `config.environment` / `config.git` / `config.merge` entries;
 * - `config/merge/merge_<hexsha7>_<time>/` records the merge.
 *
 * Crash safety: the whole merge is one write transaction under the file's lock. The file is
 * copied beside itself, the copy is changed, closed, synced and renamed over the original; a
 * crash at any moment leaves the old file. When a table cannot grow in place (not chunked, a
 * string column too narrow, …) or a trajectory must be removed from the file, the merge instead
 * writes a new file from scratch (everything copied except the replaced tables), still as one
 * transaction. Nothing is written before every check has passed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FormatError, H5TrajError, MergeError, StorageError } from '../../errors.js';
import { BaseParameter } from '../../leaves/parameter.js';
import { type TypedValue, valuesEqual } from '../../leaves/values.js';
import { RUN_ALL, RUN_SET_ALL, runIndexOf, runName, runSetName } from '../../tree/names.js';
import {
  MergeState, needsRanges, type MergePlan, type MergeSummary, type MergedTrajectory, type ResolvedMergeOptions, type SpaceParameter,
} from '../../trajectory/merge.js';
import { applyLeafData, resolveFullName } from '../../trajectory/records.js';
import { pythonFloatRepr, pythonRepr } from '../../trajectory/python-repr.js';
import { formatTime } from '../../trajectory/runs.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { acquireLock } from '../lock.js';
import { fromFileLeafData } from './convert.js';
import { copyAttributes, copyDataset, copyTree, ensureGroupLike, newCopyStats, type CopyStats } from './copy.js';
import { H5File, attrText, baseName, joinPath, parentOf, stringAttr } from './h5.js';
import { type H5Type, I32, I64, compoundType, decodeElement, encodeColumns, encodeElements, stripPadding } from './h5types.js';
import { readDataChild } from './items.js';
import { loadTrajectory } from './load.js';
import { COMMENT, LEAF, listTrajectories, nodePath, readLeaf, readNodeRecord, writeLeaf } from './nodes.js';
import { type RunInfo, type TrajectoryInfo, appendRuns, createRuns, readExplorations, readInfo, readRuns, writeExplorations } from './overview.js';
import { readParameter } from './parameters.js';
import { replaceWithTemp, removeStaleTemps, tempPathFor, withWriteTransaction } from './transaction.js';
import { STORE, columnAttr } from './typemap.js';

type Compound = H5Type & { class: 'compound' };

/** pypet's version string, part of the merge's SHA-1 (as in pypet). */
const PYPET_VERSION = '0.7.0';
const RR = '__rr__';
const UNLIMITED = 2 ** 63;
const SET_NAME = /^run_set_(\d{5,})$/;

/** Environment hook for the crash tests: pause this many ms after half the first trajectory's runs. */
const PAUSE_ENV = 'H5TRAJ_TEST_MERGE_PAUSE_MS';

/** Runs copied between two re-openings of the files, which drops the wrapper's caches. */
const RECYCLE_RUNS = 500;

/**
 * An open file that can be closed and opened again: the wrapper caches what it reads and
 * writes, so a merge of many runs re-opens its files now and then to keep memory bounded.
 */
class Reopenable {
  f: H5File;

  constructor(readonly file: string, mode: 'r' | 'a' | 'w', private readonly reopenMode: 'r' | 'a' = mode === 'r' ? 'r' : 'a') {
    this.f = H5File.openSync(file, mode);
  }

  recycle(): void {
    this.f.close();
    this.f = H5File.openSync(this.file, this.reopenMode);
  }

  close(): void {
    this.f.close();
  }
}

/** Whether a name marks run-specific data (`run_00000003`, `run_set_00000`, `run_ALL`, `run_set_ALL`). */
function isRunish(name: string): boolean {
  return name === RUN_ALL || name === RUN_SET_ALL || runIndexOf(name) !== undefined || SET_NAME.test(name);
}

// ---------------------------------------------------------------------------------------------
// Reading one side

/** A parameter in a file: what the merge compares, plus where it is. */
interface DiskParameter extends SpaceParameter {
  /** HDF5 path of the leaf group. */
  path: string;
}

/** A trajectory in an open file, as far as the merge needs it. */
interface Side {
  f: H5File;
  file: string;
  name: string;
  info: TrajectoryInfo;
  runs: RunInfo[];
  explorations: string[];
  space: Map<string, DiskParameter>;
}

/** Calls `visit` for every leaf of `branch` outside run groups (pypet's trajectory-level leaves). */
function walkLeaves(f: H5File, traj: string, branch: string, visit: (fullName: string, leafPath: string) => void): void {
  const root = nodePath(traj, branch);
  if (f.typeOf(root) !== 'group') return;
  const walk = (groupPath: string, prefix: string): void => {
    for (const name of f.childNames(groupPath)) {
      if (isRunish(name)) continue;
      const child = joinPath(groupPath, name);
      if (f.linkTarget(child) !== null || f.typeOf(child) !== 'group') continue;
      const full = `${prefix}.${name}`;
      if (f.hasAttr(child, LEAF)) visit(full, child);
      else walk(child, full);
    }
  };
  walk(root, branch);
}

/** How a parameter is stored: ranges only grow between equal layouts. */
function layoutOf(f: H5File, leafPath: string, className: string, children: ReadonlySet<string>): string {
  if (className === 'PickleParameter') return 'pickle';
  if (children.has(`data${RR}`)) return 'array';
  if (!children.has('data')) return 'empty';
  return attrText(f, joinPath(leafPath, 'data'), STORE) === 'TABLE' ? 'table' : 'array-less data';
}

/** A pickle's raw bytes (compared as bytes: h5traj cannot unpickle every object pypet can). */
function pickleBytes(f: H5File, p: string): TypedValue {
  const d = f.readDataset(p);
  return { value: d.strings?.[0] ?? Buffer.from(d.bytes), type: { kind: 'scalar', scalar: 'bytes' } };
}

function readIdx(f: H5File, p: string): number[] {
  const d = f.readDataset(p);
  const type = d.type as Compound;
  const member = type.members.find((m) => m.name === 'idx');
  if (type.class !== 'compound' || !member) throw new FormatError(`The table '${p}' in '${f.path}' has no column 'idx'.`, { file: f.path, path: p });
  const n = d.shape?.[0] ?? 0;
  return Array.from({ length: n }, (_, r) => Number(decodeElement(d.bytes, r * type.size + member.offset, member.type)));
}

function readParameterForMerge(f: H5File, full: string, leafPath: string, withRange: boolean): DiskParameter {
  const rec = readNodeRecord(f, leafPath, full);
  const className = rec.className ?? 'Parameter';
  const children = new Set(f.childNames(leafPath));
  const layout = layoutOf(f, leafPath, className, children);
  const where = `'${full}'`;
  const base = { fullName: full, className, layout, path: leafPath };
  if (layout === 'pickle') {
    const explored = children.has('explored_data');
    const value = children.has('data') ? pickleBytes(f, joinPath(leafPath, 'data')) : { value: null, type: { kind: 'none' } as const };
    const out: DiskParameter = { ...base, value, explored };
    if (explored && withRange) {
      const cache = new Map<number, unknown>();
      out.range = readIdx(f, joinPath(leafPath, 'explored_data')).map((n) => {
        if (!cache.has(n)) cache.set(n, pickleBytes(f, joinPath(leafPath, `xp_${String(n).padStart(8, '0')}`)).value);
        return cache.get(n);
      });
    }
    return out;
  }
  if (layout === 'array' && !withRange) {
    return { ...base, value: readDataChild(f, joinPath(leafPath, `data${RR}`), where), explored: children.has(`explored_data${RR}`) };
  }
  const data = readParameter(f, leafPath, className, where);
  const out: DiskParameter = { ...base, value: data.value, explored: data.range !== undefined };
  if (data.range) out.range = data.range.map((tv) => tv.value);
  return out;
}

function readSide(f: H5File, file: string, name: string, options: ResolvedMergeOptions): Side {
  if (!listTrajectories(f).includes(name)) {
    throw new MergeError(`The file '${file}' holds no trajectory '${name}'.`, { file, path: name });
  }
  const space = new Map<string, DiskParameter>();
  const withRange = needsRanges(options);
  const branches = options.ignore_trajectory_derived_parameters ? ['parameters'] : ['parameters', 'derived_parameters'];
  for (const branch of branches) {
    walkLeaves(f, name, branch, (full, leafPath) => space.set(full, readParameterForMerge(f, full, leafPath, withRange)));
  }
  return { f, file, name, info: readInfo(f, name), runs: readRuns(f, name), explorations: readExplorations(f, name), space };
}

// ---------------------------------------------------------------------------------------------
// Rows of tables

/** Rows of a table in their own compound type. */
interface Rows {
  type: Compound;
  bytes: Uint8Array;
  count: number;
}

function asCompound(t: H5Type, where: string): Compound {
  if (t.class !== 'compound') throw new FormatError(`${where} is not a table (a compound dataset).`);
  return t;
}

function readRows(f: H5File, p: string, range?: [number, number]): Rows {
  const d = f.readDataset(p, range);
  return { type: asCompound(d.type, `'${p}' in '${f.path}'`), bytes: d.bytes, count: d.shape?.[0] ?? 0 };
}

/** Rows `indices` of `rows`, in that order. */
function pickRows(rows: Rows, indices: readonly number[]): Rows {
  const size = rows.type.size;
  if (indices.length === rows.count && indices.every((v, i) => v === i)) return rows;
  const out = new Uint8Array(indices.length * size);
  indices.forEach((r, i) => out.set(rows.bytes.subarray(r * size, (r + 1) * size), i * size));
  return { type: rows.type, bytes: out, count: indices.length };
}

/** The first row of `rows`, `n` times. */
function repeatRow(rows: Rows, n: number): Rows {
  const size = rows.type.size;
  const out = new Uint8Array(n * size);
  const row = rows.bytes.subarray(0, size);
  for (let i = 0; i < n; i++) out.set(row, i * size);
  return { type: rows.type, bytes: out, count: n };
}

/** Rows of a one-column table holding `values`. */
function valueRows(type: Compound, values: readonly unknown[]): Rows {
  const column = type.members[0]!.name;
  return { type, bytes: encodeColumns({ [column]: values }, type, values.length), count: values.length };
}

const sameType = (a: H5Type, b: H5Type) => JSON.stringify(a) === JSON.stringify(b);

/** Length of a fixed string's content (padding removed). */
function contentLength(bytes: Uint8Array, at: number, t: H5Type & { class: 'string' }): number {
  return stripPadding(bytes.subarray(at, at + t.size), t.pad).length;
}

/**
 * Converts one element between two types without loss, or returns false: equal types (bytes
 * copied), fixed strings whose content fits, integers in range, floats, bitfields ↔ unsigned.
 */
function convertElement(from: H5Type, src: Uint8Array, at: number, to: H5Type, out: Uint8Array, outAt: number): boolean {
  if (sameType(from, to) || (from.size === to.size && ((from.class === 'bitfield' && to.class === 'int') || (from.class === 'int' && to.class === 'bitfield')))) {
    out.set(src.subarray(at, at + from.size), outAt);
    return true;
  }
  if (from.class === 'string' && to.class === 'string' && !from.vlen && !to.vlen) {
    const content = stripPadding(src.subarray(at, at + from.size), from.pad);
    if (content.length > to.size) return false;
    out.set(content, outAt);
    out.fill(to.pad === 'spacepad' ? 0x20 : 0, outAt + content.length, outAt + to.size);
    return true;
  }
  if ((from.class === 'int' && to.class === 'int') || (from.class === 'float' && to.class === 'float')) {
    const v = decodeElement(src, at, from);
    if (to.class === 'int') {
      const b = BigInt(v as number | bigint);
      const bits = BigInt(to.size * 8);
      const [lo, hi] = to.signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
      if (b < lo || b > hi) return false;
      out.set(encodeElements([b], to), outAt);
      return true;
    }
    const x = v as number;
    if (to.size === 4 && !Number.isNaN(x) && Math.fround(x) !== x) return false;
    out.set(encodeElements([x], to), outAt);
    return true;
  }
  return false;
}

/** `rows` in type `to` (members matched by name), or undefined when a value does not fit. */
function convertRows(rows: Rows, to: Compound): Uint8Array | undefined {
  if (sameType(rows.type, to)) return rows.bytes;
  const out = new Uint8Array(rows.count * to.size);
  for (const m of to.members) {
    const fm = rows.type.members.find((x) => x.name === m.name);
    if (!fm) return undefined;
    for (let r = 0; r < rows.count; r++) {
      if (!convertElement(fm.type, rows.bytes, r * rows.type.size + fm.offset, m.type, out, r * to.size + m.offset)) return undefined;
    }
  }
  return out;
}

/** `base` with its string columns widened so that every row of `parts` fits. */
function widenType(base: Compound, parts: readonly Rows[]): Compound {
  let changed = false;
  const fields = base.members.map((m) => {
    if (m.type.class !== 'string' || m.type.vlen) return [m.name, m.type] as const;
    let size = m.type.size;
    for (const rows of parts) {
      const fm = rows.type.members.find((x) => x.name === m.name);
      if (!fm || fm.type.class !== 'string' || fm.type.vlen) continue;
      for (let r = 0; r < rows.count; r++) size = Math.max(size, contentLength(rows.bytes, r * rows.type.size + fm.offset, fm.type));
    }
    if (size !== m.type.size) changed = true;
    return [m.name, { ...m.type, size }] as const;
  });
  return changed ? compoundType(fields) : base;
}

/** Rows a dataset can hold: its maximum length if chunked, else its current length. */
function capacity(f: H5File, p: string): number {
  const info = f.datasetInfo(p);
  const max = info.chunks ? (info.maxshape?.[0] ?? 0) : (info.shape?.[0] ?? 0);
  return max >= UNLIMITED ? Infinity : max;
}

function setNrows(f: H5File, p: string, rows: number): void {
  if (f.hasAttr(p, 'NROWS')) f.writeAttr(p, 'NROWS', { type: I64, shape: [], data: encodeElements([rows], I64) });
}

// ---------------------------------------------------------------------------------------------
// The plan

/** A table of the target whose rows grow: an `explored_data` table or an index table. */
interface TableGrowth {
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
interface ArrayCopy {
  /** Index of the other trajectory it comes from; -1 for the target itself. */
  from: number;
  src: string;
  dst: string;
  /** ArrayParameter arrays live in `NESTED_GROUP` groups. */
  nested: boolean;
}

/** The merge of one other trajectory. */
interface OtherMerge {
  name: string;
  file: string;
  sameFile: boolean;
  info: TrajectoryInfo;
  length: number;
  plan: MergePlan;
  runMap: number[];
  record?: string;
}

interface Context {
  file: string;
  name: string;
  options: ResolvedMergeOptions;
  /** The target file as it was (read-only). */
  src: Reopenable;
  a: Side;
  others: OtherMerge[];
  tables: Map<string, TableGrowth>;
  copies: ArrayCopy[];
  newRuns: RunInfo[];
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

const xaName = (n: number) => joinPath(`explored${RR}`, `set_${String(Math.floor(n / 1000)).padStart(5, '0')}`, `xa_${String(n).padStart(8, '0')}`);
const xpName = (n: number) => `xp_${String(n).padStart(8, '0')}`;

/** Grows the parameter `full`'s tables by the runs `plan` takes from `b`. */
function growParameter(ctx: Context, full: string, plan: MergePlan, b: Side, otherIndex: number): void {
  const mine = ctx.a.space.get(full)!;
  const theirs = b.space.get(full)!;
  const src = ctx.src.f;
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
function planAll(ctx: Context, others: readonly { file: string; name: string }[]): void {
  const { options } = ctx;
  const state = new MergeState(ctx.a.space, ctx.a.runs.length, options, ctx.name);
  others.forEach((o, k) => {
    const sameFile = o.file === ctx.file;
    if (sameFile && o.name === ctx.name) {
      throw new MergeError(`Cannot merge the trajectory '${o.name}' with itself.`, { file: o.file, path: o.name });
    }
    const f = sameFile ? ctx.src.f : H5File.openSync(o.file, 'r');
    try {
      const b = readSide(f, o.file, o.name, options);
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
        const row = b.runs[j]!;
        ctx.newRuns.push({ ...row, idx, name: runName(idx), parameter_summary: summary?.(i, j) ?? row.parameter_summary });
      });
      if (plan.duplicates > 0) {
        ctx.warnings.push(`${plan.duplicates} of the ${b.runs.length} runs of '${o.name}' duplicate runs of '${ctx.name}' and were not merged.`);
      }
      if (options.trial_parameter !== undefined && options.remove_duplicates) {
        ctx.warnings.push('A trial parameter was given, so duplicates were not removed (runs of different trials are never duplicates).');
      }
      ctx.others.push({ name: o.name, file: o.file, sameFile, info: b.info, length: b.runs.length, plan, runMap });
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
function summaryMaker(ctx: Context, plan: MergePlan, b: Side): ((i: number, j: number) => string) | undefined {
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
function decideRewrite(ctx: Context): void {
  const { a } = ctx;
  const src = ctx.src.f;
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
    const longest = Math.max(...ctx.explorations.map((n) => Buffer.byteLength(n, 'utf8')));
    if (longest > width || capacity(src, explorations) < ctx.explorations.length) ctx.replaced.add(explorations);
  }
}

function tableLength(f: H5File, p: string): number {
  return f.datasetInfo(p).shape?.[0] ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Old and new run indices of one other trajectory, for renaming its paths. */
class RunMapper {
  private readonly firstInSet = new Map<number, number | undefined>();

  constructor(private readonly map: readonly number[]) {}

  /**
   * A full name's parts with run names replaced by the new ones and run sets by the new runs'
   * sets (`run_set_<new // 1000>`); a set without a run below it goes where the first merged run
   * of that set went. Undefined when the name belongs to a run that is not merged.
   */
  mapParts(parts: readonly string[]): string[] | undefined {
    let runIdx: number | undefined;
    for (const p of parts) {
      const old = runIndexOf(p);
      if (old === undefined) continue;
      const idx = this.map[old] ?? -1;
      if (idx < 0) return undefined;
      runIdx ??= idx;
    }
    const out: string[] = [];
    for (const p of parts) {
      const old = runIndexOf(p);
      if (old !== undefined) {
        out.push(runName(this.map[old]!));
        continue;
      }
      const set = SET_NAME.exec(p);
      if (set) {
        const idx = runIdx ?? this.first(Number(set[1]));
        if (idx === undefined) return undefined;
        out.push(runSetName(idx));
        continue;
      }
      out.push(p);
    }
    return out;
  }

  private first(set: number): number | undefined {
    if (!this.firstInSet.has(set)) {
      let found: number | undefined;
      for (let old = set * 1000; old < Math.min(this.map.length, (set + 1) * 1000); old++) {
        const idx = this.map[old]!;
        if (idx >= 0 && (found === undefined || idx < found)) found = idx;
      }
      this.firstInSet.set(set, found);
    }
    return this.firstInSet.get(set);
  }
}

/** Copies one other trajectory's runs, trajectory-level data and config into the target. */
class OtherWriter {
  private readonly mapper: RunMapper;
  private readonly ignored: ReadonlySet<string>;
  private copiedRuns = 0;
  private readonly pauseAt: number;

  constructor(
    private readonly ctx: Context,
    private readonly other: OtherMerge,
    private readonly source: Reopenable,
    private readonly out: Reopenable,
    pause: boolean,
  ) {
    this.mapper = new RunMapper(other.runMap);
    this.ignored = new Set(ctx.options.ignore_data);
    this.pauseAt = pause ? Math.max(1, Math.floor(other.plan.used.length / 2)) : -1;
  }

  /** The other trajectory's file, and the file being written (both re-opened now and then). */
  private get bf(): H5File {
    return this.source.f;
  }

  private get dst(): H5File {
    return this.out.f;
  }

  private isIgnored(full: string): boolean {
    if (this.ignored.size === 0) return false;
    const parts = full.split('.');
    for (let i = 1; i <= parts.length; i++) if (this.ignored.has(parts.slice(0, i).join('.'))) return true;
    return false;
  }

  /** The target path of an HDF5 path of the other trajectory (undefined: not merged). */
  private mapAbsolute(p: string): string | undefined {
    const root = `/${this.other.name}`;
    if (p === root) return `/${this.ctx.name}`;
    if (!p.startsWith(`${root}/`)) return p;
    const parts = this.mapper.mapParts(p.slice(root.length + 1).split('/'));
    return parts ? nodePath(this.ctx.name, parts.join('.')) : undefined;
  }

  private readonly mapLink = (target: string, at: string): string | undefined => {
    const mapped = this.mapAbsolute(target);
    if (mapped === undefined) this.ctx.warnings.push(`The link '${at}' of '${this.other.name}' points into a run that was not merged; it was left out.`);
    return mapped;
  };

  private readonly skip = (p: string): boolean => this.isIgnored(p.slice(this.other.name.length + 2).split('/').join('.'));

  write(): void {
    for (const branch of ['results', 'derived_parameters']) {
      const root = nodePath(this.other.name, branch);
      if (this.bf.typeOf(root) === 'group') this.walk(root, [branch], branch);
    }
    if (this.ctx.options.merge_config) {
      for (const sub of ['environment', 'git', 'merge']) this.copyMissingLeaves(['config', sub]);
    }
  }

  private walk(groupPath: string, parts: string[], branch: string): void {
    // `this.bf` / `this.dst` each time: copying runs re-opens the files (see RECYCLE_RUNS).
    for (const name of this.bf.childNames(groupPath)) {
      const child = joinPath(groupPath, name);
      const childParts = [...parts, name];
      const full = childParts.join('.');
      if (this.isIgnored(full)) continue;
      if (runIndexOf(name) !== undefined) {
        this.copyRun(child, childParts);
        continue;
      }
      if (name === RUN_ALL) {
        if (branch === 'derived_parameters') this.mergeRunAll(child, childParts);
        else this.ctx.warnings.push(`'${full}' of '${this.other.name}' belongs to no run (run_ALL); like pypet, the merge leaves it out.`);
        continue;
      }
      if (SET_NAME.test(name) || name === RUN_SET_ALL) {
        this.walk(child, childParts, branch);
        continue;
      }
      const target = this.bf.linkTarget(child);
      if (target !== null) {
        this.copyLink(child, childParts, target);
        continue;
      }
      if (this.bf.typeOf(child) !== 'group') continue;
      if (!this.bf.hasAttr(child, LEAF)) {
        this.walk(child, childParts, branch);
        continue;
      }
      // A leaf outside runs. Derived parameters there are part of the parameter space (merged as
      // parameters); results are copied unless the target has one of the same name (kept).
      const inSet = parts.some((p) => SET_NAME.test(p));
      if (branch === 'derived_parameters' && !inSet) continue;
      if (branch === 'results' && !inSet && this.ctx.options.ignore_trajectory_results) continue;
      const dstParts = this.mapper.mapParts(childParts);
      if (!dstParts) continue;
      const dstPath = nodePath(this.ctx.name, dstParts.join('.'));
      if (this.dst.exists(dstPath)) {
        this.ctx.warnings.push(`'${dstParts.join('.')}' is in both '${this.ctx.name}' and '${this.other.name}'; the current one is kept.`);
        continue;
      }
      ensureGroupLike(this.bf, groupPath, this.dst, parentOf(dstPath), this.ctx.stats);
      copyTree(this.bf, child, this.dst, dstPath, { mapLink: this.mapLink }, this.ctx.stats);
    }
  }

  private copyRun(child: string, parts: string[]): void {
    const dstParts = this.mapper.mapParts(parts);
    if (!dstParts) return; // a duplicate that was dropped
    const dstPath = nodePath(this.ctx.name, dstParts.join('.'));
    ensureGroupLike(this.bf, parentOf(child), this.dst, parentOf(dstPath), this.ctx.stats);
    copyTree(this.bf, child, this.dst, dstPath, { mapLink: this.mapLink, mergeInto: true, ...(this.ignored.size ? { skip: this.skip } : {}) }, this.ctx.stats);
    if (++this.copiedRuns === this.pauseAt) pauseForTests();
    if (this.copiedRuns % RECYCLE_RUNS === 0) {
      this.source.recycle();
      if (this.out !== this.source) this.out.recycle();
    }
  }

  private copyLink(child: string, parts: string[], target: string): void {
    const dstParts = this.mapper.mapParts(parts);
    const mapped = this.mapLink(target, child);
    if (!dstParts || mapped === undefined) return;
    const dstPath = nodePath(this.ctx.name, dstParts.join('.'));
    if (this.dst.exists(dstPath)) return;
    ensureGroupLike(this.bf, parentOf(child), this.dst, parentOf(dstPath), this.ctx.stats);
    this.dst.createSoftLink(dstPath, mapped);
    this.ctx.stats.links++;
  }

  /**
   * Derived parameters under `run_ALL` (pypet's rule): kept when the target has the same one
   * with the same value; otherwise copied to the first merged run, and linked from every other
   * merged run.
   */
  private mergeRunAll(groupPath: string, parts: string[]): void {
    const leaves: { path: string; parts: string[] }[] = [];
    const collect = (p: string, ps: string[]): void => {
      if (this.bf.linkTarget(p) !== null || this.bf.typeOf(p) !== 'group') return;
      if (this.bf.hasAttr(p, LEAF)) leaves.push({ path: p, parts: ps });
      else for (const name of this.bf.childNames(p)) collect(joinPath(p, name), [...ps, name]);
    };
    collect(groupPath, parts);
    const runs = this.other.runMap.filter((i) => i >= 0);
    const first = runs.reduce((m, v) => Math.min(m, v), Infinity);
    const rename = (ps: string[], idx: number) => ps.map((p) => (p === RUN_ALL ? runName(idx) : p === RUN_SET_ALL ? runSetName(idx) : p)).join('.');
    for (const leaf of leaves) {
      const full = leaf.parts.join('.');
      if (this.isIgnored(full)) continue;
      const same = nodePath(this.ctx.name, full);
      if (this.ctx.src.f.exists(same) && this.sameUnexploredValue(same, leaf.path, full)) continue;
      const firstPath = nodePath(this.ctx.name, rename(leaf.parts, first));
      if (!this.dst.exists(firstPath)) {
        ensureGroupLike(this.bf, parentOf(leaf.path), this.dst, parentOf(firstPath), this.ctx.stats);
        copyTree(this.bf, leaf.path, this.dst, firstPath, { mapLink: this.mapLink }, this.ctx.stats);
      }
      for (const idx of runs) {
        if (idx === first) continue;
        const linkPath = nodePath(this.ctx.name, rename(leaf.parts, idx));
        if (this.dst.exists(linkPath)) continue;
        ensureGroupLike(this.bf, parentOf(leaf.path), this.dst, parentOf(linkPath), this.ctx.stats);
        this.dst.createSoftLink(linkPath, firstPath);
        this.ctx.stats.links++;
      }
    }
  }

  private sameUnexploredValue(mine: string, theirs: string, full: string): boolean {
    const a = readParameterForMerge(this.ctx.src.f, full, mine, false);
    const b = readParameterForMerge(this.bf, full, theirs, false);
    return !a.explored && !b.explored && valuesEqual(a.value.value, b.value.value);
  }

  /** Copies the leaves below `config.<sub>` of the other trajectory that the target lacks. */
  private copyMissingLeaves(parts: string[]): void {
    const { bf, dst } = this; // no runs are copied here, so the files stay open as they are
    const srcPath = nodePath(this.other.name, parts.join('.'));
    if (bf.typeOf(srcPath) !== 'group' || bf.linkTarget(srcPath) !== null) return;
    for (const name of bf.childNames(srcPath)) {
      const child = joinPath(srcPath, name);
      if (bf.linkTarget(child) !== null || bf.typeOf(child) !== 'group') continue;
      const childParts = [...parts, name];
      if (!bf.hasAttr(child, LEAF)) {
        this.copyMissingLeaves(childParts);
        continue;
      }
      const dstPath = nodePath(this.ctx.name, childParts.join('.'));
      if (dst.exists(dstPath)) continue;
      ensureGroupLike(bf, srcPath, dst, parentOf(dstPath), this.ctx.stats);
      copyTree(bf, child, dst, dstPath, {}, this.ctx.stats);
    }
  }
}

/** The crash tests' pause: announce it on stderr, then block (a kill then hits mid-merge). */
function pauseForTests(): void {
  const ms = Number(process.env[PAUSE_ENV] ?? 0);
  if (!(ms > 0)) return;
  fs.writeSync(2, 'h5traj-merge: paused\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes the rows of a growing table: appended in place, or the table written anew. */
function writeTable(ctx: Context, dst: H5File, g: TableGrowth): void {
  const added = g.rows.reduce((s, r) => s + r.count, 0);
  if (g.exists && !ctx.replaced.has(g.path)) {
    const start = tableLength(dst, g.path);
    dst.resize(g.path, [start + added]);
    let at = start;
    for (const rows of g.rows) {
      dst.writeRows(g.path, at, convertRows(rows, g.base)!);
      at += rows.count;
    }
    setNrows(dst, g.path, at);
    return;
  }
  const parts = g.exists ? [readRows(ctx.src.f, g.path), ...g.rows] : g.rows;
  const type = widenType(g.base, parts);
  const bytes = new Uint8Array(parts.reduce((s, r) => s + r.count, 0) * type.size);
  let at = 0;
  for (const rows of parts) {
    const converted = convertRows(rows, type);
    if (!converted) {
      throw new MergeError(`The values merged into '${g.path}' do not fit its column types (${JSON.stringify(g.base.members.map((m) => m.name))}).`, { path: g.path });
    }
    bytes.set(converted, at * type.size);
    at += rows.count;
  }
  const chunk = Math.max(1, Math.min(65536, Math.floor(32768 / Math.max(1, type.size))));
  dst.createDataset(g.path, { type, shape: [at], data: bytes }, { maxshape: [null], chunks: [chunk] });
  const from = g.exists ? g.path : g.attrsFrom;
  if (from) {
    copyAttributes(ctx.src.f, from, dst, g.path);
    if (!g.exists && dst.hasAttr(g.path, 'TITLE')) dst.writeAttr(g.path, 'TITLE', stringAttr(baseName(g.path)));
  } else if (g.idxColumn) {
    dst.writeAttr(g.path, STORE, stringAttr('TABLE'));
    dst.writeAttr(g.path, columnAttr('idx', 'COLL_TYPE'), stringAttr('COLL_SCALAR'));
    dst.writeAttr(g.path, columnAttr('idx', 'SCALAR_TYPE'), stringAttr('int'));
  }
  setNrows(dst, g.path, at);
}

/** Copies an array of an ArrayParameter/PickleParameter, creating its `NESTED_GROUP` groups. */
function writeArrayCopy(ctx: Context, dst: H5File, from: H5File, c: ArrayCopy): void {
  const target = c.dst;
  if (c.nested) {
    for (const g of [parentOf(parentOf(target)), parentOf(target)]) {
      if (dst.exists(g)) continue;
      dst.createGroup(g);
      dst.writeAttr(g, STORE, stringAttr('NESTED_GROUP'));
    }
  }
  if (dst.exists(target)) throw new StorageError(`Cannot store the merged array '${target}': the name is taken in '${dst.path}'.`, { file: dst.path, path: target });
  copyDataset(from, c.src, dst, target, ctx.stats);
}

/** `overview/info.length` of the target, changed in place (the row is rewritten byte by byte). */
function writeLength(dst: H5File, traj: string, length: number): void {
  const p = joinPath('/', traj, 'overview', 'info');
  const row = readRows(dst, p, [0, 1]);
  const member = row.type.members.find((m) => m.name === 'length');
  if (!member) throw new FormatError(`overview/info of '${traj}' in '${dst.path}' has no column 'length'.`, { file: dst.path });
  const bytes = Uint8Array.from(row.bytes);
  bytes.set(encodeElements([length], member.type), member.offset);
  dst.writeRows(p, 0, bytes);
}

/** pypet's SHA-1 of a merge, and Python's `str()` of a float timestamp. */
function mergeHexsha(a: TrajectoryInfo, b: TrajectoryInfo): string {
  const py = pythonFloatRepr;
  return createHash('sha1').update(`${a.name}${py(a.timestamp)}${b.name}${py(b.timestamp)}${PYPET_VERSION}`, 'utf8').digest('hex');
}

/** Writes `config.merge.merge_<hexsha7>_<time>` for one merged trajectory; returns its full name. */
function writeMergeRecord(ctx: Context, dst: H5File, o: OtherMerge): string {
  const { options, a } = ctx;
  const hexsha = mergeHexsha(a.info, o.info);
  const base = `merge_${hexsha.slice(0, 7)}_${formatTime(ctx.timestamp)}`;
  let group = `config.merge.${base}`;
  for (let k = 1; dst.exists(nodePath(ctx.name, group)); k++) group = `config.merge.${base}_${k}`;
  const add = (name: string, value: TypedValue, comment: string) =>
    writeLeaf(dst, ctx.name, `${group}.${name}`, { className: 'Parameter', comment, data: { kind: 'parameter', value } });
  const int = (v: number): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'int' } });
  const float = (v: number): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'float' } });
  const str = (v: string): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'str' } });
  add('merged_runs', int(o.plan.used.length), 'Number of merged runs');
  add('timestamp', float(ctx.timestamp), 'Timestamp of merge');
  add('hexsha', str(hexsha), 'SHA-1 identifier of the merge');
  add('remove_duplicates', { value: options.remove_duplicates, type: { kind: 'scalar', scalar: 'bool' } }, 'Option to remove duplicate entries');
  if (options.ignore_data.length > 0) {
    add('ignore_data', { value: [...options.ignore_data], type: { kind: 'tuple', scalar: 'str' } }, 'Data to ignore during merge');
  }
  add('length_before_merge', int(o.plan.lengthBefore), 'Length of trajectory before merge');
  if (a.info.version !== PYPET_VERSION) add('version', str(a.info.version), 'Pypet version if it differs from the version of the trajectory');
  if (o.plan.trial) add('trial_parameter', str(o.plan.trial.name), 'Name of trial parameter');
  if (options.keep_other_trajectory_info) {
    if (o.info.version !== a.info.version) add('other_trajectory.version', str(o.info.version), "The version of pypet you used to manage the other trajectory. Only added if other trajectory's version differs from current trajectory version.");
    add('other_trajectory.name', str(o.name), 'Name of other trajectory merged into the current one');
    add('other_trajectory.timestamp', float(o.info.timestamp), 'Timestamp of creation of other trajectory merged into the current one');
    add('other_trajectory.length', int(o.length), 'Length of other trajectory');
    if (o.info.comment) add('other_trajectory.comment', str(o.info.comment), 'Comment of other trajectory');
  }
  const mergeGroup = nodePath(ctx.name, 'config.merge');
  if (!dst.hasAttr(mergeGroup, COMMENT)) dst.writeAttr(mergeGroup, COMMENT, stringAttr('Settings and information of the different merges'));
  return group;
}

/** The whole write, into `out` (a copy of the target file, or a new file in rewrite mode). */
function applyAll(ctx: Context, out: Reopenable): void {
  const { a } = ctx;
  const pause = Number(process.env[PAUSE_ENV] ?? 0) > 0;
  ctx.others.forEach((o, k) => {
    const source = o.sameFile ? ctx.src : new Reopenable(o.file, 'r');
    try {
      new OtherWriter(ctx, o, source, out, pause && k === 0).write();
      for (const c of ctx.copies) if (c.from === k) writeArrayCopy(ctx, out.f, source.f, c);
    } finally {
      if (source !== ctx.src) source.close();
    }
  });
  const dst = out.f;
  for (const c of ctx.copies) if (c.from === -1) writeArrayCopy(ctx, dst, ctx.src.f, c);
  for (const g of ctx.tables.values()) writeTable(ctx, dst, g);
  const runsPath = joinPath('/', a.name, 'overview', 'runs');
  if (ctx.replaced.has(runsPath)) createRuns(dst, a.name, [...a.runs, ...ctx.newRuns], a.info.time);
  else appendRuns(dst, a.name, ctx.newRuns);
  writeLength(dst, a.name, a.runs.length + ctx.newRuns.length);
  if (ctx.explorations.length > a.explorations.length) writeExplorations(dst, a.name, ctx.explorations);
  if (ctx.options.keep_info) for (const o of ctx.others) o.record = writeMergeRecord(ctx, dst, o);
}

// ---------------------------------------------------------------------------------------------
// Transactions

/**
 * Writes `filename` anew (the caller holds its lock): `build` gets a writable file that is a
 * copy of the old one (`copy`) or empty (`fresh`); it is then closed, synced and renamed over
 * `filename`. On an error the temporary file is removed and `filename` is untouched.
 */
function replaceFile(filename: string, mode: 'copy' | 'fresh', build: (out: Reopenable) => void): void {
  const tmp = tempPathFor(filename);
  try {
    if (mode === 'copy') fs.copyFileSync(filename, tmp);
    const out = new Reopenable(tmp, mode === 'copy' ? 'a' : 'w');
    try {
      build(out);
    } finally {
      out.close();
    }
    replaceWithTemp(tmp, filename);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof H5TrajError) throw e;
    throw new StorageError(`Merging into '${filename}' failed, and the file was left as it was: ${(e as Error).message}`, { file: filename, cause: e });
  }
}


/** Copies a whole file's content into `dst`, leaving out some trajectories and datasets. */
function copyFileContent(src: H5File, dst: H5File, dropped: ReadonlySet<string>, replaced: ReadonlySet<string>, stats: CopyStats): void {
  copyAttributes(src, '/', dst, '/', stats);
  for (const name of src.childNames('/')) {
    if (dropped.has(name)) continue;
    copyTree(src, `/${name}`, dst, `/${name}`, replaced.size ? { skip: (p) => replaced.has(p) } : {}, stats);
  }
}

/** Rewrites a file without some of its trajectories (under the file's lock). */
function removeTrajectories(filename: string, names: ReadonlySet<string>): void {
  const release = acquireLock(filename);
  try {
    const src = H5File.openSync(filename, 'r');
    try {
      replaceFile(filename, 'fresh', (out) => copyFileContent(src, out.f, names, new Set(), newCopyStats()));
    } finally {
      src.close();
    }
  } finally {
    release();
  }
}

/** Backs up the trajectories before the merge (see `MergeOptions.backup_filename`). */
function writeBackups(option: string | boolean | undefined, sides: readonly { file: string; name: string }[]): string[] {
  if (option === undefined || option === false) return [];
  if (typeof option === 'string') {
    const names = sides.map((s) => s.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) {
      throw new MergeError(`Cannot back up both trajectories into '${option}': both are named '${twice}'; use backup_filename: true (one file each).`, { file: option });
    }
    withWriteTransaction(option, (dst) => {
      for (const s of sides) {
        if (dst.exists(`/${s.name}`)) throw new MergeError(`The backup file '${option}' already holds a trajectory '${s.name}'.`, { file: option, path: s.name });
        const src = H5File.openSync(s.file, 'r');
        try {
          copyTree(src, `/${s.name}`, dst, `/${s.name}`);
        } finally {
          src.close();
        }
      }
    });
    return [option];
  }
  const written: string[] = [];
  for (const s of sides) {
    let target = path.join(path.dirname(s.file), `backup_${s.name}.hdf5`);
    for (let k = 1; written.includes(target) || fs.existsSync(target); k++) target = path.join(path.dirname(s.file), `backup_${s.name}_${k}.hdf5`);
    const src = H5File.openSync(s.file, 'r');
    const alone = listTrajectories(src).length === 1;
    try {
      const tmp = tempPathFor(target);
      try {
        if (alone) fs.copyFileSync(s.file, tmp);
        else {
          const dst = H5File.openSync(tmp, 'w');
          try {
            copyTree(src, `/${s.name}`, dst, `/${s.name}`);
          } finally {
            dst.close();
          }
        }
        replaceWithTemp(tmp, target);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
      }
    } finally {
      src.close();
    }
    written.push(target);
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Merges the stored trajectories `others` into `traj`, stored in `filename` (see the module
 * note), and brings `traj` up to date in memory: runs, explored ranges, new config items. The
 * merged runs' results and derived parameters are on disk; they load on access (auto-loading) or
 * with `f_load` / `f_update_skeleton`.
 * @throws MergeError when the trajectories cannot be merged (nothing is written then).
 */
export function mergeIntoFile(filename: string, traj: Trajectory, others: readonly Trajectory[], options: ResolvedMergeOptions): MergeSummary {
  const file = path.resolve(filename);
  const timestamp = Date.now() / 1000;
  const sources = others.map((o) => ({ file: path.resolve(o.v_filename!), name: o.v_name }));
  for (const o of others) o.v_storage_service?.close?.();
  let backups: string[] = [];
  let ctx!: Context;
  const release = acquireLock(filename);
  try {
    removeStaleTemps(filename);
    const src = new Reopenable(filename, 'r');
    try {
      const a = readSide(src.f, file, traj.v_name, options);
      ctx = {
        file, name: traj.v_name, options, src, a, others: [], tables: new Map(), copies: [], newRuns: [],
        explorations: [...a.explorations], changed: new Set(), newlyExplored: [], replaced: new Set(), dropped: new Set(),
        timestamp, warnings: [], stats: newCopyStats(),
      };
      planAll(ctx, sources);
      backups = writeBackups(options.backup_filename, [{ file, name: ctx.name }, ...sources]);
      const rewrite = ctx.replaced.size > 0 || ctx.dropped.size > 0;
      replaceFile(filename, rewrite ? 'fresh' : 'copy', (out) => {
        if (rewrite) copyFileContent(src.f, out.f, ctx.dropped, ctx.replaced, ctx.stats);
        applyAll(ctx, out);
      });
    } finally {
      src.close();
    }
  } finally {
    release();
  }
  if (options.delete_other_trajectory) {
    const byFile = new Map<string, Set<string>>();
    for (const o of ctx.others) if (!o.sameFile) byFile.set(o.file, (byFile.get(o.file) ?? new Set()).add(o.name));
    for (const [f, names] of byFile) {
      try {
        removeTrajectories(f, names);
      } catch (e) {
        // The merge itself is committed; the other file simply keeps its trajectory.
        ctx.warnings.push(`The merge is complete, but ${[...names].join(', ')} could not be removed from '${f}': ${(e as Error).message}`);
      }
    }
  }
  refreshTrajectory(filename, traj, [...ctx.changed]);
  for (const w of new Set(ctx.warnings)) process.emitWarning(w, 'H5TrajMergeWarning');
  return summarize(ctx, backups);
}

function summarize(ctx: Context, backups: string[]): MergeSummary {
  const others: MergedTrajectory[] = ctx.others.map((o) => ({
    name: o.name,
    filename: o.file,
    length: o.length,
    merged_runs: o.plan.used.length,
    duplicates_removed: o.plan.duplicates,
    run_map: o.runMap,
    ...(o.record ? { merge_record: o.record } : {}),
  }));
  const merged = others.reduce((s, o) => s + o.merged_runs, 0);
  return {
    length_before: ctx.a.runs.length,
    length: ctx.a.runs.length + merged,
    merged_runs: merged,
    duplicates_removed: others.reduce((s, o) => s + o.duplicates_removed, 0),
    others,
    changed_parameters: [...ctx.changed],
    newly_explored: ctx.newlyExplored,
    rewrote_file: ctx.replaced.size > 0 || ctx.dropped.size > 0,
    backups,
    warnings: [...new Set(ctx.warnings)],
  };
}

/** Brings a trajectory in memory up to date with its merged file. */
function refreshTrajectory(filename: string, traj: Trajectory, changed: readonly string[]): void {
  const f = H5File.openSync(filename, 'r');
  try {
    for (const full of changed) {
      const node = resolveFullName(traj, full);
      if (!(node instanceof BaseParameter) || node.f_is_empty()) continue;
      applyLeafData(node, fromFileLeafData(readLeaf(f, traj.v_name, full, node.f_get_class_name())));
    }
    loadTrajectory(f, traj, { name: traj.v_name, load_parameters: -2, load_derived_parameters: 0, load_results: 0, load_other_data: 0, force: true });
  } finally {
    f.close();
  }
}
