/**
 * pypet's informational overview tables (`pypet-format.md` §3.5), which HDFView users look at
 * and pypet never reads back: `config_overview`, `parameters_overview`,
 * `derived_parameters_overview`, `results_overview` (a row per stored leaf, at most 1000),
 * `explored_parameters_overview` (plus the range), and `results_summary` /
 * `derived_parameters_summary` (a row per distinct comment, keyed by its SHA-1), which is how
 * pypet's `purge_duplicate_comments` knows that a comment was written before.
 *
 * As in pypet, a table gets rows when it exists in the file; which ones exist is decided when
 * the trajectory is first written (the `config.hdf5.overview.*` switches).
 */
import { createHash } from 'node:crypto';
import { pythonRepr } from '../../../values/python-repr.js';
import { NDArray } from '../../../values/ndarray.js';
import type { TypedValue } from '../../../values/types.js';
import type { LeafRecord } from '../../../trajectory/records.js';
import { type H5File, joinPath } from '../engine/h5file.js';
import { I32, fixedString } from '../engine/h5types.js';
import { type Hdf5Settings, OVERVIEW_TABLES, type OverviewTable, readHdf5Settings } from './settings.js';
import { type TableColumn, appendTableRows, createTable, readTable, tableRows, textColumn } from './table.js';

/** pypet's column widths (`pypetconstants.HDF5_STRCOL_MAX_*`) and row limit. */
const LOCATION = 512;
const NAME = 128;
const VALUE = 64;
const COMMENT = 512;
const RANGE = 1024;
const MAX_ROWS = 1000;

/** Columns in the order PyTables stores them (positioned columns first, the others by name). */
function columnsOf(table: OverviewTable): TableColumn[] {
  const head = [
    { name: 'location', type: fixedString(LOCATION) },
    { name: 'name', type: fixedString(NAME) },
    { name: 'value', type: fixedString(VALUE) },
  ];
  if (table.endsWith('_summary')) return [...head, { name: 'hexdigest', type: fixedString(64) }, { name: 'comment', type: fixedString(COMMENT) }];
  if (table === 'explored_parameters_overview') {
    return [...head, { name: 'comment', type: fixedString(COMMENT) }, { name: 'length', type: I32 }, { name: 'range', type: fixedString(RANGE) }];
  }
  return [...head, { name: 'comment', type: fixedString(COMMENT) }];
}

const tablePath = (traj: string, table: string) => joinPath('/', traj, 'overview', table);

/** Creates the (empty) tables the settings switch on; tables already in the file stay. */
export function createOverviewTables(f: H5File, traj: string, settings: Hdf5Settings): void {
  f.ensureGroup(joinPath('/', traj, 'overview'));
  for (const table of OVERVIEW_TABLES) {
    const path = tablePath(traj, table);
    if (!settings.overview[table] || f.exists(path)) continue;
    const columns = columnsOf(table);
    createTable(f, path, columns, Object.fromEntries(columns.map((c) => [c.name, []])), { title: table });
  }
}

/** pypet's `_all_cut_string`: text longer than `max` UTF-8 bytes keeps `max - 3` bytes plus `...`. */
function cut(text: string, max: number): Buffer {
  const b = Buffer.from(text, 'utf8');
  return b.length > max ? Buffer.concat([b.subarray(0, max - 3), Buffer.from('...')]) : b;
}

/** pypet's `f_val_to_str` of a leaf record: a parameter's default, or a result's `k=v, …`. */
function valueText(rec: LeafRecord): string {
  const data = rec.data;
  if (!data) return '';
  if (data.kind === 'parameter') return pythonRepr(data.value.value, data.value.type);
  return data.items.map(([k, v]) => `${k}=${pythonRepr(v.value, v.type)}`).join(', ');
}

/** pypet's `range` column: the reprs of the first 351 values, joined by `, `. */
function rangeText(value: TypedValue, range: readonly unknown[]): string {
  return range
    .slice(0, Math.floor(RANGE / 3) + 10)
    .map((v) => pythonRepr(v, v instanceof NDArray ? undefined : value.type))
    .join(', ');
}

/**
 * What a writer remembers between writes of one file, so a long exploration does not re-read
 * the summary tables at every commit: per table, the row count it saw and the SHA-1s in it.
 * It is checked against the file's row count, so a file changed by someone else (or a write
 * that was rolled back) is read again.
 */
export type OverviewMemory = Map<string, { rows: number; digests: Set<string> }>;

/** Whether the trajectory's settings in the file purge duplicate comments (pypet's default: yes). */
export function purgesComments(f: H5File, traj: string): boolean {
  return f.typeOf(tablePath(traj, 'hdf5_settings')) === 'dataset' ? readHdf5Settings(f, traj).purge_duplicate_comments : true;
}

/** Rows to add to the overview tables during one write, appended together by {@link flush}. */
export class OverviewRows {
  private readonly rows = new Map<OverviewTable, Record<string, unknown[]>>();
  /** Rows in the file when this write began, per table present. */
  private readonly onDisk = new Map<OverviewTable, number>();
  /** SHA-1s this write adds to a summary table. */
  private readonly added = new Map<OverviewTable, Set<string>>();
  private readonly purge: boolean;

  /** Reads which tables the trajectory has in the file and whether comments are purged. */
  constructor(
    private readonly f: H5File,
    private readonly traj: string,
    private readonly memory: OverviewMemory,
  ) {
    const overview = joinPath('/', traj, 'overview');
    const present = f.typeOf(overview) === 'group' ? new Set(f.childNames(overview)) : new Set<string>();
    for (const table of OVERVIEW_TABLES) if (present.has(table)) this.onDisk.set(table, tableRows(f, tablePath(traj, table)));
    this.purge = purgesComments(f, traj);
  }

  private count(table: OverviewTable): number {
    return (this.onDisk.get(table) ?? 0) + (this.rows.get(table)?.location?.length ?? 0);
  }

  private add(table: OverviewTable, row: Record<string, unknown>): void {
    let cols = this.rows.get(table);
    if (!cols) {
      cols = Object.fromEntries(columnsOf(table).map((c) => [c.name, []]));
      this.rows.set(table, cols);
    }
    for (const [k, v] of Object.entries(row)) cols[k]!.push(v);
  }

  /** Whether a summary table lists this SHA-1: in the file (remembered, or read) or added by this write. */
  private listed(table: OverviewTable, digest: string): boolean {
    if (this.added.get(table)?.has(digest)) return true;
    const key = `${this.traj}/${table}`;
    const rows = this.onDisk.get(table)!;
    let known = this.memory.get(key);
    if (!known || known.rows !== rows) {
      const digests = rows === 0 ? [] : textColumn(readTable(this.f, tablePath(this.traj, table)), 'hexdigest');
      known = { rows, digests: new Set(digests) };
      this.memory.set(key, known);
    }
    return known.digests.has(digest);
  }

  /**
   * Records a leaf being written (pypet's `_prm_add_meta_info`) and says whether its comment is
   * written: a comment seen before in the branch's summary table is left out when
   * purge_duplicate_comments is on. `isNew`: the leaf was not in the file before (only new
   * leaves get overview rows; pypet would rewrite the row of a stored one).
   */
  leafWritten(rec: LeafRecord, isNew: boolean): boolean {
    const dot = rec.fullName.lastIndexOf('.');
    const location = dot < 0 ? '' : rec.fullName.slice(0, dot);
    const name = rec.fullName.slice(dot + 1);
    const branch = rec.fullName.split('.')[0]!;
    let value: Buffer | undefined;
    const base = () => ({ location: cut(location, LOCATION), name: cut(name, NAME), value: (value ??= cut(valueText(rec), VALUE)) });
    let writeComment = true;
    const summary = `${branch}_summary` as OverviewTable;
    if (rec.comment !== '' && this.onDisk.has(summary)) {
      const digest = createHash('sha1').update(rec.comment, 'utf8').digest('hex');
      if (this.listed(summary, digest)) {
        writeComment = !this.purge;
      } else {
        if (!this.added.has(summary)) this.added.set(summary, new Set());
        this.added.get(summary)!.add(digest);
        this.add(summary, { ...base(), hexdigest: digest, comment: cut(rec.comment, COMMENT) });
      }
    }
    if (!isNew) return writeComment;
    const overview = `${branch}_overview` as OverviewTable;
    if (this.onDisk.has(overview) && this.count(overview) < MAX_ROWS) this.add(overview, { ...base(), comment: cut(rec.comment, COMMENT) });
    const data = rec.data;
    const explored = 'explored_parameters_overview';
    if (data?.kind === 'parameter' && data.range && this.onDisk.has(explored) && this.count(explored) < MAX_ROWS) {
      this.add(explored, { ...base(), comment: cut(rec.comment, COMMENT), length: data.range.length, range: cut(rangeText(data.value, data.range), RANGE) });
    }
    return writeComment;
  }

  /** Appends the collected rows to their tables (and remembers the SHA-1s added). */
  flush(): void {
    for (const [table, cols] of this.rows) {
      appendTableRows(this.f, tablePath(this.traj, table), cols);
      const known = this.memory.get(`${this.traj}/${table}`);
      const added = this.added.get(table);
      if (known && added && known.rows === this.onDisk.get(table)) {
        known.rows += cols.location!.length;
        for (const d of added) known.digests.add(d);
      }
    }
    this.rows.clear();
    this.added.clear();
  }
}
