/**
 * Starting worker threads from this package's modules. From the built package a worker loads the
 * compiled `.js` module; from the TypeScript sources (tests, `npm start`) it registers the
 * TypeScript loader first.
 */
import { Worker } from 'node:worker_threads';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const TS_LOADER_URL = new URL('../../scripts/loader/register.mjs', import.meta.url);

/** A worker running `module` (a sibling module name without extension, e.g. `./worker`). */
export function spawnModuleWorker(module: string, workerData: unknown): Worker {
  const url = new URL(`${module}${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
  if (!FROM_SOURCE) return new Worker(url, { workerData });
  const bootstrap = `import(${JSON.stringify(TS_LOADER_URL.href)}).then(() => import(${JSON.stringify(url.href)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}
