/**
 * Reading Python pickles, safely, for pypet's `PickleParameter` / `PickleResult`.
 *
 * Reading is a restricted unpickler: a stack machine over the opcodes of protocols 0–5 that builds
 * only values of the shared value model and never runs code. Globals are resolved against a short
 * whitelist (set, frozenset, complex, bytes, bytearray, `_codecs.encode`, `OrderedDict`, and numpy's
 * array reconstruction: numeric arrays become NDArrays, object arrays — pandas' text and mixed
 * columns — {@link PickledObjectArray}s); any other
 * class ends decoding with an `unsupported` type naming it, rather than an error, so that a file
 * holding e.g. a `fractions.Fraction` still loads.
 */
import { FormatError } from '../../../../errors.js';
import { isFrozenSet, isTuple, markFrozenSet, markTuple } from '../../../../values/markers.js';
import { describeJs } from '../../../../values/ndarray.js';
import { Complex, normalizeInteger, type ArrayDType, type ScalarType, type TypedValue, type ValueType } from '../../../../values/types.js';
import { describePython, OP, OP_NAME } from './opcodes.js';
import { NDArray, type NDArrayData } from '../../../../values/ndarray.js';
import { complexType, decodeElements, decodeNumeric, floatType, intType } from '../../engine/h5types.js';

// Intermediate forms, only alive while decoding. Floats are boxed so that 2.0 stays a float in the
// inferred type; dicts are pair lists because only at the end do we know whether all keys are str.
class PyFloat { constructor(readonly v: number) {} }
class PyDict { readonly pairs: [unknown, unknown][] = []; }
class PyGlobal { constructor(readonly name: string) {} }
/** A numpy dtype: its type string (`'f8'`, `'O8'`) and the byte order its BUILD state sets. */
class PyDType { order = '='; constructor(readonly str: string) {} }
/** A numpy ndarray: `_reconstruct` makes an empty one and BUILD fills it; `_frombuffer` makes it whole. */
class PyArray {
  built = false;
  shape: number[] = [];
  dtype: PyDType | undefined;
  fortran = false;
  data: unknown;
}

/**
 * A numpy array of dtype `object` read from a pickle (pandas keeps text and mixed columns so):
 * its shape and its elements in C order, each with the type the pickle gave it.
 */
export class PickledObjectArray {
  constructor(
    readonly shape: readonly number[],
    readonly items: readonly TypedValue[],
  ) {}
}
/** Thrown (not an Error) to abandon decoding with an `unsupported` result. */
class Unsupported { constructor(readonly reason: string, readonly pyclass?: string) {} }

/** Callables a pickle may apply: all build plain data and have no side effects. */
const CALLABLES = new Set([
  'builtins.set', 'builtins.frozenset', 'builtins.complex', 'builtins.bytes', 'builtins.bytearray',
  '_codecs.encode', 'collections.OrderedDict',
  // numpy arrays and dtypes (numpy 2 moved the modules to numpy._core)
  'numpy.dtype', 'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct',
  'numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer',
]);
/** Reconstruction helpers that precede the real class; kept on the stack so that the class is named. */
const HELPERS = new Set([
  'copy_reg._reconstructor', 'copyreg._reconstructor', 'copyreg.__newobj__', 'numpy.ndarray',
]);
const LATIN1 = new Set(['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1']);
const unsupportedClass = (name: string) =>
  new Unsupported(`pickled ${name} object; h5traj does not unpickle arbitrary classes`, name);

/**
 * Calls a caller adds to the whitelist for one decoding (e.g. pandas' date offsets): each takes
 * the decoded arguments (ints as numbers, booleans, strings) and returns a plain value, or
 * undefined when it does not recognize them.
 */
export type PickleCalls = ReadonlyMap<string, (args: readonly unknown[]) => string | number | boolean | null | undefined>;

function resolveGlobal(module: string, name: string, extra: PickleCalls | undefined): PyGlobal {
  const full = `${module === '__builtin__' ? 'builtins' : module}.${name}`;
  if (!CALLABLES.has(full) && !HELPERS.has(full) && !extra?.has(full)) throw unsupportedClass(full);
  return new PyGlobal(full);
}

/** Applies a whitelisted callable to already-decoded arguments (REDUCE, NEWOBJ, INST, OBJ). */
function call(fn: unknown, args: unknown[], extra: PickleCalls | undefined): unknown {
  if (!(fn instanceof PyGlobal)) throw new Unsupported(`pickle calls ${describe(fn)}, which is not a class`);
  const bad = () => new Unsupported(`pickled call of ${fn.name} with arguments h5traj does not recognize`, fn.name);
  const own = extra?.get(fn.name);
  if (own) {
    const out = own(args);
    if (out === undefined) throw bad();
    return out;
  }
  const [a, b] = args;
  const num = (x: unknown): number => {
    if (x instanceof PyFloat) return x.v;
    if (typeof x === 'number' || typeof x === 'bigint') return Number(x);
    throw bad();
  };
  switch (fn.name) {
    case 'builtins.set':
    case 'builtins.frozenset': {
      if (args.length > 1 || (a !== undefined && !Array.isArray(a) && !(a instanceof Set))) throw bad();
      const s = new Set(a === undefined ? [] : (a as Iterable<unknown>));
      return fn.name === 'builtins.frozenset' ? markFrozenSet(s) : s;
    }
    case 'builtins.complex':
      if (args.length > 2) throw bad();
      return new Complex(a === undefined ? 0 : num(a), b === undefined ? 0 : num(b));
    case 'builtins.bytes':
    case 'builtins.bytearray':
    case '_codecs.encode':
      if (args.length === 0 && fn.name !== '_codecs.encode') return Buffer.alloc(0);
      if (args.length === 1 && Buffer.isBuffer(a) && fn.name !== '_codecs.encode') return Buffer.from(a);
      // CPython writes bytes at protocol < 3 as encode(bytes.decode('latin1'), 'latin1').
      if (args.length === 2 && typeof a === 'string' && typeof b === 'string' && LATIN1.has(b.toLowerCase())
        && !/[^\x00-\xff]/.test(a)) return Buffer.from(a, 'latin1');
      throw bad();
    case 'collections.OrderedDict':
      if (args.length > 0) throw bad();
      return new PyDict(); // items follow as SETITEM(S); h5traj keeps it as a plain dict
    case 'numpy.dtype':
      if (typeof a !== 'string') throw bad();
      return new PyDType(a);
    case 'numpy.core.multiarray._reconstruct':
    case 'numpy._core.multiarray._reconstruct':
      if (!(a instanceof PyGlobal) || a.name !== 'numpy.ndarray') throw bad();
      return new PyArray();
    case 'numpy.core.numeric._frombuffer':
    case 'numpy._core.numeric._frombuffer': {
      const [, , shape, order] = args;
      if (!Buffer.isBuffer(a) || !(b instanceof PyDType) || !isTuple(shape) || (order !== 'C' && order !== 'F')) throw bad();
      const arr = new PyArray();
      Object.assign(arr, { built: true, shape: intsOf(shape, bad), dtype: b, fortran: order === 'F', data: a });
      return arr;
    }
    default:
      throw new Unsupported(`pickle calls ${fn.name}; h5traj does not unpickle arbitrary classes`, fn.name);
  }
}

function intsOf(v: unknown, bad: () => Unsupported): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) throw bad();
  return v as number[];
}

/** Applies a BUILD state: a dtype's byte order, or an ndarray's shape, dtype, order and data. */
function build(obj: unknown, state: unknown): void {
  const bad = () => new Unsupported(`pickle sets the state of a numpy ${obj instanceof PyDType ? 'dtype' : 'array'} in a form h5traj does not recognize`);
  if (obj instanceof PyDType) {
    if (!isTuple(state) || typeof (state as unknown[])[1] !== 'string') throw bad();
    obj.order = (state as unknown[])[1] as string;
    return;
  }
  if (obj instanceof PyArray && !obj.built) {
    if (!isTuple(state)) throw bad();
    const parts = state as unknown[];
    const [shape, dtype, fortran, data] = parts.length === 5 ? parts.slice(1) : parts;
    if (!(dtype instanceof PyDType) || typeof fortran !== 'boolean') throw bad();
    Object.assign(obj, { built: true, shape: intsOf(shape, bad), dtype, fortran, data });
    return;
  }
  throw new Unsupported('pickle sets object state (BUILD), which h5traj does not apply');
}

/** Describes a JS value, or an intermediate decoding form in Python terms, for messages. */
function describe(v: unknown): string {
  if (v instanceof PyDict) return 'a dict';
  if (v instanceof PyFloat) return 'a float';
  if (v instanceof PyGlobal) return v.name;
  return describePython(v);
}

const INT_LITERAL = /^[+-]?\d+$/;
const FLOAT_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Little-endian two's-complement bytes (LONG1/LONG4) to an integer. */
function decodeLong(b: Buffer): number | bigint {
  if (b.length === 0) return 0;
  let v = BigInt('0x' + Buffer.from(b).reverse().toString('hex'));
  if ((b[b.length - 1] ?? 0) & 0x80) v -= 1n << BigInt(8 * b.length);
  return normalizeInteger(v);
}

/** Runs the pickle machine and returns the raw (intermediate) top-level object. */
function run(buf: Buffer, extra: PickleCalls | undefined): unknown {
  const stack: unknown[] = [];
  const marks: number[] = []; // stack heights at each MARK
  const memo = new Map<number, unknown>();
  let pos = 0;
  let at = 0; // offset of the current opcode, for messages
  let name = '';
  const malformed = (what: string) => new FormatError(`Malformed pickle: ${name} at byte ${at} ${what}.`);
  const truncated = (n: number | bigint) =>
    new FormatError(`Truncated pickle: ${name} at byte ${at} needs ${n} more bytes, but only ${buf.length - pos} remain.`);
  const take = (n: number): Buffer => {
    if (n > buf.length - pos) throw truncated(n);
    pos += n;
    return buf.subarray(pos - n, pos);
  };
  const line = (): Buffer => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new FormatError(`Truncated pickle: ${name} at byte ${at} has no newline-terminated argument.`);
    const b = buf.subarray(pos, end);
    pos = end + 1;
    return b;
  };
  const size8 = (): number => {
    const n = take(8).readBigUInt64LE();
    if (n > BigInt(buf.length - pos)) throw truncated(n);
    return Number(n);
  };
  const floor = () => marks[marks.length - 1] ?? 0;
  const pop = (): unknown => {
    if (stack.length <= floor()) throw malformed('needs an argument, but the stack is empty');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length <= floor()) throw malformed('needs an object to work on, but the stack is empty');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) throw malformed('needs a MARK, but none is open');
    return stack.splice(m);
  };
  const int = (s: string): number | bigint => {
    if (!INT_LITERAL.test(s)) throw malformed(`has an invalid integer literal ${JSON.stringify(s)}`);
    return normalizeInteger(BigInt(s));
  };
  const index = (): number => Number(int(line().toString('latin1')));
  const extend = (items: unknown[]) => {
    const list = top();
    if (!Array.isArray(list) || isTuple(list)) throw malformed(`appends to ${describe(list)}, not to a list`);
    for (const x of items) list.push(x); // not push(...items): a batch may exceed the argument limit
  };
  const setItems = (items: unknown[]) => {
    const dict = top();
    if (!(dict instanceof PyDict)) throw malformed(`sets items on ${describe(dict)}, not on a dict`);
    if (items.length % 2) throw malformed('has a key without a value');
    for (let i = 0; i < items.length; i += 2) dict.pairs.push([items[i], items[i + 1]]);
  };
  const dictOf = (items: unknown[]) => {
    stack.push(new PyDict());
    setItems(items);
  };

  while (pos < buf.length) {
    at = pos;
    const op = buf[pos++] ?? 0;
    name = OP_NAME.get(op) ?? `opcode 0x${op.toString(16).padStart(2, '0')}`;
    switch (op) {
      case OP.PROTO: {
        const p = take(1)[0] ?? 0;
        if (p > 5) throw new FormatError(`Unsupported pickle protocol ${p} at byte ${at}; h5traj reads protocols 0 to 5.`);
        break;
      }
      case OP.FRAME: take(8); break; // frames only group bytes; we read the buffer linearly anyway
      case OP.STOP: return pop();
      case OP.MARK: marks.push(stack.length); break;
      case OP.POP: if (stack.length > floor()) stack.pop(); else popMark(); break;
      case OP.POP_MARK: popMark(); break;
      case OP.DUP: stack.push(top()); break;
      case OP.INT: {
        const s = line().toString('latin1'); // protocol 0 spells booleans as I00 / I01
        stack.push(s === '00' ? false : s === '01' ? true : int(s));
        break;
      }
      case OP.LONG: stack.push(int(line().toString('latin1').replace(/L$/, ''))); break;
      case OP.BININT: stack.push(take(4).readInt32LE()); break;
      case OP.BININT1: stack.push(take(1).readUInt8()); break;
      case OP.BININT2: stack.push(take(2).readUInt16LE()); break;
      case OP.LONG1: stack.push(decodeLong(take(take(1).readUInt8()))); break;
      case OP.LONG4: {
        const n = take(4).readInt32LE();
        if (n < 0) throw malformed(`has a negative length ${n}`);
        stack.push(decodeLong(take(n)));
        break;
      }
      case OP.FLOAT: {
        const s = line().toString('latin1').trim().toLowerCase();
        if (/^[+-]?(inf|infinity)$/.test(s)) stack.push(new PyFloat(s.startsWith('-') ? -Infinity : Infinity));
        else if (/^[+-]?nan$/.test(s)) stack.push(new PyFloat(NaN));
        else if (FLOAT_LITERAL.test(s)) stack.push(new PyFloat(Number(s)));
        else throw malformed(`has an invalid float literal ${JSON.stringify(s)}`);
        break;
      }
      case OP.BINFLOAT: stack.push(new PyFloat(take(8).readDoubleBE())); break;
      case OP.BINUNICODE: stack.push(take(take(4).readUInt32LE()).toString('utf8')); break;
      case OP.SHORT_BINUNICODE: stack.push(take(take(1).readUInt8()).toString('utf8')); break;
      case OP.BINUNICODE8: stack.push(take(size8()).toString('utf8')); break;
      case OP.UNICODE: // raw-unicode-escape: latin-1 text with \uXXXX / \UXXXXXXXX escapes
        try {
          stack.push(line().toString('latin1').replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
            (_m, u: string | undefined, U: string | undefined) => String.fromCodePoint(parseInt(u ?? U ?? '', 16))));
        } catch {
          throw malformed('has an escape beyond the Unicode range');
        }
        break;
      case OP.SHORT_BINBYTES: stack.push(Buffer.from(take(take(1).readUInt8()))); break;
      case OP.BINBYTES: stack.push(Buffer.from(take(take(4).readUInt32LE()))); break;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8: stack.push(Buffer.from(take(size8()))); break;
      // Python 2 `str` (protocols 0–2): decoded as latin-1, which never fails (Python 3 defaults to ASCII).
      case OP.SHORT_BINSTRING: stack.push(take(take(1).readUInt8()).toString('latin1')); break;
      case OP.BINSTRING: {
        const n = take(4).readInt32LE();
        if (n < 0) throw malformed(`has a negative length ${n}`);
        stack.push(take(n).toString('latin1'));
        break;
      }
      case OP.STRING: {
        const s = line().toString('latin1');
        if (s.length < 2 || (s[0] !== '"' && s[0] !== "'") || s[s.length - 1] !== s[0]) throw malformed('has an unquoted string');
        stack.push(s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\s\S])/g, (m, e: string) =>
          e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16))
            : /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8) & 0xff) : (ESCAPES[e] ?? (/['"\\]/.test(e) ? e : m))));
        break;
      }
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.EMPTY_LIST: stack.push([]); break;
      case OP.LIST: stack.push(popMark()); break;
      case OP.APPEND: { const v = pop(); extend([v]); break; }
      case OP.APPENDS: extend(popMark()); break;
      case OP.EMPTY_TUPLE: stack.push(markTuple([])); break;
      case OP.TUPLE: stack.push(markTuple(popMark())); break;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length - floor() < n) throw malformed(`needs ${n} items, but the stack has fewer`);
        stack.push(markTuple(stack.splice(-n)));
        break;
      }
      case OP.EMPTY_DICT: stack.push(new PyDict()); break;
      case OP.DICT: dictOf(popMark()); break;
      case OP.SETITEM: { const v = pop(); const k = pop(); setItems([k, v]); break; }
      case OP.SETITEMS: setItems(popMark()); break;
      case OP.EMPTY_SET: stack.push(new Set()); break;
      case OP.ADDITEMS: {
        const items = popMark();
        const set = top();
        if (!(set instanceof Set) || isFrozenSet(set)) throw malformed(`adds items to ${describe(set)}, not to a set`);
        for (const x of items) set.add(x);
        break;
      }
      case OP.FROZENSET: stack.push(markFrozenSet(new Set(popMark()))); break;
      case OP.PUT: memo.set(index(), top()); break;
      case OP.BINPUT: memo.set(take(1).readUInt8(), top()); break;
      case OP.LONG_BINPUT: memo.set(take(4).readUInt32LE(), top()); break;
      case OP.MEMOIZE: memo.set(memo.size, top()); break;
      case OP.GET:
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const i = op === OP.GET ? index() : op === OP.BINGET ? take(1).readUInt8() : take(4).readUInt32LE();
        if (!memo.has(i)) throw malformed(`reads memo entry ${i}, which was never stored`);
        stack.push(memo.get(i));
        break;
      }
      case OP.GLOBAL: {
        const module = line().toString('utf8');
        stack.push(resolveGlobal(module, line().toString('utf8'), extra));
        break;
      }
      case OP.STACK_GLOBAL: {
        const n = pop();
        const m = pop();
        if (typeof m !== 'string' || typeof n !== 'string') throw malformed('needs a module and a name as strings');
        stack.push(resolveGlobal(m, n, extra));
        break;
      }
      case OP.INST: {
        const module = line().toString('utf8');
        const cls = resolveGlobal(module, line().toString('utf8'), extra);
        stack.push(call(cls, popMark(), extra));
        break;
      }
      case OP.OBJ: {
        const [cls, ...args] = popMark();
        if (cls === undefined) throw malformed('needs a class after its MARK');
        stack.push(call(cls, args, extra));
        break;
      }
      case OP.REDUCE:
      case OP.NEWOBJ: {
        const args = pop();
        const fn = pop();
        if (!isTuple(args)) throw malformed(`needs an argument tuple, but found ${describe(args)}`);
        stack.push(call(fn, args as unknown[], extra));
        break;
      }
      case OP.NEWOBJ_EX: {
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!isTuple(args) || !(kwargs instanceof PyDict)) throw malformed('needs an argument tuple and a keyword dict');
        if (kwargs.pairs.length) throw new Unsupported('pickle passes keyword arguments to a constructor');
        stack.push(call(cls, args as unknown[], extra));
        break;
      }
      case OP.BUILD: { const state = pop(); build(top(), state); break; }
      case OP.PERSID:
      case OP.BINPERSID: throw new Unsupported('pickle refers to persistent IDs, which h5traj cannot resolve');
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4: throw new Unsupported('pickle names classes through the copyreg extension registry');
      case OP.NEXT_BUFFER:
      case OP.READONLY_BUFFER: throw new Unsupported('pickle uses out-of-band buffers (protocol 5)');
      default:
        throw new FormatError(`Malformed pickle: unknown opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}.`);
    }
  }
  throw new FormatError(`Truncated pickle: it ends at byte ${buf.length} without a STOP opcode.`);
}

const scalarOf = (value: unknown, scalar: ScalarType): TypedValue => ({ value, type: { kind: 'scalar', scalar } });

/** Turns intermediate forms into value-model values, inferring the type on the way. */
function finalize(v: unknown, active: Set<object>, done: Map<object, TypedValue>): TypedValue {
  if (v instanceof PyFloat) return scalarOf(v.v, 'float');
  if (typeof v === 'number' || typeof v === 'bigint') return scalarOf(v, 'int');
  if (typeof v === 'boolean') return scalarOf(v, 'bool');
  if (typeof v === 'string') return scalarOf(v, 'str');
  if (Buffer.isBuffer(v)) return scalarOf(v, 'bytes');
  if (v instanceof Complex) return scalarOf(v, 'complex');
  if (v === null || typeof v !== 'object') return { value: null, type: { kind: 'none' } };
  if (v instanceof PyGlobal) throw new Unsupported(`pickle holds a reference to ${v.name} itself`, v.name);
  if (v instanceof PyDType) throw new Unsupported(`pickle holds the numpy dtype '${v.str}' itself`, 'numpy.dtype');
  const cached = done.get(v);
  if (cached) return cached; // shared references stay shared (and cannot blow up exponentially)
  if (active.has(v)) throw new Unsupported('pickle holds a structure that contains itself; h5traj values cannot be recursive');
  active.add(v);
  const sub = (x: unknown) => finalize(x, active, done);
  let out: TypedValue;
  if (Array.isArray(v)) {
    const parts = v.map(sub);
    const kind = isTuple(v) ? 'tuple' : 'list';
    const value = parts.map((p) => p.value);
    const scalars = parts.map((p) => (p.type.kind === 'scalar' ? p.type.scalar : null));
    const first = scalars[0];
    const type: ValueType = first === undefined ? { kind, scalar: null }
      : first !== null && scalars.every((s) => s === first) ? { kind, scalar: first } : { kind: 'object' };
    out = { value: kind === 'tuple' ? markTuple(value) : value, type };
  } else if (v instanceof PyDict) {
    const pairs = v.pairs.map(([k, x]) => [sub(k), sub(x)] as const);
    if (pairs.every(([k]) => typeof k.value === 'string')) {
      out = {
        value: Object.fromEntries(pairs.map(([k, x]) => [k.value, x.value])),
        type: { kind: 'dict', entries: Object.fromEntries(pairs.map(([k, x]) => [k.value, x.type])) },
      };
    } else {
      out = { value: new Map(pairs.map(([k, x]) => [k.value, x.value])), type: { kind: 'object' } };
    }
  } else if (v instanceof PyArray) {
    out = finalizeArray(v, sub);
  } else if (v instanceof Set) {
    const s = new Set([...v].map((x) => sub(x).value));
    out = { value: isFrozenSet(v) ? markFrozenSet(s) : s, type: { kind: 'object' } };
  } else {
    throw new FormatError(`Malformed pickle: it produced ${describeJs(v)}, which is no Python value.`);
  }
  active.delete(v);
  done.set(v, out);
  return out;
}

/** numpy type codes (kind + item size) of the dtypes an NDArray holds. */
const NUMPY_DTYPES: Record<string, ArrayDType> = {
  i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
  f4: 'float32', f8: 'float64', b1: 'bool', c8: 'complex64', c16: 'complex128',
};

/** A decoded ndarray: object arrays as {@link PickledObjectArray}, numeric ones as {@link NDArray}. */
function finalizeArray(a: PyArray, sub: (x: unknown) => TypedValue): TypedValue {
  const dtype = a.dtype;
  if (!a.built || !dtype) throw new Unsupported('pickle holds a numpy array whose state was never set');
  const size = a.shape.reduce((x, y) => x * y, 1);
  const code = dtype.str.replace(/^[<>|=]/, '');
  if (code.startsWith('O')) {
    if (!Array.isArray(a.data) || a.data.length !== size) throw new Unsupported(`pickle holds an object array of shape (${a.shape.join(', ')}) without its ${size} elements`);
    return { value: new PickledObjectArray(a.shape, a.data.map(sub)), type: { kind: 'object' } };
  }
  const target = NUMPY_DTYPES[code];
  if (!target) throw new Unsupported(`pickle holds a numpy array of dtype '${dtype.str}', which h5traj cannot read`, 'numpy.ndarray');
  const raw = typeof a.data === 'string' ? Buffer.from(a.data, 'latin1') : a.data;
  const itemSize = Number(code.slice(1));
  if (!Buffer.isBuffer(raw) || raw.length !== size * itemSize) throw new Unsupported(`pickle holds a numpy array of shape (${a.shape.join(', ')}) whose data has the wrong size`);
  if (dtype.order === '>' && itemSize > 1) throw new Unsupported(`pickle holds a big-endian numpy array (dtype '>${code}'), which h5traj cannot read`, 'numpy.ndarray');
  const bytes = a.fortran && a.shape.length > 1 ? fortranToC(raw, a.shape, itemSize) : Buffer.from(raw);
  let data: NDArrayData;
  if (target === 'bool') data = Array.from(bytes, (x) => x !== 0);
  else if (target === 'complex64' || target === 'complex128') {
    const pairs = decodeElements(bytes, complexType(target === 'complex64' ? 4 : 8), size) as { r: number; i: number }[];
    data = pairs.map((c) => new Complex(c.r, c.i));
  } else {
    const t = target.startsWith('float') ? floatType(itemSize as 4 | 8) : intType(itemSize, target.startsWith('int'));
    data = decodeNumeric(bytes, t, size);
  }
  return { value: new NDArray(target, a.shape, data), type: { kind: 'ndarray', dtype: target } };
}

/** Reorders column-major (Fortran) element bytes into row-major (C) order. */
function fortranToC(raw: Buffer, shape: readonly number[], itemSize: number): Buffer {
  const out = Buffer.alloc(raw.length);
  const n = raw.length / itemSize;
  for (let c = 0; c < n; c++) {
    // the C index c as coordinates, then as a Fortran index
    let rest = c;
    let f = 0;
    let stride = 1;
    const coords: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      coords[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    for (let d = 0; d < shape.length; d++) {
      f += coords[d]! * stride;
      stride *= shape[d]!;
    }
    raw.copy(out, c * itemSize, f * itemSize, (f + 1) * itemSize);
  }
  return out;
}

/**
 * Decodes a pickle (protocols 0–5) without executing anything.
 *
 * Python dicts with str keys become plain objects (`dict` type with inferred entry types; other
 * keys give a `Map`), lists arrays, tuples {@link markTuple}ed arrays, sets and frozensets `Set`s,
 * ints `number` or `bigint`, bytes and bytearray `Buffer`s, complex {@link Complex}, OrderedDict a
 * plain dict. Bytes after STOP are ignored (fixed-length HDF5 strings pad pickles with NULs). A class
 * outside the whitelist, or a recursive structure, gives
 * `{ value: null, type: { kind: 'unsupported', reason, pyclass } }`.
 *
 * Python floats become `number`s, so 2.0 and 2 look alike in JS: the returned type keeps the
 * difference for scalars, homogeneous lists/tuples and dict entries (pass it back to
 * `encodePickle` (encode.ts) / `pythonRepr`); inside content typed `object` (mixed lists, sets,
 * non-str-keyed dicts) an integral float reads back as an int. JS objects also list integer-like
 * keys (`'1'`) first, whatever the Python order was. `calls` whitelists more callables for this
 * decoding, each turning its arguments into a plain value.
 * @throws FormatError when the bytes are not a well-formed pickle (message names the byte offset).
 */
export function decodePickle(bytes: Buffer, calls?: PickleCalls): TypedValue {
  try {
    return finalize(run(bytes, calls), new Set(), new Map());
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    const type: ValueType = { kind: 'unsupported', reason: e.reason };
    if (e.pyclass !== undefined) type.pyclass = e.pyclass;
    return { value: null, type };
  }
}
