/**
 * `node --import ./scripts/loader/register.mjs file.ts`: runs TypeScript sources (see hooks.mjs).
 * Also what `h5traj run sim.ts` registers (src/environment/typescript.ts), so it is shipped in the
 * package; the flag keeps a thread from registering the hooks twice.
 */
import { register } from 'node:module';

const REGISTERED = Symbol.for('h5traj.typescript-loader');
if (!globalThis[REGISTERED]) {
  register(new URL('./hooks.mjs', import.meta.url));
  globalThis[REGISTERED] = true;
}
