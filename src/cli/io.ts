/**
 * Terminal output for the CLI: data on stdout, everything else on stderr; a closed stdout pipe
 * (`| head`) ends the program quietly; colours only on a TTY and never with NO_COLOR.
 */
import Table from 'cli-table3';
import { jsonReplacer as valueReplacer } from '../leaves/values.js';

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

/** An aligned table (cli-table3) without borders, headers bold when colours are on. */
export function table(head: string[], rows: unknown[][]): string {
  const t = new Table({
    head: head.map((h) => bold(h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) t.push(row.map((c) => (c === null || c === undefined ? '' : String(c))));
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n');
}
