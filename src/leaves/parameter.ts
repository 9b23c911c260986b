/**
 * Parameters: one default value plus, once explored, one value per run.
 *
 * `Parameter` holds scalars, flat lists/tuples and n-dimensional arrays (as pypet's does);
 * `ArrayParameter` holds the same; `PickleParameter` holds JSON-like data (plain objects, arrays,
 * Sets…), stored as a restricted pickle that pypet reads and that h5traj decodes without
 * evaluating anything.
 */
import { ParameterLockedError, StateError, TypeMismatchError } from '../errors.js';
import { NNLeafNode, hideNodeState, type LeafOptions } from '../tree/leaf-node.js';
import { type AcceptRules, toTypedValue } from '../values/coerce.js';
import { sameType } from '../values/compare.js';
import { describeJs, refuseHoles } from '../values/ndarray.js';
import { describeType, type DTypeHint, type TypedValue, type ValueType } from '../values/types.js';
import { pythonRepr } from '../values/python-repr.js';
import { checkOptions, optionNames, type OptionSpec } from '../options.js';

export interface ParameterOptions extends LeafOptions {
  dtype?: DTypeHint;
}

const PARAMETER_OPTIONS: OptionSpec = { known: optionNames<ParameterOptions>({ comment: true, dtype: true }) };

/** Common behaviour of all parameter classes. */
export abstract class BaseParameter extends NNLeafNode {
  protected _default: TypedValue | undefined;
  protected _range: unknown[] | undefined;
  protected _locked = false;
  protected _dtype: DTypeHint | undefined;

  protected abstract get _accepts(): AcceptRules;

  constructor(fullName: string, value?: unknown, options: ParameterOptions = {}) {
    super(fullName, options.comment ?? '');
    hideNodeState(this);
    // A class of your own may take more options; h5traj's own classes know theirs.
    if (new.target === Parameter || new.target === ArrayParameter || new.target === PickleParameter) {
      checkOptions(`${new.target.name} '${fullName}'`, options, PARAMETER_OPTIONS);
    }
    this._dtype = options.dtype;
    // Through f_set, as pypet's constructor does: a subclass that converts values in f_set
    // (pypet's FunctionParameter) converts the default too.
    if (value !== undefined) this.f_set(value);
  }

  get _isParameter(): boolean {
    return true;
  }

  protected _check(value: unknown, what: string): TypedValue {
    return toTypedValue(value, this._accepts, `The ${what} of parameter '${this.v_full_name}'`, this._dtype);
  }

  /** The value: the current run's when explored and the tree is viewed as a run, else the default. */
  f_get(): any {
    if (this._default === undefined) {
      throw new StateError(`The parameter '${this.v_full_name}' is empty: it was created without a value, or loaded without its data (then load it first).`, {
        path: this.v_full_name,
      });
    }
    const idx = this.f_get_root()?.v_idx ?? -1;
    if (this._range !== undefined && idx >= 0) {
      if (idx >= this._range.length) {
        throw new StateError(
          `Run ${idx} is beyond the range of parameter '${this.v_full_name}', which has ${this._range.length} values.`,
          { path: this.v_full_name },
        );
      }
      return this._range[idx];
    }
    return this._default.value;
  }

  /** The default value (ignores the run view). */
  f_get_default(): any {
    return this._default?.value;
  }

  /** Sets the default value; refused when locked or when the type differs from the explored range's. */
  f_set(value: unknown): void {
    if (this._locked) {
      throw new ParameterLockedError(
        `The parameter '${this.v_full_name}' is locked (it is explored or a run used it); call f_unlock() first if you really mean to change it.`,
        { path: this.v_full_name },
      );
    }
    const typedValue = this._check(value, 'value');
    if (this.v_stored) this.f_get_root()?._storedLeafChanging(this, 'its value');
    if (this._range !== undefined && this._default && !sameType(this._default.type, typedValue.type)) {
      throw new TypeMismatchError(
        `The new value of parameter '${this.v_full_name}' is ${describeType(typedValue.type)}, but its explored range holds ${describeType(this._default.type)}.`,
        { path: this.v_full_name, expected: describeType(this._default.type), got: describeType(typedValue.type) },
      );
    }
    this._default = typedValue;
  }

  /** The type of the parameter's values (undefined while empty). */
  get v_value_type(): ValueType | undefined {
    return this._default?.type;
  }

  /** Whether the parameter is explored (has a range). */
  get v_explored(): boolean {
    return this._range !== undefined;
  }

  /** Whether the parameter has a range (pypet's `f_has_range`). */
  f_has_range(): boolean {
    return this._range !== undefined;
  }

  /** The explored values, one per run (a copy unless `copy` is false). */
  f_get_range(copy = true): any[] {
    if (this._range === undefined) {
      throw new StateError(`The parameter '${this.v_full_name}' is not explored, so it has no range.`, { path: this.v_full_name });
    }
    // slice, not a spread: spreading a NumberRange (an Array subclass) takes the iterator path,
    // an iterator result per value, ~85 MB of garbage for a 1M-run range.
    return copy ? this._range.slice() : this._range;
  }

  /** Number of explored values (0 when not explored). */
  f_get_range_length(): number {
    return this._range?.length ?? 0;
  }

  get v_locked(): boolean {
    return this._locked;
  }

  f_lock(): void {
    this._locked = true;
  }

  f_unlock(): void {
    this._locked = false;
  }

  f_is_empty(): boolean {
    return this._default === undefined;
  }

  /** Empties the parameter (drops default and range); refused when locked. */
  f_empty(): void {
    if (this._locked) {
      throw new ParameterLockedError(`The parameter '${this.v_full_name}' is locked and cannot be emptied.`, { path: this.v_full_name });
    }
    this._default = undefined;
    this._range = undefined;
  }

  /** Whether the parameter can hold this value. */
  f_supports(value: unknown): boolean {
    try {
      this._check(value, 'value');
      return true;
    } catch {
      return false;
    }
  }

  /** The current value as Python's `repr` prints it (pypet's `f_val_to_str`). */
  f_val_to_str(): string {
    return this._default === undefined ? '' : pythonRepr(this.f_get(), this._default.type);
  }

  /** pypet's `str(parameter)`: `Parameter parameters.x (len:3, \`comment\`): 1.5`. */
  override _str(): string {
    const info = [this._range ? `len:${this._range.length}` : '', this._comment ? `\`${this._comment}\`` : ''].filter(Boolean).join(', ');
    const head = `${this.f_get_class_name()} ${this.v_full_name}${info ? ` (${info})` : ''}`;
    return this._default === undefined ? head : `${head}: ${this.f_val_to_str()}`;
  }

  _fastAccess(): unknown {
    if (this._default === undefined) return this;
    return this.f_get();
  }

  /** The default with its type, for storage. */
  _typedDefault(): TypedValue | undefined {
    return this._default;
  }

  /** Sets value, type and range exactly as stored (used by loading; bypasses the lock). */
  _restore(value: TypedValue | undefined, range: unknown[] | undefined): void {
    this._default = value;
    // A loaded numeric range is kept as an explored one is (8 bytes a value, where a copy of
    // the decoded array held each fractional value in a heap number of its own: 12 MB at 1M runs).
    if (range === undefined) this._range = undefined;
    else {
      const numbers = numberRange(range);
      this._range = numbers === range ? [...range] : numbers;
    }
  }

  /**
   * Sets the explored range. Every value must have the default's type; the error names the
   * position and both types. The parameter is locked afterwards.
   */
  _explore(values: readonly unknown[]): void {
    this._range = numberRange(this._checkRange(values, 0));
    this._locked = true;
  }

  /** Appends values to the range (pypet's `f_expand`). */
  _expand(values: readonly unknown[]): void {
    const extra = this._checkRange(values, this._range?.length ?? 0);
    // concat, not a spread: spreading a NumberRange takes the iterator path (see f_get_range).
    this._range = numberRange((this._range ?? []).concat(extra));
    this._locked = true;
  }

  /** Drops the range (pypet's `f_shrink`). */
  _shrink(): void {
    this._range = undefined;
    this._locked = false;
  }

  private _checkRange(values: readonly unknown[], offset: number): unknown[] {
    if (this._default === undefined) {
      throw new StateError(`The parameter '${this.v_full_name}' is empty; give it a default value before exploring it.`, {
        path: this.v_full_name,
      });
    }
    const expected = this._default.type;
    refuseHoles(values, `The range of parameter '${this.v_full_name}'`);
    return values.map((v, i) => {
      let tv: TypedValue;
      try {
        tv = toTypedValue(v, this._accepts, `Value ${offset + i} of the range of parameter '${this.v_full_name}'`, this._dtype ?? scalarHint(expected));
      } catch (e) {
        if (e instanceof TypeMismatchError) {
          throw new TypeMismatchError(
            `Value ${offset + i} of the range of parameter '${this.v_full_name}' is ${describeJs(v)}, but the parameter holds ${describeType(expected)}: ${e.message}`,
            { path: this.v_full_name, expected: describeType(expected), got: describeJs(v), cause: e },
          );
        }
        throw e;
      }
      if (!sameType(expected, tv.type)) {
        throw new TypeMismatchError(
          `Value ${offset + i} of the range of parameter '${this.v_full_name}' is ${describeType(tv.type)}, but the parameter holds ${describeType(expected)}.`,
          { path: this.v_full_name, expected: describeType(expected), got: describeType(tv.type) },
        );
      }
      return tv.value;
    });
  }
}

/**
 * A range of numbers, in an Array class of its own. Optimized code that reads arrays of several
 * elements kinds at one site (a run's parameter summary reads every explored range there: x's
 * doubles, a string parameter's objects) turns each array it reads into the most general kind
 * of the arrays seen, and so a plain array of a million unboxed doubles became a million boxed
 * numbers, 12 MB more for the trajectory's life (issue 13). Arrays of another class are never
 * turned into plain arrays' kinds. Arrays derived from it (`map`, `slice`) are plain arrays.
 */
class NumberRange extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** `values` as a {@link NumberRange} when all are numbers, else as they are. */
function numberRange(values: unknown[]): unknown[] {
  for (const v of values) if (typeof v !== 'number') return values;
  // Made at its final length, not grown by push: growing left a third of spare room (11.6 MB
  // instead of 8 for a million runs' range, kept for the trajectory's life).
  const n = values.length;
  const out = new NumberRange(n);
  for (let i = 0; i < n; i++) out[i] = values[i] as number;
  return out;
}

/** Explored values follow the default's element type (an int parameter explores ints). */
function scalarHint(t: ValueType): DTypeHint | undefined {
  if (t.kind === 'scalar') return t.scalar;
  if ((t.kind === 'list' || t.kind === 'tuple') && t.scalar !== null) return t.scalar;
  return undefined;
}

/**
 * pypet's standard parameter: scalars, flat homogeneous lists/tuples and, as pypet's Parameter
 * holds numpy arrays, n-dimensional arrays (typed arrays, nested number arrays, NDArray).
 */
export class Parameter extends BaseParameter {
  protected get _accepts(): AcceptRules {
    return { ndarray: true, dict: false, object: false };
  }
}

/** A parameter that also holds n-dimensional arrays (typed arrays, nested number arrays, NDArray). */
export class ArrayParameter extends BaseParameter {
  protected get _accepts(): AcceptRules {
    return { ndarray: true, dict: false, object: false };
  }
}

/**
 * A parameter holding JSON-like data (plain objects, arrays, strings, numbers, booleans, null,
 * bigint, Sets). On disk it is pypet's PickleParameter: a pickle that Python loads as the same
 * data, and that h5traj decodes with a restricted reader (nothing is ever evaluated).
 */
export class PickleParameter extends BaseParameter {
  protected get _accepts(): AcceptRules {
    return { ndarray: false, dict: false, object: true };
  }
}
