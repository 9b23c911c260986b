/**
 * `h5traj plot FILE RESULT --out plot.svg|png`: a scalar result drawn against an explored
 * parameter — one line per value of another explored parameter (`--by`), or a heat map over two
 * parameters (`--y`). Runs without the result are left out and counted on stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { NotFoundError } from '../../errors.js';
import type { BaseParameter } from '../../leaves/parameter.js';
import { NDArray } from '../../values/ndarray.js';
import type { Trajectory } from '../../trajectory/trajectory.js';
import { withReadOptions, type CliCommand, type CommonArgs } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { nameTarget, replaceThroughTemp } from '../../storage/atomic.js';
import { filterFromOption, runSelection, WHERE_OPTION } from '../filter.js';
import { note } from '../io.js';
import { openPicked, PARAMETERS_ONLY } from '../open.js';
import { renderSvg, svgToPng } from '../plot-render.js';
import { resultValues } from '../result-values.js';

interface PlotArgs extends CommonArgs {
  result: string;
  x?: string;
  y?: string;
  by?: string;
  out: string;
  where?: string | string[];
}

/** An explored parameter as the plot names it: its short name when unique, and its values per run. */
interface Axis {
  name: string;
  values: unknown[];
  numeric: boolean;
}

/** The explored parameters, each under the name `find` shows for it (short unless ambiguous). */
function exploredAxes(traj: Trajectory): Map<string, Axis & { full: string }> {
  const explored = Object.entries(traj.f_get_explored_parameters() as Record<string, BaseParameter>);
  const axes = new Map<string, Axis & { full: string }>();
  for (const [full, p] of explored) {
    const name = explored.filter(([, q]) => q.v_name === p.v_name).length > 1 ? full.replace(/^parameters\./, '') : p.v_name;
    const values = p.f_get_range(false).map((v) => (typeof v === 'bigint' ? Number(v) : v));
    axes.set(name, { name, full, values, numeric: values.every((v) => typeof v === 'number') });
  }
  return axes;
}

/** The axis a user named (`beta`, `model.beta` or `parameters.model.beta`). */
function pickAxis(axes: Map<string, Axis & { full: string }>, wanted: string, option: string): Axis & { full: string } {
  for (const axis of axes.values()) {
    if (axis.name === wanted || axis.full === wanted || axis.full === `parameters.${wanted}`) return axis;
  }
  const names = [...axes.keys()];
  throw new UsageError(`${option} names an explored parameter; '${wanted}' is not one (explored: ${names.length > 0 ? names.join(', ') : 'none'}).`);
}

/** A result value as a number for the chart, or undefined when it is not one scalar. */
function scalar(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof NDArray && v.size === 1) return scalar(v.at(0));
  return undefined;
}

function describe(v: unknown): string {
  if (v instanceof NDArray) return `an array of shape [${v.shape.join(', ')}]`;
  if (ArrayBuffer.isView(v)) return `an array of ${(v as unknown as ArrayLike<unknown>).length} values`;
  if (Array.isArray(v)) return `a list of ${v.length} values`;
  return typeof v === 'object' && v !== null ? `a ${v.constructor.name}` : `a ${typeof v}`;
}

/** The Vega-Lite chart: lines over `x` (coloured by `by`), or a heat map over `x` and `y`. */
export function plotSpec(rows: Record<string, unknown>[], result: string, x: Axis, other: { by?: Axis; y?: Axis }): TopLevelSpec {
  const field = (a: Axis) => ({ field: a.name, title: a.name });
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', data: { values: rows }, width: 420, height: 300 } as const;
  if (other.y) {
    return {
      ...base,
      title: `${result} over ${x.name} and ${other.y.name}`,
      mark: 'rect',
      encoding: {
        x: { ...field(x), type: 'ordinal', axis: { labelAngle: 0 } },
        y: { ...field(other.y), type: 'ordinal', sort: 'descending' },
        color: { field: 'value', title: result, type: 'quantitative' },
        tooltip: [{ field: 'value', title: result, type: 'quantitative' }],
      },
    };
  }
  return {
    ...base,
    title: `${result} against ${x.name}${other.by ? ` by ${other.by.name}` : ''}`,
    mark: { type: 'line', point: true },
    encoding: {
      x: { ...field(x), type: x.numeric ? 'quantitative' : 'ordinal' },
      y: { field: 'value', title: result, type: 'quantitative' },
      ...(other.by ? { color: { ...field(other.by), type: other.by.numeric ? 'ordinal' : 'nominal' } } : {}),
    },
  };
}

/** Writes `data` to `target` through a temporary file renamed into place (no half-written plot). */
function writeAtomically(target: string, data: string | Buffer): void {
  replaceThroughTemp(path.resolve(target), (tmp) => fs.writeFileSync(tmp, data), {
    hdf5: false,
    onError: (e) => new UsageError(`Cannot write '${target}': ${(nameTarget(e, path.resolve(target)) as Error).message}.`),
  });
}

export const plot: CliCommand<PlotArgs> = {
  command: 'plot <file> <result>',
  describe: 'draw a scalar result against an explored parameter (a line per value of another, or a heat map over two) to SVG or PNG',
  examples: [
    ['h5traj plot data/demo.hdf5 epidemic.peak_day --x beta --out peak.png', 'peak day against beta, a line per gamma'],
    ['h5traj plot data/demo.hdf5 epidemic.attack_rate --x beta --y gamma --out attack.svg', 'a heat map over beta and gamma'],
  ],
  builder: (y) =>
    withReadOptions(y)
      .positional('result', { type: 'string', demandOption: true, describe: 'a scalar result or derived parameter per run (r0, out.a for item a of result out)' })
      .option('x', { type: 'string', describe: 'explored parameter on the horizontal axis (default: the first explored one)' })
      .option('by', { type: 'string', describe: 'explored parameter with one line per value (default: the other explored one, if there is exactly one)' })
      .option('y', { type: 'string', describe: 'a second explored parameter: draw a heat map over --x and --y' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'the picture to write: a .svg or .png file' })
      .option('where', { ...WHERE_OPTION, alias: 'w' })
      .conflicts('y', 'by'),
  handler: async (args) => {
    const format = path.extname(args.out).toLowerCase();
    if (format !== '.svg' && format !== '.png') throw new UsageError(`--out must name a .svg or .png file, not '${args.out}'.`);
    const where = filterFromOption(args.where, '--where');
    const traj = openPicked(args, PARAMETERS_ONLY);
    const runs = runSelection(traj, where);
    const axes = exploredAxes(traj);
    if (axes.size === 0) throw new UsageError(`'${traj.v_name}' explores no parameter, so there is nothing to plot against.`);
    const x = args.x !== undefined ? pickAxis(axes, args.x, '--x') : axes.values().next().value!;
    const y = args.y !== undefined ? pickAxis(axes, args.y, '--y') : undefined;
    const rest = [...axes.values()].filter((a) => a !== x && a !== y);
    const by = args.by !== undefined ? pickAxis(axes, args.by, '--by') : y === undefined && rest.length === 1 ? rest[0] : undefined;
    for (const [a, b] of [[x, y], [x, by]] as const) {
      if (b && a === b) throw new UsageError(`--x and --${b === y ? 'y' : 'by'} name the same parameter, '${a.name}'.`);
    }
    const values = resultValues(traj, args.result, runs);
    if (!values) {
      throw new NotFoundError(`No run of '${traj.v_name}' has '${args.result}' (looked below results.runs and derived_parameters.runs).`, { path: args.result, file: args.file });
    }
    // The chart's rows are the one structure that grows with the runs drawn (Vega needs them
    // all); the values are streamed into them, not gathered first.
    const rows: Record<string, unknown>[] = [];
    for (const { idx, value: v } of values) {
      const value = scalar(v);
      if (value === undefined) throw new UsageError(`plot draws one number per run, but '${args.result}' is ${describe(v)} in run ${idx}; pick a scalar (an item such as out.a, or a summary).`);
      const row: Record<string, unknown> = { idx, value };
      for (const a of [x, y ?? by]) if (a) row[a.name] = a.values[idx];
      rows.push(row);
    }
    let selected = 0;
    for (let idx = 0; idx < runs.length; idx++) if (runs.has(idx)) selected++;
    const missing = selected - rows.length;
    // Two runs on the same point would draw a zigzag or hide one cell: name what else varies.
    const seen = new Set<string>();
    for (const row of rows) {
      const key = JSON.stringify([row[x.name], (y ?? by) ? row[(y ?? by)!.name] : null]);
      if (seen.has(key)) {
        const others = rest.filter((a) => a !== by).map((a) => a.name);
        const point = `${x.name}=${String(row[x.name])}${y ?? by ? ` and ${(y ?? by)!.name}=${String(row[(y ?? by)!.name])}` : ''}`;
        throw new UsageError(
          others.length > 0
            ? `Several runs share ${point}: they differ in ${others.join(', ')}. Fix those with --where (e.g. --where '${others[0]}=…'), or choose one as --by or --y.`
            : `Several runs share ${point} (the trajectory holds that point more than once); pick the runs to draw with --where.`,
        );
      }
      seen.add(key);
    }
    const svg = await renderSvg(plotSpec(rows, args.result, x, y ? { y } : by ? { by } : {}));
    writeAtomically(args.out, format === '.png' ? await svgToPng(svg) : svg);
    note(`wrote ${args.out}: ${args.result} of ${rows.length} run${rows.length === 1 ? '' : 's'}${missing > 0 ? ` (${missing} without '${args.result}' left out)` : ''}.`);
  },
};
