/**
 * Where and how an exploration ran, stored under `config.environment` as pypet does: versions,
 * the user's git commit and whether the work tree was dirty, host, command line and times.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { h5trajVersion } from '../version.js';

export interface Provenance {
  h5traj_version: string;
  node_version: string;
  h5wasm_version: string;
  git_commit: string;
  git_dirty: boolean;
  host: string;
  command_line: string;
  working_directory: string;
  start_timestamp: number;
  /** sha1 identifying this environment (pypet's environment hexsha). */
  hexsha: string;
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(fs.readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function git(args: string[], cwd: string): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Collects the provenance of a run started now, in `cwd`. */
export function collectProvenance(trajName: string, cwd = process.cwd()): Provenance {
  const commit = git(['rev-parse', 'HEAD'], cwd);
  const start = Date.now() / 1000;
  const host = os.hostname();
  return {
    h5traj_version: h5trajVersion(),
    node_version: process.version,
    h5wasm_version: packageVersion('h5wasm'),
    git_commit: commit ?? 'not a git repository',
    git_dirty: commit !== undefined && (git(['status', '--porcelain'], cwd) ?? '') !== '',
    host,
    command_line: process.argv.join(' '),
    working_directory: cwd,
    start_timestamp: start,
    hexsha: createHash('sha1').update(`${trajName}|${start}|${host}|${process.pid}|${commit ?? ''}`).digest('hex'),
  };
}
