/**
 * Coercion: turning a JS value into a value of the model with its {@link ValueType} — inferring
 * the type or imposing a given one, and refusing what does not fit with a TypeMismatchError that
 * names the value.
 */
import { TypeMismatchError } from '../errors.js';
import { isTuple, markTuple, Typed } from './markers.js';
import {
  describeJs, dtypeOfTypedArray, NDArray, refuseHoles, trailingNulProblem, type NumericTypedArray,
} from './ndarray.js';
import {
  BOOL_TYPES, BYTES_TYPES, COMPLEX_TYPES, Complex, FLOAT_TYPES, INT_RANGES, INT_TYPES, isPandasValue, normalizeInteger, STR_TYPES,
  type ArrayDType, type DTypeHint, type ScalarType, type TypedValue, type ValueType,
} from './types.js';

/** Infers the scalar type of a JS scalar, or undefined when it is not a scalar. */
export function inferScalarType(v: unknown): ScalarType | undefined {
  if (typeof v === 'number') return 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (Buffer.isBuffer(v)) return 'bytes';
  if (v instanceof Complex) return 'complex';
  return undefined;
}

/**
 * Checks and converts a JS scalar to the JS form of `scalar`. Throws {@link TypeMismatchError}
 * naming `where` when the value does not fit (a fraction as an int, an int out of range, …).
 */
export function coerceScalar(v: unknown, scalar: ScalarType, where: string): unknown {
  const fail = (why = ''): never => {
    throw new TypeMismatchError(`${where} is ${describeJs(v)}, which is not a valid ${scalar}${why}.`, {
      expected: scalar,
      got: describeJs(v),
    });
  };
  if (v instanceof Typed) return coerceScalar(v.value, scalar, where);
  if (INT_TYPES.has(scalar)) {
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isInteger(v)) {
      if (!Number.isSafeInteger(v)) fail(' (integers beyond 2^53 must be given as bigint)');
      b = BigInt(v);
    } else return fail();
    const range = INT_RANGES[scalar];
    if (range && (b < range[0] || b > range[1])) fail(` (out of the range ${range[0]}..${range[1]})`);
    return normalizeInteger(b);
  }
  if (FLOAT_TYPES.has(scalar)) {
    if (typeof v === 'number') return scalar === 'float32' ? Math.fround(v) : v;
    if (typeof v === 'bigint') return fail(' (a bigint is an integer; pass a number)');
    return fail();
  }
  if (BOOL_TYPES.has(scalar)) return typeof v === 'boolean' ? v : fail();
  if (STR_TYPES.has(scalar) || BYTES_TYPES.has(scalar)) {
    const text = STR_TYPES.has(scalar);
    if (text ? typeof v !== 'string' : !Buffer.isBuffer(v)) return fail(text ? '' : ' (bytes are given as a Buffer)');
    const problem = trailingNulProblem(v as string | Buffer);
    return problem ? fail(problem) : v;
  }
  if (COMPLEX_TYPES.has(scalar)) {
    if (v instanceof Complex) return v;
    if (typeof v === 'number') return new Complex(v, 0);
    return fail();
  }
  return fail();
}

/** Which kinds of value a leaf class accepts. */
export interface AcceptRules {
  /** ndarrays (typed arrays, NDArray, nested arrays). */
  ndarray: boolean;
  /** dicts (plain objects of values). */
  dict: boolean;
  /** anything JSON-like as an opaque `object` (Pickle leaves). */
  object: boolean;
}

/**
 * Infers (or, with `hint`, imposes) the type of a JS value and returns the value in canonical JS
 * form. `where` names the value in error messages (e.g. `parameter 'parameters.x'`).
 */
export function toTypedValue(raw: unknown, rules: AcceptRules, where: string, hint?: DTypeHint): TypedValue {
  let v = raw;
  if (v instanceof Typed) {
    hint = v.dtype;
    v = v.value;
  }
  if (rules.object) return { value: v, type: { kind: 'object' } };
  if (v === null || v === undefined) {
    throw new TypeMismatchError(`${where} is ${describeJs(v)}; a value is required.`, { got: describeJs(v) });
  }
  if (isPandasValue(v)) {
    if (!rules.dict) throw new TypeMismatchError(`${where} is a pandas ${v.constructor.name}; only results hold DataFrames and Series.`, { got: describeJs(v) });
    return { value: v, type: { kind: 'pandas' } };
  }
  const scalar = hint ?? inferScalarType(v);
  if (inferScalarType(v) !== undefined && scalar !== undefined) {
    return { value: coerceScalar(v, scalar, where), type: { kind: 'scalar', scalar } };
  }
  if (v instanceof NDArray || (ArrayBuffer.isView(v) && !Buffer.isBuffer(v))) {
    if (!rules.ndarray) {
      throw new TypeMismatchError(`${where} is ${describeJs(v)}; this leaf does not hold arrays.`, { got: describeJs(v) });
    }
    const arr = v instanceof NDArray ? v : typedArrayToNDArray(v as ArrayBufferView, where);
    const converted = hint ? NDArray.fromNested(arr.toNested(), hintToArrayDType(hint, where)) : arr;
    return { value: converted, type: { kind: 'ndarray', dtype: converted.dtype } };
  }
  if (Array.isArray(v)) {
    const kind = isTuple(v) ? 'tuple' : 'list';
    refuseHoles(v, `${where} (a ${kind})`);
    if (v.some((e) => Array.isArray(e))) {
      if (!rules.ndarray) {
        throw new TypeMismatchError(`${where} is a nested array; this leaf holds only flat lists. Use an ArrayParameter or a result.`);
      }
      const arr = NDArray.fromNested(v, hint ? hintToArrayDType(hint, where) : undefined);
      return { value: arr, type: { kind: 'ndarray', dtype: arr.dtype } };
    }
    if (v.length === 0) return { value: kind === 'tuple' ? markTuple([]) : [], type: { kind, scalar: null } };
    const first = v[0] instanceof Typed ? (v[0] as Typed).dtype : inferScalarType(v[0]);
    const elemType = hint ?? first;
    if (elemType === undefined) {
      throw new TypeMismatchError(`${where}: element 0 of the ${kind} is ${describeJs(v[0])}; lists hold scalars only.`);
    }
    const out = v.map((e, i) => coerceScalar(e, elemType, `${where}: element ${i} of the ${kind}`));
    return { value: kind === 'tuple' ? markTuple(out) : out, type: { kind, scalar: elemType } };
  }
  if (isPlainObject(v)) {
    if (!rules.dict) {
      throw new TypeMismatchError(
        `${where} is a plain object; this leaf does not hold dicts (use a PickleParameter, or a result).`,
        { got: 'a plain object' },
      );
    }
    const entries: Record<string, ValueType> = {};
    const value: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      const tv = toTypedValue(e, { ndarray: true, dict: false, object: false }, `${where}: key '${k}'`);
      entries[k] = tv.type;
      value[k] = tv.value;
    }
    return { value, type: { kind: 'dict', entries } };
  }
  throw new TypeMismatchError(`${where} is ${describeJs(v)}, which h5traj cannot store.`, { got: describeJs(v) });
}

function hintToArrayDType(hint: DTypeHint, where: string): ArrayDType {
  if (hint === 'int') return 'int64';
  if (hint === 'float') return 'float64';
  if (hint === 'complex') return 'complex128';
  if (hint === 'bool' || hint === 'bool_') return 'bool';
  if (INT_TYPES.has(hint) || FLOAT_TYPES.has(hint) || COMPLEX_TYPES.has(hint)) return hint as ArrayDType;
  throw new TypeMismatchError(`${where}: '${hint}' is not a numeric or boolean dtype for an array.`);
}

function typedArrayToNDArray(a: ArrayBufferView, where: string): NDArray {
  const dtype = dtypeOfTypedArray(a);
  if (!dtype) throw new TypeMismatchError(`${where} is a ${a.constructor.name}, which has no HDF5 dtype.`);
  return new NDArray(dtype, [(a as NumericTypedArray).length], (a as NumericTypedArray).slice());
}

/** A plain object (`{}` or `Object.create(null)`), not a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

