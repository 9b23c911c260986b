/**
 * Writing Python pickles for pypet's `PickleParameter` / `PickleResult`.
 *
 * Covers JSON-like values plus the Python types the value model has (bigint, Buffer, Set,
 * Complex, tuples, frozensets). JavaScript has one number type, so a `number` is written as a
 * Python `int` when it is a safe integer and as a `float` otherwise, unless a type hint (a
 * {@link ValueType}, or a `typed(x, 'float')` wrapper) says otherwise. Bytes follow what CPython
 * does: protocol 2 writes `_codecs.encode(str, 'latin1')` (`bytes()` when empty), protocol 3+
 * writes BINBYTES.
 */
import { InvalidArgumentError, TypeMismatchError } from '../../../../errors.js';
import { isPlainObject } from '../../../../values/coerce.js';
import { isFrozenSet, isTuple, Typed } from '../../../../values/markers.js';
import { pythonRepr } from '../../../../values/python-repr.js';
import { childHint, Complex, COMPLEX_TYPES, FLOAT_TYPES, INT_TYPES, type ValueType } from '../../../../values/types.js';
import { describePython as describe, OP } from './opcodes.js';

/** Whether Python can hash the value (set elements and dict keys must be hashable). */
function hashable(v: unknown): boolean {
  if (v instanceof Typed) return hashable(v.value);
  if (Array.isArray(v)) return isTuple(v) && v.every(hashable);
  return v === null || ['boolean', 'number', 'bigint', 'string'].includes(typeof v) || Buffer.isBuffer(v)
    || v instanceof Complex || isFrozenSet(v);
}

/** `value.a`, `value["odd key"]`, or `value[(1, 2)]` for a Map key: where a bad part sits. */
const keyPath = (path: string, k: unknown) =>
  typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}`
    : `${path}[${typeof k === 'string' ? JSON.stringify(k) : pythonRepr(k)}]`;

/**
 * Writes a pickle that Python's `pickle.loads` reads as the natural Python value.
 *
 * Supported: null (None), boolean, number (int when a safe integer and not -0, else float), bigint
 * (int), string (str), Buffer (bytes), arrays (list), {@link markTuple}ed arrays (tuple), plain
 * objects (dict with str keys), Map (dict with hashable keys), Set (set, or frozenset when
 * {@link markFrozenSet}ed), {@link Complex} (complex), and `typed(x, dtype)` wrappers. `type`, for
 * instance the type `decodePickle` (decode.ts) returned, decides int / float / complex for numbers.
 * Protocol 2 (pypet's default) to 5; no memo or framing is written, as neither is required.
 * @throws TypeMismatchError naming the path of a value that cannot be pickled (`value.a[2] is a Function`).
 */
export function encodePickle(value: unknown, protocol = 2, type?: ValueType): Buffer {
  if (!Number.isInteger(protocol) || protocol < 2 || protocol > 5) {
    throw new InvalidArgumentError(`Pickle protocol ${protocol} is not supported for writing; use 2 to 5.`);
  }
  const out: Buffer[] = [];
  const op = (...b: number[]): void => { out.push(Buffer.from(b)); };
  const sized = (code: number, width: 1 | 4, b: Buffer) => {
    const head = Buffer.alloc(1 + width);
    head[0] = code;
    if (width === 1) head.writeUInt8(b.length, 1); else head.writeUInt32LE(b.length, 1);
    out.push(head, b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    if (protocol >= 4 && b.length < 256) sized(OP.SHORT_BINUNICODE, 1, b); else sized(OP.BINUNICODE, 4, b);
  };
  const global = (module: string, name: string) => {
    if (protocol >= 4) { str(module); str(name); op(OP.STACK_GLOBAL); return; }
    // protocol 2 uses Python 2 module names, as CPython's fix_imports does
    out.push(Buffer.from(`c${protocol < 3 && module === 'builtins' ? '__builtin__' : module}\n${name}\n`, 'utf8'));
  };
  const int = (v: bigint) => {
    if (v >= 0n && v < 0x100n) return op(OP.BININT1, Number(v));
    if (v >= 0n && v < 0x10000n) return op(OP.BININT2, Number(v & 0xffn), Number(v >> 8n));
    const b: number[] = [];
    if (v >= -(2n ** 31n) && v < 2n ** 31n) {
      for (let i = 0; i < 4; i++) b.push(Number((v >> BigInt(8 * i)) & 0xffn));
      return op(OP.BININT, ...b);
    }
    // minimal little-endian two's complement, as CPython's encode_long
    for (let x = v; ; x >>= 8n) {
      const byte = Number(x & 0xffn);
      b.push(byte);
      if ((x >> 8n === 0n && !(byte & 0x80)) || (x >> 8n === -1n && byte & 0x80)) break;
    }
    if (b.length < 256) sized(OP.LONG1, 1, Buffer.from(b)); else sized(OP.LONG4, 4, Buffer.from(b));
  };
  const float = (v: number) => {
    const b = Buffer.alloc(9);
    b[0] = OP.BINFLOAT;
    b.writeDoubleBE(v, 1);
    out.push(b);
  };
  const complex = (c: Complex) => {
    global('builtins', 'complex');
    float(c.re);
    float(c.im);
    op(OP.TUPLE2, OP.REDUCE);
  };
  const mismatch = (msg: string) => new TypeMismatchError(msg);

  const write = (v: unknown, path: string, hint: ValueType | undefined, active: Set<object>): void => {
    if (v instanceof Typed) return write(v.value, path, { kind: 'scalar', scalar: v.dtype }, active);
    if (v === null) return op(OP.NONE);
    if (typeof v === 'boolean') return op(v ? OP.NEWTRUE : OP.NEWFALSE);
    if (typeof v === 'bigint') return int(v);
    if (typeof v === 'number') {
      const s = hint?.kind === 'scalar' ? hint.scalar : undefined;
      if (s !== undefined && INT_TYPES.has(s)) {
        if (!Number.isInteger(v)) throw mismatch(`${path} is ${v}, which is not an integer, but its type is ${s}.`);
        return int(BigInt(v));
      }
      if (s !== undefined && FLOAT_TYPES.has(s)) return float(v);
      if (s !== undefined && COMPLEX_TYPES.has(s)) return complex(new Complex(v, 0));
      if (s !== undefined) throw mismatch(`${path} is the number ${v}, but its type is ${s}.`);
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? int(BigInt(v)) : float(v);
    }
    if (typeof v === 'string') {
      if (/\p{Cs}/u.test(v)) throw mismatch(`${path} holds a lone UTF-16 surrogate, which a pickle cannot carry as text.`);
      return str(v);
    }
    if (Buffer.isBuffer(v)) {
      if (protocol >= 3) return sized(v.length < 256 ? OP.SHORT_BINBYTES : OP.BINBYTES, v.length < 256 ? 1 : 4, v);
      if (v.length === 0) { global('builtins', 'bytes'); return op(OP.EMPTY_TUPLE, OP.REDUCE); }
      global('_codecs', 'encode'); // what CPython writes for bytes at protocol 2
      str(v.toString('latin1'));
      str('latin1');
      return op(OP.TUPLE2, OP.REDUCE);
    }
    if (v instanceof Complex) return complex(v);
    const container = Array.isArray(v) || v instanceof Set || v instanceof Map || isPlainObject(v);
    if (!container) throw mismatch(`${path} is ${describe(v)}, which encodePickle cannot write (only JSON-like values, bigint, Buffer, Set, Map, Complex).`);
    if (active.has(v)) throw mismatch(`${path} contains itself; a pickle written by h5traj cannot be recursive.`);
    active.add(v);
    const each = (items: Iterable<unknown>, paths: (i: number) => string, keyOf?: (i: number) => string | number) => {
      let i = 0;
      for (const x of items) {
        write(x, paths(i), keyOf ? childHint(hint, keyOf(i)) : undefined, active);
        i++;
      }
    };
    const needHash = (x: unknown, p: string) => {
      if (!hashable(x)) throw mismatch(`${p} is ${describe(x)}, which Python cannot hash for a set element or dict key (use a tuple for an array).`);
    };
    if (Array.isArray(v)) {
      const paths = (i: number) => `${path}[${i}]`;
      if (!isTuple(v)) {
        op(OP.EMPTY_LIST);
        if (v.length) { op(OP.MARK); each(v, paths, (i) => i); op(OP.APPENDS); }
      } else if (v.length >= 1 && v.length <= 3) {
        each(v, paths, (i) => i);
        op(OP.TUPLE1 + v.length - 1);
      } else if (v.length === 0) op(OP.EMPTY_TUPLE);
      else { op(OP.MARK); each(v, paths, (i) => i); op(OP.TUPLE); }
    } else if (v instanceof Set) {
      const items = [...v];
      items.forEach((x, i) => needHash(x, `${path}[${i}]`));
      const paths = (i: number) => `${path}[${i}]`;
      const frozen = isFrozenSet(v);
      if (protocol >= 4) {
        if (frozen) { op(OP.MARK); each(items, paths); op(OP.FROZENSET); } else {
          op(OP.EMPTY_SET);
          if (items.length) { op(OP.MARK); each(items, paths); op(OP.ADDITEMS); }
        }
      } else { // CPython < 4: set(list) / frozenset(list) through REDUCE
        global('builtins', frozen ? 'frozenset' : 'set');
        op(OP.EMPTY_LIST);
        if (items.length) { op(OP.MARK); each(items, paths); op(OP.APPENDS); }
        op(OP.TUPLE1, OP.REDUCE);
      }
    } else {
      const pairs: [unknown, unknown][] = v instanceof Map ? [...v] : Object.entries(v as Record<string, unknown>);
      op(OP.EMPTY_DICT);
      if (pairs.length) {
        op(OP.MARK);
        for (const [k, x] of pairs) {
          const p = keyPath(path, k);
          needHash(k, `${p} (key)`);
          write(k, `${p} (key)`, undefined, active);
          write(x, p, typeof k === 'string' ? childHint(hint, k) : undefined, active);
        }
        op(OP.SETITEMS);
      }
    }
    active.delete(v);
  };

  op(OP.PROTO, protocol);
  write(value, 'value', type, new Set());
  op(OP.STOP);
  return Buffer.concat(out);
}
