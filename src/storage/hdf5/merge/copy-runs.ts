/**
 * Copying one other trajectory's data into the target: its merged runs under their new names,
 * results and derived parameters outside runs (pypet's keep rules), `run_ALL` derived
 * parameters, and missing `config` leaves. Only HDF5 objects are copied here; the tables that
 * describe the runs (overview, explored data) are written by `tables.ts` and `write.ts`.
 */
import fs from 'node:fs';
import { valuesEqual } from '../../../values/compare.js';
import { RUN_ALL, RUN_SET_ALL, runIndexOf, runName, runSetName } from '../../../tree/names.js';
import { copyTree, ensureGroupLike } from '../transactions/copy.js';
import { H5File, joinPath, parentOf } from '../engine/h5file.js';
import { LEAF, nodePath } from '../layout/nodes.js';
import { PAUSE_ENV, SET_NAME } from './shared.js';
import { readParameterForMerge } from './side.js';
import { Context, OtherMerge } from './plan.js';
import { RunMapper } from './run-mapper.js';

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
