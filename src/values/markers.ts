/**
 * Markers for Python types JavaScript lacks: tuples and frozensets are ordinary arrays and Sets
 * remembered in a WeakSet (so they stay plain JS values), and {@link Typed} gives a value an
 * explicit scalar type (`typed(3, 'float')`).
 */
import { TypeMismatchError } from '../errors.js';
import { SCALAR_TYPES, type DTypeHint } from './types.js';

const TUPLES = new WeakSet<unknown[]>();

/** Marks an array as a tuple (pypet keeps tuples and lists apart). Returns the same array. */
export function tuple<T>(...items: T[]): T[] {
  TUPLES.add(items);
  return items;
}

/** Marks an existing array as a tuple; returns it. */
export function markTuple<T extends unknown[]>(items: T): T {
  TUPLES.add(items);
  return items;
}

/** Whether an array was marked as a tuple. */
export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && TUPLES.has(v);
}

/** A value with an explicit type, e.g. `typed(3, 'int')` or `typed([1, 2], 'int32')`. */
export class Typed<T = unknown> {
  constructor(
    readonly value: T,
    readonly dtype: DTypeHint,
  ) {}
}

/** Gives a value an explicit scalar type; use it for items of results and dict entries. */
export function typed<T>(value: T, dtype: DTypeHint): Typed<T> {
  if (!SCALAR_TYPES.has(dtype)) {
    throw new TypeMismatchError(`'${String(dtype)}' is not a known type name; use one of ${[...SCALAR_TYPES].join(', ')}.`);
  }
  return new Typed(value, dtype);
}

// Frozensets are JS Sets marked the same way, so they round-trip through pickles and print as such.
const FROZEN = new WeakSet<Set<unknown>>();

/** Marks a Set as a Python `frozenset` (written and shown as such). Returns the same Set. */
export function markFrozenSet<T extends Set<unknown>>(s: T): T {
  FROZEN.add(s);
  return s;
}

/** Whether a Set was marked as a frozenset. */
export function isFrozenSet(v: unknown): boolean {
  return v instanceof Set && FROZEN.has(v);
}
