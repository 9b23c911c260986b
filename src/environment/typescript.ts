/**
 * Running exploration modules written in TypeScript (`h5traj run sim.ts`) from the installed
 * package as well as from the sources. Node 20 cannot import `.ts` files, and the type stripping
 * of newer Node versions handles neither `./x.js` imports of `./x.ts` (the NodeNext convention)
 * nor enums; so the package ships the module hooks it runs its own sources with
 * (`scripts/loader/`, esbuild's transform) and registers them for a TypeScript module, in this
 * thread and in the worker threads that load the module too.
 */

/** `scripts/loader/register.mjs`, two folders up from both `src/environment` and `dist/environment`. */
export const TS_LOADER_URL = new URL('../../scripts/loader/register.mjs', import.meta.url);

/** Set by `register.mjs` once the hooks are registered in a thread. */
const REGISTERED = Symbol.for('h5traj.typescript-loader');

/** Whether the TypeScript hooks are registered in this thread. */
export function typeScriptLoaderActive(): boolean {
  return (globalThis as Record<symbol, unknown>)[REGISTERED] === true;
}

/** Whether a module path names a TypeScript file. */
export function isTypeScriptModule(file: string): boolean {
  return /\.[cm]?ts$/.test(file);
}

/** Registers the TypeScript hooks in this thread (once). */
export async function enableTypeScript(): Promise<void> {
  if (!typeScriptLoaderActive()) await import(TS_LOADER_URL.href);
}
