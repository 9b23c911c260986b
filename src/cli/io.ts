/**
 * Terminal output for the CLI: data on stdout, everything else on stderr; a closed stdout pipe
 * (`| head`) ends the program quietly; colours only on a TTY and never with NO_COLOR.
 */
import stringWidth from 'string-width';
import { numberText, jsonReplacer as valueReplacer } from '../values/text.js';

/** Thrown (and caught by the CLI) when stdout was closed by the reader. */
export class PipeClosed extends Error {}

let pipeClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') pipeClosed = true;
  else throw e;
});

/** Whether the reader of stdout has gone away (EPIPE seen). */
export function stdoutClosed(): boolean {
  return pipeClosed;
}

/** Writes data to stdout (with a newline). Throws {@link PipeClosed} once the reader is gone. */
export function out(text: string): void {
  if (pipeClosed) throw new PipeClosed();
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * JSON.stringify replacer for CLI output: bigint as a number when safe (else a string), and the
 * value model (NDArray as nested arrays, Complex as [re, im], bytes as hex, NaN/±Infinity as
 * strings) as the library renders it.
 */
export function jsonReplacer(key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return valueReplacer(key, v);
}

/** Writes a JSON value to stdout, pretty-printed (see {@link jsonReplacer}). */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, jsonReplacer, 2));
}

/** Writes a message to stderr. */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Whether to colour a stream: a TTY, and no NO_COLOR in the environment. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

/** Bold text when colours are on. */
export function bold(text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return useColor(stream) ? `\x1b[1m${text}\x1b[22m` : text;
}

/** Dimmed text (comments, hints) when colours are on. */
export function dim(text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return useColor(stream) ? `\x1b[2m${text}\x1b[22m` : text;
}

/**
 * An aligned table without borders (two spaces between columns), headers bold when colours are
 * on. Widths are display widths (string-width: wide characters count two, colour codes none).
 * Written here rather than with cli-table3, whose layout pass is quadratic in the number of rows
 * (20,000 runs took 13 s to format); this is linear.
 */
export function table(head: string[], rows: unknown[][]): string {
  return [...tableLines(head, () => rows)].join('\n');
}

/**
 * {@link table} line by line, for tables too long to hold as one text: `rows` is called twice,
 * once to measure the columns and once to write them, so the rows need not be kept.
 */
export function* tableLines(head: string[], rows: () => Iterable<unknown[]>): Generator<string> {
  const widths = head.map((h) => stringWidth(h));
  for (const row of rows()) head.forEach((_, j) => (widths[j] = Math.max(widths[j]!, stringWidth(cellText(row[j])))));
  yield* alignedLines(head, widths, rows());
}

/**
 * Table lines for columns whose widths are known before the rows are made (the header's width
 * counts too), so that the rows are made once and written as they come. The last column is
 * never padded, so its width need not be known: `get` streams values that way.
 */
export function* alignedLines(head: string[], widths: readonly number[], rows: Iterable<unknown[]>): Generator<string> {
  const w = head.map((h, j) => Math.max(stringWidth(h), widths[j] ?? 0));
  const line = (cells: string[]): string =>
    cells.map((c, j) => (j === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, w[j]! - stringWidth(c))))).join('  ').trimEnd();
  yield line(head.map((h) => bold(h)));
  for (const row of rows) yield line(head.map((_, j) => cellText(row[j])));
}

/** One cell's text: empty for null/undefined; a line break shown as \n so a row stays one line. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value); // not String(value): see numberText
  return String(value).replace(/\r?\n/g, '\\n');
}
