/**
 * Version-2 B-trees (`BTHD`, `BTIN`, `BTLF`): the name indexes of dense links (type 5) and dense
 * attributes (type 8). The reader only enumerates every record; records are sorted by a hash of
 * the name, so callers sort what they collect.
 *
 * Node pointers in internal nodes have variable-width record counts whose widths follow from
 * the node size (HDF5's H5B2 header initialisation), recomputed here from the header fields.
 */
import { ByteSource, CorruptError, limitEncSize } from './byte-source.js';

const PREFIX = 10; // signature, version, type, checksum

/**
 * Calls `visit` for each record of the v2 B-tree at `addr` (of tree type `type`); the record is
 * `size` bytes at `buf[pos]`.
 */
export function forEachRecord(src: ByteSource, addr: number, type: number, visit: (buf: Buffer, pos: number, size: number) => void): void {
  const O = src.offsetSize;
  const h = src.cursor(addr, 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + O + 2 + src.lengthSize);
  if (!h.isSig('BTHD')) throw new CorruptError(`there is no v2 B-tree at address ${addr}`);
  h.skip(1);
  const treeType = h.u8();
  if (treeType !== type) throw new CorruptError(`the v2 B-tree at address ${addr} has type ${treeType}, not ${type}`);
  const nodeSize = h.u32();
  const recordSize = h.u16();
  const depth = h.u16();
  h.skip(2); // split and merge percentages
  const root = h.addr();
  const rootRecords = h.u16();
  if (rootRecords === 0 || root < 0) return;
  if (recordSize === 0 || nodeSize <= PREFIX) throw new CorruptError(`the v2 B-tree at address ${addr} has bad node sizes`);

  // Widths of the "records in child" and "records in subtree" fields, per depth.
  const maxRecords = [Math.floor((nodeSize - PREFIX) / recordSize)];
  const countSize = limitEncSize(maxRecords[0]!);
  const cumRecords = [maxRecords[0]!];
  const cumSize = [0];
  for (let d = 1; d <= depth; d++) {
    const pointer = O + countSize + cumSize[d - 1]!;
    const n = Math.floor((nodeSize - (PREFIX + pointer)) / (recordSize + pointer));
    maxRecords.push(n);
    cumRecords.push((n + 1) * cumRecords[d - 1]! + n);
    cumSize.push(limitEncSize(cumRecords[d]!));
  }

  const node = (at: number, records: number, level: number): void => {
    const c = src.cursor(at, nodeSize);
    if (!c.isSig(level === 0 ? 'BTLF' : 'BTIN')) throw new CorruptError(`there is no v2 B-tree node at address ${at}`);
    c.skip(2); // version, type
    for (let i = 0; i < records; i++) visit(c.buf, c.need(recordSize), recordSize);
    if (level === 0) return;
    const children: [number, number][] = [];
    for (let i = 0; i <= records; i++) {
      const child = c.addr();
      const n = c.uint(countSize);
      if (level > 1) c.skip(cumSize[level - 1]!);
      children.push([child, n]);
    }
    for (const [child, n] of children) node(child, n, level - 1);
  };
  node(root, rootRecords, depth);
}
