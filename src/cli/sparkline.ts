/**
 * Numeric arrays as a sparkline (`▁▂▄▇█▆▃▁ 161 values, 1…4044`) for `get` and `tree` on a
 * terminal, where a person looks at the shape of a curve; truncated JSON says little about it.
 * Piped output keeps the plain values, for programs.
 */
import { NDArray } from '../values/ndarray.js';
import { maxOf, minOf } from '../fold.js';

const BARS = '▁▂▃▄▅▆▇█';

/** The numbers of a one-dimensional numeric array of at least two elements, else undefined. */
export function numericSeries(v: unknown): number[] | undefined {
  let values: unknown[];
  if (v instanceof NDArray) {
    if (v.shape.length !== 1) return undefined;
    values = Array.from({ length: v.size }, (_, i) => v.at(i));
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    values = Array.from(v as unknown as ArrayLike<unknown>);
  } else if (Array.isArray(v)) {
    values = v;
  } else {
    return undefined;
  }
  if (values.length < 2 || !values.every((x) => typeof x === 'number')) return undefined;
  return values as number[];
}

/**
 * The series drawn in `width` characters: each character is the mean of its share of the values,
 * scaled between the smallest and the largest of these means (so the curve uses the full height);
 * a share without a finite value leaves a gap.
 * @example sparkline([0, 1, 2, 3]) // '▁▃▆█'
 */
export function sparkline(values: readonly number[], width = 24): string {
  const n = Math.min(width, values.length);
  const means: (number | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const part = values.slice(Math.floor((i * values.length) / n), Math.floor(((i + 1) * values.length) / n)).filter(Number.isFinite);
    means.push(part.length > 0 ? part.reduce((a, b) => a + b, 0) / part.length : undefined);
  }
  const finite = means.filter((m): m is number => m !== undefined);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return means.map((m) => (m === undefined ? ' ' : BARS[max > min ? Math.round(((m - min) / (max - min)) * (BARS.length - 1)) : 0])).join('');
}

/** A sparkline with the count and the range: `▁▃▆█ 4 values, 0…3`. */
export function sparkPreview(values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  const round = (x: number) => String(Number(x.toPrecision(4)));
  // minOf/maxOf, not Math.min(...finite): a column of a million runs exceeds the argument limit.
  const range = finite.length > 0 ? `, ${round(minOf(finite, (x) => x))}…${round(maxOf(finite, (x) => x))}` : '';
  return `${sparkline(values)} ${values.length} values${range}`;
}
