/**
 * `h5traj submit MODULE --file OUT --shards N`: runs an exploration on a SLURM cluster as an
 * array job (one task per shard, the shard index from `SLURM_ARRAY_TASK_ID`, each writing
 * `OUT.parts/shard-K-of-N.hdf5`) and a merge job that starts once every task succeeded
 * (`--dependency=afterok`) and writes OUT. `--dry-run` prints both scripts; `--resume` submits
 * again only the shards whose part files are missing or incomplete (then the merge).
 *
 * The scripts call this very installation by absolute path (node and `dist/cli/main.js`), so the
 * jobs need no PATH set up on the compute nodes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRuns, fileShard, shardBlock } from '../../environment/shard.js';
import type { CliCommand } from '../command.js';
import { SchedulerError, UsageError } from '../exit-codes.js';
import { note, out, outJson } from '../io.js';
import { openTrajectory, PARAMETERS_ONLY, trajectoryNames } from '../open.js';

interface SubmitArgs {
  module: string;
  file: string;
  shards: number;
  ncores: number;
  partition?: string;
  sbatch?: string[];
  dryRun?: boolean;
  resume?: boolean;
  json?: boolean;
}

/** This installation's CLI entry point (`dist/cli/main.js` beside this command's folder). */
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** A word for bash: single-quoted unless it is plainly safe. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where the parts, scripts and logs of OUT live. */
export function partsDir(file: string): string {
  return `${path.resolve(file)}.parts`;
}

export function partFile(file: string, k: number, n: number): string {
  return path.join(partsDir(file), `shard-${k}-of-${n}.hdf5`);
}

interface Plan {
  module: string;
  file: string;
  n: number;
  ncores: number;
  /** The shards the array job runs. */
  shards: number[];
  /** `#SBATCH` lines for both jobs (partition, user options). */
  sbatch: string[];
  name: string;
}

/** The array job: task K runs shard K of N into its part file (resuming a part that exists). */
export function arrayScript(p: Plan): string {
  const dir = partsDir(p.file);
  const run = [sh(process.execPath), sh(MAIN), 'run', sh(p.module), '--file', '"$PART"', '--ncores', String(p.ncores), '--quiet'].join(' ');
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${sh(`${p.name}-shards`)}`,
    `#SBATCH --array=${arraySpec(p.shards)}`,
    `#SBATCH --cpus-per-task=${p.ncores}`,
    `#SBATCH --chdir=${sh(process.cwd())}`,
    `#SBATCH --output=${sh(path.join(dir, 'logs', `shard-%a-of-${p.n}.out`))}`,
    ...p.sbatch.map((o) => `#SBATCH ${o}`),
    `# h5traj: shard K of ${p.n} of ${p.module}, K = SLURM_ARRAY_TASK_ID; written by h5traj submit`,
    'set -euo pipefail',
    'K="${SLURM_ARRAY_TASK_ID:?this script runs as a task of a SLURM array job}"',
    `PART=${sh(dir)}/shard-"$K"-of-${p.n}.hdf5`,
    '# A part that exists was started before: finish its block (runs it completed are kept).',
    'if [ -e "$PART" ]; then',
    `  exec ${run} --resume`,
    'else',
    `  exec ${run} --shard "$K/${p.n}"`,
    'fi',
    '',
  ].join('\n');
}

/** The merge job: every part into a new file beside them, then renamed over OUT. */
export function mergeScript(p: Plan): string {
  const dir = partsDir(p.file);
  const merged = path.join(dir, 'merged.hdf5');
  const parts = Array.from({ length: p.n }, (_, k) => sh(partFile(p.file, k, p.n)));
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${sh(`${p.name}-merge`)}`,
    `#SBATCH --chdir=${sh(process.cwd())}`,
    `#SBATCH --output=${sh(path.join(dir, 'logs', 'merge.out'))}`,
    ...p.sbatch.map((o) => `#SBATCH ${o}`),
    `# h5traj: merge the ${p.n} shards into ${p.file}; written by h5traj submit`,
    'set -euo pipefail',
    `rm -f ${sh(merged)}`,
    `${sh(process.execPath)} ${sh(MAIN)} merge ${sh(merged)} \\\n  ${parts.join(' \\\n  ')}`,
    `mv -f ${sh(merged)} ${sh(path.resolve(p.file))}`,
    `echo merged into ${sh(path.resolve(p.file))}`,
    '',
  ].join('\n');
}

/** `0-3`, or `1,3` for some shards. */
function arraySpec(shards: readonly number[]): string {
  const contiguous = shards.every((k, i) => i === 0 || k === shards[i - 1]! + 1);
  return contiguous && shards.length > 1 ? `${shards[0]}-${shards.at(-1)}` : shards.join(',');
}

/** Whether a part file has completed its whole block (and is the shard its name says). */
export function partState(file: string, k: number, n: number): 'missing' | 'incomplete' | 'complete' {
  if (!fs.existsSync(file)) return 'missing';
  let traj;
  try {
    traj = openTrajectory(file, { trajectory: trajectoryNames(file).at(-1) }, PARAMETERS_ONLY);
  } catch (e) {
    throw new UsageError(`The part '${file}' cannot be read (${(e as Error).message}); remove it and submit again with --resume.`);
  }
  const shard = fileShard(traj);
  if (!shard || shard.shard[0] !== k || shard.shard[1] !== n) {
    throw new UsageError(`The part '${file}' is not shard ${k} of ${n} (it records ${shard ? `shard ${shard.shard.join('/')}` : 'no shard'}); remove it or submit to another --file.`);
  }
  const { start, end } = shardBlock(shard.length, shard.shard);
  for (let i = start; i < end; i++) if (!traj.f_is_completed(i)) return 'incomplete';
  return 'complete';
}

/** `sbatch --parsable …`: the job id. */
function sbatch(args: string[]): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' });
  if (r.error) {
    throw new SchedulerError(`Could not run sbatch (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); submit from a SLURM login node, or see the scripts with --dry-run.`);
  }
  const id = r.stdout.trim().split(';')[0] ?? '';
  if (r.status !== 0 || !/^\d+$/.test(id)) {
    throw new SchedulerError(`sbatch ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim() || `exit code ${r.status}`}`);
  }
  return id;
}

export const submit: CliCommand<SubmitArgs> = {
  command: 'submit <module>',
  describe: 'run an exploration module on SLURM: an array job of N shards, then a merge job into --file',
  examples: [
    ['h5traj submit sim.js --file data/sim.hdf5 --shards 8 --dry-run', 'print the two sbatch scripts'],
    ['h5traj submit sim.js --file data/sim.hdf5 --shards 8 --ncores 4 --partition short', 'submit 8 tasks of 4 cores, then the merge'],
    ['h5traj submit sim.js --file data/sim.hdf5 --shards 8 --sbatch=--time=01:00:00', 'pass any option to sbatch (repeatable)'],
    ['h5traj submit sim.js --file data/sim.hdf5 --shards 8 --resume', 'submit again only the shards that are missing or incomplete'],
  ],
  builder: (y) =>
    y
      .positional('module', { type: 'string', demandOption: true, describe: 'ESM module exporting setup(traj) and run(traj) (see h5traj run)' })
      .option('file', { alias: 'f', type: 'string', demandOption: true, describe: 'the merged HDF5 file; parts go to FILE.parts/' })
      .option('shards', { type: 'number', demandOption: true, describe: 'number of shards (array tasks)' })
      .option('ncores', { type: 'number', default: 1, describe: 'worker threads per shard (and --cpus-per-task)' })
      .option('partition', { alias: 'p', type: 'string', describe: 'SLURM partition of both jobs' })
      .option('sbatch', { type: 'string', array: true, describe: 'an sbatch option for both jobs, e.g. --sbatch=--time=10:00 (repeatable)' })
      .option('dry-run', { type: 'boolean', describe: 'print the scripts instead of submitting them' })
      .option('resume', { type: 'boolean', describe: 'submit only the shards whose parts are missing or incomplete, then the merge' })
      .option('json', { type: 'boolean', describe: 'print the job ids (or the scripts) as JSON' }),
  handler: async (args) => {
    const module = path.resolve(args.module);
    if (!fs.existsSync(module)) throw new UsageError(`The module '${args.module}' does not exist.`);
    const n = args.shards;
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--shards must be a positive integer, not ${n}.`);
    if (!Number.isInteger(args.ncores) || args.ncores < 1) throw new UsageError(`--ncores must be a positive integer, not ${args.ncores}.`);
    if (fs.existsSync(args.file) && !args.resume) {
      throw new UsageError(`'${args.file}' exists; remove it, choose another --file, or pass --resume to finish its shards and merge again.`);
    }
    const states = Array.from({ length: n }, (_, k) => (args.resume ? partState(partFile(args.file, k, n), k, n) : 'missing'));
    const shards = states.flatMap((s, k) => (s === 'complete' ? [] : [k]));
    if (!args.resume && fs.existsSync(partsDir(args.file)) && fs.readdirSync(partsDir(args.file)).some((f) => f.endsWith('.hdf5'))) {
      throw new UsageError(`'${partsDir(args.file)}' holds parts of an earlier submission; pass --resume to finish them, or remove the folder.`);
    }
    const plan: Plan = {
      module, file: args.file, n, ncores: args.ncores, shards,
      sbatch: [...(args.partition ? [`--partition=${args.partition}`] : []), ...(args.sbatch ?? [])],
      name: `h5traj-${path.basename(args.file).replace(/\.[^.]*$/, '')}`,
    };
    const scripts = { shards: shards.length > 0 ? arrayScript(plan) : undefined, merge: mergeScript(plan) };
    if (args.dryRun) {
      if (args.json) outJson({ parts: partsDir(args.file), shards, scripts });
      else {
        if (scripts.shards) out(`# ---- ${path.join(partsDir(args.file), 'shards.sbatch')} (sbatch --parsable)\n${scripts.shards}`);
        out(`# ---- ${path.join(partsDir(args.file), 'merge.sbatch')} (sbatch --parsable${scripts.shards ? ' --dependency=afterok:<array job id>' : ''})\n${scripts.merge}`);
      }
      return;
    }
    const dir = partsDir(args.file);
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const shardsPath = path.join(dir, 'shards.sbatch');
    const mergePath = path.join(dir, 'merge.sbatch');
    let arrayJob: string | undefined;
    if (scripts.shards) {
      fs.writeFileSync(shardsPath, scripts.shards, { mode: 0o755 });
      arrayJob = sbatch([shardsPath]);
    }
    fs.writeFileSync(mergePath, scripts.merge, { mode: 0o755 });
    const mergeJob = sbatch([...(arrayJob ? [`--dependency=afterok:${arrayJob}`] : []), mergePath]);
    if (args.json) {
      outJson({ array_job: arrayJob ?? null, merge_job: mergeJob, shards, parts: dir, file: path.resolve(args.file), scripts: { shards: scripts.shards ? shardsPath : null, merge: mergePath } });
      return;
    }
    if (args.resume) {
      const done = n - shards.length;
      note(`${done} of ${n} shard(s) complete${shards.length > 0 ? `; submitting shard(s) ${describeRuns(shards)} again` : ''}`);
    }
    if (arrayJob) out(`submitted array job ${arrayJob}: shard(s) ${describeRuns(shards)} of ${n} → ${path.join(dir, `shard-K-of-${n}.hdf5`)}`);
    out(`submitted merge job ${mergeJob}${arrayJob ? ` (starts when every task of job ${arrayJob} succeeded)` : ''} → ${path.resolve(args.file)}`);
    out(`follow with: squeue -j ${[arrayJob, mergeJob].filter(Boolean).join(',')}   logs: ${path.join(dir, 'logs')}/`);
  },
};
