/** Reading one side of a merge: a trajectory's parameters and runs as stored on disk. */
import { FormatError, MergeError } from '../../../errors.js';
import type { TypedValue } from '../../../values/types.js';
import { needsRanges, type ResolvedMergeOptions, type SpaceParameter } from '../../../trajectory/merge.js';
import { H5File, attrText, joinPath } from '../engine/h5file.js';
import { decodeElement } from '../engine/h5types.js';
import { readDataChild } from '../layout/items.js';
import { LEAF, listTrajectories, nodePath, readNodeRecord } from '../layout/nodes.js';
import { type RunInfo, type TrajectoryInfo, forEachRun, readExplorations, readInfo } from '../layout/overview.js';
import { fromRunRow, toRunRow } from '../layout/convert.js';
import { RunTable } from '../../../trajectory/runs.js';
import { readParameter } from '../layout/parameters.js';
import { STORE } from '../layout/typemap.js';
import { Compound, RR, isRunish } from './shared.js';


/** A parameter in a file: what the merge compares, plus where it is. */
export interface DiskParameter extends SpaceParameter {
  /** HDF5 path of the leaf group. */
  path: string;
}

/** A trajectory in an open file, as far as the merge needs it. */
export interface Side {
  f: H5File;
  file: string;
  name: string;
  info: TrajectoryInfo;
  /** Its `overview/runs`, columnar (a million rows as records would take ~0.4 GB). */
  runs: RunTable;
  explorations: string[];
  space: Map<string, DiskParameter>;
}

/** Calls `visit` for every leaf of `branch` outside run groups (pypet's trajectory-level leaves). */
export function walkLeaves(f: H5File, traj: string, branch: string, visit: (fullName: string, leafPath: string) => void): void {
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
export function layoutOf(f: H5File, leafPath: string, className: string, children: ReadonlySet<string>): string {
  if (className === 'PickleParameter') return 'pickle';
  if (children.has(`data${RR}`)) return 'array';
  if (!children.has('data')) return 'empty';
  return attrText(f, joinPath(leafPath, 'data'), STORE) === 'TABLE' ? 'table' : 'array-less data';
}

/** A pickle's raw bytes (compared as bytes: h5traj cannot unpickle every object pypet can). */
export function pickleBytes(f: H5File, p: string): TypedValue {
  const d = f.readDataset(p);
  return { value: d.strings?.[0] ?? Buffer.from(d.bytes), type: { kind: 'scalar', scalar: 'bytes' } };
}

export function readIdx(f: H5File, p: string): number[] {
  const d = f.readDataset(p);
  const type = d.type as Compound;
  const member = type.members.find((m) => m.name === 'idx');
  if (type.class !== 'compound' || !member) throw new FormatError(`The table '${p}' in '${f.path}' has no column 'idx'.`, { file: f.path, path: p });
  const n = d.shape?.[0] ?? 0;
  return Array.from({ length: n }, (_, r) => Number(decodeElement(d.bytes, r * type.size + member.offset, member.type)));
}

export function readParameterForMerge(f: H5File, full: string, leafPath: string, withRange: boolean): DiskParameter {
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

/** `overview/runs` read a block at a time into a run table. */
function readRunTable(f: H5File, name: string): RunTable {
  const runs = new RunTable();
  runs.replaceAll([]);
  forEachRun(f, name, (row) => runs.append(fromRunRow(row)));
  return runs;
}

/** The indices of a side's completed runs. */
export function completedRuns(runs: RunTable): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < runs.length; i++) if (runs.isCompleted(i)) out.add(i);
  return out;
}

/** A side's rows followed by `more`, made one at a time (for rewriting `overview/runs`). */
export function* allRuns(runs: RunTable, more: readonly RunInfo[]): Generator<RunInfo> {
  for (const r of runs.records()) yield toRunRow(r);
  yield* more;
}

export function readSide(f: H5File, file: string, name: string, options: ResolvedMergeOptions): Side {
  if (!listTrajectories(f).includes(name)) {
    throw new MergeError(`The file '${file}' holds no trajectory '${name}'.`, { file, path: name });
  }
  const space = new Map<string, DiskParameter>();
  const withRange = needsRanges(options);
  const branches = options.ignore_trajectory_derived_parameters ? ['parameters'] : ['parameters', 'derived_parameters'];
  for (const branch of branches) {
    walkLeaves(f, name, branch, (full, leafPath) => space.set(full, readParameterForMerge(f, full, leafPath, withRange)));
  }
  return { f, file, name, info: readInfo(f, name), runs: readRunTable(f, name), explorations: readExplorations(f, name), space };
}
