/**
 * pypet's array-valued table cells (`docs/file-layout.md` §5). A plain `Parameter` holding a
 * list, tuple or numpy array stores it as the single cell of its `data` table (and one cell per run
 * in `explored_data`), in a column of an HDF5 *array* member type: PyTables' `Col` with a shape,
 * which pypet makes from `np.dtype((value.dtype, value.shape))`. This module turns values into
 * such a column, or says why they cannot share one (pypet itself refuses to store those).
 *
 * As pypet writes it: lists and tuples become arrays of int64/float64/bool/complex/strings with
 * `COLL_LIST`/`COLL_TUPLE` and the element type in `SCALAR_TYPE`; ndarrays keep their dtype with
 * `COLL_NDARRAY` (plus `SCALAR_TYPE=str` for unicode, which PyTables keeps as bytes); booleans
 * are PyTables' `BoolCol` (HDF5 bitfield `b8`), so numpy reads them as `bool`; string columns are
 * 1.5 times as wide as the longest string, as pypet makes them.
 */
import { BOOL_TYPES, type TypedValue } from '../../../values/types.js';
import { type H5Type, describeH5Type } from '../engine/h5types.js';
import { type CollType, PYTABLES_BOOL, encodeArrayValue } from './typemap.js';
import { maxOf } from '../../../fold.js';

/** A column of array cells: the member type, each cell's bytes, and pypet's recall attributes. */
export interface ArrayColumn {
  type: H5Type & { class: 'array' };
  cells: Uint8Array[];
  recall: { coll: CollType; scalar?: string };
}

/** Why values cannot be one array column (the caller then uses another layout or refuses). */
export interface NoArrayColumn {
  reason: string;
}

/** Whether a typed value is one pypet stores as an array cell (list, tuple or ndarray). */
export const isArrayValued = (tv: TypedValue): boolean => tv.type.kind === 'list' || tv.type.kind === 'tuple' || tv.type.kind === 'ndarray';

/**
 * The array column holding `values` (all of one kind), or why it cannot: an empty value or a 0-d
 * array (pypet refuses both in a Parameter), shapes that differ between values (a table column has
 * one shape), or, with `column` (an existing table's member type), a value that does not fit it.
 */
export function arrayColumn(values: readonly TypedValue[], where: string, column?: H5Type): ArrayColumn | NoArrayColumn {
  const encoded = values.map((tv) => encodeArrayValue(tv, where));
  const first = encoded[0];
  if (!first) return { reason: `${where} has no values` };
  const dims = first.shape;
  const n = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0 || n === 0) return { reason: `${where} is ${dims.length === 0 ? 'a 0-d array' : 'empty'}` };
  const different = encoded.findIndex((e) => e.shape.join() !== dims.join());
  if (different >= 0) return { reason: `${where} holds values of shapes [${dims.join(', ')}] and [${encoded[different]!.shape.join(', ')}]` };

  let base = first.type;
  let recall = first.recall;
  if (base.class === 'string') {
    // One width for the column: the existing one, or 1.5 times the longest string (pypet's rule;
    // bytes arrays keep their itemsize so that their dtype reads back the same).
    const longest = maxOf(encoded, (e) => maxItemLength(e.data, e.type.size), 1);
    const unicode = recall.scalar === 'str';
    const width = column?.class === 'array' && column.base.class === 'string' ? column.base.size
      : unicode ? Math.max(1, Math.floor(1.5 * longest)) : maxOf(encoded, (e) => e.type.size, 1);
    if (longest > width) return { reason: `${where} holds a string of ${longest} bytes, longer than its stored column (${width} bytes)` };
    base = { ...base, size: width };
  } else if (recall.scalar !== undefined && BOOL_TYPES.has(recall.scalar)) {
    // PyTables' BoolCol: a bitfield of the same bytes as h5traj's uint8 booleans, read as bool;
    // arrays drop the hint (as pypet writes them), lists keep SCALAR_TYPE bool.
    base = PYTABLES_BOOL;
    if (recall.coll === 'COLL_NDARRAY') recall = { coll: recall.coll };
  }
  const type: H5Type & { class: 'array' } = { class: 'array', size: n * base.size, base, dims: [...dims] };
  for (const e of encoded) {
    if (e.type.class !== first.type.class || (first.type.class !== 'string' && describeH5Type(e.type) !== describeH5Type(first.type))) {
      return { reason: `${where} mixes ${describeH5Type(first.type)} and ${describeH5Type(e.type)} values` };
    }
  }
  if (column !== undefined && describeH5Type(column) !== describeH5Type(type)) {
    return { reason: `${where} is ${describeH5Type(type)}, but its stored column is ${describeH5Type(column)}` };
  }
  const cells = encoded.map((e) => (base.class === 'string' && e.type.size !== base.size ? rewiden(e.data, e.type.size, base.size) : e.data));
  return { type, cells, recall };
}

/** The longest item (trailing NULs removed) of fixed-size string items packed in `data`. */
function maxItemLength(data: Uint8Array, size: number): number {
  let longest = 0;
  for (let at = 0; at < data.length; at += size) {
    let end = size;
    while (end > 0 && data[at + end - 1] === 0) end--;
    longest = Math.max(longest, end);
  }
  return longest;
}

/** Fixed-size string items moved to a wider (or equal) item size, NUL-padded. */
function rewiden(data: Uint8Array, from: number, to: number): Uint8Array {
  const count = data.length / from;
  const out = new Uint8Array(count * to);
  for (let i = 0; i < count; i++) out.set(data.subarray(i * from, i * from + Math.min(from, to)), i * to);
  return out;
}
