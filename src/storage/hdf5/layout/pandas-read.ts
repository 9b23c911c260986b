/**
 * Reads pandas data that pypet stored with pandas' HDFStore in the "fixed" format (pypet's default
 * `hdf5.pandas_format`): a group marked `SRVC_STORE` = `FRAME`/`SERIES`, with pandas' attributes
 * (`pandas_type`, `encoding`, `nblocks`, `axis0_variety`, …) and datasets (`axis0`, `axis1`,
 * `block<i>_items`, `block<i>_values` for a frame; `index`, `values` for a series). Object columns
 * are one pickled numpy object array in a VLArray; they go through the safe unpickler.
 *
 * What h5traj does not read (a MultiIndex, the "table" format, timezones, timedeltas, date
 * offsets other than `layout/pandas-offsets.ts` knows, fixed-width bytes columns) gives an `unsupported` value naming it.
 */
import { InvalidArgumentError, TypeMismatchError, UnsupportedDataError } from '../../../errors.js';
import { type TypedValue, type ValueType, normalizeInteger } from '../../../values/types.js';
import { Column, DataFrame, type FrameDType, Index, type Label, Series } from '../../../values/frame.js';
import { type H5Data, type H5File, attrText, joinPath } from '../engine/h5file.js';
import { type H5Type, decodeElement, decodeNumeric, stripPadding } from '../engine/h5types.js';
import { PickledObjectArray, decodePickle } from './pickle/decode.js';
import { unsupported } from './typemap.js';
import { OFFSET_CALLS } from './pandas-offsets.js';

/** Thrown inside this module to end reading with an `unsupported` value. */
class NotRead {
  constructor(readonly reason: string) {}
}

/**
 * Reads the pandas group at `path` as a {@link DataFrame} or {@link Series}, or an `unsupported`
 * value saying what h5traj cannot read there. `where` names the item in reasons.
 */
export function readPandas(f: H5File, path: string, where: string): TypedValue {
  try {
    const kind = attrText(f, path, 'pandas_type');
    if (kind === undefined) throw new NotRead('the group has no pandas_type attribute');
    if (kind.endsWith('_table') || f.hasAttr(path, 'table_type')) {
      throw new NotRead(`it is stored in pandas' "table" format, which h5traj does not read (pypet writes "fixed" unless config.hdf5.pandas_format says "table")`);
    }
    const p = new PandasGroup(f, path);
    if (kind === 'frame') return { value: p.frame(), type: { kind: 'pandas' } };
    if (kind === 'series') return { value: p.series(), type: { kind: 'pandas' } };
    throw new NotRead(`its pandas_type is '${kind}', which h5traj does not read`);
  } catch (e) {
    if (e instanceof NotRead) return unsupported(`${where} is pandas data h5traj cannot read: ${e.reason}`);
    if (e instanceof UnsupportedDataError) return unsupported(`${where}: ${e.message}`);
    // a file whose parts do not fit together (pandas itself refuses repeated labels in this format)
    if (e instanceof InvalidArgumentError || e instanceof TypeMismatchError) return unsupported(`${where} is pandas data h5traj cannot read: ${e.message}`);
    throw e;
  }
}

/** A 2-d (or 1-d) block as read: its logical shape (items × rows after un-transposing) and columns. */
class PandasGroup {
  private readonly encoding: BufferEncoding;

  constructor(
    private readonly f: H5File,
    private readonly path: string,
  ) {
    const enc = (attrText(f, path, 'encoding') ?? 'UTF-8').toLowerCase().replace(/[-_]/g, '');
    if (enc !== 'utf8' && enc !== 'ascii' && enc !== 'latin1' && enc !== 'none') throw new NotRead(`its text encoding '${enc}' is not UTF-8, ASCII or Latin-1`);
    this.encoding = enc === 'latin1' ? 'latin1' : 'utf8';
  }

  frame(): DataFrame {
    const ndim = this.intAttr(this.path, 'ndim');
    if (ndim !== 2) throw new NotRead(`it has ${ndim} dimensions; h5traj reads 2-d frames`);
    const labels = this.axis('axis0');
    const index = this.axis('axis1');
    const byLabel = new Map<string, Column>();
    const nblocks = this.intAttr(this.path, 'nblocks');
    for (let b = 0; b < nblocks; b++) {
      const items = this.axis(`block${b}_items`);
      const columns = this.array(`block${b}_values`, 2, index.length);
      if (columns.length !== items.length) throw new NotRead(`block ${b} has ${columns.length} columns for ${items.length} labels`);
      columns.forEach((c, i) => byLabel.set(labelKey(items.at(i)), c));
    }
    const columns = Array.from({ length: labels.length }, (_, i) => {
      const c = byLabel.get(labelKey(labels.at(i)));
      if (!c) throw new NotRead(`no block holds the column ${JSON.stringify(String(labels.at(i)))}`);
      return c;
    });
    return new DataFrame(index, labels, columns);
  }

  series(): Series {
    const index = this.axis('index');
    const [values] = this.array('values', 1, index.length);
    return new Series(values!, { index, name: this.label(this.path, 'name') });
  }

  /** An index (`<key>_variety` = regular): its values by `kind`, and its name. */
  private axis(key: string): Index {
    const variety = attrText(this.f, this.path, `${key}_variety`);
    if (variety === 'multi') throw new NotRead(`its ${key} is a MultiIndex, which h5traj does not read`);
    if (variety !== 'regular') throw new NotRead(`its ${key} has the unknown variety '${variety ?? '(none)'}'`);
    const node = joinPath(this.path, key);
    if (this.f.hasAttr(node, 'tz')) throw new NotRead(`its ${key} has a timezone, which h5traj does not read`);
    const freq = this.freq(node, key);
    const kind = attrText(this.f, node, 'kind');
    const name = this.label(node, 'name');
    const d = this.f.readDataset(node);
    const n = d.shape?.[0] ?? 0;
    if (this.f.hasAttr(node, 'shape')) return new Index(emptyColumn(attrText(this.f, node, 'value_type'), key), name);
    switch (kind) {
      case 'integer':
      case 'float':
      case 'bool':
        return new Index(numericColumn(d, n, key), name);
      case 'datetime64':
        return new Index(new Column('datetime64[ns]', decodeNumeric(d.bytes, d.type, n) as BigInt64Array), name, freq);
      case 'string': {
        if (d.type.class !== 'string' || d.type.vlen) throw new NotRead(`its ${key} is text stored as ${d.type.class}`);
        const size = d.type.size;
        const pad = d.type.pad;
        const texts = Array.from({ length: n }, (_, i) => stripPadding(d.bytes.subarray(i * size, (i + 1) * size), pad).toString(this.encoding));
        return new Index(new Column('object', texts, texts.map(() => ({ kind: 'scalar', scalar: 'str' }))), name);
      }
      case 'object':
        return new Index(objectColumns(d, 1, key)[0]!, name);
      default:
        throw new NotRead(`its ${key} has values of kind '${kind ?? '(none)'}', which h5traj does not read`);
    }
  }

  /**
   * The columns of a block (`dims` 2: items × rows once un-transposed) or a series' values
   * (`dims` 1), by the node's `value_type` and HDF5 type.
   */
  private array(key: string, dims: 1 | 2, rows: number): Column[] {
    const node = joinPath(this.path, key);
    const valueType = attrText(this.f, node, 'value_type');
    if (this.f.hasAttr(node, 'tz')) throw new NotRead(`its ${key} has a timezone, which h5traj does not read`);
    if (this.f.hasAttr(node, 'shape')) {
      const items = dims === 1 ? 1 : this.shapeAttr(node)[0] ?? 0;
      return Array.from({ length: items }, () => emptyColumn(valueType, key));
    }
    const transposed = this.flag(node, 'transposed');
    const d = this.f.readDataset(node);
    if (d.type.class === 'vlen') return objectColumns(d, dims, key, transposed);
    const shape = d.shape ?? [];
    // The logical block is items × rows; pandas stores its transpose (rows × items) when `transposed`.
    const [items, n] = dims === 1 ? [1, shape[0] ?? 0] : transposed ? [shape[1] ?? 0, shape[0] ?? 0] : [shape[0] ?? 0, shape[1] ?? 0];
    if (n !== rows) throw new NotRead(`its ${key} has ${n} rows, but the index has ${rows}`);
    let all: Column;
    if (valueType === 'datetime64') all = new Column('datetime64[ns]', decodeNumeric(d.bytes, d.type, items * n) as BigInt64Array);
    else if (valueType !== undefined) throw new NotRead(`its ${key} holds ${valueType} values, which h5traj does not read`);
    else all = numericColumn(d, items * n, key);
    return Array.from({ length: items }, (_, j) => {
      const pick = (r: number) => (dims === 1 ? r : transposed ? r * items + j : j * n + r);
      return sliceColumn(all, n, pick);
    });
  }

  /** A DatetimeIndex's frequency: None, or a pickled date offset h5traj knows (`layout/pandas-offsets.ts`). */
  private freq(node: string, key: string): string | null {
    const d = this.f.readAttr(node, 'freq');
    if (!d) return null;
    const tv = d.type.class === 'string' && isPickled(d) ? decodePickle(Buffer.from(d.bytes), OFFSET_CALLS) : undefined;
    if (tv?.type.kind === 'none') return null;
    if (tv?.type.kind === 'scalar' && typeof tv.value === 'string') return tv.value;
    const what = tv?.type.kind === 'unsupported' ? ` (${tv.type.pyclass ?? tv.type.reason})` : '';
    throw new NotRead(`its ${key} has a frequency h5traj does not read${what}`);
  }

  private intAttr(path: string, name: string): number {
    const d = this.f.readAttr(path, name);
    if (!d || d.type.class !== 'int' || !d.shape || d.shape.length > 0) throw new NotRead(`its attribute '${name}' is missing or not an integer`);
    return Number(decodeElement(d.bytes, 0, d.type));
  }

  private shapeAttr(path: string): number[] {
    const d = this.f.readAttr(path, 'shape');
    const pickled = d?.type.class === 'string' ? decodePickle(Buffer.from(d.bytes)) : undefined;
    const v = pickled?.value;
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    if (d && d.type.class === 'int') return Array.from({ length: d.bytes.length / d.type.size }, (_, i) => Number(decodeElement(d.bytes, i * d.type.size, d.type)));
    throw new NotRead(`the shape of the empty array '${path}' cannot be read`);
  }

  /** A PyTables boolean attribute (`transposed`): a bitfield, an integer, or absent (false). */
  private flag(path: string, name: string): boolean {
    const d = this.f.readAttr(path, name);
    if (!d || !d.shape) return false;
    return d.bytes.some((b) => b !== 0);
  }

  /** A name attribute: text, or a PyTables pickle (`N.` is None). */
  private label(path: string, name: string): Label {
    const d = this.f.readAttr(path, name);
    if (!d) return null;
    if (d.type.class === 'string' && d.type.cset === 'ascii' && isPickled(d)) {
      const tv = decodePickle(Buffer.from(d.bytes));
      if (tv.type.kind === 'none') return null;
      if (tv.type.kind === 'scalar' && isLabel(tv.value)) return normalizeLabel(tv.value);
      throw new NotRead(`the name of '${path}' is ${tv.type.kind === 'unsupported' ? tv.type.reason : 'not a str, number or None'}`);
    }
    const text = attrText(this.f, path, name);
    if (text !== undefined) return text;
    if (d.type.class === 'int' || d.type.class === 'float') return normalizeLabel(decodeElement(d.bytes, 0, d.type) as number | bigint);
    throw new NotRead(`the name of '${path}' is not a str, number or None`);
  }
}

const normalizeLabel = (v: Label): Label => (typeof v === 'bigint' ? normalizeInteger(v) : v);

const isLabel = (v: unknown): v is Label => v === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof v);

/** A key that tells labels apart by type as well as by value (1 and '1' are different columns). */
const labelKey = (v: unknown): string => `${typeof v}:${v instanceof Date ? v.getTime() : String(v)}`;

/** Whether a string attribute holds a pickle (PyTables unpickles bytes attributes ending in '.'). */
function isPickled(d: H5Data): boolean {
  const b = stripPadding(d.bytes, d.type.class === 'string' ? d.type.pad : 'nullterm');
  return b.length > 0 && b[b.length - 1] === 0x2e;
}

const INT_DTYPES: Record<string, FrameDType> = {
  s1: 'int8', s2: 'int16', s4: 'int32', s8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
};

/** The column dtype of an HDF5 element type, or why there is none. */
function dtypeOf(t: H5Type, key: string): FrameDType {
  if (t.class === 'int') return INT_DTYPES[`${t.signed ? 's' : 'u'}${t.size}`]!;
  if (t.class === 'float' && (t.size === 4 || t.size === 8)) return t.size === 4 ? 'float32' : 'float64';
  if ((t.class === 'bitfield' || t.class === 'enum') && t.size === 1) return 'bool';
  const what = t.class === 'string' ? 'fixed-width bytes' : t.class === 'compound' ? 'complex numbers or records' : `HDF5 ${t.class} data`;
  throw new NotRead(`its ${key} holds ${what}, which h5traj does not read as a column`);
}

function numericColumn(d: H5Data, n: number, key: string): Column {
  const dtype = dtypeOf(d.type, key);
  if (dtype === 'bool') return new Column('bool', Array.from(d.bytes.subarray(0, n), (b) => b !== 0));
  return new Column(dtype, decodeNumeric(d.bytes, d.type, n));
}

/** The values `pick(0…n-1)` of `all` as a column of the same dtype. */
function sliceColumn(all: Column, n: number, pick: (r: number) => number): Column {
  const data = all.data;
  if (ArrayBuffer.isView(data)) {
    const Ctor = data.constructor as new (n: number) => typeof data;
    const out = new Ctor(n);
    for (let r = 0; r < n; r++) (out as Float64Array)[r] = (data as Float64Array)[pick(r)]!;
    return new Column(all.dtype, out);
  }
  const values = Array.from({ length: n }, (_, r) => data[pick(r)]);
  return new Column(all.dtype, values, all.types && Array.from({ length: n }, (_, r) => all.types![pick(r)]!));
}

/** The columns of a pickled numpy object array (one VLArray row), items × rows once un-transposed. */
function objectColumns(d: H5Data, dims: 1 | 2, key: string, transposed = false): Column[] {
  const pickle = d.strings?.[0];
  if (!pickle || (d.shape?.[0] ?? 0) !== 1) throw new NotRead(`its ${key} does not hold exactly one pickled array`);
  const tv = decodePickle(pickle);
  if (tv.type.kind === 'unsupported') throw new NotRead(`its ${key} holds ${tv.type.reason}`);
  const arr = tv.value;
  if (!(arr instanceof PickledObjectArray)) throw new NotRead(`its ${key} holds a pickle that is not a numpy object array`);
  const shape = arr.shape;
  if (shape.length !== dims) throw new NotRead(`its ${key} holds a ${shape.length}-d array, not ${dims}-d`);
  const [items, n] = dims === 1 ? [1, shape[0] ?? 0] : transposed ? [shape[1] ?? 0, shape[0] ?? 0] : [shape[0] ?? 0, shape[1] ?? 0];
  return Array.from({ length: items }, (_, j) => {
    const cells = Array.from({ length: n }, (_, r) => arr.items[dims === 1 ? r : transposed ? r * items + j : j * n + r]!);
    return new Column('object', cells.map((c) => c.value), cells.map((c): ValueType => c.type));
  });
}

/** An empty column of the dtype pandas recorded for an empty array (`value_type`). */
function emptyColumn(valueType: string | undefined, key: string): Column {
  if (valueType === 'object') return new Column('object', [], []);
  if (valueType === 'datetime64[ns]') return new Column('datetime64[ns]', new BigInt64Array(0));
  try {
    return Column.from([], valueType as FrameDType);
  } catch {
    throw new NotRead(`its empty ${key} has the dtype '${valueType ?? '(none)'}', which h5traj does not read`);
  }
}
