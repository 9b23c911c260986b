/**
 * Values of runs: an item of every run (pypet's f_get_from_runs) and one run's result, loading
 * run groups on demand and dropping them again so that scanning many runs keeps memory flat.
 */
import { NotFoundError } from '../errors.js';
import { Result } from '../leaves/result.js';
import { groupState, type GetOptions, type NNGroupNode } from '../tree/group.js';
import { runName } from '../tree/names.js';
import type { NNLeafNode } from '../tree/leaf-node.js';
import { nodeState, type NNNode } from '../tree/node.js';
import { releaseRunGroup, runGroup, runsGroup } from './run-groups.js';
import { trajectoryState, type TrajectoryCore } from './state.js';

/** Options of {@link Trajectory.f_get_from_runs}. */
export interface FromRunsOptions {
  where?: 'results' | 'r' | 'derived_parameters' | 'd';
  use_indices?: boolean;
  fast_access?: boolean;
  shortcuts?: boolean;
  max_depth?: number;
  /** Load run groups and data from storage as needed (default: the trajectory's `v_auto_load`). */
  auto_load?: boolean;
}

/**
 * pypet's f_get_from_runs (see Trajectory.f_get_from_runs). A run's item `name` is `name` below
 * the run's group (`results.runs.run_X.name`), or else the run's own node with the run name put
 * after a leading part of `name` that is a group of the branch: `neuron` → `results.neuron.run_X`,
 * `other.q` → `results.other.run_X.q` (what `f_add_result('neuron.$', …)` and
 * `f_add_result('other.$.q', …)` add in a run).
 */
export function valuesFromRuns(traj: TrajectoryCore, name: string, options: FromRunsOptions = {}): Map<string | number, any> {
  const where = options.where === 'd' || options.where === 'derived_parameters' ? 'derived_parameters' : 'results';
  // As natural naming does, the trajectory's v_auto_load is the default: without it, results
  // loaded as a skeleton would come back as empty leaves.
  const autoLoad = options.auto_load ?? traj.v_auto_load;
  const state = trajectoryState(traj);
  const out = new Map<string | number, any>();
  const branch = groupState(traj).children.get(where) as NNGroupNode;
  const load = autoLoad ? 'node' : false;
  const runs = runsGroup(traj, where, load);
  const parts = name.split('.');
  const named: [NNGroupNode, string[]][] = [];
  for (let k = parts.length; k >= 1; k--) {
    const group = groupAt(traj, branch, parts.slice(0, k), autoLoad);
    if (group) named.push([group, parts.slice(k)]);
  }
  if (!runs && named.length === 0) return out;
  const saved = state.idx;
  const opts: GetOptions = { fast_access: options.fast_access ?? false, auto_load: autoLoad };
  if (options.shortcuts !== undefined) opts.shortcuts = options.shortcuts;
  if (options.max_depth !== undefined) opts.max_depth = options.max_depth;
  const missing = Symbol('missing');
  const find = (group: NNGroupNode | undefined, path: string, o: GetOptions): unknown => {
    if (!group) return missing;
    try {
      return group.f_get(path, o);
    } catch (e) {
      if (e instanceof NotFoundError) return missing;
      throw e;
    }
  };
  // Runs only in storage are read straight from it when the name is a leaf at exactly that path
  // below the run's group (what a search finds first): the leaf comes back without its run's
  // group entering the tree, so collecting one value of a million runs keeps memory bounded.
  const onlyStored = (rn: string): boolean => {
    if (!runs || !nodeState(traj).stored) return false;
    if (groupState(runs).lazy?.has(rn)) return true;
    return autoLoad && !groupState(runs).children.has(rn) && !groupState(runs).links.has(rn);
  };
  const released = runs && nodeState(traj).stored ? StoredLeaves.of(traj, runs, name, autoLoad, onlyStored) : undefined;
  try {
    for (let idx = 0; idx < state.runs.length; idx++) {
      const listed = released !== undefined && released.lists(idx);
      // A listed run's name as storage gave it back: the Map returned holds no second copy.
      const rn = listed ? released.name : runName(idx);
      state.idx = idx;
      let item: unknown = missing;
      const stored = onlyStored(rn);
      if (stored && listed) {
        const leaf = released.leaf;
        if (leaf) item = opts.fast_access ? leaf._fastAccess() : leaf;
      }
      if (item === missing) {
        const found = runs ? runGroup(traj, runs, idx, load) : undefined;
        item = find(found?.group, name, opts);
        // A run group loaded only to look for `name` goes back to storage when it has none.
        if (item === missing && found && (found.loaded || stored)) releaseRunGroup(runs!, found.group);
      }
      for (const [group, rest] of named) {
        if (item === missing) item = find(group, [rn, ...rest].join('.'), { ...opts, shortcuts: false });
      }
      if (item !== missing) out.set(options.use_indices ? idx : rn, item);
    }
  } finally {
    state.idx = saved;
  }
  return out;
}

/**
 * The leaves `name` of the runs only in storage, read from it a block of runs at a time as the
 * runs are asked for in index order ({@link lists}): a block's run names (made to ask storage,
 * then replaced by its own strings) die young, where a million made at once outlived the scan
 * (~40 MB at 1M runs). A run is listed when it is only in storage as its block is read; one a
 * search loaded before is passed over (the tree answers for it).
 */
class StoredLeaves {
  /** The listed runs of the current block, with their names and leaves. */
  private runs = new Int32Array(BLOCK_RUNS);
  private names: string[] = [];
  private leaves: (NNLeafNode | undefined)[] = [];
  private next = 0;
  /** The first run after the current block. */
  private end = 0;
  /** The listed run's name and leaf, after {@link lists} said yes. */
  name = '';
  leaf: NNLeafNode | undefined;

  private constructor(
    private readonly read: (groups: string[]) => (NNLeafNode | undefined)[],
    private readonly total: number,
    private readonly onlyStored: (rn: string) => boolean,
  ) {}

  /** Undefined when the service cannot read leaves so. */
  static of(traj: TrajectoryCore, runs: NNGroupNode, name: string, withData: boolean, onlyStored: (rn: string) => boolean): StoredLeaves | undefined {
    const service = traj.v_storage_service;
    if (!service || (!service.readReleasedLeaves && !service.readReleasedLeaf)) return undefined;
    const under = runs.v_full_name;
    const read = service.readReleasedLeaves
      ? (groups: string[]) => service.readReleasedLeaves!(traj, under, groups, name, withData)
      : (groups: string[]) => groups.map((rn) => service.readReleasedLeaf!(traj, under, `${rn}.${name}`, withData));
    return new StoredLeaves(read, trajectoryState(traj).runs.length, onlyStored);
  }

  /** Whether run `idx` (asked in increasing order) is listed; then {@link name} and {@link leaf} are its. */
  lists(idx: number): boolean {
    while (idx >= this.end && this.end < this.total) this.readBlock();
    while (this.next < this.names.length && this.runs[this.next]! < idx) this.next++;
    if (this.next >= this.names.length || this.runs[this.next] !== idx) return false;
    this.name = this.names[this.next]!;
    this.leaf = this.leaves[this.next++];
    return true;
  }

  private readBlock(): void {
    const start = this.end;
    this.end = Math.min(this.total, start + BLOCK_RUNS);
    const names: string[] = [];
    for (let idx = start; idx < this.end; idx++) {
      const rn = runName(idx);
      if (this.onlyStored(rn)) this.runs[names.push(rn) - 1] = idx;
    }
    this.names = names;
    this.next = 0;
    // (all in memory: storage is not asked)
    this.leaves = names.length === 0 ? [] : this.read(names);
  }
}

/**
 * Runs whose stored leaves {@link StoredLeaves} reads per storage call: a block's names live
 * while its runs are read, and V8 promotes what is alive at a scavenge (one falls every few
 * thousand runs here): 4,096 put ~24 MB of names in the old generation at 1M runs.
 */
const BLOCK_RUNS = 512;

/** The group at the path `parts` (no shortcuts) below `from`, loaded if allowed, or undefined. */
function groupAt(traj: TrajectoryCore, from: NNGroupNode, parts: string[], autoLoad: boolean): NNGroupNode | undefined {
  let node: NNNode | undefined = from;
  for (const part of parts) {
    if (!node || node.v_is_leaf) return undefined;
    const group: NNGroupNode = node as NNGroupNode;
    node = group._childOrLink(part) ?? (autoLoad ? traj._autoLoadChild(group, part) : undefined);
  }
  return node && !node.v_is_leaf && node !== from ? (node as NNGroupNode) : undefined;
}

/**
 * The value of result (or derived parameter) `name` in run `idx` (`'z'`, or `'out.a'` for item
 * `a` of result `out`), or undefined. With `autoLoad`, a run group that is not in memory is
 * loaded for the lookup and dropped again, so scanning many runs keeps memory flat.
 */
export function valueOfRun(traj: TrajectoryCore, idx: number, name: string, autoLoad: boolean): unknown {
  for (const where of ['results', 'derived_parameters']) {
    const value = valueInRunGroup(traj, where, idx, name, autoLoad);
    if (value !== undefined) return value;
  }
  return undefined;
}

function valueInRunGroup(traj: TrajectoryCore, where: string, idx: number, name: string, autoLoad: boolean): unknown {
  const runs = runsGroup(traj, where, autoLoad ? 'node' : false);
  const found = runs && runGroup(traj, runs, idx, autoLoad ? 'node' : false);
  if (!runs || !found) return undefined;
  const { group, loaded } = found;
  const state = trajectoryState(traj);
  const saved = state.idx;
  state.idx = idx;
  try {
    return lookupValue(group, name, autoLoad);
  } finally {
    state.idx = saved;
    if (loaded) runs._detach(group);
  }
}

/** A node's value below `group` by name; `leaf.item` reaches an item of a multi-item result. */
function lookupValue(group: NNGroupNode, name: string, autoLoad: boolean): unknown {
  try {
    return group.f_get(name, { fast_access: true, auto_load: autoLoad });
  } catch (e) {
    const dot = name.lastIndexOf('.');
    if (!(e instanceof NotFoundError) || dot < 0) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
    let leaf: NNNode;
    try {
      leaf = group.f_get<NNNode>(name.slice(0, dot), { auto_load: autoLoad });
    } catch (e2) {
      if (e2 instanceof NotFoundError) return undefined;
      throw e2;
    }
    const item = name.slice(dot + 1);
    return leaf instanceof Result && leaf.f_contains(item) ? leaf.f_get(item) : undefined;
  }
}
