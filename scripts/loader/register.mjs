/** `node --import ./scripts/loader/register.mjs file.ts`: runs TypeScript sources (see hooks.mjs). */
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
