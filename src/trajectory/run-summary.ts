/**
 * pypet's one-line summary of a run's explored values (`x: 1.0,   y: 1`), as the run table
 * derives it instead of storing it, and the test whether a stored summary is exactly that one,
 * made without building it: a load tests every row of `overview/runs` (building a million
 * summaries to compare them made ~1 GB of garbage while opening a 1M-run file).
 */
import type { BaseParameter } from '../leaves/parameter.js';
import { pythonRepr } from '../values/python-repr.js';
import type { ValueType } from '../values/types.js';
import { trajectoryState, type TrajectoryCore } from './state.js';

/** Longest repr a summary keeps of one value (longer ones are cut and end in `...`). */
const REPR_MAX = 512;

/**
 * {@link parameterSummary} (in `order`) when the explored ranges in memory reach run `idx`, else
 * undefined (ranges not loaded, or a run past them): what the run table compares a run's summary with.
 */
export function derivedSummary(traj: TrajectoryCore, idx: number, order?: readonly string[]): string | undefined {
  const plan = summaryPlan(trajectoryState(traj).explored, order);
  return reaches(plan, idx) ? summaryOf(plan, idx) : undefined;
}

/**
 * Whether `text` is what {@link derivedSummary} gives for run `idx`, compared piece by piece
 * with the text (no summary built: only the reprs, which repeat and are remembered).
 */
export function isDerivedSummary(traj: TrajectoryCore, idx: number, text: string, order?: readonly string[]): boolean {
  const plan = summaryPlan(trajectoryState(traj).explored, order);
  if (!reaches(plan, idx)) return false;
  let at = 0;
  for (let k = 0; k < plan.params.length; k++) {
    const p = plan.params[k]!;
    if (k > 0) {
      if (!text.startsWith(SEPARATOR, at)) return false;
      at += SEPARATOR.length;
    }
    // The label as parameterSummary picks it: the full name once the summary so far (the text
    // before the separator) holds the short name.
    const short = p.v_name;
    const first = text.indexOf(short);
    const label = k > 0 && first >= 0 && first + short.length <= at - SEPARATOR.length ? plan.fulls[k]! : short;
    if (!text.startsWith(label, at) || !text.startsWith(': ', at + label.length)) return false;
    at += label.length + 2;
    const repr = cutRepr(p, idx);
    if (!text.startsWith(repr, at)) return false;
    at += repr.length;
  }
  return at === text.length;
}

/**
 * pypet's summary of a run's explored values, e.g. `x: 1.0,   y: 1`; with `order` (full names),
 * the parameters named there come first, in that order.
 */
export function parameterSummary(traj: TrajectoryCore, idx: number, order?: readonly string[]): string {
  return summaryOf(summaryPlan(trajectoryState(traj).explored, order), idx);
}

const SEPARATOR = ',   ';

function summaryOf(plan: SummaryPlan, idx: number): string {
  let summary = '';
  for (let k = 0; k < plan.params.length; k++) {
    const p = plan.params[k]!;
    const short = p.v_name;
    const label = summary.includes(short) ? plan.fulls[k]! : short;
    summary += `${k > 0 ? SEPARATOR : ''}${label}: ${cutRepr(p, idx)}`;
  }
  return summary;
}

function reaches(plan: SummaryPlan, idx: number): boolean {
  for (const p of plan.params) if (!p.v_explored || idx >= p.f_get_range_length()) return false;
  return true;
}

function cutRepr(p: BaseParameter, idx: number): string {
  const repr = memoRepr(p.f_get_range(false)[idx], p.v_value_type);
  return repr.length >= REPR_MAX ? repr.slice(0, REPR_MAX - 3) + '...' : repr;
}

/**
 * The explored parameters in summary order (those named in `order` first, in that order, then the
 * others in `explored`'s order), kept between calls: walking the map for every run made two
 * arrays per parameter. `seen` is `explored`'s own order, which says whether the plan still holds.
 */
interface SummaryPlan {
  readonly order: readonly string[] | undefined;
  readonly seen: BaseParameter[];
  readonly seenKeys: string[];
  readonly params: BaseParameter[];
  readonly fulls: string[];
}

const plans = new WeakMap<Map<string, BaseParameter>, SummaryPlan>();

function summaryPlan(explored: Map<string, BaseParameter>, order: readonly string[] | undefined): SummaryPlan {
  const plan = plans.get(explored);
  if (plan !== undefined && plan.order === order && holds(plan, explored)) return plan;
  const entries = order === undefined ? [...explored] : orderedExplored(explored, order);
  const made: SummaryPlan = { order, seen: [...explored.values()], seenKeys: [...explored.keys()], params: entries.map((e) => e[1]), fulls: entries.map((e) => e[0]) };
  plans.set(explored, made);
  return made;
}

// Whether `explored` still holds the plan's parameters in the plan's order, walked without an
// entry array per parameter (forEach with a shared context, not a closure per call).
const check = { plan: undefined as SummaryPlan | undefined, at: 0, same: true };
function checkEntry(this: typeof check, p: BaseParameter, full: string): void {
  if (this.plan!.seen[this.at] !== p || this.plan!.seenKeys[this.at] !== full) this.same = false;
  this.at += 1;
}

function holds(plan: SummaryPlan, explored: Map<string, BaseParameter>): boolean {
  if (plan.seen.length !== explored.size) return false;
  check.plan = plan;
  check.at = 0;
  check.same = true;
  explored.forEach(checkEntry, check);
  check.plan = undefined;
  return check.same;
}

/** The entries of `explored`, those named in `order` first and in that order. */
function orderedExplored<P>(explored: ReadonlyMap<string, P>, order: readonly string[]): [string, P][] {
  const out: [string, P][] = [];
  for (const full of order) {
    const p = explored.get(full);
    if (p !== undefined) out.push([full, p]);
  }
  if (out.length < explored.size) for (const entry of explored) if (!order.includes(entry[0])) out.push(entry);
  return out;
}

/**
 * Reprs of explored values, per value type, for values that repeat: a million runs' summaries
 * (derived again for every row of a loaded run table, see `runs.ts`) repeat a few thousand
 * distinct values, and Python's float repr is the costly part. A fixed table of
 * {@link REPR_SLOTS} slots per type, a value's slot chosen by its hash (a later value with the
 * same slot replaces it): with a million distinct values, a map that filled up and was emptied
 * kept each repr long enough for V8 to promote it to the old generation (~250 MB of garbage
 * there while opening a 1M-run file, and RSS peaks that varied by 130 MB with the machine's load).
 */
interface ReprTable {
  /** Number keys in slots of their own (no boxed number per entry); NaN never matches. */
  readonly numbers: Float64Array;
  readonly numberReprs: (string | undefined)[];
  readonly keys: unknown[];
  readonly keyReprs: (string | undefined)[];
}

const reprTables = new WeakMap<ValueType, ReprTable>();
const REPR_SLOTS = 4096;
const bits = new Float64Array(1);
const halves = new Uint32Array(bits.buffer);

function reprTable(type: ValueType): ReprTable {
  let table = reprTables.get(type);
  if (table === undefined) {
    const empty = () => new Array<string | undefined>(REPR_SLOTS).fill(undefined);
    table = { numbers: new Float64Array(REPR_SLOTS), numberReprs: empty(), keys: new Array<unknown>(REPR_SLOTS).fill(undefined), keyReprs: empty() };
    reprTables.set(type, table);
  }
  return table;
}

function memoRepr(value: unknown, type: ValueType | undefined): string {
  if (type === undefined) return pythonRepr(value, type);
  if (typeof value === 'number') {
    // (-0 equals 0, but its repr is not 0's)
    if (Object.is(value, -0)) return pythonRepr(value, type);
    const table = reprTable(type);
    bits[0] = value;
    const slot = Math.imul(halves[0]! ^ Math.imul(halves[1]!, 0x9e3779b1), 0x85ebca6b) >>> 20;
    const known = table.numberReprs[slot];
    if (known !== undefined && table.numbers[slot] === value) return known;
    const repr = pythonRepr(value, type);
    table.numbers[slot] = value;
    table.numberReprs[slot] = repr;
    return repr;
  }
  if (typeof value !== 'string' && typeof value !== 'boolean') return pythonRepr(value, type);
  const table = reprTable(type);
  let hash = value === true ? 1 : 0;
  if (typeof value === 'string') for (let i = 0; i < value.length && i < 32; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  const slot = Math.imul(hash ^ (typeof value === 'string' ? value.length : 7), 0x85ebca6b) >>> 20;
  const known = table.keyReprs[slot];
  if (known !== undefined && table.keys[slot] === value) return known;
  const repr = pythonRepr(value, type);
  table.keys[slot] = value;
  table.keyReprs[slot] = repr;
  return repr;
}
