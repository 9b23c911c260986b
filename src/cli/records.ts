/**
 * Run records for `export`: the records of `f_to_records` (run, idx, completed, explored values,
 * chosen results), streamed run by run with memory that does not grow with the number of runs.
 *
 * The results are read here rather than by `f_to_records({ results, auto_load })`, which looks
 * every name up on its own: for `out.a,out.b,out.c` it loads the run group and the whole leaf
 * `out` (its 100-element array too) three times per run. Here each run group is loaded once as
 * a skeleton, each leaf once with only the items asked for, and the group is dropped afterwards;
 * when the names are exact paths, a block of runs is read per storage call (`RunResultReader.scan`).
 * The values and their rendering as cells are the same as `f_to_records` gives.
 */
import { NotFoundError } from '../errors.js';
import { Result } from '../leaves/result.js';
import { NDArray } from '../values/ndarray.js';
import { valueToString } from '../values/text.js';
import type { NNGroupNode } from '../tree/group.js';
import type { NNLeafNode } from '../tree/leaf-node.js';
import type { NNNode } from '../tree/node.js';
import type { RunFilter, RunRecord } from '../trajectory/query.js';
import { runName } from '../tree/names.js';
import { runGroup, runsGroup } from '../trajectory/run-groups.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { runSelection, type RunSelection } from './filter.js';
import { plain } from './values.js';

/** The branches that hold per-run groups (`<branch>.runs.run_XXXXXXXX`). */
export type RunBranch = 'results' | 'derived_parameters';

/** What a result name points at in one run: a whole leaf, or one item of a Result. */
type Target = { leaf: NNLeafNode; item?: string } | undefined;

/**
 * Where each name is when it names exactly a path below the run group (no shortcut): the leaf
 * at `leaf` (relative to the run group), whole or its `item`; per leaf, what to load of it.
 */
interface ExactPlan {
  targets: { leaf: string; item?: string }[];
  leaves: Map<string, string[] | 'all'>;
}

/**
 * Runs read by one storage call of {@link RunResultReader.scan} at most. A block's leaves live
 * until its values are handed out, long enough for V8 to move them to the old generation: at a
 * million runs, blocks of 4096 peaked at 760 MB RSS in 27 s, blocks of 512 at 490 MB in 34 s (load 4).
 */
const SCAN_MAX_RUNS = 512;
/** Bytes of values one block of {@link RunResultReader.scan} holds at most (estimated from the block before). */
const SCAN_MAX_BYTES = 8 << 20;

/** A record cell as `f_to_records` renders it: scalars as they are, anything else as short text. */
export function cell(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (v instanceof NDArray && v.size === 1) return v.at(0);
  return valueToString(plain(v), 1_000);
}

/**
 * Reads the values of result names (`z`, or `out.a` for item `a` of result `out`) run by run.
 * @example new RunResultReader(traj, ['out.a', 'out.b']).read(0) // [0.5, 1.5]
 */
export class RunResultReader {
  private runs: NNGroupNode | null | undefined;
  /**
   * How the names resolved in a run read through the tree: the signature of that run's stored
   * subtree, per name the leaf (relative to the run group) and item it named, and the items to
   * read per leaf. A run with the same signature resolves the same way, so its values are read
   * straight from the file.
   */
  private plan:
    | {
        signature: string;
        targets: ({ leaf: string; item: string } | undefined)[];
        leaves: Map<string, { className: string; items: string[] }>;
      }
    | undefined;

  /** Set by the first run read through the tree in which every name is exactly its path. */
  private exact: ExactPlan | undefined;

  constructor(
    private readonly traj: Trajectory,
    private readonly names: readonly string[],
    /** Where the per-run groups are: `results.runs` (the default) or `derived_parameters.runs`. */
    private readonly branch: RunBranch = 'results',
  ) {}

  /** The `results.runs` group (loaded as a skeleton on first use); null when nothing is stored there. */
  runsGroup(): NNGroupNode | null {
    if (this.runs === undefined) this.runs = runsGroup(this.traj, this.branch, 'subtree') ?? null;
    return this.runs;
  }

  /** The values in run `idx`, in the order of the names (undefined where the run has none). */
  read(idx: number): unknown[] {
    const runs = this.runsGroup();
    const inMemory = runs ? runGroup(this.traj, runs, idx, false) : undefined;
    const fast = !inMemory && runs ? this.readPlanned(`${runs.v_full_name}.${this.traj.f_idx_to_run(idx)}`) : undefined;
    if (fast) return fast;
    const found = inMemory ?? (runs ? runGroup(this.traj, runs, idx, 'subtree') : undefined);
    if (!found) return this.names.map(() => undefined);
    const { group, loaded: loadedHere } = found;
    try {
      const targets = this.names.map((n) => resolve(group, n));
      this.loadData(targets);
      if (loadedHere) this.makePlan(group, targets);
      if (loadedHere && !this.exact) this.exact = exactPlan(this.traj, group, this.names, targets);
      return targets.map((t, i) => valueOf(group, this.names[i]!, t));
    } finally {
      if (loadedHere) this.traj.f_remove_items([group]);
    }
  }

  /**
   * The values in the selected runs, in run order. Once a run read through the tree shows that
   * every name is exactly a path below the run group (`out.a`: item `a` of the leaf `out`; `z`:
   * the leaf `z`), the next runs are read a block at a time by the storage's scan over run
   * groups (`readReleasedLeaves`, then the items named), one call per block instead of a lookup
   * per run: the leaf at exactly a name's path is what a search finds first. A run the scan finds
   * nothing in, or whose group is in memory, is read through the tree as before. Blocks grow from
   * one run to {@link SCAN_MAX_RUNS} while their values stay under {@link SCAN_MAX_BYTES}, so a
   * block of large arrays stays small; a block's values are dropped as they are handed out.
   */
  *scan(selection: RunSelection): Generator<{ idx: number; values: unknown[] }> {
    let size = 1;
    for (let idx = 0; idx < selection.length; ) {
      if (!this.exact) {
        if (selection.has(idx)) yield { idx, values: this.read(idx) };
        idx++;
        continue;
      }
      const block: number[] = [];
      for (; idx < selection.length && block.length < size; idx++) if (selection.has(idx)) block.push(idx);
      const { values, bytes } = this.readBlock(block, this.exact);
      for (let k = 0; k < block.length; k++) {
        const found = values[k];
        values[k] = undefined;
        yield { idx: block[k]!, values: found ?? this.read(block[k]!) };
      }
      const perRun = bytes / Math.max(1, block.length);
      size = Math.max(1, Math.min(SCAN_MAX_RUNS, 2 * size, Math.floor(SCAN_MAX_BYTES / Math.max(1, perRun))));
    }
  }

  /** The values of the runs `block` by the exact plan (undefined for a run to read through the tree) and their estimated bytes. */
  private readBlock(block: readonly number[], plan: ExactPlan): { values: (unknown[] | undefined)[]; bytes: number } {
    const service = this.traj.v_storage_service!;
    const runs = this.runsGroup()!;
    // Runs whose group is in memory answer from memory (read through the tree).
    const stored = block.filter((idx) => !runGroup(this.traj, runs, idx, false));
    const at = new Map(stored.map((idx, k) => [idx, k]));
    const found = new Map<string, (NNLeafNode | undefined)[]>();
    for (const [leaf, items] of plan.leaves) {
      const leaves = stored.length > 0 ? service.readReleasedLeaves!(this.traj, runs.v_full_name, stored.map(runName), leaf, false) : [];
      const present = leaves.filter((l): l is NNLeafNode => l !== undefined);
      if (present.length > 0) this.traj.f_load_items(present, items === 'all' ? {} : { load_only: items });
      found.set(leaf, leaves);
    }
    let bytes = 0;
    const values = block.map((idx) => {
      const k = at.get(idx);
      if (k === undefined) return undefined;
      const row: unknown[] = [];
      for (const t of plan.targets) {
        const leaf = found.get(t.leaf)![k];
        if (!leaf) return undefined;
        if (t.item !== undefined && !(leaf instanceof Result && leaf.f_contains(t.item))) return undefined;
        const value = t.item === undefined ? leaf._fastAccess() : (leaf as Result).f_get(t.item);
        bytes += approxBytes(value);
        row.push(value);
      }
      return row;
    });
    return { values, bytes };
  }

  /** Remembers how the names resolved in `group` when they all name Result items (or nothing). */
  private makePlan(group: NNGroupNode, targets: Target[]): void {
    const service = this.traj.v_storage_service;
    if (!service?.subtreeSignature || !service.readResultItems) return;
    if (targets.some((t) => t && (t.item === undefined || !(t.leaf instanceof Result)))) return;
    const signature = service.subtreeSignature(this.traj, group.v_full_name);
    if (signature === undefined) return;
    const prefix = `${group.v_full_name}.`;
    const leaves = new Map<string, { className: string; items: string[] }>();
    const planned = targets.map((t) => {
      if (!t) return undefined;
      const leaf = t.leaf.v_full_name.slice(prefix.length);
      const entry = leaves.get(leaf) ?? { className: t.leaf.f_get_class_name(), items: [] };
      entry.items.push(t.item!);
      leaves.set(leaf, entry);
      return { leaf, item: t.item! };
    });
    this.plan = { signature, targets: planned, leaves };
  }

  /** The values of the run group `fullName` when it is shaped like the planned one, else undefined. */
  private readPlanned(fullName: string): unknown[] | undefined {
    const service = this.traj.v_storage_service;
    const plan = this.plan;
    if (!plan || !service?.subtreeSignature || !service.readResultItems) return undefined;
    if (service.subtreeSignature(this.traj, fullName) !== plan.signature) return undefined;
    const values = new Map<string, Map<string, unknown>>();
    for (const [leaf, { className, items }] of plan.leaves) values.set(leaf, service.readResultItems(this.traj, `${fullName}.${leaf}`, className, items));
    return plan.targets.map((t) => t && values.get(t.leaf)!.get(t.item));
  }

  /** Loads each leaf once: wholly when a name wants the whole leaf, else only the items named. */
  private loadData(targets: Target[]): void {
    const wanted = new Map<NNLeafNode, Set<string> | 'all'>();
    for (const t of targets) {
      if (!t || (t.item === undefined && !t.leaf.f_is_empty())) continue;
      const before = wanted.get(t.leaf);
      if (t.item === undefined || before === 'all') wanted.set(t.leaf, 'all');
      else wanted.set(t.leaf, (before ?? new Set<string>()).add(t.item));
    }
    for (const [leaf, items] of wanted) {
      if (items === 'all') this.traj.f_load_items([leaf]);
      else if (!(leaf instanceof Result && [...items].every((i) => leaf.f_contains(i)))) this.traj.f_load_items([leaf], { load_only: [...items] });
    }
  }
}

/**
 * The plan of {@link RunResultReader.scan} when every name resolved in `group` to exactly its
 * path and the storage can scan run groups; else undefined (every run is read through the tree).
 */
function exactPlan(traj: Trajectory, group: NNGroupNode, names: readonly string[], targets: Target[]): ExactPlan | undefined {
  if (!traj.v_storage_service?.readReleasedLeaves || names.length === 0) return undefined;
  const prefix = `${group.v_full_name}.`;
  const leaves = new Map<string, string[] | 'all'>();
  const planned: ExactPlan['targets'] = [];
  for (let i = 0; i < names.length; i++) {
    const t = targets[i];
    if (!t) return undefined;
    const leaf = t.leaf.v_full_name.slice(prefix.length);
    if ((t.item === undefined ? leaf : `${leaf}.${t.item}`) !== names[i]) return undefined;
    const before = leaves.get(leaf) ?? [];
    leaves.set(leaf, t.item === undefined || before === 'all' ? 'all' : [...before, t.item]);
    planned.push(t.item === undefined ? { leaf } : { leaf, item: t.item });
  }
  return { targets: planned, leaves };
}

/** A rough size of a value in memory, to keep a scan's block of values small. */
function approxBytes(v: unknown): number {
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof NDArray) return approxBytes(v.data);
  if (typeof v === 'string') return 2 * v.length;
  if (Array.isArray(v)) return 16 * v.length;
  return 16;
}

/** Finds what `name` means below a run group (shortcuts allowed, as `f_to_records` does). */
function resolve(group: NNGroupNode, name: string): Target {
  const node = lookup(group, name);
  if (node) return node.v_is_leaf ? { leaf: node as NNLeafNode } : undefined;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const parent = lookup(group, name.slice(0, dot));
  return parent instanceof Result ? { leaf: parent, item: name.slice(dot + 1) } : undefined;
}

/**
 * The node `name` names below `group`, or undefined. Asks first, because `out.a` (item `a` of
 * result `out`) is no node at all: a thrown NotFoundError per run and name would cost more than
 * the export itself.
 */
function lookup(group: NNGroupNode, name: string): NNNode | undefined {
  if (!group.f_contains(name, { shortcuts: true })) return undefined;
  try {
    return group.f_get<NNNode>(name, { fast_access: false });
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return undefined;
  }
}

function valueOf(group: NNGroupNode, name: string, t: Target): unknown {
  if (!t) return undefined;
  if (t.item === undefined) return group.f_get(name, { fast_access: true });
  const leaf = t.leaf as Result;
  return leaf.f_contains(t.item) ? leaf.f_get(t.item) : undefined;
}

/** Options of {@link streamRecords}. */
export interface ExportOptions {
  /** Names read below `results.runs.run_XXXXXXXX`. */
  results?: readonly string[];
  /** Names read below `derived_parameters.runs.run_XXXXXXXX` (e.g. the demo's `r0`). */
  derived?: readonly string[];
  where?: RunFilter | undefined;
}

/** The record keys, known before the first record (a filter may match no run at all). */
export function recordColumns(traj: Trajectory, results: readonly string[] = []): string[] {
  const first = traj.f_to_records().next();
  const base = first.done ? ['run', 'idx', 'completed'] : Object.keys(first.value);
  return [...base, ...results.filter((r) => !base.includes(r))];
}

/** One record per matching run, in run order, with the chosen results as cells. */
export function* streamRecords(traj: Trajectory, options: ExportOptions = {}): Generator<RunRecord> {
  const readers = [
    { names: options.results ?? [], branch: 'results' as const },
    { names: options.derived ?? [], branch: 'derived_parameters' as const },
  ]
    .filter((r) => r.names.length > 0)
    .map((r) => ({ names: r.names, reader: new RunResultReader(traj, r.names, r.branch) }));
  // The scans select the same runs as the records (one filter, one predicate), in run order.
  const selection = runSelection(traj, options.where);
  const scans = readers.map(({ names, reader }) => ({ names, values: reader.scan(selection), next: undefined as { idx: number; values: unknown[] } | undefined }));
  for (const record of traj.f_to_records(options.where ? { where: options.where } : {})) {
    for (const scan of scans) {
      while (!scan.next || scan.next.idx < record.idx) scan.next = scan.values.next().value ?? { idx: Infinity, values: [] };
      if (scan.next.idx === record.idx) scan.next.values.forEach((v, i) => (record[scan.names[i]!] = cell(v)));
    }
    yield record;
  }
}
