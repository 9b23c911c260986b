/**
 * Line outputs for commands that stream (export, tree): stdout or a file written atomically.
 *
 * Lines are gathered into chunks of about 64 KiB. After each chunk the writer waits for the
 * stream to drain and gives the event loop a turn: that keeps memory flat when the reader is
 * slow, and lets an EPIPE from a reader that went away (`| head`) surface promptly instead of
 * after the whole export has been computed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors.js';
import { removeTemp, replaceWithTemp, tempPathFor } from '../storage/atomic.js';
import { checkInterrupt } from './interrupt.js';
import { PipeClosed, stdoutClosed } from './io.js';

const CHUNK = 64 * 1024;
/** Also flush at least this often (ms), so slow records still show up and Ctrl-C is noticed. */
const MAX_DELAY_MS = 200;

/** Where streamed lines go. Await every `write`: it may pause for backpressure. */
export interface LineSink {
  /** Adds one line (a newline is appended). */
  write(line: string): Promise<void> | undefined;
  /** Writes what is buffered; for a file, moves it into place. */
  end(): Promise<void>;
  /** Drops the output (a file's temporary copy is removed); safe to call after `end`. */
  abort(): void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves when stdout can take more data (or is gone). */
function drained(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      process.stdout.off('error', done);
      process.stdout.off('close', done);
      resolve();
    };
    process.stdout.on('drain', done);
    process.stdout.on('error', done);
    process.stdout.on('close', done);
  });
}

/** Gathers lines and hands them to `flush` in chunks (by size or by age). */
class Chunker {
  buffer = '';
  private last = performance.now();
  constructor(private readonly flush: (chunk: string) => Promise<void>) {}

  add(line: string): Promise<void> | undefined {
    this.buffer += `${line}\n`;
    if (this.buffer.length < CHUNK && performance.now() - this.last < MAX_DELAY_MS) return undefined;
    return this.take();
  }

  take(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    this.last = performance.now();
    return this.flush(chunk);
  }
}

/** Lines to stdout. Throws {@link PipeClosed} once the reader has gone away. */
export function stdoutSink(): LineSink {
  const chunker = new Chunker(async (chunk) => {
    if (stdoutClosed()) throw new PipeClosed();
    if (chunk && !process.stdout.write(chunk)) await drained();
    else await nextTurn();
    checkInterrupt();
    if (stdoutClosed()) throw new PipeClosed();
  });
  return {
    write: (line) => chunker.add(line),
    end: () => chunker.take(),
    abort() {
      chunker.buffer = '';
    },
  };
}

/**
 * Lines to a file, atomically: they go to a temporary file beside the target, which replaces the
 * target only when {@link LineSink.end} is reached. An aborted or interrupted export leaves an
 * existing file untouched and no temporary file behind.
 */
export function fileSink(target: string): LineSink {
  const dir = path.dirname(path.resolve(target));
  if (!fs.existsSync(dir)) throw new StorageError(`Cannot write '${target}': the folder '${dir}' does not exist.`, { file: target });
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new StorageError(`Cannot write '${target}': it is a directory.`, { file: target });
  }
  const temp = tempPathFor(path.resolve(target));
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'w');
  } catch (e) {
    throw new StorageError(`Cannot write into the folder '${dir}': ${(e as Error).message}.`, { file: target, cause: e });
  }
  const close = () => {
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
  };
  const chunker = new Chunker(async (chunk) => {
    if (fd !== undefined && chunk) fs.writeSync(fd, chunk);
    await nextTurn();
    checkInterrupt();
  });
  return {
    write: (line) => chunker.add(line),
    async end() {
      await chunker.take();
      if (fd === undefined) return;
      close();
      replaceWithTemp(temp, path.resolve(target), { hdf5: false });
    },
    abort() {
      chunker.buffer = '';
      close();
      removeTemp(temp);
    },
  };
}

/** Writes a whole text through a sink line by line (long JSON or tables, pipe-aware). */
export async function writeText(sink: LineSink, text: string): Promise<void> {
  for (const line of text.split('\n')) await sink.write(line);
  await sink.end();
}

/**
 * Writes a long text to stdout and returns once it is written; throws {@link PipeClosed} when
 * the reader went away meanwhile, so a summary on stderr does not follow a closed pipe.
 */
export function outLong(text: string): Promise<void> {
  return writeText(stdoutSink(), text);
}

/**
 * Writes `JSON.stringify([...items], replacer, 2)` to stdout one element at a time, so that a
 * million records never make one string (the text is the same).
 */
export async function outJsonArray(items: Iterable<unknown>, replacer: (key: string, v: unknown) => unknown): Promise<void> {
  const sink = stdoutSink();
  // Each element is held until the next one shows whether it needs a comma.
  let held: string | undefined;
  for (const item of items) {
    await sink.write(held === undefined ? '[' : `${held},`);
    held = `  ${JSON.stringify(item, replacer, 2).replace(/\n/g, '\n  ')}`;
  }
  await sink.write(held === undefined ? '[]' : `${held}\n]`);
  await sink.end();
}
