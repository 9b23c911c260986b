/**
 * A growing table's chunk B-tree in appending commits (`write/btree1-append.ts`): a commit that
 * adds or changes the last rows writes the tree's path to them, not the whole tree (issue 13: a
 * million-run `overview/runs` has 21,700 chunks), and h5py and h5dump read the table exactly
 * after every commit, including commits that change a row in the middle or cut the table.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { I32 } from '../../../../src/storage/hdf5/engine/h5types.js';
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { forceCommitMode, runH5pyJson, tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-chunk-tree-');
forceCommitMode(test, 'append');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Rows of int32 pairs [10 i, 10 i + 1] for rows `from` … `from + count − 1`. */
const rows = (from: number, count: number) => new Uint8Array(Int32Array.from({ length: 2 * count }, (_, k) => (from + (k >> 1)) * 10 + (k & 1)).buffer);
const expected = (n: number): number[] => [...new Int32Array(rows(0, n).buffer)];

/** The table as h5py reads it, flattened. */
function h5pyTable(file: string): number[] {
  const code = 'import h5py, json, sys\nf = h5py.File(sys.argv[1], "r")\nprint(json.dumps(f["table"][:].ravel().tolist()))';
  return runH5pyJson<number[]>(code, file);
}

function h5dumpReads(file: string): void {
  const r = spawnSync('h5dump', ['-d', '/table', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(r.status, 0, `h5dump reads ${file}: ${r.stderr}`);
}

/** A file holding a table of `n` rows in chunks of one row (n chunks), written whole. */
function makeTable(file: string, n: number): void {
  const f = NativeH5File.open(file, 'w');
  f.createDataset('/table', { type: I32, shape: [n, 2], data: rows(0, n) }, { maxshape: [null, 2], chunks: [1, 2] });
  f.close();
}

test('appending rows to a table of 5,000 chunks writes a path of its B-tree, not the whole tree', () => {
  const file = path.join(dir, 'grow.h5');
  const N = 5000;
  makeTable(file, N);
  const f = NativeH5File.openCopy(file, file);
  const added: number[] = [];
  let n = N;
  for (let c = 0; c < 12; c++) {
    const before = fs.statSync(file).size;
    f.resize('/table', [n + 3, 2]);
    f.writeRows('/table', n, rows(n, 3));
    n += 3;
    f.checkpoint();
    added.push(fs.statSync(file).size - before);
    if (c % 4 === 0) {
      assert.equal(h5pyTable(file), expected(n), `h5py reads the table after commit ${c}`);
      h5dumpReads(file);
    }
  }
  f.close();
  // Each commit writes three nodes (leaf, level 1, root) plus three chunks and the headers
  // above, the first one too: the tree is read from the stored layout, not written whole once
  // (~80 nodes of 2.6 KB) to be known.
  const most = Math.max(...added);
  assert.ok(most < 20_000, `the commits write a path of the tree: at most ${most} bytes`);
  assert.equal(h5pyTable(file), expected(n));
});

test('a commit changing a middle row, then one cutting the table: h5py reads each version exactly', () => {
  const file = path.join(dir, 'edit.h5');
  const N = 3000;
  makeTable(file, N);
  const f = NativeH5File.openCopy(file, file);
  f.resize('/table', [N + 1, 2]);
  f.writeRows('/table', N, rows(N, 1));
  f.checkpoint();
  const want = expected(N + 1);
  f.writeRows('/table', 1234, new Uint8Array(new Int32Array([-1, -2]).buffer));
  want[2 * 1234] = -1;
  want[2 * 1234 + 1] = -2;
  f.checkpoint();
  assert.equal(h5pyTable(file), want, 'after changing row 1234');
  h5dumpReads(file);
  f.resize('/table', [2000, 2]); // cut on a chunk boundary: no chunk changes, the tree shrinks
  f.checkpoint();
  assert.equal(h5pyTable(file), want.slice(0, 4000), 'after cutting to 2,000 rows');
  f.resize('/table', [2100, 2]);
  f.writeRows('/table', 2000, rows(2000, 100));
  f.checkpoint();
  assert.equal(h5pyTable(file), [...want.slice(0, 4000), ...expected(2100).slice(4000)], 'after growing again');
  h5dumpReads(file);
  f.close();
  const back = NativeH5File.open(file, 'r');
  assert.is(back.readDataset('/table').bytes.length, 2100 * 8);
  back.close();
});

test.run();
