/**
 * h5traj's own version, read once from package.json (one folder above both `src/` and `dist/`),
 * for what records which h5traj wrote a file or ran an exploration.
 */
import fs from 'node:fs';

let cached: string | undefined;

/** h5traj's version (`0.1.0`), or `unknown` when package.json cannot be read (a bundled copy). */
export function h5trajVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
      cached = pkg.name === 'h5traj' && pkg.version ? pkg.version : 'unknown';
    } catch {
      cached = 'unknown'; // a bundler moved this module away from package.json
    }
  }
  return cached;
}
