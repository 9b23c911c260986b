/**
 * pypet's `env.pipeline(fn)`: `fn(traj)` sets the trajectory up and returns what to run —
 * `[[runfunc, args, kwargs], [postproc, args, kwargs]]`, or only `[runfunc, args, kwargs]`, or
 * only `runfunc` (trailing entries may be left out). This module reads that answer.
 */
import { InvalidArgumentError } from '../errors.js';
import type { RunFunction } from './run-executor.js';
import type { RunModule } from './run-module.js';

/** A run function: a closure, or a module worker threads can load. */
export type PipelineRun = RunFunction | RunModule;

/** What the environment runs: the run function and the postprocessing, each with its arguments. */
export interface PipelinePlan {
  run: PipelineRun;
  args: unknown[];
  postproc?: { fn: (...args: any[]) => unknown; args: unknown[] };
}

const isRun = (v: unknown): v is PipelineRun =>
  typeof v === 'function' || (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { module?: unknown }).module === 'string');

/** The arguments of one `[fn, args, kwargs]` entry; kwargs must be empty (JavaScript has none). */
function entryArgs(entry: unknown[], what: string): unknown[] {
  if (entry.length > 3) throw new InvalidArgumentError(`The pipeline's ${what} entry has ${entry.length} items; it takes at most three: [function, args, kwargs].`);
  const args = entry[1] ?? [];
  if (!Array.isArray(args)) throw new InvalidArgumentError(`The pipeline's ${what} arguments must be an array, not ${typeof args}.`);
  const kwargs = entry[2];
  if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object' || Object.keys(kwargs).length > 0)) {
    throw new InvalidArgumentError(
      `The pipeline's ${what} keyword arguments must be empty ({}): JavaScript functions take no keyword arguments; pass an options object among the arguments instead.`,
    );
  }
  return args;
}

/** Reads a pipeline function's answer. @throws InvalidArgumentError when it is not one of pypet's forms. */
export function readPipeline(answer: unknown): PipelinePlan {
  if (isRun(answer)) return { run: answer, args: [] };
  if (!Array.isArray(answer) || answer.length === 0) {
    throw new InvalidArgumentError(
      `The pipeline function must return the run function, [runfunc, args, kwargs] or [[runfunc, args, kwargs], [postproc, args, kwargs]], not ${answer === undefined ? 'nothing' : typeof answer}.`,
    );
  }
  if (answer.length === 2 && Array.isArray(answer[0]) && Array.isArray(answer[1])) {
    const [runEntry, postEntry] = answer as [unknown[], unknown[]];
    if (!isRun(runEntry[0])) throw new InvalidArgumentError('The first entry of the pipeline\'s run tuple must be the run function.');
    const plan: PipelinePlan = { run: runEntry[0], args: entryArgs(runEntry, 'run') };
    if (postEntry.length > 0) {
      if (typeof postEntry[0] !== 'function') throw new InvalidArgumentError('The first entry of the pipeline\'s postprocessing tuple must be a function.');
      plan.postproc = { fn: postEntry[0] as (...args: any[]) => unknown, args: entryArgs(postEntry, 'postprocessing') };
    }
    return plan;
  }
  if (!isRun(answer[0])) throw new InvalidArgumentError('The first entry of the pipeline\'s answer must be the run function.');
  return { run: answer[0], args: entryArgs(answer, 'run') };
}
