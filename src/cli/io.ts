/**
 * Terminal output for the CLI: data on stdout, everything else on stderr; a closed stdout pipe
 * (`| head`) ends the program quietly; colours only on a TTY and never with NO_COLOR.
 */
import Table from 'cli-table3';

/** Thrown (and caught by the CLI) when stdout was closed by the reader. */
export class PipeClosed extends Error {}

let pipeClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') pipeClosed = true;
  else throw e;
});

/** Writes data to stdout (with a newline). Throws {@link PipeClosed} once the reader is gone. */
export function out(text: string): void {
  if (pipeClosed) throw new PipeClosed();
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a JSON value to stdout (bigint as number when safe, else as a string). */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v), 2));
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
