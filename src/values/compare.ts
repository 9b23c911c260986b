/**
 * Comparing values and types of the model: {@link valuesEqual} (deep, NaN-, bigint-, NDArray-
 * and Buffer-aware; run filters, merges and reuse all compare through it) and {@link sameType}.
 */
import { isPlainObject } from './coerce.js';
import { NDArray } from './ndarray.js';
import { Complex, isPandasValue, type ArrayDType, type ValueType } from './types.js';

/** Whether two types are the same (what pypet requires of explored values). */
export function sameType(a: ValueType, b: ValueType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'scalar':
      return a.scalar === (b as typeof a).scalar;
    case 'list':
    case 'tuple': {
      const bs = (b as typeof a).scalar;
      return a.scalar === null || bs === null || a.scalar === bs;
    }
    case 'ndarray':
      return arrayKind(a.dtype) === arrayKind((b as typeof a).dtype);
    default:
      return true;
  }
}

function arrayKind(d: ArrayDType): string {
  if (d.startsWith('<U')) return '<U';
  if (d.startsWith('|S')) return '|S';
  return d;
}

/** Deep equality of two JS values of this model (NDArray, Complex, Buffer, bigint aware). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')
      && Number.isInteger(Number(a)) && BigInt(a) === BigInt(b);
  }
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (a instanceof Complex && b instanceof Complex) return valuesEqual(a.re, b.re) && valuesEqual(a.im, b.im);
  if (isPandasValue(a)) return a.equals(b);
  if (a instanceof NDArray && b instanceof NDArray) {
    if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
    if (a.shape.some((s, i) => s !== b.shape[i])) return false;
    for (let i = 0; i < a.size; i++) if (!valuesEqual(a.at(i), b.at(i))) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  if (a instanceof Set && b instanceof Set) {
    return a.size === b.size && [...a].every((x) => b.has(x));
  }
  return false;
}

