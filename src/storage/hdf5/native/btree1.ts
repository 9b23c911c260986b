/**
 * Version-1 B-trees (`TREE`): the index of old-style groups (type 0, children are symbol table
 * nodes) and of chunked datasets (type 1, children are chunks). Only leaf-level children are
 * reported, each with the key to its left, which for chunks holds the chunk's size, filter mask
 * and position.
 */
import { ByteSource, CorruptError, UNDEF } from './byte-source.js';

export function forEachLeafChild(
  src: ByteSource,
  addr: number,
  type: number,
  keySize: number,
  visit: (key: Buffer, child: number) => void,
): void {
  const O = src.offsetSize;
  const node = (at: number, depth: number): void => {
    if (depth > 64) throw new CorruptError(`the B-tree at address ${addr} nests too deeply`);
    const head = src.cursor(at, 8 + 2 * O);
    if (!head.isSig('TREE')) throw new CorruptError(`there is no B-tree node at address ${at}`);
    const nodeType = head.u8();
    if (nodeType !== type) throw new CorruptError(`the B-tree node at address ${at} has type ${nodeType}, not ${type}`);
    const level = head.u8();
    const entries = head.u16();
    const c = src.cursor(at + 8 + 2 * O, entries * (keySize + O) + keySize);
    for (let i = 0; i < entries; i++) {
      const key = c.take(keySize);
      const child = c.addr();
      if (child === UNDEF) throw new CorruptError(`the B-tree node at address ${at} has an undefined child`);
      if (level === 0) visit(key, child);
      else node(child, depth + 1);
    }
  };
  if (addr !== UNDEF) node(addr, 0);
}
