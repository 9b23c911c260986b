/**
 * Writes a DataFrame or Series the way pandas' HDFStore does in the "fixed" format (what pypet
 * asks pandas for), so that pandas' `read_hdf` and pypet's `f_load` read it back as a DataFrame /
 * Series with the same dtypes: the group marked `SRVC_STORE` = `FRAME`/`SERIES` for pypet, pandas'
 * attributes, the axes (`axis0`/`axis1`, `index`) and one block per column dtype. Object columns
 * (text, mixed values) are one pickled numpy object array in a VLArray, which only the native
 * engine can write.
 *
 * Blocks are written items × rows without pandas' `transposed` flag (which is a PyTables
 * boolean that h5wasm cannot write); pandas reads either form.
 */
import { StorageError, TypeMismatchError } from '../../../errors.js';
import { NDArray } from '../../../values/ndarray.js';
import { type ValueType } from '../../../values/types.js';
import { Column, DataFrame, type FrameDType, Index, type Label, Series } from '../../../values/frame.js';
import { type H5File, type WriteData, joinPath, stringAttr } from '../engine/h5file.js';
import { F64, type H5Type, I64, encodeElements, fixedString } from '../engine/h5types.js';
import { encodePickle } from './pickle/encode.js';
import { pickleOffset } from './pandas-offsets.js';
import { STORE, encodeNDArray } from './typemap.js';
import { maxOf } from '../../../fold.js';

/** pandas writes this format version; its reader accepts it. */
const PANDAS_VERSION = '0.15.2';
const BOOL: H5Type = { class: 'bitfield', size: 1 };

/**
 * Writes `value` (a {@link DataFrame} or {@link Series}) as pandas data at `path` (a new group).
 * @throws StorageError naming `where` for what pandas' fixed format (or this engine) cannot hold:
 * empty frames, object values other than scalars and None, object columns on h5wasm.
 */
export function writePandas(f: H5File, path: string, value: unknown, where: string): void {
  const frame = value instanceof DataFrame;
  if (!frame && !(value instanceof Series)) throw new StorageError(`${where} is marked as pandas data but is neither a DataFrame nor a Series.`, { file: f.path, path });
  const rows = value.index.length;
  const width = frame ? value.columns.size : 1;
  if (rows === 0 || width === 0) {
    throw new StorageError(`${where} is an empty pandas ${frame ? 'DataFrame' : 'Series'}; h5traj writes frames with at least one row and one column.`, { file: f.path, path });
  }
  const w = new Writer(f, path, where);
  f.createGroup(path);
  w.text(path, 'pandas_type', frame ? 'frame' : 'series');
  w.text(path, 'pandas_version', PANDAS_VERSION);
  w.text(path, 'encoding', 'UTF-8');
  w.text(path, 'errors', 'strict');
  if (value instanceof Series) {
    w.label(path, 'name', value.name);
    w.text(path, 'index_variety', 'regular');
    w.axis('index', value.index);
    w.block('values', [value.values], false);
  } else {
    // One block per dtype, as pandas consolidates them; blocks name their columns by label.
    const groups = new Map<FrameDType, { positions: number[]; columns: Column[] }>();
    [...value.columns.values()].forEach((c, i) => {
      const g = groups.get(c.dtype) ?? { positions: [], columns: [] };
      g.positions.push(i);
      g.columns.push(c);
      groups.set(c.dtype, g);
    });
    w.int(path, 'ndim', 2);
    w.int(path, 'nblocks', groups.size);
    w.text(path, 'axis0_variety', 'regular');
    w.text(path, 'axis1_variety', 'regular');
    w.axis('axis0', value.columnLabels);
    w.axis('axis1', value.index);
    [...groups.values()].forEach((g, i) => {
      w.text(path, `block${i}_items_variety`, 'regular');
      w.axis(`block${i}_items`, labelsAt(value.columnLabels, g.positions));
      w.block(`block${i}_values`, g.columns, true);
    });
  }
  f.writeAttr(path, STORE, stringAttr(frame ? 'FRAME' : 'SERIES'));
}

/** The labels at `positions`, as an index of the same dtype as all column labels. */
function labelsAt(all: Index, positions: number[]): Index {
  const c = all.values;
  if (c.dtype === 'object') return new Index(new Column('object', positions.map((i) => c.data[i]), positions.map((i) => c.types![i]!)), all.name);
  const picked = positions.map((i) => c.data[i]);
  const data = Array.isArray(c.data) ? picked : (c.data.constructor as unknown as { from(a: unknown[]): typeof c.data }).from(picked);
  return new Index(new Column(c.dtype, data), all.name);
}

class Writer {
  constructor(
    private readonly f: H5File,
    private readonly path: string,
    private readonly where: string,
  ) {}

  text(path: string, name: string, s: string): void {
    this.f.writeAttr(path, name, stringAttr(s));
  }

  int(path: string, name: string, n: number): void {
    this.f.writeAttr(path, name, { type: I64, shape: [], data: encodeElements([BigInt(n)], I64) });
  }

  /**
   * A name as PyTables stores a Python value: text as text, numbers as numbers, None (and
   * booleans) pickled into bytes ending in '.', which PyTables unpickles.
   */
  label(path: string, name: string, v: Label): void {
    if (typeof v === 'string') return this.text(path, name, v);
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return this.int(path, name, Number(v));
    if (typeof v === 'number') return this.f.writeAttr(path, name, { type: F64, shape: [], data: encodeElements([v], F64) });
    const pickle = v === null ? Buffer.from('N.', 'latin1') : encodePickle(v, 2);
    this.f.writeAttr(path, name, { type: fixedString(pickle.length), shape: [], data: pickle });
  }

  /** An index: its values by kind (`integer`, `float`, `bool`, `datetime64`, `string`, `object`) and its name. */
  axis(key: string, ix: Index): void {
    const node = joinPath(this.path, key);
    const c = ix.values;
    let kind: string;
    if (c.dtype === 'object' && c.types!.every((t) => t.kind === 'scalar' && (t.scalar === 'str' || t.scalar === 'str_'))) {
      kind = 'string';
      const texts = (c.data as string[]).map((s) => Buffer.from(s, 'utf8'));
      const type = fixedString(maxOf(texts, (b) => b.length, 1));
      this.f.createDataset(node, { type, shape: [c.length], data: encodeElements(texts, type, `${this.where}: ${key}`) });
    } else {
      kind = c.dtype === 'object' ? 'object' : c.dtype === 'datetime64[ns]' ? 'datetime64' : c.dtype === 'bool' ? 'bool' : c.dtype.startsWith('float') ? 'float' : 'integer';
      this.values(node, [c], false, `${this.where}: ${key}`);
    }
    this.text(node, 'kind', kind);
    this.label(node, 'name', ix.name);
    if (c.dtype === 'datetime64[ns]') {
      this.text(node, 'index_class', 'datetime');
      const pickle = ix.freq === null ? undefined : pickleOffset(ix.freq);
      if (ix.freq !== null && !pickle) {
        throw new StorageError(`${this.where}: the frequency '${ix.freq}' of its ${key} is not one h5traj writes (D, H, T, S, L, U, N, M, MS with a count).`, { file: this.f.path, path: node });
      }
      if (pickle) this.f.writeAttr(node, 'freq', { type: fixedString(pickle.length), shape: [], data: pickle });
      else this.label(node, 'freq', null);
    }
  }

  /** A block (or a series' values): columns of one dtype, items × rows (`dims2`) or one row. */
  block(key: string, columns: readonly Column[], dims2: boolean): void {
    const node = joinPath(this.path, key);
    this.values(node, columns, dims2, `${this.where}: ${key}`);
    if (columns[0]!.dtype === 'datetime64[ns]') this.text(node, 'value_type', 'datetime64');
  }

  private values(node: string, columns: readonly Column[], dims2: boolean, where: string): void {
    const first = columns[0]!;
    const rows = first.length;
    const shape = dims2 ? [columns.length, rows] : [rows];
    if (first.dtype === 'object') {
      this.f.createByteSequences(node, [pickleObjectArray(shape, columns, where)]);
      // PyTables unpickles the rows of a VLArray only when its atom is marked as an object.
      for (const [name, text] of [['CLASS', 'VLARRAY'], ['VERSION', '1.4'], ['PSEUDOATOM', 'object']] as const) this.text(node, name, text);
      return;
    }
    this.f.createDataset(node, numeric(first.dtype, columns, shape, where));
  }
}

/** The columns' values as one dataset of their dtype (bool as PyTables' 8-bit bitfield, datetimes as int64 ns). */
function numeric(dtype: FrameDType, columns: readonly Column[], shape: number[], where: string): WriteData {
  if (dtype === 'bool') {
    const data = new Uint8Array(columns.flatMap((c) => (c.data as boolean[]).map((b) => (b ? 1 : 0))));
    return { type: BOOL, shape, data };
  }
  const arrayDType = dtype === 'datetime64[ns]' ? 'int64' : dtype;
  const Ctor = (columns[0]!.data as BigInt64Array).constructor as new (n: number) => BigInt64Array;
  const flat = new Ctor(columns.length * (columns[0]!.length));
  columns.forEach((c, i) => flat.set(c.data as BigInt64Array, i * c.length));
  const enc = encodeNDArray(new NDArray(arrayDType as 'int64', shape, flat), where);
  return { type: enc.type, shape, data: enc.data };
}

/** Opcodes of the pickle written here (protocol 2, as CPython writes a numpy object array). */
const OPS = { PROTO2: [0x80, 0x02], MARK: 0x28, TUPLE: 0x74, TUPLE2: 0x86, TUPLE3: 0x87, REDUCE: 0x52, BUILD: 0x62, EMPTY_LIST: 0x5d, APPENDS: 0x65, NONE: 0x4e, TRUE: 0x88, FALSE: 0x89, STOP: 0x2e };

/**
 * `pickle.dumps(np.array(values, dtype=object).reshape(shape), protocol=2)`: numpy's
 * `_reconstruct(ndarray, (0,), b'b')` filled by BUILD with (1, shape, dtype('O8'), False, [items])
 * in C order. Each value is pickled with its own type, so 2.0 stays a float.
 */
export function pickleObjectArray(shape: readonly number[], columns: readonly Column[], where: string): Buffer {
  const parts: Buffer[] = [Buffer.from(OPS.PROTO2)];
  const raw = (...b: number[]) => parts.push(Buffer.from(b));
  const global = (module: string, name: string) => parts.push(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
  const value = (v: unknown, t?: ValueType) => parts.push(encodePickle(v, 2, t).subarray(2, -1)); // without PROTO and STOP
  global('numpy.core.multiarray', '_reconstruct');
  global('numpy', 'ndarray');
  raw(OPS.MARK);
  value(0);
  raw(OPS.TUPLE);
  global('_codecs', 'encode');
  value('b');
  value('latin1');
  raw(OPS.TUPLE2, OPS.REDUCE, OPS.TUPLE3, OPS.REDUCE);
  // state: (1, shape, dtype, is_fortran, items)
  raw(OPS.MARK);
  value(1);
  raw(OPS.MARK);
  shape.forEach((n) => value(n));
  raw(OPS.TUPLE);
  global('numpy', 'dtype');
  value('O8');
  raw(OPS.FALSE, OPS.TRUE, OPS.TUPLE3, OPS.REDUCE, OPS.MARK);
  value(3);
  value('|');
  raw(OPS.NONE, OPS.NONE, OPS.NONE);
  value(-1);
  value(-1);
  value(63);
  raw(OPS.TUPLE, OPS.BUILD, OPS.FALSE, OPS.EMPTY_LIST, OPS.MARK);
  for (const c of columns) {
    c.data.forEach((v, i) => {
      const t = c.types![i]!;
      if (t.kind !== 'scalar' && t.kind !== 'none') {
        throw new TypeMismatchError(`${where}: value ${i} of an object column is ${t.kind === 'unsupported' ? 'unsupported' : `a ${t.kind}`}; h5traj writes object columns of scalars and None.`);
      }
      value(v, t.kind === 'none' ? undefined : t);
    });
  }
  raw(OPS.APPENDS, OPS.TUPLE, OPS.BUILD, OPS.STOP);
  return Buffer.concat(parts);
}
