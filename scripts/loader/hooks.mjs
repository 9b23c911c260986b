/**
 * Node module hooks that run the TypeScript sources directly (tests, `npm start`, benchmarks):
 * `.ts` files are transformed by esbuild, and `./x.js` imports from a `.ts` file resolve to
 * `./x.ts` when that exists (the NodeNext convention). Everything else — notably h5wasm's 4 MB
 * module with the embedded wasm — is loaded by Node untouched. (tsx pushed that module through
 * its transform too, which made every start take 3 s longer.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const isTs = (url) => url.endsWith('.ts') || url.endsWith('.mts');

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent && isTs(parent) && /^(\.|\/|file:)/.test(specifier) && specifier.endsWith('.js')) {
    const tsUrl = new URL(specifier.replace(/\.js$/, '.ts'), parent);
    if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && isTs(url)) {
    const file = fileURLToPath(url);
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: file,
    });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return nextLoad(url, context);
}
