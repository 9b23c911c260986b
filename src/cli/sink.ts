/**
 * Line outputs for commands that stream (export, tree): stdout or a file written atomically.
 *
 * Lines are gathered as UTF-8 bytes into chunks of about 64 KiB. After each chunk the writer
 * waits until the chunk is written and gives the event loop a turn: that keeps memory flat when
 * the reader is slow, and lets an EPIPE from a reader that went away (`| head`) surface promptly
 * instead of after the whole export has been computed.
 *
 * Bytes, not a string: a chunk built as a string line by line is a rope of all its lines that
 * lives until the chunk is written. When making its lines takes long enough for V8 to scavenge
 * twice meanwhile, the rope is promoted to the old generation, where the ropes pile up until a
 * full collection (a million-run CSV export promoted ~13 MB of them; test/cli/csv.test.ts's probe,
 * with V8's smallest young generation, ~650 bytes a line). Each line here is copied into one
 * reused buffer and is garbage at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors.js';
import { removeTemp, replaceWithTemp, tempPathFor } from '../storage/atomic.js';
import { checkInterrupt, waitForInterruptInTests } from './interrupt.js';
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

/** Writes `bytes` to stdout; resolves when they are written (the buffer may be reused) or stdout is gone. */
function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    // The callback also comes, with the error, when the write fails (EPIPE; io.ts notes it).
    process.stdout.write(bytes, () => resolve());
  });
}

/**
 * Gathers lines into a byte buffer and hands it to `flush` in chunks (by size or by age).
 * `flush` may keep the bytes until its promise resolves; then the buffer is reused.
 */
class Chunker {
  private readonly bytes = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private last = performance.now();
  constructor(private readonly flush: (chunk: Uint8Array) => Promise<void>) {}

  add(line: string): Promise<void> | undefined {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; so a line that passes this test fits.
    if (3 * line.length + 1 > CHUNK - this.used) return this.addAfterFlush(line);
    this.put(line);
    if (this.used < CHUNK - 1024 && performance.now() - this.last < MAX_DELAY_MS) return undefined;
    return this.take();
  }

  /** Hands what is gathered to `flush` (nothing but a turn of the event loop when empty). */
  take(): Promise<void> {
    const chunk = this.bytes.subarray(0, this.used);
    this.last = performance.now();
    return this.flush(chunk).then(() => {
      this.used = 0;
    });
  }

  /** Drops what is gathered. */
  clear(): void {
    this.used = 0;
  }

  private put(line: string): void {
    this.used += this.bytes.write(line, this.used, 'utf8');
    this.bytes[this.used++] = 0x0a;
  }

  /** A line that does not fit: the chunk so far, then the line (on its own if it is longer than a chunk). */
  private async addAfterFlush(line: string): Promise<void> {
    await this.take();
    if (3 * line.length + 1 <= CHUNK) this.put(line);
    else await this.flush(Buffer.from(`${line}\n`, 'utf8'));
  }
}

/** Lines to stdout. Throws {@link PipeClosed} once the reader has gone away. */
export function stdoutSink(): LineSink {
  const chunker = new Chunker(async (chunk) => {
    if (stdoutClosed()) throw new PipeClosed();
    if (chunk.length > 0) await writeStdout(chunk);
    await nextTurn();
    checkInterrupt();
    if (stdoutClosed()) throw new PipeClosed();
  });
  return {
    write: (line) => chunker.add(line),
    end: () => chunker.take(),
    abort: () => chunker.clear(),
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
    // write(2) may write less than asked (a nearly full disk); the rest is written, or its error thrown.
    for (let done = 0; fd !== undefined && done < chunk.length; ) done += fs.writeSync(fd, chunk, done, chunk.length - done);
    await nextTurn();
    await waitForInterruptInTests();
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
      chunker.clear();
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
