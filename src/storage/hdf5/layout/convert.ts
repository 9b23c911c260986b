/**
 * Conversions between the trajectory's records (`trajectory/records.ts`) and the HDF5 layer's
 * leaf data (`nodes.ts`): items as ordered pairs vs objects, ranges as plain values vs typed.
 */
import { NDArray } from '../../../values/ndarray.js';
import type { TypedValue } from '../../../values/types.js';
import type { LeafData as TreeLeafData, LeafRecord, GroupRecord, NodeRecord as TreeRecord } from '../../../trajectory/records.js';
import type { RunInformation } from '../../../trajectory/runs.js';
import type { LeafData as FileLeafData, LeafWrite, NodeRecord as FileRecord } from './nodes.js';
import type { RunInfo } from './overview.js';

/** The type of one explored value: the default's, but each array keeps its own dtype. */
function rangeValueType(value: unknown, defaultValue: TypedValue): TypedValue['type'] {
  if (value instanceof NDArray) return { kind: 'ndarray', dtype: value.dtype };
  return defaultValue.type;
}

/** A leaf record as the HDF5 layer writes it. */
export function toLeafWrite(record: LeafRecord): LeafWrite {
  const write: LeafWrite = {
    className: record.className,
    comment: record.comment,
    annotations: Object.fromEntries(record.annotations),
  };
  const data = record.data;
  if (data?.kind === 'parameter') {
    // A scalar parameter's explored values all have the default's type: they go as they are,
    // without a TypedValue each (a million of them were ~50 MB of heap, issue 13).
    const range = !data.range
      ? {}
      : data.value.type.kind === 'scalar'
        ? { rangeValues: data.range }
        : { range: data.range.map((v) => ({ value: v, type: rangeValueType(v, data.value) })) };
    write.data = { kind: 'parameter', value: data.value, ...range };
  } else if (data?.kind === 'result') {
    write.data = { kind: 'result', items: Object.fromEntries(data.items) };
  }
  return write;
}

/** Leaf data read from a file, in the trajectory's form; undefined for an empty parameter (it stays empty). */
export function fromFileLeafData(data: FileLeafData): TreeLeafData | undefined {
  if (data.kind === 'parameter') {
    if (data.empty) return undefined;
    return data.range ? { kind: 'parameter', value: data.value, range: data.range.map((tv) => tv.value) } : { kind: 'parameter', value: data.value };
  }
  return { kind: 'result', items: Object.entries(data.items) };
}

/** A scanned node as a tree record (leaf data filled in by the caller when loading data). */
export function fromFileRecord(rec: FileRecord, data?: FileLeafData): TreeRecord {
  const annotations = Object.entries(rec.annotations);
  if (rec.kind === 'link') return { type: 'link', fullName: rec.fullName, target: rec.linkTarget ?? '' };
  if (rec.kind === 'group') return { type: 'group', fullName: rec.fullName, comment: rec.comment, annotations } satisfies GroupRecord;
  return {
    type: 'leaf',
    fullName: rec.fullName,
    className: rec.className ?? 'Result',
    comment: rec.comment,
    annotations,
    data: data ? fromFileLeafData(data) : undefined,
  };
}

/** A run row as the trajectory holds it. */
export function fromRunRow(row: RunInfo): RunInformation {
  return {
    idx: row.idx,
    name: row.name,
    completed: row.completed ? 1 : 0,
    time: row.time,
    timestamp: row.timestamp,
    finish_timestamp: row.finish_timestamp,
    runtime: row.runtime,
    parameter_summary: row.parameter_summary,
    short_environment_hexsha: row.short_environment_hexsha,
  };
}

/** A run as the HDF5 layer writes it. */
export function toRunRow(info: RunInformation): RunInfo {
  return { ...info, completed: info.completed === 1 };
}
