/**
 * Appending commits that change chunks in the middle of a chunked table (`write/btree1-append.ts`):
 * a trajectory's `overview/runs` is written at full size when the exploration is stored, and each
 * commit changes the rows of the runs it completed, anywhere in the table. Such a commit writes
 * the leaves holding changed chunks and the nodes on their paths to the root anew, and keeps every
 * other node where it is (issue 13: it used to write every leaf right of the first changed chunk).
 *
 * A table of 5,000 one-row chunks (79 leaves, 2 level-1 nodes, a level-2 root) gets commits
 * changing a span in the middle, at the start, at the end, across a leaf boundary, across a
 * level-1 boundary, two spans, a span plus appended chunks, and a span plus a cut. After each:
 * h5py, h5dump and h5traj read every row, the walker checks every node, key and sibling (left and
 * right), h5stat sizes the tree, exactly the expected nodes are new and the others kept, the bytes
 * appended are those nodes plus the chunks, the version before the commit (the file with its old
 * superblock) reads back exactly, and the only bytes the commit changed below the old end of file
 * are the head and sibling addresses of kept nodes. Then libhdf5 changes the table on top, and a
 * crash at every durable step of a mid-table commit leaves a whole old or new version.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BTREE1 } from '../../../../src/storage/hdf5/native/format.js';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { RESERVED } from '../../../../src/storage/hdf5/native/write/superblock.js';
import { forceCommitMode, runH5py, runH5pyJson, tempDir } from '../../../helpers.js';
import { MIDDLE, type TreeShape, assertTable, chunkTree, h5dumpReads, makeTable, marked, rows, widths } from './btree-check.js';

const dir = tempDir('h5traj-chunk-middle-');
forceCommitMode(test, 'append');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const LOADER = fileURLToPath(new URL('../../../../scripts/loader/register.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./chunk-tree-child.ts', import.meta.url));
const NODE = BTREE1.nodeSize(BTREE1.CHUNK.k, 32, 8); // 2,616 bytes
const ROW = 8;
const N = 5000;

/** The table as h5py reads it. */
function h5pyTable(file: string): number[] {
  const code = 'import h5py, json, sys\nf = h5py.File(sys.argv[1], "r")\nprint(json.dumps(f["table"][:].ravel().tolist()))';
  return runH5pyJson<number[]>(code, file);
}

/** A table committed to by an appending writer, with what each version holds. */
class Table {
  readonly f: NativeH5File;
  expected: Int32Array;
  tree: TreeShape;

  constructor(readonly file: string) {
    makeTable(file, N);
    this.expected = new Int32Array(rows(0, N).buffer);
    this.f = NativeH5File.openCopy(file, file);
    this.tree = chunkTree(file);
  }

  /**
   * Cuts or grows the table to `n` rows (new rows as {@link rows} makes them), changes the rows of
   * `spans` ([from, count]) to {@link marked} values, commits, and checks the new version, the old
   * one and what was written; `newNodes` is how many tree nodes per level (leaves first) it
   * should write anew.
   */
  commit(where: string, spans: [number, number][], newNodes: number[], n = this.expected.length / 2): void {
    const before = fs.readFileSync(this.file);
    const eof = Number(before.readBigUInt64LE(28)); // the superblock's end of file
    const old = this.expected;
    const had = old.length / 2;
    const want = new Int32Array(2 * n);
    want.set(old.subarray(0, 2 * Math.min(n, had)));
    if (n !== had) this.f.resize('/table', [n, 2]);
    if (n > had) {
      this.f.writeRows('/table', had, rows(had, n - had));
      want.set(new Int32Array(rows(had, n - had).buffer), 2 * had);
    }
    let changed = 0;
    for (const [from, count] of spans) {
      this.f.writeRows('/table', from, marked(from, count));
      want.set(new Int32Array(marked(from, count).buffer), 2 * from);
      changed += count;
    }
    this.f.checkpoint();
    this.expected = want;
    assertTable(this.file, want, where); // h5py, h5dump, h5stat, the walker, h5traj

    // Exactly the nodes over the changed chunks are new; the others are kept where they were.
    const after = chunkTree(this.file);
    const fresh = after.levels.map((nodes) => nodes.filter((at) => at >= eof).length);
    assert.equal(fresh, newNodes, `new nodes per level ${where}`);
    after.levels.forEach((nodes, level) => {
      const was = this.tree.levels[level] ?? [];
      nodes.forEach((at, i) => {
        if (at < eof) assert.is(at, was[i], `level ${level}: node ${i} kept where it was ${where}`);
      });
    });
    const added = Math.max(0, n - had);
    const appended = fs.statSync(this.file).size - eof;
    const bound = fresh.reduce((a, b) => a + b, 0) * NODE + (changed + added) * ROW + 2048; // + the dataset's and root group's headers
    assert.ok(appended <= bound, `the commit appended ${appended} bytes, at most ${bound}: the path to the changed chunks ${where}`);

    // Below the old end of file only the head and kept nodes' sibling addresses changed.
    const now = fs.readFileSync(this.file);
    const siblings = new Set(after.levels.flat().filter((at) => at < eof).flatMap((at) => [at + 8, at + 16]));
    for (let at = RESERVED; at < eof; at++) {
      if (now[at] === before[at]) continue;
      const field = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => at - d).find((s) => siblings.has(s));
      assert.ok(field !== undefined, `byte ${at} of the old version changed only in a kept node's sibling address ${where}`);
    }
    // The version before: the file with its old superblock.
    const prior = path.join(dir, 'prior.h5');
    fs.writeFileSync(prior, now);
    const fd = fs.openSync(prior, 'r+');
    fs.writeSync(fd, before, 0, 48, 0);
    fs.closeSync(fd);
    assert.equal(h5pyTable(prior), [...old], `h5py reads the version before the commit ${where}`);
    fs.rmSync(prior);
    this.tree = after;
  }
}

test('commits changing chunks in the middle of a 5,000-chunk table write the paths to them, not the leaves right of them', () => {
  const t = new Table(path.join(dir, 'middle.h5'));
  assert.equal(widths(t.tree), [79, 2, 1], 'a three-level tree');
  // The first commit after opening the file too: the tree is read from the stored layout.
  t.commit('changing row 10 (the first commit)', [[10, 1]], [1, 1, 1]);
  t.commit(`changing rows ${MIDDLE.from}–${MIDDLE.from + MIDDLE.count - 1} (leaf 39)`, [[MIDDLE.from, MIDDLE.count]], [1, 1, 1]);
  t.commit('changing rows 0–3 (the first leaf)', [[0, 4]], [1, 1, 1]);
  t.commit('changing rows 4992–4999 (the last leaf)', [[4992, 8]], [1, 1, 1]);
  t.commit('changing rows 60–70 (across leaves 0 and 1)', [[60, 11]], [2, 1, 1]);
  t.commit('changing rows 4090–4100 (across the level-1 nodes)', [[4090, 11]], [2, 2, 1]);
  t.commit('changing rows 100 and 3000 (two spans)', [[100, 1], [3000, 1]], [2, 1, 1]);
  t.commit('changing rows 2000–2004 and adding 100 rows', [[2000, 5]], [3, 2, 1], 5100);
  t.commit('changing row 1000 and cutting to 4,500 rows', [[1000, 1]], [2, 2, 1], 4500);
  t.commit('changing rows 4400–4499 (three leaves, the last of them the new last leaf)', [[4400, 100]], [3, 1, 1]);
  t.f.close();

  // libhdf5 changes the table on top: a middle row, then 300 more rows (its inserts split nodes the commits wrote).
  const code = [
    'import h5py, sys',
    'with h5py.File(sys.argv[1], "a") as f:',
    '    d = f["table"]',
    '    d[2600] = [7, 8]',
    '    n = d.shape[0]',
    '    d.resize((n + 300, 2))',
    '    for i in range(n, n + 300): d[i] = [10 * i, 10 * i + 1]',
    'print(f"ok")',
  ].join('\n');
  assert.is(runH5py(code, t.file).trim(), 'ok');
  const want = new Int32Array(2 * 4800);
  want.set(t.expected);
  want.set([7, 8], 2 * 2600);
  want.set(new Int32Array(rows(4500, 300).buffer), 2 * 4500);
  assertTable(t.file, want, 'after h5py changed it');

  // h5traj commits into the tree libhdf5 changed (its split nodes are half full): paths again.
  const eof = fs.statSync(t.file).size;
  const f = NativeH5File.openCopy(t.file, t.file);
  for (const [from, count] of [[1000, 11], [4700, 3]] as const) {
    f.writeRows('/table', from, marked(from, count));
    want.set(new Int32Array(marked(from, count).buffer), 2 * from);
  }
  f.checkpoint();
  f.close();
  assertTable(t.file, want, 'after h5traj changed rows libhdf5 wrote and rows before them');
  const fresh = chunkTree(t.file).levels.map((nodes) => nodes.filter((at) => at >= eof).length);
  assert.equal(fresh, [2, 2, 1], 'a path to each changed leaf in the tree libhdf5 changed');
  // And grows it: the tail path gets h5traj's final key.
  const g = NativeH5File.openCopy(t.file, t.file);
  g.resize('/table', [4810, 2]);
  g.writeRows('/table', 4800, rows(4800, 10));
  g.writeRows('/table', 20, marked(20, 1));
  g.checkpoint();
  g.close();
  const grown = new Int32Array(2 * 4810);
  grown.set(want);
  grown.set(new Int32Array(rows(4800, 10).buffer), 2 * 4800);
  grown.set(new Int32Array(marked(20, 1).buffer), 2 * 20);
  assertTable(t.file, grown, 'after h5traj grew the table libhdf5 changed');
});

/** Runs the child's two commits into `file`, crashing at durable step `crashAt` if given; returns how many steps it announced. */
function commitInChild(file: string, crashAt?: number): { crashed: boolean; steps: number } {
  const steps = fs.mkdtempSync(path.join(path.dirname(file), 'steps-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, H5TRAJ_CRASH_STEPS: steps, H5TRAJ_COMMITS: 'append' };
    if (crashAt === undefined) delete env.H5TRAJ_CRASH_AT;
    else env.H5TRAJ_CRASH_AT = String(crashAt);
    const r = spawnSync(process.execPath, ['--import', LOADER, CHILD, file], { env, encoding: 'utf8' });
    const crashed = r.signal === 'SIGKILL';
    if (!crashed && r.status !== 0) throw new Error(`the commit child failed (crash at ${crashAt}): ${r.stderr}`);
    return { crashed, steps: fs.readdirSync(steps).length };
  } finally {
    fs.rmSync(steps, { recursive: true, force: true });
  }
}

test('a crash at every durable step of a mid-table commit leaves the old or the new version whole', () => {
  const template = path.join(dir, 'crash-template.h5');
  makeTable(template, N);
  // The three versions: as made, after the child's first commit (row 5), after its second (the middle span).
  const v0 = [...new Int32Array(rows(0, N).buffer)];
  const v1 = [...v0];
  v1.splice(10, 2, ...new Int32Array(marked(5, 1).buffer));
  const v2 = [...v1];
  v2.splice(2 * MIDDLE.from, 2 * MIDDLE.count, ...new Int32Array(marked(MIDDLE.from, MIDDLE.count).buffer));
  const count = path.join(dir, 'count.h5');
  fs.copyFileSync(template, count);
  const { steps } = commitInChild(count);
  assert.ok(steps > 6, `the commits announce their durable steps (${steps})`);
  assert.equal(h5pyTable(count), v2, 'the two commits without a crash');
  assertTable(count, Int32Array.from(v2), 'after the two commits without a crash');
  const versions = [v0, v1, v2];
  for (let k = 1; k <= steps; k++) {
    const where = `(crash at step ${k} of ${steps})`;
    const file = path.join(dir, `crash-${k}.h5`);
    fs.copyFileSync(template, file);
    assert.ok(commitInChild(file, k).crashed, `the child crashed ${where}`);
    const seen = h5pyTable(file);
    const version = versions.findIndex((v) => v.length === seen.length && v.every((x, i) => x === seen[i]));
    assert.ok(version >= 0, `h5py reads a whole version ${where}`);
    h5dumpReads(['-d', '/table'], file);
    // The next writer repairs what the crash left and commits the middle span again.
    const f = NativeH5File.openCopy(file, file);
    f.writeRows('/table', MIDDLE.from, marked(MIDDLE.from, MIDDLE.count));
    f.checkpoint();
    f.close();
    const want = [...versions[version]!];
    want.splice(2 * MIDDLE.from, 2 * MIDDLE.count, ...new Int32Array(marked(MIDDLE.from, MIDDLE.count).buffer));
    assert.equal(h5pyTable(file), want, `h5py after the next writer ${where}`);
    fs.rmSync(file);
  }
});

test('a torn sibling address (a power cut in the unsynced fix after a switch) does not make the next commits fail', () => {
  const file = path.join(dir, 'torn.h5');
  makeTable(file, 5000);
  // Leaf 39's left-sibling address, half written: it points far past the end of the file.
  const leaf39 = chunkTree(file).levels[0]![39]!;
  const fd = fs.openSync(file, 'r+');
  const torn = Buffer.alloc(8);
  torn.writeBigUInt64LE(0x0000_0100_0000_0000n);
  fs.writeSync(fd, torn, 0, 8, leaf39 + 8);
  fs.closeSync(fd);
  const want = new Int32Array(rows(0, 5000).buffer);
  for (const at of [2500, 2436, 2564]) {
    // (row 2500 is in leaf 39; 2436 and 2564 in its neighbours, whose fixes read its sibling field)
    const g = NativeH5File.openCopy(file, file);
    g.writeRows('/table', at, marked(at, 1));
    g.checkpoint();
    g.close();
    want.set(new Int32Array(marked(at, 1).buffer), 2 * at);
    // The data, as libhdf5 reads it from the root down (the sibling chain keeps the torn address:
    // the fix is best effort, see docs/commit-design.md §4).
    const code = 'import h5py, json, sys\nf = h5py.File(sys.argv[1], "r")\nprint(json.dumps(f["table"][:].ravel().tolist()))';
    assert.equal(runH5pyJson<number[]>(code, file), [...want], `h5py reads the table after the commit of row ${at}`);
  }
});

test.run();
