import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePickle } from '../../../src/storage/hdf5/layout/pickle/decode.js';
import { encodePickle } from '../../../src/storage/hdf5/layout/pickle/encode.js';
import { pythonRepr } from '../../../src/values/python-repr.js';
import { isFrozenSet, isTuple, markFrozenSet, markTuple, tuple, typed } from '../../../src/values/markers.js';
import { NDArray } from '../../../src/values/ndarray.js';
import { Complex, normalizeInteger, type ValueType } from '../../../src/values/types.js';
import { FormatError, InvalidArgumentError, TypeMismatchError } from '../../../src/errors.js';
import { python } from '../../helpers.js';

// Fixtures are made by scripts/gen-pickle-fixtures.py with CPython's own pickle module.
const DIR = fileURLToPath(new URL('../../fixtures/pickles/', import.meta.url));
const fixture = (file: string) => readFileSync(join(DIR, file));
interface Case { files: string[]; repr?: string; value?: unknown; unsupported?: string }
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { cases: Record<string, Case> };

/** The generator's tagged JSON back to h5traj's JS values. */
function untag(t: unknown): unknown {
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map(untag);
  const [[tagName, v]] = Object.entries(t) as [[string, unknown]];
  const float = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
  switch (tagName) {
    case 'int': return normalizeInteger(BigInt(v as string));
    case 'float': return float(v as string);
    case 'complex': return new Complex(float((v as string[])[0] ?? ''), float((v as string[])[1] ?? ''));
    case 'bytes': return Buffer.from(v as string, 'hex');
    case 'tuple': return markTuple((v as unknown[]).map(untag));
    case 'set': return new Set((v as unknown[]).map(untag));
    case 'frozenset': return markFrozenSet(new Set((v as unknown[]).map(untag)));
    case 'dict': {
      const pairs = (v as [unknown, unknown][]).map(([k, x]) => [untag(k), untag(x)] as const);
      return pairs.every(([k]) => typeof k === 'string') ? Object.fromEntries(pairs) : new Map(pairs);
    }
    default: throw new Error(`unknown tag ${tagName}`);
  }
}

/** Python's repr of each pickle, loaded by CPython's own pickle.loads. */
function pythonLoads(pickles: Buffer[]): string[] {
  const code = 'import json,pickle,sys\n'
    + 'print(json.dumps([repr(pickle.loads(bytes.fromhex(h))) for h in json.load(sys.stdin)]))';
  const out = python(['-c', code], { input: JSON.stringify(pickles.map((b) => b.toString('hex'))) });
  return JSON.parse(out) as string[];
}

// ---------------------------------------------------------------------------------------------
// Decoding CPython's pickles

test('decodes every fixture written by CPython (protocols 0 to 5) to the expected value and repr', () => {
  let count = 0;
  for (const [name, c] of Object.entries(expected.cases)) {
    for (const file of c.files) {
      const got = decodePickle(fixture(file));
      count++;
      if (c.unsupported !== undefined) {
        assert.is(got.type.kind, 'unsupported', file);
        assert.is(got.value, null, file);
        const pyclass = got.type.kind === 'unsupported' ? got.type.pyclass ?? '' : '';
        assert.ok(pyclass.startsWith(c.unsupported), `${file}: pyclass ${pyclass}`);
        continue;
      }
      assert.equal(got.value, untag(c.value), `${name}: ${file}`);
      assert.is(pythonRepr(got.value, got.type), c.repr, `${file}`);
    }
  }
  assert.ok(count > 200, `only ${count} fixtures`);
});

test('pypet reference file: the pickled dict, set and fraction', () => {
  const obj = decodePickle(fixture('pypet_obj.bin'));
  assert.equal(obj, {
    value: { a: 1, b: [1, 2] },
    type: { kind: 'dict', entries: { a: { kind: 'scalar', scalar: 'int' }, b: { kind: 'list', scalar: 'int' } } },
  });
  const set = decodePickle(fixture('pypet_set.bin'));
  assert.equal(set.value, new Set([1, 2, 3]));
  assert.is(pythonRepr(set.value), '{1, 2, 3}'); // what the pypet manifest shows
  assert.equal(decodePickle(fixture('pypet_fraction.bin')), {
    value: null,
    type: {
      kind: 'unsupported',
      reason: 'pickled fractions.Fraction object; h5traj does not unpickle arbitrary classes',
      pyclass: 'fractions.Fraction',
    },
  });
});

test('bytes after STOP are ignored (fixed-length HDF5 strings pad with NULs)', () => {
  const padded = Buffer.concat([fixture('pypet_obj.bin'), Buffer.alloc(13)]);
  assert.equal(decodePickle(padded).value, { a: 1, b: [1, 2] });
});

test('inferred types: scalars, homogeneous lists, dict entries; mixed content is object', () => {
  const type = (name: string, p = 2) => decodePickle(fixture(`${name}.p${p}.bin`)).type;
  assert.equal(type('float'), { kind: 'scalar', scalar: 'float' });
  assert.equal(type('int_huge'), { kind: 'scalar', scalar: 'int' });
  assert.equal(type('none'), { kind: 'none' });
  assert.equal(type('complex', 4), { kind: 'scalar', scalar: 'complex' });
  assert.equal(type('bytes', 2), { kind: 'scalar', scalar: 'bytes' });
  assert.equal(type('floats', 5), { kind: 'list', scalar: 'float' });
  assert.equal(type('int_edges', 0), { kind: 'list', scalar: 'int' });
  assert.equal(type('tuple_empty'), { kind: 'tuple', scalar: null });
  assert.equal(type('tuple'), { kind: 'object' });
  assert.equal(type('set'), { kind: 'object' });
  assert.equal(type('dict_nonstr_keys'), { kind: 'object' });
  assert.equal(type('dict', 3), {
    kind: 'dict',
    entries: {
      a: { kind: 'scalar', scalar: 'int' }, b: { kind: 'list', scalar: 'int' },
      c: { kind: 'dict', entries: { d: { kind: 'scalar', scalar: 'str' } } }, f: { kind: 'scalar', scalar: 'float' },
      g: { kind: 'none' }, h: { kind: 'scalar', scalar: 'bool' }, 'with space': { kind: 'scalar', scalar: 'bytes' },
    },
  });
});

test('JS forms: bigint beyond 2^53, tuples marked, frozensets marked, Maps for non-str keys, shared refs', () => {
  const edges = decodePickle(fixture('int_edges.p2.bin')).value as unknown[];
  assert.is(edges[10], 2n ** 53n + 1n);
  assert.is(edges[7], 2 ** 31 - 1);
  assert.ok(isTuple(decodePickle(fixture('tuple_single.p1.bin')).value));
  assert.ok(isFrozenSet(decodePickle(fixture('frozenset.p4.bin')).value));
  assert.ok(!isFrozenSet(decodePickle(fixture('set.p4.bin')).value));
  assert.instance(decodePickle(fixture('dict_nonstr_keys.p3.bin')).value, Map);
  const shared = decodePickle(fixture('shared_refs.p2.bin')).value as unknown[][];
  assert.ok(shared[0] === shared[1]);
});

// ---------------------------------------------------------------------------------------------
// Safety: nothing outside the whitelist is built or run

test('a non-whitelisted global is reported, never called', () => {
  const marker = join(tmpdir(), `h5traj-pickle-${process.pid}`);
  rmSync(marker, { force: true });
  const evil = Buffer.from(`cos\nsystem\n(S'touch ${marker}'\ntR.`, 'latin1');
  const got = decodePickle(evil);
  assert.is(got.type.kind, 'unsupported');
  assert.is(got.type.kind === 'unsupported' && got.type.pyclass, 'os.system');
  assert.is(decodePickle(Buffer.from('\x80\x04\x8c\x08builtins\x8c\x04eval\x93.', 'latin1')).type.kind, 'unsupported');
  assert.ok(!existsSync(marker));
});

test('whitelisted callables with unexpected arguments, BUILD and persistent IDs are unsupported, not errors', () => {
  const kind = (s: string) => decodePickle(Buffer.from(s, 'latin1')).type.kind;
  assert.is(kind('\x80\x02c__builtin__\nbytes\nK\x05\x85R.'), 'unsupported'); // bytes(5)
  assert.is(kind('\x80\x02c__builtin__\ncomplex\nX\x01\x00\x00\x00x\x85R.'), 'unsupported');
  assert.is(kind('\x80\x02c__builtin__\nset\n)R}b.'), 'unsupported');
  assert.is(kind('\x80\x02X\x01\x00\x00\x00xQ.'), 'unsupported');
  assert.is(kind('\x80\x02c__builtin__\nset\n.'), 'unsupported'); // the class itself
});

// ---------------------------------------------------------------------------------------------
// Malformed input

test('malformed and truncated pickles throw FormatError saying what and where', () => {
  const bad = (bytes: Buffer, re: RegExp) =>
    assert.throws(() => decodePickle(bytes), (e: Error) => e instanceof FormatError && re.test(e.message), re.source);
  const hello = encodePickle('hello', 3);
  bad(hello.subarray(0, hello.length - 4), /^Truncated pickle: BINUNICODE at byte 2 needs 5 more bytes, but only 2 remain\.$/);
  bad(hello.subarray(0, hello.length - 1), /ends at byte 12 without a STOP opcode/);
  bad(Buffer.alloc(0), /without a STOP opcode/);
  bad(Buffer.from([0x80, 0x02, 0xff]), /^Malformed pickle: unknown opcode 0xff at byte 2\.$/);
  bad(Buffer.from('\x80\x02a.', 'latin1'), /APPEND at byte 2 .*stack is empty/);
  bad(Buffer.from('\x80\x02K\x01a.', 'latin1'), /APPEND at byte 4 .*stack is empty/);
  bad(Buffer.from('\x80\x02K\x01K\x02a.', 'latin1'), /APPEND at byte 6 appends to the number 1, not to a list/);
  bad(Buffer.from('\x80\x02h\x07.', 'latin1'), /BINGET at byte 2 reads memo entry 7, which was never stored/);
  bad(Buffer.from('\x80\x06N.', 'latin1'), /Unsupported pickle protocol 6 at byte 0/);
  bad(Buffer.from('Iabc\n.', 'latin1'), /INT at byte 0 has an invalid integer literal "abc"/);
  bad(Buffer.from('\x80\x02e.', 'latin1'), /APPENDS at byte 2 needs a MARK/);
  bad(Buffer.from('\x80\x04\x8d\xff\xff\xff\xff\x00\x00\x00\x00x.', 'latin1'), /Truncated pickle: BINUNICODE8 at byte 2/);
  bad(Buffer.from('\x80\x02cfractions', 'latin1'), /GLOBAL at byte 2 has no newline-terminated argument/);
});

// ---------------------------------------------------------------------------------------------
// Encoding, checked by CPython

const ENCODE_CASES: [unknown, string][] = [
  [null, 'None'], [true, 'True'], [false, 'False'],
  [0, '0'], [255, '255'], [256, '256'], [65535, '65535'], [65536, '65536'], [-1, '-1'], [-256, '-256'],
  [2 ** 31 - 1, '2147483647'], [-(2 ** 31), '-2147483648'], [2 ** 31, '2147483648'], [-(2 ** 31) - 1, '-2147483649'],
  [Number.MAX_SAFE_INTEGER, '9007199254740991'], [-Number.MAX_SAFE_INTEGER, '-9007199254740991'],
  [2 ** 53, '9007199254740992.0'], // not a safe integer: written as float
  [1.5, '1.5'], [-0, '-0.0'], [0.1, '0.1'], [1e300, '1e+300'], [1e-5, '1e-05'], [1e16, '1e+16'],
  [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
  [2n ** 64n, '18446744073709551616'], [-(2n ** 64n), '-18446744073709551616'], [-(2n ** 63n), '-9223372036854775808'],
  [2n ** 2100n, (2n ** 2100n).toString()], [5n, '5'], [-128n, '-128'], [127n, '127'], [-32769n, '-32769'],
  ['', "''"], ['héllo ✓ 𝄞', "'héllo ✓ 𝄞'"], ["it's", '"it\'s"'], ['both \' and "', "'both \\' and \"'"],
  ['tab\tnew\nline\\ \x00\x7f\u2028', "'tab\\tnew\\nline\\\\ \\x00\\x7f\\u2028'"], ['x'.repeat(300), `'${'x'.repeat(300)}'`],
  [Buffer.from([0, 1, 0xff, 0x27]), "b\"\\x00\\x01\\xff'\""], [Buffer.alloc(0), "b''"],
  [Buffer.alloc(300, 0x61), `b'${'a'.repeat(300)}'`], [Buffer.from('é', 'utf8'), "b'\\xc3\\xa9'"],
  [new Complex(1, -2), '(1-2j)'], [new Complex(0, 1), '1j'], [new Complex(-0, 0), '(-0+0j)'], [new Complex(1.5, NaN), '(1.5+nanj)'],
  [[], '[]'], [[1, 'a', null, [2.5, []]], "[1, 'a', None, [2.5, []]]"],
  [tuple(), '()'], [tuple(1), '(1,)'], [tuple(1, 2), '(1, 2)'], [tuple(1, 2, 3), '(1, 2, 3)'], [tuple(1, 2, 3, 4), '(1, 2, 3, 4)'],
  [{}, '{}'], [{ a: 1, 'with space': [1, 2.5], nested: { b: tuple('x') } }, "{'a': 1, 'with space': [1, 2.5], 'nested': {'b': ('x',)}}"],
  [new Set([1, 2, 3]), '{1, 2, 3}'], [new Set(), 'set()'], [new Set([tuple(1, 2)]), '{(1, 2)}'],
  [markFrozenSet(new Set([1])), 'frozenset({1})'], [markFrozenSet(new Set()), 'frozenset()'],
  [new Map<unknown, unknown>([[1, 'a'], [tuple(1, 2), null], [markFrozenSet(new Set([3])), 1]]), "{1: 'a', (1, 2): None, frozenset({3}): 1}"],
  [Array.from({ length: 1500 }, (_, i) => i), `[${Array.from({ length: 1500 }, (_, i) => i).join(', ')}]`],
];

for (const protocol of [2, 3, 4, 5]) {
  test(`protocol ${protocol}: CPython loads what encodePickle writes; pythonRepr and decodePickle agree`, () => {
    const pickles = ENCODE_CASES.map(([v]) => encodePickle(v, protocol));
    assert.is(pickles[0]?.[1], protocol);
    const reprs = pythonLoads(pickles);
    ENCODE_CASES.forEach(([v, repr], i) => {
      const p = pickles[i] as Buffer;
      assert.is(reprs[i], repr, `Python read ${pythonRepr(v)}`);
      assert.is(pythonRepr(v), repr);
      const back = decodePickle(p);
      assert.equal(back.value, typeof v === 'bigint' ? normalizeInteger(v) : v, repr);
      assert.is(pythonRepr(back.value, back.type), repr);
    });
  });
}

test('type hints and typed() decide int / float / complex for numbers', () => {
  const dictType: ValueType = {
    kind: 'dict',
    entries: { x: { kind: 'scalar', scalar: 'float' }, l: { kind: 'list', scalar: 'float' }, c: { kind: 'scalar', scalar: 'complex' } },
  };
  const value = { x: 1, l: [1, 2], c: 3, n: 4 };
  const hinted = encodePickle(value, 2, dictType);
  const plain = encodePickle({ a: typed(3, 'float'), b: typed(7, 'int64'), c: typed([1, 2], 'float64') });
  const floatTop = encodePickle(2, 3, { kind: 'scalar', scalar: 'float' });
  assert.equal(pythonLoads([hinted, plain, floatTop]), [
    "{'x': 1.0, 'l': [1.0, 2.0], 'c': (3+0j), 'n': 4}", "{'a': 3.0, 'b': 7, 'c': [1.0, 2.0]}", '2.0',
  ]);
  // decoding keeps the distinction in the type, so a decode → encode cycle is faithful
  const back = decodePickle(hinted);
  assert.is(pythonRepr(back.value, back.type), "{'x': 1.0, 'l': [1.0, 2.0], 'c': (3+0j), 'n': 4}");
  assert.equal(decodePickle(encodePickle(back.value, 4, back.type)), back);
  assert.throws(() => encodePickle(1.5, 2, { kind: 'scalar', scalar: 'int' }), /value is 1\.5, which is not an integer/);
  assert.throws(() => encodePickle(1, 2, { kind: 'scalar', scalar: 'str' }), (e: Error) => e instanceof TypeMismatchError);
});

test('values encodePickle refuses, with the path of the offending part', () => {
  const refuses = (v: unknown, re: RegExp) =>
    assert.throws(() => encodePickle(v), (e: Error) => e instanceof TypeMismatchError && re.test(e.message), re.source);
  refuses({ a: [1, 2, () => 1] }, /^value\.a\[2\] is a Function/);
  refuses({ 'odd key': new Date(0) }, /^value\["odd key"\] is a Date/);
  refuses([Symbol('s')], /^value\[0\] is a Symbol/);
  refuses({ x: undefined }, /^value\.x is undefined/);
  refuses({ arr: NDArray.fromNested([1, 2]) }, /^value\.arr is an ndarray of float64/);
  refuses(new Float64Array(2), /^value is a Float64Array/);
  refuses(new Set([[1, 2]]), /^value\[0\] is a list, which Python cannot hash/);
  refuses(new Map([[[1], 1]]), /cannot hash/);
  refuses('\ud800', /lone UTF-16 surrogate/);
  const cyclic: unknown[] = [1];
  cyclic.push({ back: cyclic });
  refuses(cyclic, /^value\[1\]\.back contains itself/);
  assert.throws(() => encodePickle(1, 1), (e: Error) => e instanceof InvalidArgumentError);
  assert.throws(() => encodePickle(1, 6), (e: Error) => e instanceof InvalidArgumentError);
});

test('pythonRepr: floats, strings and bytes as Python prints them', () => {
  const cases: [unknown, string][] = [
    [1234567890123456.0, '1234567890123456'], [0.0001, '0.0001'], [1e-7, '1e-07'], [123.456, '123.456'],
    [-2.5e-300, '-2.5e-300'], [1.7976931348623157e308, '1.7976931348623157e+308'],
  ];
  for (const [v, r] of cases) assert.is(pythonRepr(v), r);
  assert.is(pythonRepr(1234567890123456.0, { kind: 'scalar', scalar: 'float' }), '1234567890123456.0');
  assert.is(pythonRepr(3, { kind: 'scalar', scalar: 'complex' }), '(3+0j)');
  const floats = [1.0, 123.456, 1e-7, 1e22, 5e-324, 0.3, 2 / 3, 1e15 + 0.5, 12345678.9];
  const reprs = pythonLoads(floats.map((f) => encodePickle(typed(f, 'float'))));
  floats.forEach((f, i) => assert.is(pythonRepr(f, { kind: 'scalar', scalar: 'float' }), reprs[i]));
});

test.run();
