/**
 * A run function given as a module (`{ module, export }`), loaded the same way in this thread
 * (a serial run) and in worker threads, so a bad module is the same error in both.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '../errors.js';
import type { RunFunction } from './run-executor.js';

/** A run function that worker threads can load: a module path (or file URL) and an export name. */
export interface RunModule {
  module: string;
  export?: string;
}

/**
 * The module's file URL, resolved against this process's working directory (done in the main
 * thread, before the workers start).
 */
export function runModuleUrl(ref: RunModule): string {
  return ref.module.startsWith('file:') ? ref.module : pathToFileURL(path.resolve(ref.module)).href;
}

/**
 * Imports the run function of `ref` from `url` (default: {@link runModuleUrl}). Messages name the
 * module as the caller gave it.
 * @throws InvalidArgumentError when the module cannot be imported (the import's error is the
 *   `cause`) or has no exported function of that name.
 * @example const run = await loadRunFunction({ module: './sim.js', export: 'simulate' });
 */
export async function loadRunFunction(ref: RunModule, url = runModuleUrl(ref)): Promise<RunFunction> {
  const name = ref.export ?? 'run';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidArgumentError(`The run module '${ref.module}' cannot be loaded: ${(e as Error).message}`, { cause: e });
  }
  const fn = mod[name];
  if (typeof fn !== 'function') throw new InvalidArgumentError(`The module '${ref.module}' has no exported function '${name}'.`);
  return fn as RunFunction;
}
