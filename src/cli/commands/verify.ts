/** `h5traj verify FILE`: checks that a file's trajectories are complete and consistent. */
import { H5TrajError } from '../../errors.js';
import { fileDamage, verifyTrajectory, type TrajectoryReport } from '../checks.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { ReportedFailure } from '../exit-codes.js';
import { note, out, outJson } from '../io.js';
import { trajectoryNames } from '../open.js';

/** The trajectories to check: the one picked, else all of them. */
function namesToCheck(args: CommonArgs): string[] {
  const names = trajectoryNames(args.file);
  if (args.trajectory !== undefined) return [args.trajectory];
  if (args.index !== undefined) return [names.at(args.index) ?? `#${args.index}`];
  return names;
}

function summary(reports: TrajectoryReport[]): string {
  return `OK: ${reports
    .map((r) => `${r.name} (${r.runs} run${r.runs === 1 ? '' : 's'}, ${r.completed} completed, ${r.explored} explored parameter${r.explored === 1 ? '' : 's'})`)
    .join('; ')}.`;
}

export const verify: CliCommand<CommonArgs> = {
  command: 'verify <file>',
  describe: 'check that runs, run groups and explored ranges agree',
  examples: [
    ['h5traj verify runs.hdf5', 'one line per problem (exit 1), or one OK line (exit 0)'],
    ['h5traj verify runs.hdf5 --json', '{ "ok": …, "problems": [...] } for scripts'],
  ],
  builder: (y) => withReadOptions(y),
  handler: async (args) => {
    let reports: TrajectoryReport[] = [];
    let problems: string[];
    try {
      // A damaged file: each damaged structure is a problem, and no trajectory is loaded from it.
      problems = fileDamage(args.file);
      if (problems.length === 0) {
        reports = namesToCheck(args).map((name) => verifyTrajectory(args.file, name));
        problems = reports.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
        if (reports.length === 0) problems.push(`The file '${args.file}' holds no trajectory.`);
      }
    } catch (e) {
      // A file that cannot be opened at all is what verify reports, not a crash of verify.
      if (!(e instanceof H5TrajError)) throw e;
      reports = [];
      problems = [e.message];
    }
    const ok = problems.length === 0;
    if (args.json) {
      outJson({ ok, file: args.file, problems, trajectories: reports.map(({ problems: _, ...r }) => r) });
    } else if (ok) {
      out(summary(reports));
    } else {
      out(problems.join('\n'));
      note(`${problems.length} problem${problems.length === 1 ? '' : 's'} found in ${args.file}.`);
    }
    if (!ok) throw new ReportedFailure();
  },
};
