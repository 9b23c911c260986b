/**
 * Writing a planned merge, in order: each other trajectory's data copied (`copy-runs.ts`) with
 * its arrays (`arrays.ts`), the grown tables (`tables.ts`), the overview's run rows, length and
 * explorations, and the merge records (`record.ts`). This module holds only the order; a crash
 * at any step is covered by the transaction around it (`index.ts`).
 */
import { joinPath, type H5File } from '../engine/h5file.js';
import { openH5Sync } from '../engine/open-file.js';
import { appendRuns, createRuns, updateRuns, writeExplorations } from '../layout/overview.js';
import { PAUSE_ENV } from './shared.js';
import { allRuns } from './side.js';
import { type Summaries, dedupeRunComments, mergeSummaries, readSummaries } from './fill.js';
import { Context } from './plan.js';
import { OtherWriter } from './copy-runs.js';
import { writeArrayCopy } from './arrays.js';
import { writeLength, writeTable } from './tables.js';
import { writeMergeRecord } from './record.js';

/** The whole write, into `dst` (a copy of the target file, or a new file in rewrite mode). */
export function applyAll(ctx: Context, dst: H5File): void {
  const { a } = ctx;
  const pause = Number(process.env[PAUSE_ENV] ?? 0) > 0;
  const filledSummaries: Summaries[] = [];
  ctx.others.forEach((o, k) => {
    const source = o.sameFile ? ctx.src : openH5Sync(o.file, 'r');
    try {
      new OtherWriter(ctx, o, source, dst, pause && k === 0).write();
      if (o.mode === 'filled') filledSummaries.push(readSummaries(source, o.name));
      for (const c of ctx.copies) if (c.from === k) writeArrayCopy(ctx, dst, source, c);
    } finally {
      if (source !== ctx.src) source.close();
    }
  });
  for (const c of ctx.copies) if (c.from === -1) writeArrayCopy(ctx, dst, ctx.src, c);
  for (const g of ctx.tables.values()) writeTable(ctx, dst, g);
  const runsPath = joinPath('/', a.name, 'overview', 'runs');
  if (ctx.replaced.has(runsPath)) createRuns(dst, a.name, allRuns(a.runs, ctx.newRuns), a.info.time);
  else appendRuns(dst, a.name, ctx.newRuns);
  if (ctx.filledRuns.length > 0) {
    updateRuns(dst, a.name, ctx.filledRuns);
    dedupeRunComments(dst, a.name);
    mergeSummaries(dst, a.name, filledSummaries);
  }
  writeLength(dst, a.name, a.runs.length + ctx.newRuns.length);
  if (ctx.explorations.length > a.explorations.length) writeExplorations(dst, a.name, ctx.explorations);
  if (ctx.options.keep_info) for (const o of ctx.others) o.record = writeMergeRecord(ctx, dst, o);
}
