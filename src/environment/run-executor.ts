/**
 * Executes one run on a trajectory and captures what it produced. Used by the serial loop and by
 * worker threads alike, so both store exactly the same thing.
 */
import v8 from 'node:v8';
import { toWire } from './wire.js';
import { groupState, type NNGroupNode } from '../tree/group.js';
import { nodeState, NNNode } from '../tree/node.js';
import { runIndexOf, runName } from '../tree/names.js';
import { resolveFullName, subtreeRecords, type NodeRecord } from '../trajectory/records.js';
import { formatRuntime, formatTime } from '../trajectory/runs.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { CompletedRunEntry } from './journal.js';
import type { RunFailure } from '../trajectory/storage-service.js';
import { trajectoryState } from '../trajectory/state.js';

/** A run function: gets the trajectory viewed as one run, plus the extra arguments. */
export type RunFunction = (traj: Trajectory, ...args: any[]) => unknown;

/** Whether a full name lies in one run's own subtree: a name on its path is a run name (`run_00000003`). */
function inRunSubtree(fullName: string): boolean {
  return fullName.split('.').some((part) => runIndexOf(part) !== undefined);
}

/** Whether a node lies in one run's own subtree. */
function isPerRun(node: NNNode): boolean {
  return inRunSubtree(node.v_full_name);
}

/** What {@link runAdditions} finds. */
interface RunAdditions {
  added: Set<NNNode>;
  fresh: (n: NNNode | undefined) => boolean;
}

/**
 * The nodes the executing run added that are still in the tree, and a test for "new and not
 * stored". Found once per run (each node's name is resolved from the root), for its records and
 * for cleaning up after it.
 */
function runAdditions(traj: Trajectory): RunAdditions {
  // Nodes the run attached and did not remove again (removing a group removes what is below it).
  const added = new Set(trajectoryState(traj).runAdded.nodes.filter((n) => resolveFullName(traj, n.v_full_name) === n));
  // Loaded nodes (auto-load during the run) are attached already stored: they are not new.
  const fresh = (n: NNNode | undefined): boolean => n !== undefined && added.has(n) && !nodeState(n).stored;
  return { added, fresh };
}

/**
 * What a run commits — the one place that decides it: every node the run added anywhere in the
 * tree (results, derived parameters, groups, links, with their annotations as they are now), as
 * the records of each new subtree, plus the links it set in groups that existed before.
 */
function runRecords(traj: Trajectory, { added, fresh }: RunAdditions): NodeRecord[] {
  const records: NodeRecord[] = [];
  const links: NodeRecord[] = [];
  for (const top of [...added].filter((n) => fresh(n) && !fresh(nodeState(n).parent))) {
    for (const rec of subtreeRecords(top)) (rec.type === 'link' ? links : records).push(rec);
  }
  const inNewSubtree = (g: NNGroupNode): boolean => {
    for (let n: NNNode | undefined = g; n; n = nodeState(n).parent) if (fresh(n)) return true;
    return false;
  };
  for (const [group, name] of trajectoryState(traj).runAdded.links) {
    const target = groupState(group).links.get(name);
    if (!target || inNewSubtree(group) || resolveFullName(traj, group.v_full_name) !== group) continue;
    links.push({ type: 'link', fullName: group.v_full_name ? `${group.v_full_name}.${name}` : name, target: target.v_full_name });
  }
  return [...records, ...links];
}

/**
 * Cleans memory after a run as pypet does, so that it stays flat over many runs: a run's own
 * subtrees (below a run name, e.g. `results.neuron.run_00000003`) leave the tree; what a
 * completed run added outside them (a group shared by all runs such as `results.neuron`) stays,
 * marked stored, so later runs add below it without recording it again, and a later run adding
 * the same leaf fails as it would outside a run. A failed run leaves nothing behind.
 */
function forgetRunAdditions(traj: Trajectory, completed: boolean, { added }: RunAdditions): void {
  for (const node of added) {
    const state = nodeState(node);
    const parentAdded = state.parent !== undefined && added.has(state.parent);
    if (completed && !isPerRun(node)) state.stored = true;
    else if (!parentAdded || (completed && !isPerRun(state.parent!))) state.parent?._detach(node);
  }
  for (const [group, name] of trajectoryState(traj).runAdded.links) {
    const target = groupState(group).links.get(name);
    if (target && (!completed || isPerRun(target) || isPerRun(group) || runIndexOf(name) !== undefined)) groupState(group).links.delete(name);
  }
  trajectoryState(traj).runAdded = { nodes: [], links: [] };
}

/**
 * Runs `fn` as run `idx`: views the trajectory as that run, calls the function, and records its
 * information and everything it added (see {@link runRecords}). A thrown error, or a shared node
 * `claims` refuses, becomes a failure entry.
 */
export async function executeRun(
  traj: Trajectory,
  idx: number,
  fn: RunFunction,
  args: unknown[],
  hexsha: string,
  claims?: SharedNodeClaims,
): Promise<CompletedRunEntry | RunFailure> {
  const start = Date.now() / 1000;
  const state = trajectoryState(traj);
  traj.f_as_run(idx);
  state.singleRun = true;
  state.runAdded = { nodes: [], links: [] };
  let completed = false;
  let additions: RunAdditions | undefined;
  try {
    let returned: unknown;
    try {
      returned = await fn(traj, ...args);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { kind: 'failure', idx, message: err.message, stack: err.stack ?? String(e), timestamp: start };
    }
    const finish = Date.now() / 1000;
    // `(traj) => traj.f_add_result(...)` returns the new leaf: it is stored with the run anyway,
    // and is no return value to keep.
    if (returned instanceof NNNode) returned = undefined;
    const unstorable = cannotStore(returned);
    if (unstorable) {
      return { kind: 'failure', idx, message: `the run's return value cannot be stored: ${unstorable}`, stack: '', timestamp: start };
    }
    let records: NodeRecord[];
    try {
      additions = runAdditions(traj);
      records = runRecords(traj, additions);
    } catch (e) {
      return { kind: 'failure', idx, message: (e as Error).message, stack: (e as Error).stack ?? '', timestamp: start };
    }
    const entry: CompletedRunEntry | RunFailure = {
      kind: 'run',
      idx,
      info: {
        completed: 1,
        time: formatTime(start),
        timestamp: start,
        finish_timestamp: finish,
        runtime: formatRuntime(finish - start),
        parameter_summary: traj._parameterSummary(idx),
        short_environment_hexsha: hexsha.slice(0, 7),
      },
      records,
      returned,
    };
    // Checked here too (in the thread that keeps the tree) so that a refused run leaves nothing behind.
    const checked = claims ? claims.check(entry) : entry;
    completed = checked.kind === 'run';
    return checked;
  } finally {
    state.singleRun = false;
    forgetRunAdditions(traj, completed, additions ?? runAdditions(traj));
    traj.f_restore_default();
  }
}

/** Why a run's return value cannot go to the journal (or back from a worker), or undefined. */
function cannotStore(value: unknown): string | undefined {
  try {
    v8.serialize(toWire(value));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}


/**
 * Leaves and links a run adds outside the runs' own subtrees (`results.shared`, not
 * `results.shared.run_00000003`) belong to the whole trajectory, so one run only may add each.
 * In one thread the tree refuses the second (the node exists); worker threads cannot see each
 * other's runs, so the main thread, where every run's entry arrives, checks them all here before
 * journaling: a run adding such a node that another run of this exploration added, or that the
 * file holds, becomes a failure saying so — instead of a commit that could never be written.
 */
export class SharedNodeClaims {
  private readonly owners = new Map<string, number>();

  /** `stored(fullName)`: whether the file already holds a leaf of that name. */
  constructor(private readonly stored: (fullName: string) => boolean) {}

  /** The entry, or a failure entry when it adds a shared node that is already taken. */
  check(entry: CompletedRunEntry | RunFailure): CompletedRunEntry | RunFailure {
    if (entry.kind !== 'run' || entry.reused) return entry;
    const shared = entry.records.filter((r) => r.type !== 'group' && !inRunSubtree(r.fullName));
    for (const r of shared) {
      const owner = this.owners.get(r.fullName);
      if (owner === entry.idx) continue;
      const holder = owner !== undefined ? `${runName(owner)} added it too` : r.type === 'leaf' && this.stored(r.fullName) ? 'the file holds it already' : undefined;
      if (holder === undefined) continue;
      return {
        kind: 'failure',
        idx: entry.idx,
        message: `the run added '${r.fullName}', but ${holder}: a node outside the runs' own groups can be added by one run only; give it a per-run name such as '${r.fullName}.$'.`,
        stack: '',
        timestamp: entry.info.timestamp,
      };
    }
    for (const r of shared) this.owners.set(r.fullName, entry.idx);
    return entry;
  }
}
