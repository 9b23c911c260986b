/**
 * Values as the CLI shows them: short previews for tables and trees, plain data for JSON.
 */
import { BaseParameter } from '../leaves/parameter.js';
import { Result } from '../leaves/result.js';
import { valueToString } from '../values/text.js';
import { FLOAT_TYPES, type ValueType } from '../values/types.js';
import { pythonFloatRepr } from '../values/python-repr.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import { numericSeries, sparkPreview } from './sparkline.js';

/** Width of a value preview in tables and trees. */
export const PREVIEW = 40;

/** Plain data for a value: a multi-item Result becomes its items, everything else stays. */
export function plain(value: unknown): unknown {
  return value instanceof Result ? value.f_to_dict() : value;
}

/** A one-line preview of a value, at most `max` characters. */
export function preview(value: unknown, max = PREVIEW): string {
  if (value === null || value === undefined) return '';
  return valueToString(plain(value), max).replace(/\s*\n\s*/g, ' ');
}

/**
 * {@link preview} for a table on stdout: a numeric array becomes a sparkline when stdout is a
 * terminal (a person reads it), and stays the plain values when piped (a program reads it).
 */
export function previewForStdout(value: unknown, max = PREVIEW): string {
  const series = process.stdout.isTTY ? numericSeries(plain(value)) : undefined;
  return series ? sparkPreview(series) : preview(value, max);
}

/** A preview that writes floats the way pypet users know them (`1.0`, not `1`). */
export function previewTyped(value: unknown, type: ValueType | undefined, max = PREVIEW): string {
  const floaty = type !== undefined && type.kind === 'scalar' && FLOAT_TYPES.has(type.scalar);
  return floaty && typeof value === 'number' ? pythonFloatRepr(value) : preview(value, max);
}

/** The value type of each parameter, by full name and (when unique) by short name. */
export function parameterTypes(traj: Trajectory): Map<string, ValueType | undefined> {
  const types = new Map<string, ValueType | undefined>();
  const short = new Map<string, number>();
  const params = Object.values(traj.f_get_parameters() as Record<string, unknown>).filter((p): p is BaseParameter => p instanceof BaseParameter);
  for (const p of params) short.set(p.v_name, (short.get(p.v_name) ?? 0) + 1);
  for (const p of params) {
    types.set(p.v_full_name, p.v_value_type);
    if (short.get(p.v_name) === 1) types.set(p.v_name, p.v_value_type);
  }
  return types;
}
