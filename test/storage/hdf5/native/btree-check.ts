/**
 * Checks of the version-1 B-trees appending commits write (`btree-root-split.test.ts`,
 * `chunk-tree-middle.test.ts`): a walker that checks every node, key and sibling pointer of a tree
 * in the file, h5stat's sizes of the trees, and a chunked table `/table` of int32 pairs (one row per
 * chunk) read back by h5py, h5dump and h5traj.
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { I32 } from '../../../../src/storage/hdf5/engine/h5types.js';
import { BTREE1, MSG, SIG, UNDEF } from '../../../../src/storage/hdf5/native/format.js';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { ByteSource, addressAt } from '../../../../src/storage/hdf5/native/read/byte-source.js';
import { decodeLayout } from '../../../../src/storage/hdf5/native/read/messages.js';
import { ObjectHeader } from '../../../../src/storage/hdf5/native/read/object-header.js';
import { runH5pyJson } from '../../../helpers.js';

// ---------------------------------------------------------------------------------------------
// Walking a v1 B-tree in the file

/** A tree as stored: node addresses per level (index = level, leaves first), left to right. */
export interface TreeShape {
  levels: number[][];
  /** Leaf-level children (chunks or symbol table nodes), left to right. */
  children: number[];
}

/**
 * Walks the v1 B-tree at `root` and checks what readers rely on: each node's signature, type and
 * level (one below its parent), 1 … 2K entries, a parent's key i equal to child i's first key
 * and its key i + 1 equal to the child's last key, each node's left sibling the node before it on
 * its level, and its right sibling the node after it (none for a level's last node): libhdf5
 * walks a level by right siblings (`H5B_get_info`, see {@link assertH5stat}) and updates them when
 * it splits or removes nodes.
 */
export function walkTree(file: string, root: number, type: number, k: number, keySize: number): TreeShape {
  const src = new ByteSource(file);
  try {
    const nodeSize = BTREE1.nodeSize(k, keySize, 8);
    const header = BTREE1.headerSize(8);
    const levels: number[][] = [];
    const lefts: number[][] = [];
    const rights: number[][] = [];
    const children: number[] = [];
    const visit = (at: number, level: number | undefined): { first: Buffer; last: Buffer } => {
      const b = Buffer.from(src.bytes(at, nodeSize));
      assert.is(b.toString('latin1', 0, 4), SIG.BTREE1, `a B-tree node at ${at}`);
      assert.is(b[4], type, `node ${at} has type ${type}`);
      const nodeLevel = b[5]!;
      if (level !== undefined) assert.is(nodeLevel, level, `node ${at} sits one level below its parent`);
      const n = b.readUInt16LE(6);
      assert.ok(n >= 1 && n <= 2 * k, `node ${at} has 1 … ${2 * k} entries, not ${n}`);
      (levels[nodeLevel] ??= []).push(at);
      (lefts[nodeLevel] ??= []).push(addressAt(b, 8));
      (rights[nodeLevel] ??= []).push(addressAt(b, 16));
      const key = (i: number) => b.subarray(header + i * (keySize + 8), header + i * (keySize + 8) + keySize);
      for (let i = 0; i < n; i++) {
        const child = addressAt(b, header + i * (keySize + 8) + keySize);
        if (nodeLevel === 0) {
          children.push(child);
          continue;
        }
        const sub = visit(child, nodeLevel - 1);
        assert.ok(sub.first.equals(key(i)), `node ${at}: key ${i} is the first key of child ${child}`);
        assert.ok(sub.last.equals(key(i + 1)), `node ${at}: key ${i + 1} is the last key of child ${child}`);
      }
      return { first: Buffer.from(key(0)), last: Buffer.from(key(n)) };
    };
    visit(root, undefined);
    levels.forEach((nodes, level) => {
      nodes.forEach((at, i) => {
        assert.is(lefts[level]![i], i === 0 ? UNDEF : nodes[i - 1], `level ${level}: node ${at}'s left sibling`);
        assert.is(rights[level]![i], i === nodes.length - 1 ? UNDEF : nodes[i + 1], `level ${level}: node ${at}'s right sibling`);
      });
    });
    return { levels, children };
  } finally {
    src.close();
  }
}

/** The message `type` of the object at `objectPath` (found by h5traj's reader), decoded by `read`. */
export function headerMessage<T>(file: string, objectPath: string, type: number, read: (h: ObjectHeader) => T): T {
  const f = NativeH5File.open(file, 'r');
  const at = f.addressOf(objectPath);
  f.close();
  assert.ok(at !== undefined, `h5traj finds ${objectPath}`);
  const src = new ByteSource(file);
  try {
    const h = new ObjectHeader(src);
    h.read(at, objectPath);
    assert.ok(h.has(type), `${objectPath} has message ${type}`);
    return read(h);
  } finally {
    src.close();
  }
}

/** Node counts per level, leaves first: e.g. [2, 1] is two leaves under a level-1 root. */
export const widths = (shape: TreeShape): number[] => shape.levels.map((nodes) => nodes.length);

/** Asserts that the first `upTo` nodes of `before`'s level `level` are still in `after`, at the same addresses (kept, not rewritten). */
export function keptNodes(before: TreeShape, after: TreeShape, level: number, upTo: number): void {
  const was = before.levels[level]!.slice(0, upTo);
  assert.equal(after.levels[level]!.slice(0, upTo), was, `level ${level}: the ${upTo} nodes left of the path were kept where they were`);
}

/**
 * h5stat's sizes of the group B-trees and symbol table nodes (`Groups: B-tree/List`) and of the
 * chunk B-trees (`Chunked datasets: Index`). libhdf5 counts B-tree nodes by walking each level
 * along the right siblings (`H5B_get_info`, also behind `H5Oget_info`'s metadata sizes): with a
 * kept node naming an old version as its right sibling it counted the old nodes instead.
 */
export function assertH5stat(file: string, want: { groups: number; chunkIndex: number }, where: string): void {
  const r = spawnSync('h5stat', ['-F', file], { encoding: 'utf8' });
  assert.is(r.status, 0, `h5stat reads ${file}: ${r.stderr}`);
  const groups = /Groups:\s*B-tree\/List: (\d+)/.exec(r.stdout)?.[1];
  const chunkIndex = /Chunked datasets:\s*Index: (\d+)/.exec(r.stdout)?.[1];
  assert.equal({ groups: Number(groups), chunkIndex: Number(chunkIndex) }, want, `h5stat's B-tree sizes ${where}`);
}

export function h5dumpReads(args: string[], file: string): void {
  const r = spawnSync('h5dump', [...args, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, `h5dump ${args.join(' ')} reads ${file}: ${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// A chunked table `/table` of int32 pairs, one row per chunk

/** Rows of int32 pairs [10 i, 10 i + 1] for rows `from` … `from + count − 1`. */
export const rows = (from: number, count: number) => new Uint8Array(Int32Array.from({ length: 2 * count }, (_, k) => (from + (k >> 1)) * 10 + (k & 1)).buffer);

/** A file holding a table of `n` rows in chunks of one row (n chunks), written whole. */
export function makeTable(file: string, n: number): void {
  const f = NativeH5File.open(file, 'w');
  f.createDataset('/table', { type: I32, shape: [n, 2], data: rows(0, n) }, { maxshape: [null, 2], chunks: [1, 2] });
  f.close();
}

export function chunkTree(file: string): TreeShape {
  const layout = headerMessage(file, '/table', MSG.LAYOUT, (h) => decodeLayout(h.get(MSG.LAYOUT), '/table'));
  assert.is(layout.kind, 'chunked');
  const btree = layout.kind === 'chunked' ? layout.btree : UNDEF;
  return walkTree(file, btree, BTREE1.CHUNK.type, BTREE1.CHUNK.k, 8 + 8 * 3);
}

/** The table, h5py's read of it and h5traj's, and h5dump's. */
export function assertTable(file: string, want: Int32Array, where: string): void {
  const code = 'import h5py, json, sys\nf = h5py.File(sys.argv[1], "r")\nprint(json.dumps(f["table"][:].ravel().tolist()))';
  assert.equal(runH5pyJson<number[]>(code, file), [...want], `h5py reads the table ${where}`);
  h5dumpReads(['-d', '/table'], file);
  const nodes = chunkTree(file).levels.flat().length;
  assertH5stat(file, { groups: 0, chunkIndex: nodes * BTREE1.nodeSize(BTREE1.CHUNK.k, 32, 8) }, where);
  const f = NativeH5File.open(file, 'r');
  try {
    const bytes = f.readDataset('/table').bytes;
    assert.equal([...new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)], [...want], `h5traj reads the table ${where}`);
  } finally {
    f.close();
  }
}

/** Rows `from` … `from + count − 1` as a commit changes them: [−10 i, −10 i − 1]. */
export const marked = (from: number, count: number) => new Uint8Array(Int32Array.from({ length: 2 * count }, (_, k) => -((from + (k >> 1)) * 10 + (k & 1))).buffer);

/** The span `chunk-tree-child.ts` changes in the middle of its table. */
export const MIDDLE = { from: 2500, count: 11 };
