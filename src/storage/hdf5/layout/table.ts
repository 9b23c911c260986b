/**
 * PyTables-style tables: 1-D compound datasets, chunked and resizable, read by column name.
 *
 * PyTables reads any 1-D compound dataset as a Table; it can also append to one if it is
 * chunked with an unlimited maximum shape, and it trusts the `NROWS` attribute, which is why
 * tables meant to grow (the `overview` tables) carry PyTables' attributes and keep `NROWS` up to
 * date (`docs/file-layout.md` §2, §12). Columns are found by name, never by position.
 */
import { StorageError } from '../../../errors.js';
import type { H5File } from '../engine/h5file.js';
import { type H5Type, I64, compoundType, decodeColumns, encodeColumns, encodeElements, fixedString } from '../engine/h5types.js';

/** A column: its name and element type. */
export interface TableColumn {
  name: string;
  type: H5Type;
}

/** Column-wise table data: `{ column: values[] }`, all columns of equal length (a typed array serves for a numeric column). */
export type Columns = Record<string, ArrayLike<unknown>>;

/** Options of {@link createTable}. */
export interface TableOptions {
  /** Write PyTables' attributes (CLASS, VERSION, TITLE, NROWS, FIELD_i_NAME), so PyTables can append. */
  pytables?: boolean;
  /** PyTables' TITLE (pypet uses the table name); empty titles are left out. */
  title?: string;
  /** Rows per chunk; by default about 32 KiB of rows. */
  chunkRows?: number;
}

/** A table read back. */
export interface TableData {
  type: H5Type & { class: 'compound' };
  nrows: number;
  /** Values by column name (see `decodeElements` for the JS forms). */
  columns: Record<string, unknown[]>;
}

function rowCount(data: Columns, columns: readonly TableColumn[], path: string): number {
  const counts = new Set(columns.map((c) => data[c.name]?.length ?? -1));
  if (counts.size !== 1 || counts.has(-1)) {
    throw new StorageError(`Table '${path}' needs the same number of values for each of its columns ${columns.map((c) => c.name).join(', ')}.`, { path });
  }
  return [...counts][0] ?? 0;
}

function tableType(f: H5File, path: string): H5Type & { class: 'compound' } {
  const { type, shape } = f.datasetInfo(path);
  if (type.class !== 'compound' || !shape || shape.length !== 1) {
    throw new StorageError(`'${path}' in '${f.path}' is not a table (a 1-D compound dataset).`, { file: f.path, path });
  }
  return type;
}

/**
 * Creates a table with the given columns (in this order) and initial rows.
 * @example createTable(f, '/t/overview/explorations', [{ name: 'explorations', type: fixedString(16) }], { explorations: ['parameters.x'] })
 */
export function createTable(f: H5File, path: string, columns: readonly TableColumn[], data: Columns, options: TableOptions = {}): void {
  const type = compoundType(columns.map((c) => [c.name, c.type] as const));
  const rows = rowCount(data, columns, path);
  const chunk = options.chunkRows ?? Math.max(1, Math.min(65536, Math.floor(32768 / Math.max(1, type.size))));
  f.createDataset(path, { type, shape: [rows], data: encodeColumns(data, type, rows) }, { maxshape: [null], chunks: [chunk] });
  if (options.pytables === false) return;
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    return { type: fixedString(b.length, 'utf8'), shape: [], data: b };
  };
  f.writeAttr(path, 'CLASS', str('TABLE'));
  f.writeAttr(path, 'VERSION', str('2.7'));
  if (options.title) f.writeAttr(path, 'TITLE', str(options.title));
  columns.forEach((c, i) => f.writeAttr(path, `FIELD_${i}_NAME`, str(c.name)));
  f.writeAttr(path, 'NROWS', { type: I64, shape: [], data: encodeElements([rows], I64) });
}

/** Number of rows of a table. */
export function tableRows(f: H5File, path: string): number {
  tableType(f, path);
  return f.datasetInfo(path).shape?.[0] ?? 0;
}

/** The columns of a table, in stored order. */
export function tableColumns(f: H5File, path: string): TableColumn[] {
  return tableType(f, path).members.map((m) => ({ name: m.name, type: m.type }));
}

/** Reads a table (or rows `[start, end)` of it) column by column. */
export function readTable(f: H5File, path: string, rows?: [number, number]): TableData {
  const type = tableType(f, path);
  const d = f.readDataset(path, rows);
  const nrows = d.shape?.[0] ?? 0;
  return { type, nrows, columns: decodeColumns(d.bytes, type, nrows) };
}

/**
 * One buffer that rows are encoded into before `writeRows` copies them into the table: writing
 * a million rows in blocks would otherwise leave a dead block of bytes per call, which V8 frees
 * late (issue 13). It grows to the biggest block written, up to 8 MiB (blocks of rows are a few MB).
 */
let scratch = new Uint8Array(0);

function encodeRows(data: Columns, type: H5Type & { class: 'compound' }, rows: number): Uint8Array {
  const bytes = rows * type.size;
  if (bytes > scratch.length && bytes <= 8 * 1024 * 1024) scratch = new Uint8Array(bytes);
  return encodeColumns(data, type, rows, scratch);
}

/** Overwrites rows starting at `start` (every column must be given). */
export function writeTableRows(f: H5File, path: string, start: number, data: Columns): void {
  const type = tableType(f, path);
  const rows = rowCount(data, type.members, path);
  f.writeRows(path, start, encodeRows(data, type, rows));
}

/** Appends rows and keeps PyTables' NROWS attribute in step. */
export function appendTableRows(f: H5File, path: string, data: Columns): void {
  const type = tableType(f, path);
  const rows = rowCount(data, type.members, path);
  if (rows === 0) return;
  const start = tableRows(f, path);
  f.resize(path, [start + rows]);
  f.writeRows(path, start, encodeRows(data, type, rows));
  setRowCount(f, path, start + rows);
}

/** Shrinks or grows a table to `rows` rows (new rows are zero-filled); updates NROWS. */
export function resizeTable(f: H5File, path: string, rows: number): void {
  tableType(f, path);
  f.resize(path, [rows]);
  setRowCount(f, path, rows);
}

function setRowCount(f: H5File, path: string, rows: number): void {
  if (f.hasAttr(path, 'NROWS')) f.writeAttr(path, 'NROWS', { type: I64, shape: [], data: encodeElements([rows], I64) });
}

/** Columns of a table read by {@link readTableColumns}: each decoded when asked for. */
export interface TableColumns {
  nrows: number;
  /** A fixed-length string column as text (padding removed, UTF-8), or a numeric one as text. */
  text(name: string): string[];
  /** A numeric column as JS numbers (int64 beyond 2^53 loses precision), in a typed array (no number object per cell). */
  number(name: string): Float64Array;
}

/**
 * Reads a table (or rows `[start, end)`) and decodes the columns asked for straight from its
 * bytes: no Buffer and no record per cell, which is what most of reading a 1M-run
 * `overview/runs` cost in {@link readTable}.
 * @throws StorageError for a column the table does not have.
 */
export function readTableColumns(f: H5File, path: string, rows?: [number, number], scratch?: Uint8Array): TableColumns {
  const type = tableType(f, path);
  const d = f.readDataset(path, rows, scratch);
  const nrows = d.shape?.[0] ?? 0;
  const buf = Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength);
  const member = (name: string) => {
    const m = type.members.find((x) => x.name === name);
    if (!m) throw new StorageError(`The table '${path}' has no column '${name}'; it has ${type.members.map((x) => x.name).join(', ')}.`, { file: f.path, path });
    return m;
  };
  const number = (name: string): Float64Array => numericColumn(d.bytes, type, member(name), nrows);
  const text = (name: string): string[] => {
    const m = member(name);
    if (m.type.class !== 'string' || m.type.vlen) return Array.from(number(name), String);
    const size = m.type.size;
    const padByte = m.type.pad === 'spacepad' ? 0x20 : 0;
    const zeros = padByte === 0 ? Buffer.alloc(size) : undefined;
    const out = new Array<string>(nrows);
    for (let r = 0, at = m.offset; r < nrows; r++, at += type.size) {
      let end = at + size;
      // A NUL-padded cell (pypet's 512-byte summaries hold ~20): find the first NUL natively and
      // check that only NULs follow it, instead of stepping back over the padding byte by byte.
      const nul = zeros ? buf.indexOf(0, at) : -1;
      if (nul >= at && nul < end && buf.compare(zeros!, 0, end - nul, nul, end) === 0) end = nul;
      else {
        while (end > at && buf[end - 1] === padByte) end--;
        if (padByte === 0x20) while (end > at && buf[end - 1] === 0) end--; // (as stripPadding does)
      }
      out[r] = buf.toString('utf8', at, end);
    }
    return out;
  };
  return { nrows, text, number };
}

/** A string column read back as text (fixed strings are bytes; pypet stores UTF-8 in them). */
export function textColumn(t: TableData, name: string): string[] {
  const col = t.columns[name];
  if (!col) throw new StorageError(`The table has no column '${name}'; it has ${Object.keys(t.columns).join(', ')}.`);
  return col.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** A numeric column as JS numbers (int64 values beyond 2^53 lose precision; use the raw column for those). */
export function numberColumn(t: TableData, name: string): number[] {
  const col = t.columns[name];
  if (!col) throw new StorageError(`The table has no column '${name}'; it has ${Object.keys(t.columns).join(', ')}.`);
  return col.map((v) => Number(v));
}

/**
 * One column of `rows` table rows as numbers: float64 and integer columns read straight through a
 * DataView (2M generic decodes are half of `info`'s time on a 1M-run table), others decoded
 * (int64 beyond 2^53 loses precision).
 */
export function numericColumn(bytes: Uint8Array, table: H5Type & { class: 'compound' }, member: (H5Type & { class: 'compound' })['members'][number], rows: number): Float64Array {
  const out = new Float64Array(rows);
  const t = member.type;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read =
    t.class === 'float' && t.size === 8 ? (at: number) => view.getFloat64(at, true)
    : t.class !== 'int' ? undefined
    // int64 from its two halves (a BigInt per cell was garbage); as Number(BigInt) beyond 2^53
    : t.size === 8 ? (at: number) => (t.signed ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true)) * 4294967296 + view.getUint32(at, true)
    : t.size === 4 ? (at: number) => (t.signed ? view.getInt32(at, true) : view.getUint32(at, true))
    : t.size === 1 ? (at: number) => (t.signed ? view.getInt8(at) : view.getUint8(at))
    : t.size === 2 ? (at: number) => (t.signed ? view.getInt16(at, true) : view.getUint16(at, true))
    : undefined;
  if (read === undefined) {
    const col = decodeColumns(bytes, { ...table, members: [member] }, rows)[member.name]!;
    for (let r = 0; r < rows; r++) out[r] = Number(col[r]);
    return out;
  }
  for (let r = 0; r < rows; r++) out[r] = read(r * table.size + member.offset);
  return out;
}
