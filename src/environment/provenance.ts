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
import { typed } from '../values/markers.js';
import { formatTime } from '../trajectory/runs.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { ShardRecord } from './shard.js';

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

/**
 * Adds the provenance to the trajectory as config leaves of a group named after the environment
 * (`config.environment.environment_<hexsha>_<time>`, as pypet names it), with the worker threads
 * and the shard the exploration runs; returns the group's full name.
 */
export function addProvenance(traj: Trajectory, p: Provenance, ncores: number, shard: ShardRecord | undefined): string {
  const group = `config.environment.environment_${p.hexsha.slice(0, 7)}_${formatTime(p.start_timestamp)}`;
  const add = (name: string, value: unknown, comment: string): void => {
    traj.f_add_config(`${group}.${name}`, value, { comment });
  };
  add('h5traj_version', p.h5traj_version, 'h5traj version');
  add('node_version', p.node_version, 'Node.js version');
  add('h5wasm_version', p.h5wasm_version, 'h5wasm version');
  add('git_commit', p.git_commit, 'git commit of the working directory');
  add('git_dirty', p.git_dirty, 'whether the git work tree had uncommitted changes');
  add('host', p.host, 'host name');
  add('command_line', p.command_line, 'command line of the process');
  add('working_directory', p.working_directory, 'working directory');
  add('hexsha', p.hexsha, 'SHA-1 identifying this environment');
  add('timestamp', p.start_timestamp, 'start of the exploration (POSIX seconds)');
  add('ncores', typed(ncores, 'int'), 'worker threads');
  if (shard) {
    add('shard', typed([...shard.shard], 'int'), 'shard i of n of the exploration (the runs this environment ran)');
    add('shard_length', typed(shard.length, 'int'), 'number of runs the shards were cut from');
  }
  return group;
}
