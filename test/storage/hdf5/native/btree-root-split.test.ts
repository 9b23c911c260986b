/**
 * Root splits of the version-1 B-trees that appending commits write only a path of: a chunked
 * table's chunk index (`write/btree1-append.ts`) and an old-style group's name index
 * (`write/symbol-table-append.ts`). Commits grow each tree through a root split, a split of a
 * non-root node, and a split of a level-1 root (a third level), and after every commit h5py, h5dump
 * and h5traj read every row or link, h5stat sizes the trees, and the tree in the file is walked
 * and checked. Last, a trajectory's `results.runs` through the held writer's commits (as an
 * Environment commits runs) splits its root at run 257.
 *
 * When the roots fill (the writers fill nodes completely, left to right; HDF5 does not require
 * half-full nodes):
 * - Chunk B-tree: K = 32 (`BTREE1.CHUNK.k`, the default a version-2 superblock implies), so a node
 *   holds 2K = 64 children. A tree of c chunks has ceil(c / 64) leaves: the root (a leaf) splits
 *   at chunk 65, the level-1 root at chunk 4,097 (64² + 1), the level-2 root at 262,145 (64³ + 1).
 *   A trajectory's `overview/runs` has 709-byte rows (689 bytes + the 20-byte time string) in
 *   chunks of floor(32,768 / 709) = 46 rows: its root splits at run 64 · 46 + 1 = 2,945, the
 *   level-1 root at run 4,096 · 46 + 1 = 188,417 (so a million-run table, 21,740 chunks, has a
 *   level-2 root with 6 children), the level-2 root at run 12,058,625. Here the chunks are one row
 *   of two int32, so chunk counts are row counts.
 * - Group B-tree: K = 16 (`BTREE1.GROUP.k`): 32 symbol table nodes per tree node; each symbol
 *   table node holds 2 · sym_leaf_k = 8 links (`SYMBOL_TABLE_NODE.ENTRIES`). The root (level 0)
 *   holds 256 links and splits at link 257 (run 256 of `results.runs`, the 257th run), the level-1
 *   root holds 32 · 32 · 8 = 8,192 links and splits at link 8,193, the level-2 root at link 262,145.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Trajectory } from '../../../../src/index.js';
import type { OverviewMemory } from '../../../../src/storage/hdf5/layout/overview-tables.js';
import { writeCommit } from '../../../../src/storage/hdf5/store.js';
import { HeldFileWriter } from '../../../../src/storage/hdf5/transactions/held-writer.js';
import { BTREE1, MSG, SYMBOL_TABLE_NODE } from '../../../../src/storage/hdf5/native/format.js';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { runName } from '../../../../src/tree/names.js';
import { forceCommitMode, runH5py, runH5pyJson, tempDir } from '../../../helpers.js';
import { type TreeShape, assertH5stat, assertTable, chunkTree, h5dumpReads, headerMessage, keptNodes, makeTable, rows, walkTree, widths } from './btree-check.js';
import { runCommit, storeExploration } from './run-commits.js';

const dir = tempDir('h5traj-root-split-');
forceCommitMode(test, 'append');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const CHUNK_FANOUT = 2 * BTREE1.CHUNK.k; // 64
const GROUP_FANOUT = 2 * BTREE1.GROUP.k; // 32
const LINKS_PER_SNOD = 8;

/** A table growing by appending commits; `expected` is what it holds. */
class GrowingTable {
  readonly f: NativeH5File;
  n: number;
  expected: Int32Array;

  constructor(readonly file: string, n: number) {
    makeTable(file, n);
    this.n = n;
    this.expected = new Int32Array(rows(0, n).buffer);
    this.f = NativeH5File.openCopy(file, file);
  }

  /** Grows the table to `n` rows (new rows as {@link rows} makes them) and commits; returns the bytes the commit appended. */
  growTo(n: number, edit?: { row: number; values: [number, number] }): number {
    const before = fs.statSync(this.file).size;
    this.f.resize('/table', [n, 2]);
    this.f.writeRows('/table', this.n, rows(this.n, n - this.n));
    const grown = new Int32Array(2 * n);
    grown.set(this.expected.subarray(0, 2 * Math.min(n, this.n)));
    grown.set(new Int32Array(rows(this.n, n - this.n).buffer), 2 * this.n);
    if (edit) {
      this.f.writeRows('/table', edit.row, new Uint8Array(Int32Array.from(edit.values).buffer));
      grown.set(edit.values, 2 * edit.row);
    }
    this.f.checkpoint();
    this.n = n;
    this.expected = grown;
    assertTable(this.file, grown, `at ${n} rows`);
    return fs.statSync(this.file).size - before;
  }
}

test('a chunk B-tree grown by appending commits: its root splits, a leaf splits, the level-1 root splits', () => {
  const t = new GrowingTable(path.join(dir, 'chunks.h5'), 60);
  t.growTo(62); // one leaf, the root
  let before = chunkTree(t.file);
  assert.equal(widths(before), [1]);

  // Chunk 65: the root leaf splits; a level-1 root above two leaves.
  t.growTo(66);
  let after = chunkTree(t.file);
  assert.equal(widths(after), [2, 1], 'after the root split: 2 leaves, a level-1 root');
  assert.is(after.children.length, 66);

  // Chunk 129: the second leaf splits, the root gets a third child; the first leaf is kept.
  before = after;
  t.growTo(129);
  after = chunkTree(t.file);
  assert.equal(widths(after), [3, 1], 'after a leaf split: 3 leaves');
  keptNodes(before, after, 0, 1);

  // Up to 4,094 chunks in one commit: the level-1 root fills (64 leaves).
  before = after;
  t.growTo(4094);
  after = chunkTree(t.file);
  assert.equal(widths(after), [64, 1], 'a full level-1 root');
  keptNodes(before, after, 0, 2);

  // Chunk 4,097: the level-1 root splits; a level-2 root above two level-1 nodes. A path, not the tree.
  before = after;
  const appended = t.growTo(4098);
  after = chunkTree(t.file);
  assert.equal(widths(after), [65, 2, 1], 'after the level-1 root split: a level-2 root');
  keptNodes(before, after, 0, 63);
  const nodeSize = BTREE1.nodeSize(BTREE1.CHUNK.k, 32, 8);
  assert.ok(appended < 12 * nodeSize, `the commit wrote a path of the tree (${appended} bytes), not its ${after.levels.flat().length} nodes`);

  // A commit changing row 1,000 (leaf 15) and adding rows past the next level-1 split: the path
  // runs through the first level-1 node, everything right of it is written anew.
  before = after;
  t.growTo(4200, { row: 1000, values: [-1, -2] });
  after = chunkTree(t.file);
  assert.equal(widths(after), [66, 2, 1]);
  keptNodes(before, after, 0, 15);
  assert.is(after.children.length, 4200);
  t.f.close();

  // libhdf5 goes on growing the table (its own inserts split the nodes the commits wrote).
  const code = [
    'import h5py, sys',
    'with h5py.File(sys.argv[1], "a") as f:',
    '    d = f["table"]',
    '    n = d.shape[0]',
    '    d.resize((n + 300, 2))',
    '    for i in range(n, n + 300): d[i] = [10 * i, 10 * i + 1]',
    'with h5py.File(sys.argv[1], "r") as f:',
    '    d = f["table"][:]',
    '    print(d.shape[0], int(d[1000][0]), int(d[4499][1]))',
  ].join('\n');
  assert.is(runH5py(code, t.file).trim(), '4500 -1 44991');
  const want = new Int32Array(2 * 4500);
  want.set(t.expected);
  want.set(new Int32Array(rows(4200, 300).buffer), 2 * 4200);
  assertTable(t.file, want, 'after h5py appended 300 rows');
});

test('a chunk B-tree whose root splits twice in one appending commit (a leaf root to a level-2 root)', () => {
  const t = new GrowingTable(path.join(dir, 'chunks-once.h5'), 60);
  t.growTo(62);
  t.growTo(CHUNK_FANOUT * CHUNK_FANOUT + 5);
  const after = chunkTree(t.file);
  assert.equal(widths(after), [65, 2, 1]);
  assert.is(after.children.length, 4101);
  t.f.close();
});

// ---------------------------------------------------------------------------------------------
// (b) An old-style group's B-tree (a `results.runs` of run groups)

/** A file whose group /g holds run groups run_00000000 … for runs 0 … n−1, written whole. */
function makeGroup(file: string, n: number): void {
  const f = NativeH5File.open(file, 'w');
  f.createGroup('/g');
  for (let i = 0; i < n; i++) f.createGroup(`/g/${runName(i)}`);
  f.close();
}

function groupTree(file: string, group = '/g'): TreeShape {
  const btree = headerMessage(file, group, MSG.SYMBOL_TABLE, (h) => h.get(MSG.SYMBOL_TABLE).addr());
  return walkTree(file, btree, BTREE1.GROUP.type, BTREE1.GROUP.k, 8);
}

/** h5py lists the group's links and finds each by name (HDF5's binary search over the B-tree keys); h5dump and h5traj read it. */
function assertGroup(file: string, n: number, where: string): void {
  const names = Array.from({ length: n }, (_, i) => runName(i));
  const code = [
    'import h5py, json, sys',
    'g = h5py.File(sys.argv[1], "r")["g"]',
    'names = list(g.keys())',
    'found = [n for n in names if isinstance(g.get(n), h5py.Group)]',
    // Names before, between and after the stored ones are not found.
    'absent = [n for n in ["run_", "run_00000000a", "zz", "a"] if n in g]',
    'print(json.dumps({"names": names, "found": len(found), "absent": absent}))',
  ].join('\n');
  const seen = runH5pyJson<{ names: string[]; found: number; absent: string[] }>(code, file);
  assert.equal(seen.names, names, `h5py lists the links ${where}`);
  assert.is(seen.found, n, `h5py finds every link by name ${where}`);
  assert.equal(seen.absent, [], `h5py finds no link that is not there ${where}`);
  h5dumpReads(['-H'], file);
  const tree = groupTree(file);
  const nodeBytes = tree.levels.flat().length * BTREE1.nodeSize(BTREE1.GROUP.k, 8, 8) + tree.children.length * SYMBOL_TABLE_NODE.size(8);
  assertH5stat(file, { groups: nodeBytes, chunkIndex: 0 }, where);
  const f = NativeH5File.open(file, 'r');
  try {
    assert.equal(f.childNames('/g'), names, `h5traj lists the links ${where}`);
    for (const name of names) assert.is(f.typeOf(`/g/${name}`), 'group', `h5traj finds ${name} ${where}`);
  } finally {
    f.close();
  }
}

/** A group growing by appending commits, each adding run groups after the stored ones. */
class GrowingGroup {
  readonly f: NativeH5File;

  constructor(readonly file: string, public n: number) {
    makeGroup(file, n);
    this.f = NativeH5File.openCopy(file, file);
  }

  growTo(n: number): number {
    const before = fs.statSync(this.file).size;
    for (let i = this.n; i < n; i++) this.f.createGroup(`/g/${runName(i)}`);
    this.f.checkpoint();
    this.n = n;
    assertGroup(this.file, n, `at ${n} links`);
    return fs.statSync(this.file).size - before;
  }
}

test('a group B-tree grown by appending commits: its root splits, a level-0 node splits, the level-1 root splits', () => {
  const g = new GrowingGroup(path.join(dir, 'group.h5'), 250);
  let before = groupTree(g.file);
  assert.equal(widths(before), [1], '250 links: one level-0 root');
  assert.is(before.children.length, Math.ceil(250 / LINKS_PER_SNOD));

  // Link 257: the root's 33rd symbol table node; the root splits under a new level-1 root.
  g.growTo(260);
  let after = groupTree(g.file);
  assert.equal(widths(after), [2, 1], 'after the root split: 2 level-0 nodes, a level-1 root');
  assert.is(after.children.length, 33);
  // The symbol table nodes before the last stored one are kept.
  assert.equal(after.children.slice(0, 31), before.children.slice(0, 31), 'the untouched symbol table nodes are kept');

  // Link 513: the second level-0 node splits; the first is kept.
  before = after;
  g.growTo(520);
  after = groupTree(g.file);
  assert.equal(widths(after), [3, 1]);
  keptNodes(before, after, 0, 1);

  // Up to 8,190 links in one commit: the level-1 root fills (32 level-0 nodes).
  before = after;
  g.growTo(8190);
  after = groupTree(g.file);
  assert.equal(widths(after), [GROUP_FANOUT, 1], 'a full level-1 root');
  keptNodes(before, after, 0, 2);

  // Link 8,193: the level-1 root splits; a level-2 root. A path, not the tree.
  before = after;
  const appended = g.growTo(8200);
  after = groupTree(g.file);
  assert.equal(widths(after), [33, 2, 1], 'after the level-1 root split: a level-2 root');
  keptNodes(before, after, 0, 31);
  assert.is(after.children.length, Math.ceil(8200 / LINKS_PER_SNOD));
  assert.ok(appended < 40_000, `the commit wrote a path of the tree (${appended} bytes), not its ${after.levels.flat().length} nodes`);
  g.f.close();

  // libhdf5 goes on changing the group: its inserts split the nodes the commits wrote.
  const code = [
    'import h5py, sys',
    'with h5py.File(sys.argv[1], "a") as f:',
    '    g = f["g"]',
    '    for i in range(300): g.create_group("zz_%05d" % i)',
    '    g.create_group("aa_first")',
    'with h5py.File(sys.argv[1], "r") as f:',
    '    g = f["g"]',
    '    print(len(g), "run_00008199" in g, "zz_00299" in g, "aa_first" in g)',
  ].join('\n');
  assert.is(runH5py(code, g.file).trim(), '8501 True True True');
  h5dumpReads(['-H'], g.file);
  const f = NativeH5File.open(g.file, 'r');
  assert.is(f.childNames('/g').length, 8501);
  f.close();
});

test('a group B-tree whose root splits twice in one appending commit (a level-0 root to a level-2 root)', () => {
  const g = new GrowingGroup(path.join(dir, 'group-once.h5'), 250);
  g.growTo(GROUP_FANOUT * GROUP_FANOUT * LINKS_PER_SNOD + 60);
  const after = groupTree(g.file);
  assert.equal(widths(after), [33, 2, 1]);
  g.f.close();
});

// ---------------------------------------------------------------------------------------------
// (c) Through the storage service: a trajectory's `results.runs`

test('results.runs through the held writer\'s commits: its B-tree root splits at run 257, a level-0 node at run 513', () => {
  // (`overview/runs` gets all its rows when the exploration is stored; commits change rows in
  // place, so its chunk B-tree keeps its shape; only f_expand grows it, past chunk 64 at run 2,945.)
  const file = path.join(dir, 'runs.hdf5');
  const N = 600;
  const t = storeExploration(file, N);
  const writer = new HeldFileWriter();
  const memory: OverviewMemory = new Map();
  const view = (done: number, where: string): TreeShape => {
    const code = [
      'import h5py, json, sys',
      't = h5py.File(sys.argv[1], "r")["sim"]',
      'runs = t["results/runs"]',
      'names = list(runs.keys())',
      'print(json.dumps({"names": names, "z": [float(runs[n]["z"]["z"][()]) for n in names],',
      '  "completed": int(sum(t["overview/runs"]["completed"]))}))',
    ].join('\n');
    const seen = runH5pyJson<{ names: string[]; z: number[]; completed: number }>(code, file);
    const runs = Array.from({ length: done }, (_, i) => i);
    assert.equal(seen.names, runs.map(runName), `h5py lists the run groups ${where}`);
    assert.equal(seen.z, runs.map((i) => 10 * i), `h5py finds each run group by name and reads its result ${where}`);
    assert.is(seen.completed, done, `h5py: completed runs ${where}`);
    h5dumpReads(['-H'], file);
    const back = new Trajectory('sim', { add_time: false, filename: file });
    back.f_load({ load_parameters: 2, load_results: 2 });
    for (const i of [0, done - 1]) assert.is(back.f_get(`results.runs.${runName(i)}.z`).z, 10 * i, `h5traj: run ${i} ${where}`);
    assert.equal(Object.keys(back.f_get('results.runs').f_get_children()).sort(), Array.from({ length: done }, (_, i) => runName(i)), `h5traj: the run groups ${where}`);
    return groupTree(file, '/sim/results/runs');
  };
  let done = 0;
  const commitTo = (n: number): void => {
    const runs = Array.from({ length: n - done }, (_, k) => runCommit(t, done + k).runs[0]!);
    writer.write(file, (f) => writeCommit(f, 'sim', { runs, failures: [], nodes: [] }, memory));
    done = n;
  };
  try {
    commitTo(250); // more than 16 links: the group becomes an old-style group, written whole
    assert.equal(widths(view(250, 'at 250 runs')), [1]);
    commitTo(256);
    assert.equal(widths(view(256, 'at 256 runs')), [1], '256 runs fill the root');
    const before = groupTree(file, '/sim/results/runs');
    commitTo(257);
    const after = view(257, 'at 257 runs');
    assert.equal(widths(after), [2, 1], 'run 257 splits the root');
    assert.equal(after.children.slice(0, 31), before.children.slice(0, 31), 'a path was appended: the other symbol table nodes are kept');
    commitTo(520);
    assert.equal(widths(view(520, 'at 520 runs')), [3, 1], 'run 513 splits a level-0 node');
  } finally {
    writer.close();
  }
});

test.run();
