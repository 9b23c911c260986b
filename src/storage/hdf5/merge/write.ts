/** Writing a planned merge: runs copied under their new names, tables grown, the merge recorded. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { FormatError, MergeError, StorageError } from '../../../errors.js';
import { valuesEqual } from '../../../values/compare.js';
import type { TypedValue } from '../../../values/types.js';
import { RUN_ALL, RUN_SET_ALL, runIndexOf, runName, runSetName } from '../../../tree/names.js';
import { pythonFloatRepr } from '../../../values/python-repr.js';
import { formatTime } from '../../../trajectory/runs.js';
import { copyAttributes, copyDataset, copyTree, ensureGroupLike } from '../transactions/copy.js';
import { H5File, baseName, joinPath, parentOf, stringAttr } from '../engine/h5file.js';
import { encodeElements } from '../engine/h5types.js';
import { openH5Sync } from '../engine/open-file.js';
import { COMMENT, LEAF, nodePath, writeLeaf } from '../layout/nodes.js';
import { type TrajectoryInfo, appendRuns, createRuns, updateRuns, writeExplorations } from '../layout/overview.js';
import { STORE, columnAttr } from '../layout/typemap.js';
import { PAUSE_ENV, SET_NAME } from './shared.js';
import { PYPET_FORMAT_VERSION } from '../../../trajectory/pypet-version.js';
import { readParameterForMerge } from './side.js';
import { convertRows, readRows, setNrows, widenType } from './rows.js';
import { dedupeRunComments } from './fill.js';
import { ArrayCopy, Context, OtherMerge, TableGrowth, tableLength } from './plan.js';


/** Old and new run indices of one other trajectory, for renaming its paths. */
export class RunMapper {
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
export class OtherWriter {
  private readonly mapper: RunMapper;
  private readonly ignored: ReadonlySet<string>;
  private copiedRuns = 0;
  private readonly pauseAt: number;

  constructor(
    private readonly ctx: Context,
    private readonly other: OtherMerge,
    /** The other trajectory's file. */
    private readonly bf: H5File,
    /** The file being written. */
    private readonly dst: H5File,
    pause: boolean,
  ) {
    this.mapper = new RunMapper(other.runMap);
    this.ignored = new Set(ctx.options.ignore_data);
    this.pauseAt = pause ? Math.max(1, Math.floor(other.plan.used.length / 2)) : -1;
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
      if (this.ctx.src.exists(same) && this.sameUnexploredValue(same, leaf.path, full)) continue;
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
    const a = readParameterForMerge(this.ctx.src, full, mine, false);
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
export function pauseForTests(): void {
  const ms = Number(process.env[PAUSE_ENV] ?? 0);
  if (!(ms > 0)) return;
  fs.writeSync(2, 'h5traj-merge: paused\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes the rows of a growing table: appended in place, or the table written anew. */
export function writeTable(ctx: Context, dst: H5File, g: TableGrowth): void {
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
  const parts = g.exists ? [readRows(ctx.src, g.path), ...g.rows] : g.rows;
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
    copyAttributes(ctx.src, from, dst, g.path);
    if (!g.exists && dst.hasAttr(g.path, 'TITLE')) dst.writeAttr(g.path, 'TITLE', stringAttr(baseName(g.path)));
  } else if (g.idxColumn) {
    dst.writeAttr(g.path, STORE, stringAttr('TABLE'));
    dst.writeAttr(g.path, columnAttr('idx', 'COLL_TYPE'), stringAttr('COLL_SCALAR'));
    dst.writeAttr(g.path, columnAttr('idx', 'SCALAR_TYPE'), stringAttr('int'));
  }
  setNrows(dst, g.path, at);
}

/** Copies an array of an ArrayParameter/PickleParameter, creating its `NESTED_GROUP` groups. */
export function writeArrayCopy(ctx: Context, dst: H5File, from: H5File, c: ArrayCopy): void {
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
export function writeLength(dst: H5File, traj: string, length: number): void {
  const p = joinPath('/', traj, 'overview', 'info');
  const row = readRows(dst, p, [0, 1]);
  const member = row.type.members.find((m) => m.name === 'length');
  if (!member) throw new FormatError(`overview/info of '${traj}' in '${dst.path}' has no column 'length'.`, { file: dst.path });
  const bytes = Uint8Array.from(row.bytes);
  bytes.set(encodeElements([length], member.type), member.offset);
  dst.writeRows(p, 0, bytes);
}

/** pypet's SHA-1 of a merge, and Python's `str()` of a float timestamp. */
export function mergeHexsha(a: TrajectoryInfo, b: TrajectoryInfo): string {
  const py = pythonFloatRepr;
  return createHash('sha1').update(`${a.name}${py(a.timestamp)}${b.name}${py(b.timestamp)}${PYPET_FORMAT_VERSION}`, 'utf8').digest('hex');
}

/** Writes `config.merge.merge_<hexsha7>_<time>` for one merged trajectory; returns its full name. */
export function writeMergeRecord(ctx: Context, dst: H5File, o: OtherMerge): string {
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
  if (a.info.version !== PYPET_FORMAT_VERSION) add('version', str(a.info.version), 'Pypet version if it differs from the version of the trajectory');
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

/** The whole write, into `dst` (a copy of the target file, or a new file in rewrite mode). */
export function applyAll(ctx: Context, dst: H5File): void {
  const { a } = ctx;
  const pause = Number(process.env[PAUSE_ENV] ?? 0) > 0;
  ctx.others.forEach((o, k) => {
    const source = o.sameFile ? ctx.src : openH5Sync(o.file, 'r');
    try {
      new OtherWriter(ctx, o, source, dst, pause && k === 0).write();
      for (const c of ctx.copies) if (c.from === k) writeArrayCopy(ctx, dst, source, c);
    } finally {
      if (source !== ctx.src) source.close();
    }
  });
  for (const c of ctx.copies) if (c.from === -1) writeArrayCopy(ctx, dst, ctx.src, c);
  for (const g of ctx.tables.values()) writeTable(ctx, dst, g);
  const runsPath = joinPath('/', a.name, 'overview', 'runs');
  if (ctx.replaced.has(runsPath)) createRuns(dst, a.name, [...a.runs, ...ctx.newRuns], a.info.time);
  else appendRuns(dst, a.name, ctx.newRuns);
  if (ctx.filledRuns.length > 0) {
    updateRuns(dst, a.name, ctx.filledRuns);
    dedupeRunComments(dst, a.name);
  }
  writeLength(dst, a.name, a.runs.length + ctx.newRuns.length);
  if (ctx.explorations.length > a.explorations.length) writeExplorations(dst, a.name, ctx.explorations);
  if (ctx.options.keep_info) for (const o of ctx.others) o.record = writeMergeRecord(ctx, dst, o);
}
