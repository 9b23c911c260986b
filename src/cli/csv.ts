/**
 * CSV lines for `export --format csv` (RFC 4180: a cell is quoted when it holds a comma, a quote
 * or a line break, and a quote inside is doubled), written here rather than with csv-stringify.
 *
 * csv-stringify's sync API normalizes its options and builds a stringifier, a context object per
 * cell and several arrays per call: about 6 KB of garbage per record, a quarter of everything a
 * W1 export allocates (a fifth more scavenges, each promoting what was still held). A line here
 * allocates its cells' text and the line itself.
 */
import { numberText } from '../values/text.js';

/** A record cell's text: empty for null/undefined, true/false as words, other objects as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value); // not String(value): see numberText
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return String(value.getTime());
  return JSON.stringify(value) ?? '';
}

/** Characters that make a cell need quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, quoted when it must be. */
export function csvCell(value: unknown): string {
  const text = cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One CSV line (without the line break) of `record`'s values under `columns`, in that order.
 * @example csvLine(['a', 'b'], { a: 1, b: 'x,y' }) // '1,"x,y"'
 */
export function csvLine(columns: readonly string[], record: Readonly<Record<string, unknown>>): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : ',') + csvCell(record[columns[i]!]);
  return line;
}

/** The header line: the column names as cells. */
export function csvHeader(columns: readonly string[]): string {
  return columns.map(csvCell).join(',');
}
