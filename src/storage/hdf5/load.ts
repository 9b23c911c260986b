/**
 * Loading a trajectory from an open HDF5 file with pypet's load modes: nothing, skeleton (nodes
 * without data), data, and the "update" variants that only add what is not in memory yet.
 */
import fs from 'node:fs';
import { lowerBound } from '../../fold.js';
import { FormatError, InvalidArgumentError, NotFoundError, StateError } from '../../errors.js';
import { BaseParameter, Parameter } from '../../leaves/parameter.js';
import { Result } from '../../leaves/result.js';
import { groupState, type NNGroupNode } from '../../tree/group.js';
import type { LeafConstructor, NNLeafNode } from '../../tree/leaf-node.js';
import { nodeState, type NNNode, type OutsidePlace } from '../../tree/node.js';
import { applyLeafData, attachRecord, recordToLeaf, resolveFullName } from '../../trajectory/records.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { PYPET_FORMAT_VERSION } from '../../trajectory/pypet-version.js';
import type { LoadItemsOptions, LoadMode, LoadOptions } from '../../trajectory/storage-service.js';
import { fromFileLeafData, fromFileRecord, fromRunRow } from './layout/convert.js';
import type { H5File } from './engine/h5file.js';
import { listTrajectories, nodePath, readLeaf, readNodeRecord, scanTree, type NodeRecord as FileRecord } from './layout/nodes.js';
import { readExplorations, readInfo, forEachRun } from './layout/overview.js';
import { trajectoryState } from '../../trajectory/state.js';
import { deferRunGroups } from '../../trajectory/lazy-runs.js';

/** Picks the trajectory to load: by name, by index (negative from the end), or the current name. */
export function pickTrajectory(f: H5File, options: { name?: string; index?: number }, current: string): string {
  const names = listTrajectories(f);
  if (names.length === 0) throw new FormatError(`The file '${f.path}' holds no trajectory.`, { file: f.path });
  if (options.name !== undefined) {
    if (!names.includes(options.name)) {
      throw new NotFoundError(`The file '${f.path}' has no trajectory '${options.name}'; it holds: ${names.join(', ')}.`, { file: f.path, path: options.name });
    }
    return options.name;
  }
  if (options.index !== undefined) {
    const i = options.index < 0 ? names.length + options.index : options.index;
    const name = names[i];
    if (name === undefined) {
      throw new NotFoundError(`The file '${f.path}' holds ${names.length} trajector${names.length === 1 ? 'y' : 'ies'}, so there is no index ${options.index}.`, { file: f.path });
    }
    return name;
  }
  if (names.includes(current)) return current;
  throw new NotFoundError(
    `The file '${f.path}' has no trajectory '${current}'; pass { name } or { index } (it holds: ${names.join(', ')}).`,
    { file: f.path, path: current },
  );
}

/** The class for a stored class name: known classes, user classes, else a stand-in that keeps the name. */
export function classResolver(traj: Trajectory): (className: string, fullName?: string) => LeafConstructor {
  return (className) => {
    const known = traj._leafClassByName(className);
    if (known) return known;
    // An unknown class (a pypet user class, SparseParameter, SharedResult…) loads as the nearest
    // standard class; the leaf keeps the stored class name for listings and dumps.
    const Base = className.endsWith('Parameter') ? Parameter : Result;
    return class extends (Base as typeof Parameter) {
      constructor(fullName: string, value?: unknown, options?: object) {
        super(fullName, value, options);
        (this as unknown as { _className: string })._className = className;
      }
    } as unknown as LeafConstructor;
  };
}

const BRANCH_MODE: Record<string, keyof LoadOptions> = {
  config: 'load_parameters',
  parameters: 'load_parameters',
  derived_parameters: 'load_derived_parameters',
  results: 'load_results',
};

/** Loads a trajectory into `traj` (pypet's f_load). */
export function loadTrajectory(f: H5File, traj: Trajectory, options: LoadOptions): void {
  const name = pickTrajectory(f, options, traj.v_name);
  const info = readInfo(f, name);
  if (info.version !== PYPET_FORMAT_VERSION && !options.force) {
    throw new FormatError(
      `The trajectory '${name}' in '${f.path}' was written by pypet ${info.version}, but h5traj reads pypet ${PYPET_FORMAT_VERSION}'s layout; pass { force: true } to load it anyway.`,
      { file: f.path, expected: PYPET_FORMAT_VERSION, got: info.version },
    );
  }
  const modeOf = (branch: string): LoadMode => {
    if (options.load_all !== undefined) return options.load_all;
    const key = BRANCH_MODE[branch] ?? 'load_other_data';
    const defaults: Record<string, LoadMode> = { load_parameters: 2, load_derived_parameters: 1, load_results: 1, load_other_data: 1 };
    return ((options as Record<string, unknown>)[key] as LoadMode | undefined) ?? defaults[key]!;
  };
  const asNew = options.as_new ?? false;
  const state = trajectoryState(traj);
  if (!asNew) {
    const { name: storedName, time, timestamp, version, python } = info;
    state.identity = { name: storedName, time, timestamp, version, python };
    traj.v_comment = info.comment;
    const root = readNodeRecord(f, nodePath(name, ''), '');
    for (const [k, v] of Object.entries(root.annotations)) traj.v_annotations.setTyped(k, v);
  }
  const classFor = classResolver(traj);
  const explorations = readExplorations(f, name);
  const trajRoot = nodePath(name, '');
  // Links right under the trajectory (pypet's `traj.mylink = node`) are links, not branches;
  // they are attached once their targets are loaded.
  const rootLinks = scanTree(f, name, '', false).filter((rec) => rec.kind === 'link');
  const linkNames = new Set(rootLinks.map((rec) => rec.fullName));
  for (const branch of f.childNames(trajRoot)) {
    if (branch === 'overview' || linkNames.has(branch)) continue;
    const mode = asNew ? (branch === 'parameters' || branch === 'config' ? 2 : 0) : modeOf(branch);
    if (mode === 0) continue;
    const top = readNodeRecord(f, nodePath(name, branch), branch);
    // A skeleton of results or derived parameters leaves the run groups in storage until used.
    const deferred = (branch === 'results' || branch === 'derived_parameters') && Math.abs(mode) === 1 ? new Set([`${branch}.runs`]) : undefined;
    loadRecords(f, traj, name, [top, ...(top.kind === 'group' ? scanTree(f, name, branch, true, deferred ? { deferred } : {}) : [])], mode, classFor);
    for (const runs of deferred ?? []) deferRuns(f, traj, name, runs, mode, classFor);
  }
  loadRecords(f, traj, name, rootLinks, 2, classFor);
  // Explored parameters, in tree order (as pypet rebuilds them while loading).
  state.explored.clear();
  const listed = new Set(explorations);
  for (const leaf of (groupState(traj).children.get('parameters') as NNGroupNode | undefined)?.f_iter_leaves() ?? []) {
    if (leaf instanceof BaseParameter && leaf.v_explored && listed.has(leaf.v_full_name)) state.explored.set(leaf.v_full_name, leaf);
  }
  if (asNew) {
    for (const p of state.explored.values()) p.f_unlock();
    state.runs.resize(0);
    state.runs.resize(state.explored.size > 0 ? [...state.explored.values()][0]!.f_get_range_length() : 1);
    nodeState(traj).stored = false;
    return;
  }
  // Row by row into the columnar run table: no record per run is kept. Their summaries list the
  // explored parameters in the file's order, which the table derives them in.
  state.runs.replaceAll([]);
  state.summaryOrder = explorations;
  // Room for every row at once; a damaged row count is not believed past what the file can
  // hold (the rows it does not have are then an error of the read, not gigabytes reserved).
  const room = (rows: number, rowBytes: number) => state.runs.reserve(Math.min(rows, Math.floor(fs.statSync(f.path).size / Math.max(1, rowBytes))));
  try {
    forEachRun(f, name, (row) => state.runs.append(fromRunRow(row)), undefined, room);
  } catch (e) {
    // A row out of place (a damaged table, or one of another program) names the file it is in.
    if (!(e instanceof InvalidArgumentError)) throw e;
    throw new FormatError(`overview/runs of '${name}' in '${f.path}' is not a run table h5traj can read: ${e.message}`, { file: f.path, path: `/${name}/overview/runs`, cause: e });
  }
  state.runs.fit();
  for (const p of state.explored.values()) p.f_lock();
  nodeState(traj).stored = true;
}

/**
 * Lists the run groups below the group `fullName` (`results.runs`) and leaves them in storage
 * until the tree asks for them (see `lazy-runs.ts`); what is not deferred is loaded now.
 */
function deferRuns(f: H5File, traj: Trajectory, name: string, fullName: string, mode: LoadMode, classFor: (className: string) => LeafConstructor): void {
  const runs = resolveFullName(traj, fullName);
  const path = nodePath(name, fullName);
  if (!runs || runs.v_is_leaf || f.typeOf(path) !== 'group' || f.linkTarget(path) !== null) return;
  // The service, not this handle: it reopens the file when a writer has replaced it since.
  const service = traj.v_storage_service!;
  const now = deferRunGroups(runs as NNGroupNode, f.childNames(path), (group, run) => service.loadChild(traj, group, run, true, 1));
  if (now.length > 0) loadRecords(f, traj, name, scanTree(f, name, fullName, true, { names: now }), mode, classFor);
}

/** Attaches scanned nodes according to a load mode; data is read for LOAD_DATA / UPDATE_DATA. */
function loadRecords(
  f: H5File,
  traj: Trajectory,
  name: string,
  records: FileRecord[],
  mode: LoadMode,
  classFor: (className: string) => LeafConstructor,
): void {
  if (![-2, -1, 0, 1, 2, 3].includes(mode)) {
    throw new InvalidArgumentError(
      `${mode} is not one of pypet's load modes: 0 (LOAD_NOTHING), 1 (LOAD_SKELETON), 2 (LOAD_DATA), 3 (OVERWRITE_DATA), -1 (UPDATE_SKELETON), -2 (UPDATE_DATA).`,
    );
  }
  const update = mode < 0;
  // OVERWRITE_DATA (pypet's 3): the data on disk replaces what is in memory.
  const overwrite = mode === 3;
  const withData = Math.abs(mode) === 2 || overwrite;
  const links: FileRecord[] = [];
  for (const rec of records) {
    if (rec.kind === 'link') {
      links.push(rec);
      continue;
    }
    const existing = resolveFullName(traj, rec.fullName);
    if (rec.kind === 'leaf' && existing) {
      // As pypet does: what is in memory stays; LOAD_DATA fills leaves that are still empty
      // (UPDATE_DATA only adds what is missing).
      if (!update && withData && existing.v_is_leaf && (overwrite || (existing as NNLeafNode).f_is_empty())) {
        applyLeafData(existing as NNLeafNode, fromFileLeafData(readLeaf(f, name, rec.fullName, rec.className ?? 'Result')));
      }
      // It is in the file either way (pypet marks it stored too), so a later f_store does not
      // write it again: e.g. the `config.hdf5.*` defaults a new trajectory gets from its service.
      nodeState(existing).stored = true;
      continue;
    }
    const data = rec.kind === 'leaf' && withData ? readLeaf(f, name, rec.fullName, rec.className ?? 'Result') : undefined;
    attachRecord(traj, fromFileRecord(rec, data), classFor);
  }
  for (const link of links) attachRecord(traj, fromFileRecord(link), classFor);
}

/** Loads the data of leaves (pypet's f_load_items). */
export function loadLeafData(f: H5File, traj: Trajectory, leaves: readonly NNLeafNode[], options: LoadItemsOptions): void {
  const only = options.load_only === undefined ? undefined : ([] as string[]).concat(options.load_only);
  const except = options.load_except === undefined ? undefined : ([] as string[]).concat(options.load_except);
  if (only && except) throw new StateError('load_only and load_except cannot be used together.');
  const filter = { ...(only ? { loadOnly: only } : {}), ...(except ? { loadExcept: except } : {}) };
  const each = (leaf: NNLeafNode): void => {
    if (options.only_empties && !leaf.f_is_empty()) return;
    const path = nodePath(traj.v_name, leaf.v_full_name);
    recallWhere(f, path, leaf);
    const data = readLeaf(f, traj.v_name, leaf.v_full_name, leaf.f_get_class_name(), filter, path);
    if (leaf instanceof Result && data.kind === 'result') {
      for (const [k, v] of Object.entries(data.items)) leaf._setTyped(k, v);
    } else {
      applyLeafData(leaf, fromFileLeafData(data));
    }
    nodeState(leaf).stored = true;
  };
  // Many leaves are a scan over runs: their objects are read once each, not cached.
  const all = () => leaves.forEach(each);
  if (leaves.length > 1 && f.scan) f.scan(all);
  else all();
}

/** Loads one child of `group` (and, with `recursive`, its subtree) with a load mode. */
export function loadChildNode(f: H5File, traj: Trajectory, group: NNGroupNode, childName: string, recursive: boolean, mode: LoadMode): NNNode | undefined {
  const fullName = group.v_full_name ? `${group.v_full_name}.${childName}` : childName;
  const path = nodePath(traj.v_name, fullName);
  const type = f.typeOf(path);
  if (type !== 'group' && type !== 'link') return undefined;
  const rec = readNodeRecord(f, path, fullName);
  const records = [rec, ...(recursive && rec.kind === 'group' ? scanTree(f, traj.v_name, fullName, true) : [])];
  loadRecords(f, traj, traj.v_name, records, mode === 1 || mode === 2 ? (-mode as LoadMode) : mode, classResolver(traj));
  return resolveFullName(traj, fullName);
}

/**
 * The stored leaf `relative` (a dotted name) below the stored group `under`, as a node outside
 * the tree (see `StorageService.readReleasedLeaf`), or undefined when no leaf is stored there or
 * the path passes a link below `under`.
 */
export function readReleasedLeaf(f: H5File, traj: Trajectory, under: string, relative: string, withData: boolean): NNLeafNode | undefined {
  return releasedLeaf(f, traj, nodePath(traj.v_name, under), under, relative.split('.'), withData, classResolver(traj));
}

/** {@link readReleasedLeaf} below the group at HDF5 path `base` (full name `under`), `parts` the relative name's parts. */
function releasedLeaf(
  f: H5File,
  traj: Trajectory,
  base: string,
  under: string,
  parts: readonly string[],
  withData: boolean,
  classFor: (className: string) => LeafConstructor,
  place?: OutsidePlace,
): NNLeafNode | undefined {
  let path = base;
  for (const part of parts) {
    path = `${path}/${part}`;
    if (f.linkTarget(path) !== null) return undefined;
  }
  if (!f.exists(path)) return undefined;
  const relative = parts.join('.');
  const fullName = under === '' ? relative : `${under}.${relative}`;
  const rec = readNodeRecord(f, path, fullName);
  if (rec.kind !== 'leaf') return undefined;
  const data = withData ? readLeaf(f, traj.v_name, fullName, rec.className ?? 'Result') : undefined;
  const record = fromFileRecord(rec, data);
  if (record.type !== 'leaf') return undefined;
  const leaf = recordToLeaf(record, classFor);
  // Its full name from the group's name (parts[0]) and what the leaves of one read share.
  if (place) leaf._placeOutside(place, parts[0]!);
  // Outside the tree but of this trajectory: its root answers run views and auto-loading.
  const state = nodeState(leaf);
  state.root = traj;
  state.stored = true;
  rememberWhere(f, path, leaf);
  return leaf;
}

/** Notes in `leaf` where `f` keeps it (see `NodeState.storedAt`), if `f` can say so. */
function rememberWhere(f: H5File, path: string, leaf: NNLeafNode): void {
  const addr = f.addressOf?.(path);
  if (addr === undefined) return;
  const state = nodeState(leaf);
  state.storedAt = smallAddress(addr);
  state.storedIn = f;
}

/**
 * `addr` as a number V8 keeps in the field itself (a 32-bit integer), where an address past 2 GiB
 * took a heap number of 16 bytes: a million results read from a 3.7 GB file kept 12 MB of them.
 * Addresses from 2 GiB to 4 GiB become negative (below -1, which means none); larger ones stay.
 */
export function smallAddress(addr: number): number {
  return addr >= 2 ** 31 && addr < 2 ** 32 - 1 ? addr - 2 ** 32 : addr;
}

/** The address {@link smallAddress} gave `stored` for, or -1 for none. */
export function fromSmallAddress(stored: number): number {
  return stored < -1 ? stored + 2 ** 32 : stored;
}

/** Tells `f` where the leaf at `path` is, if the leaf remembers it of this same file (see {@link rememberWhere}). */
function recallWhere(f: H5File, path: string, leaf: NNLeafNode): void {
  const state = nodeState(leaf);
  const addr = fromSmallAddress(state.storedAt);
  if (state.storedIn === f && addr >= 0) f.knownAt?.(path, addr);
}

/**
 * {@link readReleasedLeaf} for `relative` below each of the stored groups `under.groups[i]`. With
 * a file that keeps its link names (the native engine), an entry of `groups` that the file lists
 * becomes the file's own string (see `StorageService.readReleasedLeaves`).
 */
export function readReleasedLeaves(f: H5File, traj: Trajectory, under: string, groups: string[], relative: string, withData: boolean): (NNLeafNode | undefined)[] {
  const base = nodePath(traj.v_name, under);
  const parts = ['', ...relative.split('.')];
  const classFor = classResolver(traj);
  const place: OutsidePlace | undefined = under === '' ? undefined : { under, relative };
  const read = () => {
    // The file's names in name order (asked of a file that scans: it keeps them, h5wasm would
    // list them anew), walked alongside `groups`, which a scan over runs gives in
    // the same order; a name out of order is merely not replaced.
    const listed = f.scan && f.exists(base) ? f.childNames(base) : [];
    // Start where the first group would be (a block of runs late in a million is found in ~20 steps).
    let at = groups[0] === undefined ? 0 : lowerBound(listed, groups[0]);
    return groups.map((g, i) => {
      while (at < listed.length && listed[at]! < g) at++;
      if (listed[at] === g) groups[i] = listed[at]!;
      parts[0] = groups[i]!;
      return releasedLeaf(f, traj, base, under, parts, withData, classFor, place);
    });
  };
  return f.scan ? f.scan(read) : read();
}

