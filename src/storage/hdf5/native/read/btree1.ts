/**
 * Version-1 B-trees (`TREE`): the index of old-style groups (type 0, children are symbol table
 * nodes) and of chunked datasets (type 1, children are chunks). Only leaf-level children are
 * reported, each with the keys to its left and right; for chunks the left one holds the chunk's
 * size, filter mask and position, for groups the two bound the names in the child.
 */
import { BTREE1, SIG, UNDEF } from '../format.js';
import { ByteSource, CorruptError, Cursor } from './byte-source.js';

export function forEachLeafChild(
  src: ByteSource,
  addr: number,
  type: number,
  keySize: number,
  visit: (key: Buffer, child: number, rightKey: Buffer) => void,
): void {
  const O = src.offsetSize;
  // A node reached twice (a cycle, or two parents) would be enumerated again and again.
  const seen = new Set<number>();
  const node = (at: number, expectedLevel: number): void => {
    if (seen.has(at)) throw new CorruptError(`the B-tree at address ${addr} reaches its node at address ${at} twice`);
    seen.add(at);
    const head = src.cursor(at, BTREE1.headerSize(O));
    if (!head.isSig(SIG.BTREE1)) throw new CorruptError(`there is no B-tree node at address ${at}`);
    const nodeType = head.u8();
    if (nodeType !== type) throw new CorruptError(`the B-tree node at address ${at} has type ${nodeType}, not ${type}`);
    const level = head.u8();
    // Children sit exactly one level below their parent, so the depth is bounded by the root's level.
    if (expectedLevel >= 0 && level !== expectedLevel) throw new CorruptError(`the B-tree node at address ${at} has level ${level}, not ${expectedLevel}`);
    const entries = head.u16();
    // Over a copy: visiting the children reads other blocks, and the block cache may reuse this
    // node's block meanwhile (see ByteSource.recycle).
    const len = entries * (keySize + O) + keySize;
    const c = new Cursor(Buffer.from(src.bytes(at + BTREE1.headerSize(O), len)), O, src.lengthSize);
    let left = c.take(keySize);
    for (let i = 0; i < entries; i++) {
      const child = c.addr();
      const right = c.take(keySize);
      if (child === UNDEF) throw new CorruptError(`the B-tree node at address ${at} has an undefined child`);
      if (level === 0) visit(left, child, right);
      else node(child, level - 1);
      left = right;
    }
  };
  if (addr !== UNDEF) node(addr, -1);
}
