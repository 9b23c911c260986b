/**
 * Version-2 B-trees (`BTHD`, `BTIN`, `BTLF`): the name indexes of dense links (type 5) and dense
 * attributes (type 8). The reader only enumerates every record; records are sorted by a hash of
 * the name, so callers sort what they collect.
 *
 * Node pointers in internal nodes have variable-width record counts whose widths follow from
 * the node size (HDF5's H5B2 header initialisation), recomputed here from the header fields.
 */
import { ByteSource, CorruptError, limitEncSize } from './byte-source.js';
import { verifyChecksum } from '../checksum.js';
import { SIG } from '../format.js';

const PREFIX = 10; // signature, version, type, checksum
/** Deeper than this is damage: a depth of 10 already indexes more records than a file can hold. */
const MAX_DEPTH = 32;

/**
 * Calls `visit` for each record of the v2 B-tree at `addr` (of tree type `type`); the record is
 * `size` bytes at `buf[pos]`. Every node's checksum is verified; `where` (the object the tree
 * belongs to) is named when one fails.
 */
export function forEachRecord(
  src: ByteSource,
  addr: number,
  type: number,
  visit: (buf: Buffer, pos: number, size: number) => void,
  where?: string,
): void {
  const O = src.offsetSize;
  const headerSize = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + O + 2 + src.lengthSize;
  const h = src.cursor(addr, headerSize + 4);
  verifyChecksum(h.buf, h.pos, h.pos + headerSize, 'v2 B-tree header', addr, where);
  if (!h.isSig(SIG.BTREE2)) throw new CorruptError(`there is no v2 B-tree at address ${addr}`);
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
  if (depth > MAX_DEPTH) throw new CorruptError(`the v2 B-tree at address ${addr} claims a depth of ${depth}`);

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

  // A node reached twice (a cycle, or two parents) would be enumerated again and again.
  const seen = new Set<number>();
  const node = (at: number, records: number, level: number): void => {
    if (seen.has(at)) throw new CorruptError(`the v2 B-tree at address ${addr} reaches its node at address ${at} twice`);
    seen.add(at);
    const pointerSize = level === 0 ? 0 : O + countSize + (level > 1 ? cumSize[level - 1]! : 0);
    const used = 6 + records * recordSize + (level === 0 ? 0 : (records + 1) * pointerSize);
    if (used + 4 > nodeSize) throw new CorruptError(`the v2 B-tree node at address ${at} claims ${records} records, more than fit`);
    const c = src.cursor(at, nodeSize);
    verifyChecksum(c.buf, c.pos, c.pos + used, `v2 B-tree ${level === 0 ? 'leaf' : 'internal'} node`, at, where);
    if (!c.isSig(level === 0 ? SIG.BTREE2_LEAF : SIG.BTREE2_INTERNAL)) throw new CorruptError(`there is no v2 B-tree node at address ${at}`);
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
