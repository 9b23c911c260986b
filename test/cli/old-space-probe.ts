/**
 * Run as a child process by csv.test.ts (`node --import <loader> old-space-probe.ts FILE N csv|table`):
 * streams N lines of an export's CSV or of `get`'s table (a run name, an index, fresh
 * floating-point numbers, a word) through the file sink into FILE, with short-lived garbage per line as reading a run makes, and prints as JSON how many bytes V8's scavenges promoted to the old generation
 * per line (measured with v8.GCProfiler, so full collections meanwhile do not hide them).
 *
 * Garbage that dies young costs a scavenge; garbage that outlives two scavenges is promoted to
 * the old generation and stays until a full collection, which V8 starts late in a big heap: at a
 * million runs that made `export --format csv` peak at 600 MB while 96 MB were live.
 */
import v8 from 'node:v8';
import { csvHeader, csvLine } from '../../src/cli/csv.js';
import { alignedLines } from '../../src/cli/io.js';
import { fileSink } from '../../src/cli/sink.js';
import { runName } from '../../src/tree/names.js';

const [file, count, format] = [process.argv[2]!, Number(process.argv[3] ?? 200_000), process.argv[4] ?? 'csv'];

/** Bytes that scavenges moved into the old generation while `profiler` ran. */
function promoted(stats: v8.GCProfilerResult['statistics']): number {
  const oldUsed = (spaces: { spaceName: string; spaceUsedSize: number }[]) => spaces.find((s) => s.spaceName === 'old_space')!.spaceUsedSize;
  let bytes = 0;
  for (const gc of stats) if (gc.gcType === 'Scavenge') bytes += oldUsed(gc.afterGC.heapSpaceStatistics) - oldUsed(gc.beforeGC.heapSpaceStatistics);
  return bytes;
}

const columns = ['run', 'idx', 'completed', 'mode', 'x', 'y', 'out.a', 'out.b', 'out.c'];
type Row = Record<string, unknown>;
function* records(n: number, garbage: boolean): Generator<Row> {
  let ballast: number[] = [];
  for (let i = 0; i < n; i++) {
    if (garbage) for (let k = 0; k < 300; k++) ballast = [k, i, k + i]; // what reading a run leaves behind
    const x = Math.random() + ballast.length;
    yield { run: runName(i), idx: i, completed: true, mode: 'alpha', x, y: i % 10, 'out.a': x * 3, 'out.b': x + 0.25, 'out.c': i / 7 };
  }
}
/** The lines of `rows` as the command writes them. */
const lines = (rows: Iterable<Row>): Iterable<string> =>
  format === 'table'
    ? alignedLines(columns, [12, 6], (function* () { for (const r of rows) yield columns.map((c) => r[c]); })())
    : (function* () { yield csvHeader(columns); for (const r of rows) yield csvLine(columns, r); })();

const sink = fileSink(file);
for (const line of lines(records(1000, false))) await sink.write(line); // warm up (code, caches)
const profiler = new v8.GCProfiler();
profiler.start();
for (const line of lines(records(count, true))) await sink.write(line);
const stats = profiler.stop().statistics;
await sink.end();
const scavenges = stats.filter((gc) => gc.gcType === 'Scavenge').length;
process.stdout.write(`${JSON.stringify({ promoted_per_line: promoted(stats) / count, scavenges })}\n`);
