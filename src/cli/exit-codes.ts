/**
 * Exit codes of the CLI and the mapping from errors to them.
 */
import { H5TrajError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A wrong command line (unknown option, bad value): exit code 2. */
export class UsageError extends Error {}

/** The program was interrupted (Ctrl-C): exit code 130. */
export class InterruptedError extends Error {}

/** The scheduler could not be reached or refused a job (`h5traj submit`): exit code 1. */
export class SchedulerError extends Error {}

/** The command has already reported what is wrong (e.g. `verify`): exit 1 without another message. */
export class ReportedFailure extends Error {}

/** The exit code for an error. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof InterruptedError) return EXIT_INTERRUPTED;
  if (e instanceof H5TrajError) return EXIT_FAILURE;
  return EXIT_FAILURE;
}
