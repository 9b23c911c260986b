/**
 * Writing the tables a merge grows: PyTables tables (explored data, array index rows) appended
 * in place or written anew with widened columns, and `overview/info.length` patched in place.
 * Byte-level table work, kept apart from the object copying and from the order of the write.
 */
import { FormatError, MergeError } from '../../../errors.js';
import { copyAttributes } from '../transactions/copy.js';
import { H5File, baseName, joinPath, stringAttr } from '../engine/h5file.js';
import { encodeElements } from '../engine/h5types.js';
import { STORE, columnAttr } from '../layout/typemap.js';
import { convertRows, readRows, setNrows, widenType } from './rows.js';
import { Context, TableGrowth, tableLength } from './plan.js';

/** Writes the rows of a growing table: appended in place, or the table written anew. */
export function writeTable(ctx: Context, dst: H5File, g: TableGrowth): void {
  const added = g.rows.reduce((s, r) => s + r.count, 0);
  if (g.exists && !ctx.replaced.has(g.path)) {
    const start = tableLength(dst, g.path);
    dst.resize(g.path, [start + added]);
    let at = start;
    for (const rows of g.rows) {
      dst.writeRows(g.path, at, convertRows(rows, g.base)!);
      at += rows.count;
    }
    setNrows(dst, g.path, at);
    return;
  }
  const parts = g.exists ? [readRows(ctx.src, g.path), ...g.rows] : g.rows;
  const type = widenType(g.base, parts);
  const bytes = new Uint8Array(parts.reduce((s, r) => s + r.count, 0) * type.size);
  let at = 0;
  for (const rows of parts) {
    const converted = convertRows(rows, type);
    if (!converted) {
      throw new MergeError(`The values merged into '${g.path}' do not fit its column types (${JSON.stringify(g.base.members.map((m) => m.name))}).`, { path: g.path });
    }
    bytes.set(converted, at * type.size);
    at += rows.count;
  }
  const chunk = Math.max(1, Math.min(65536, Math.floor(32768 / Math.max(1, type.size))));
  dst.createDataset(g.path, { type, shape: [at], data: bytes }, { maxshape: [null], chunks: [chunk] });
  const from = g.exists ? g.path : g.attrsFrom;
  if (from) {
    copyAttributes(ctx.src, from, dst, g.path);
    if (!g.exists && dst.hasAttr(g.path, 'TITLE')) dst.writeAttr(g.path, 'TITLE', stringAttr(baseName(g.path)));
  } else if (g.idxColumn) {
    dst.writeAttr(g.path, STORE, stringAttr('TABLE'));
    dst.writeAttr(g.path, columnAttr('idx', 'COLL_TYPE'), stringAttr('COLL_SCALAR'));
    dst.writeAttr(g.path, columnAttr('idx', 'SCALAR_TYPE'), stringAttr('int'));
  }
  setNrows(dst, g.path, at);
}

/** `overview/info.length` of the target, changed in place (the row is rewritten byte by byte). */
export function writeLength(dst: H5File, traj: string, length: number): void {
  const p = joinPath('/', traj, 'overview', 'info');
  const row = readRows(dst, p, [0, 1]);
  const member = row.type.members.find((m) => m.name === 'length');
  if (!member) throw new FormatError(`overview/info of '${traj}' in '${dst.path}' has no column 'length'.`, { file: dst.path });
  const bytes = Uint8Array.from(row.bytes);
  bytes.set(encodeElements([length], member.type), member.offset);
  dst.writeRows(p, 0, bytes);
}
