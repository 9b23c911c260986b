/**
 * Folds over arrays that may hold millions of elements. `Math.max(...xs)` and `out.push(...xs)`
 * pass every element as a call argument, and V8 throws `RangeError: Maximum call stack size
 * exceeded` somewhere past ~100k arguments; an explored range or run table of a million runs goes
 * well past that. These helpers loop instead, so no caller needs to think about the limit.
 */

/** The largest `measure(x)` over `items`, or `floor` when it is larger (and for an empty list). */
export function maxOf<T>(items: Iterable<T>, measure: (item: T) => number, floor = -Infinity): number {
  let best = floor;
  for (const item of items) {
    const m = measure(item);
    if (m > best) best = m;
  }
  return best;
}

/** The smallest `measure(x)` over `items`, or `ceiling` when it is smaller (and for an empty list). */
export function minOf<T>(items: Iterable<T>, measure: (item: T) => number, ceiling = Infinity): number {
  let best = ceiling;
  for (const item of items) {
    const m = measure(item);
    if (m < best) best = m;
  }
  return best;
}

/** Appends every element of `items` to `target` (`target.push(...items)` without the argument limit). */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/**
 * The first index in the ascending `xs` whose element is not below `x` (`xs.length` when all are):
 * a binary search, for sorted lists of a million run names or chunk indices.
 * @example lowerBound([1, 3, 5], 4) // 2
 */
export function lowerBound<T extends number | string>(xs: readonly T[], x: T): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
