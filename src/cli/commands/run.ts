/**
 * `h5traj run MODULE --file OUT.hdf5`: runs an exploration module with the Environment.
 *
 * The module (ESM JavaScript or TypeScript) exports:
 * - `setup(traj)`: adds parameters and explores them (not called with --resume);
 * - `run(traj, ...args)`: the run function (loaded by worker threads too, with --ncores > 1);
 * - optionally `postprocess(traj, results)` (pypet's add_postprocessing), `name` (the trajectory
 *   name, default: the module's file name), `comment`, and `summary` (result names such as
 *   `['out.a']` printed per run at the end).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, RunError } from '../../errors.js';
import { Environment, type EnvironmentOptions, type PostProcessing } from '../../environment/environment.js';
import { describeShard, fileShard, shardBlock } from '../../environment/shard.js';
import type { ProgressMode } from '../../environment/progress.js';
import { enableTypeScript, isTypeScriptModule } from '../../environment/typescript.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { wholeNumber, type CliCommand } from '../command.js';
import { diskFullError } from '../disk-full.js';
import { InterruptedError, UsageError } from '../exit-codes.js';
import { note, out, outJson, table } from '../io.js';

interface RunArgs {
  module: string;
  file: string;
  name?: string;
  ncores: number;
  shard?: string;
  resume?: boolean;
  overwrite?: boolean;
  json?: boolean;
  quiet?: boolean;
}

interface ExplorationModule {
  setup?: (traj: Trajectory) => unknown;
  run?: (traj: Trajectory) => unknown;
  postprocess?: PostProcessing;
  name?: string;
  comment?: string;
  summary?: string[];
}

function parseShard(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard takes i/n with 0 <= i < n (e.g. 0/4), not '${text}'.`);
  return [Number(m[1]), Number(m[2])];
}

/** The Environment; a --shard that disagrees with the file being resumed is a usage error. */
function newEnvironment(options: EnvironmentOptions): Environment {
  try {
    return new Environment(options);
  } catch (e) {
    if (e instanceof InvalidArgumentError && options.shard) throw new UsageError(e.message);
    throw e;
  }
}

export const run: CliCommand<RunArgs> = {
  command: 'run <module>',
  describe: 'run an exploration module (exports setup(traj) and run(traj)) and store every run in --file',
  examples: [
    ['h5traj run sim.js --file data/sim.hdf5', 'run all runs on one core'],
    ['h5traj run sim.js --file data/sim.hdf5 --ncores 2', 'run on two worker threads'],
    ['h5traj run sim.js --file part3.hdf5 --shard 3/8', 'run shard 3 of 8 (e.g. as SLURM array task 3), then h5traj merge'],
    ['h5traj run sim.js --file data/sim.hdf5 --resume', 'finish what a crash or failures left undone (a shard file: only its block)'],
  ],
  builder: (y) =>
    y
      .positional('module', { type: 'string', describe: 'ESM module exporting setup(traj) and run(traj)', demandOption: true })
      .option('file', { alias: 'f', type: 'string', demandOption: true, describe: 'HDF5 file to write' })
      .option('name', { type: 'string', describe: 'trajectory name (default: the module\'s `name` export or file name)' })
      .option('ncores', { type: 'string', default: '1', coerce: wholeNumber('--ncores', 'of worker threads', 1), describe: 'worker threads' })
      .option('shard', { type: 'string', describe: 'run only shard i/n (a contiguous block of runs, with their global run indices and names)' })
      .option('resume', { type: 'boolean', describe: 'continue the trajectory in --file: run what is not completed (starts it if --file was never written)' })
      .option('overwrite', { type: 'boolean', describe: 'replace --file if it exists' })
      .option('json', { type: 'boolean', describe: 'print the summary as JSON' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'no progress on stderr' })
      .conflicts('resume', 'overwrite'),
  handler: async (args) => {
    const modulePath = path.resolve(args.module);
    if (!fs.existsSync(modulePath)) throw new UsageError(`The module '${args.module}' does not exist.`);
    if (isTypeScriptModule(modulePath)) await enableTypeScript();
    const mod = (await import(pathToFileURL(modulePath).href)) as ExplorationModule;
    if (typeof mod.run !== 'function') throw new UsageError(`The module '${args.module}' must export a function run(traj).`);
    // A process killed before it stored anything leaves no file: resuming it is starting it.
    const resume = (args.resume ?? false) && fs.existsSync(args.file);
    if (args.resume && !resume) note(`'${args.file}' does not exist yet (the exploration stopped before storing anything); starting it.`);
    if (!resume && typeof mod.setup !== 'function') throw new UsageError(`The module '${args.module}' must export setup(traj), which adds and explores the parameters.`);
    const name = args.name ?? mod.name ?? path.basename(modulePath).replace(/\.[cm]?[jt]s$/, '');
    if (!resume && fs.existsSync(args.file) && !args.overwrite) {
      throw new UsageError(`'${args.file}' exists; pass --overwrite to replace it or --resume to continue it.`);
    }
    fs.mkdirSync(path.dirname(path.resolve(args.file)), { recursive: true });
    const progress: ProgressMode = args.quiet || args.json ? 'quiet' : 'auto';
    const wantedShard = parseShard(args.shard);
    const env = newEnvironment({
      trajectory: name,
      filename: args.file,
      comment: mod.comment ?? '',
      ncores: args.ncores,
      resume,
      overwrite_file: args.overwrite ?? false,
      progress,
      // Failed runs are reported below, after the summary, with how to resume them.
      accept_failures: true,
      ...(wantedShard ? { shard: wantedShard } : {}),
    });
    if (!resume) await mod.setup!(env.trajectory);
    if (mod.postprocess) env.add_postprocessing(mod.postprocess);
    const started = performance.now();
    let results: [number, unknown][];
    try {
      results = await env.run(args.ncores > 1 ? { module: modulePath, export: 'run' } : (mod.run as (t: Trajectory) => unknown));
    } catch (e) {
      // Resuming loads the file in run(): a --shard that disagrees with it is a usage error.
      if (e instanceof InvalidArgumentError && resume && wantedShard) throw new UsageError(e.message);
      // The file holds every committed run and the journal the rest: --resume goes on from there.
      const again = fs.existsSync(args.file)
        ? `continue with: h5traj run ${args.module} --file ${args.file} --resume`
        : 'run the same command again';
      throw diskFullError(e, args.file, again) ?? e;
    }
    const seconds = (performance.now() - started) / 1000;
    const traj = env.trajectory;
    let completed = 0;
    for (let i = 0; i < traj.v_length; i++) if (traj.f_is_completed(i)) completed += 1;
    const shard = fileShard(traj);
    const block = shard ? shardBlock(shard.length, shard.shard) : undefined;
    const summary = {
      trajectory: traj.v_name,
      file: args.file,
      runs: traj.v_length,
      completed,
      ran_now: results.length,
      failed: env.failures.map((f) => ({ run: f.idx, message: f.message })),
      seconds: Number(seconds.toFixed(3)),
      file_bytes: fs.statSync(args.file).size,
      ...(shard && block ? { shard: { index: shard.shard[0], count: shard.shard[1], start: block.start, end: block.end } } : {}),
    };
    if (args.json) outJson(summary);
    else {
      out(`${summary.trajectory}: ${completed} of ${summary.runs} runs completed (${results.length} now) in ${seconds.toFixed(2)} s, ${env.failures.length} failed`);
      if (shard) out(describeShard(shard));
      out(`stored in ${args.file} (${(summary.file_bytes / 1024).toFixed(0)} KiB)`);
      for (const f of env.failures.slice(0, 5)) note(`run ${f.idx} failed: ${f.message}`);
      if (mod.summary && mod.summary.length > 0) {
        const records = [...traj.f_to_records({ results: mod.summary, auto_load: true })].slice(0, 20);
        const cols = records.length > 0 ? Object.keys(records[0]!).filter((k) => k !== 'idx') : [];
        out('');
        out(table(cols, records.map((r) => cols.map((c) => (typeof r[c] === 'number' ? Number((r[c] as number).toPrecision(6)) : r[c])))));
        if (traj.v_length > 20) out(`… ${traj.v_length - 20} more runs (h5traj export ${args.file} --format csv)`);
      }
    }
    if (env.interrupted) throw new InterruptedError(`interrupted; ${args.file} holds every finished run. Continue with: h5traj run ${args.module} --file ${args.file} --resume`);
    if (env.failures.length > 0) {
      const first = env.failures[0]!;
      throw new RunError(
        `${env.failures.length} run(s) failed (the first, run ${first.idx}: ${first.message}); fix the cause and continue with: h5traj run ${args.module} --file ${args.file} --resume`,
        first.idx,
      );
    }
  },
};
