/**
 * Starting worker threads from this package's modules. From the built package a worker loads the
 * compiled `.js` module; from the TypeScript sources (tests, `npm start`), or when this thread
 * runs a TypeScript exploration module (`h5traj run sim.ts`), it registers the TypeScript loader
 * first.
 */
import { Worker } from 'node:worker_threads';
import { TS_LOADER_URL, typeScriptLoaderActive } from './typescript.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** A worker running `module` (a sibling module name without extension, e.g. `./worker`). */
export function spawnModuleWorker(module: string, workerData: unknown): Worker {
  const url = new URL(`${module}${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
  if (!FROM_SOURCE && !typeScriptLoaderActive()) return new Worker(url, { workerData });
  const bootstrap = `import(${JSON.stringify(TS_LOADER_URL.href)}).then(() => import(${JSON.stringify(url.href)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}
