/**
 * Bounded writer memory (issue 13, `stored-objects.ts`, `stored-rows.ts`): with appending
 * commits, a writer that commits again and again keeps the members of big groups on disk and a
 * growing table's unchanged chunks there too, re-reading them on demand. The graph then holds a
 * bounded number of objects however many runs were committed, and looking up, reading or
 * changing an object that left memory gives what was written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { F64, I32 } from '../../../../src/storage/hdf5/engine/h5types.js';
import { NativeH5File, SPILL_BYTES } from '../../../../src/storage/hdf5/native/native-file.js';
import { StoredGroupLinks } from '../../../../src/storage/hdf5/native/stored-group-links.js';
import { runName } from '../../../../src/tree/names.js';
import { forceCommitMode, runH5pyJson, tempDir } from '../../../helpers.js';

const dir = tempDir('h5traj-writer-memory-');

forceCommitMode(test, 'append');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const f64 = (...xs: number[]) => ({ type: F64, shape: [xs.length], data: new Uint8Array(new Float64Array(xs).buffer) });
const i32Rows = (from: number, count: number) => new Uint8Array(Int32Array.from({ length: 2 * count }, (_, k) => (from + (k >> 1)) * 10 + (k & 1)).buffer);
const readF64 = (f: NativeH5File, p: string): number[] => {
  const d = f.readDataset(p);
  return [...new Float64Array(d.bytes.buffer.slice(d.bytes.byteOffset, d.bytes.byteOffset + d.bytes.byteLength))];
};
const readI32 = (f: NativeH5File, p: string, rows?: [number, number]): number[] => {
  const d = f.readDataset(p, rows);
  return [...new Int32Array(d.bytes.buffer.slice(d.bytes.byteOffset, d.bytes.byteOffset + d.bytes.byteLength))];
};

const COMMITS = 30;
const PER_COMMIT = 10;
const CHUNK_ROWS = 4;

/** A file with an empty group `runs` and an empty table of int32 pairs, written whole. */
function makeFile(file: string): void {
  const f = NativeH5File.open(file, 'w');
  f.createGroup('/runs');
  f.createDataset('/table', { type: I32, shape: [0, 2], data: new Uint8Array(0) }, { maxshape: [null, 2], chunks: [CHUNK_ROWS, 2] });
  f.close();
}

/** One commit's worth: runs with a dataset and an attribute each, and their rows of the table. */
function addRuns(f: NativeH5File, from: number): void {
  for (let i = from; i < from + PER_COMMIT; i++) {
    f.createGroup(`/runs/${runName(i)}`);
    f.createDataset(`/runs/${runName(i)}/x`, f64(i, i / 2));
    f.writeAttr(`/runs/${runName(i)}`, 'idx', { type: I32, shape: [], data: new Uint8Array(new Int32Array([i]).buffer) });
  }
  f.resize('/table', [from + PER_COMMIT, 2]);
  f.writeRows('/table', from, i32Rows(from, PER_COMMIT));
}

test('after many appending commits the writer holds a bounded number of objects and table chunks', () => {
  const file = path.join(dir, 'bounded.h5');
  makeFile(file);
  const f = NativeH5File.openCopy(file, file);
  let most = 0;
  for (let c = 0; c < COMMITS; c++) {
    addRuns(f, c * PER_COMMIT);
    f.checkpoint();
    // A group of up to 16 links keeps its members (it is written whole anyway).
    if (c >= 2) most = Math.max(most, f.memoryObjects);
    // The table's chunks stay on disk, and so do the runs' datasets.
    if (c >= 2) assert.is(f.memoryBytes, 0, `bytes of data held after commit ${c}`);
  }
  // 300 runs of 2 objects each were committed; the graph keeps the root, runs and table.
  assert.ok(most <= 5, `objects held after a commit: at most ${most}`);
  // Lookups and reads of objects that left memory read them again.
  assert.ok(f.exists(`/runs/${runName(17)}/x`));
  assert.not.ok(f.exists(`/runs/${runName(COMMITS * PER_COMMIT)}`));
  assert.equal(readF64(f, `/runs/${runName(17)}/x`), [17, 8.5]);
  // The runs group's links are found on disk (a B-tree of two levels here): every name, and none between.
  for (let i = 0; i < COMMITS * PER_COMMIT; i++) {
    assert.ok(f.exists(`/runs/${runName(i)}`), `run ${i} is found`);
    assert.not.ok(f.exists(`/runs/${runName(i)}a`), `no name after run ${i}`);
  }
  assert.not.ok(f.exists('/runs/a'));
  assert.not.ok(f.exists('/runs/'));
  assert.equal(f.childNames('/runs').length, COMMITS * PER_COMMIT);
  assert.equal(readI32(f, '/table', [5, 7]), [50, 51, 60, 61]);
  f.close();
});

test('changing objects that left memory: the next commit writes their new versions', () => {
  const file = path.join(dir, 'edit.h5');
  makeFile(file);
  const f = NativeH5File.openCopy(file, file);
  for (let c = 0; c < 5; c++) {
    addRuns(f, c * PER_COMMIT);
    f.checkpoint();
  }
  // An attribute and a dataset added to an evicted run, a row of the table changed in place,
  // and new runs, in one commit.
  f.writeAttr(`/runs/${runName(3)}`, 'note', { type: I32, shape: [], data: new Uint8Array(new Int32Array([-3]).buffer) });
  f.createDataset(`/runs/${runName(3)}/y`, f64(33));
  f.writeRows('/table', 1, new Uint8Array(new Int32Array([-1, -2]).buffer));
  addRuns(f, 5 * PER_COMMIT);
  f.checkpoint();
  assert.ok(f.memoryObjects <= 5, `objects held: ${f.memoryObjects}`);
  assert.equal(readF64(f, `/runs/${runName(3)}/y`), [33]);
  f.close();

  // A fresh reader of the file sees every run, the change and the table.
  const r = NativeH5File.open(file, 'r');
  try {
    const n = 6 * PER_COMMIT;
    assert.equal(r.childNames('/runs'), Array.from({ length: n }, (_, i) => runName(i)));
    for (let i = 0; i < n; i++) assert.equal(readF64(r, `/runs/${runName(i)}/x`), [i, i / 2], `run ${i}`);
    assert.equal(r.childNames(`/runs/${runName(3)}`), ['x', 'y']);
    assert.equal([...new Int32Array(r.readAttr(`/runs/${runName(3)}`, 'note')!.bytes.slice().buffer)], [-3]);
    assert.equal([...new Int32Array(r.readAttr(`/runs/${runName(3)}`, 'idx')!.bytes.slice().buffer)], [3]);
    const expected = [...new Int32Array(i32Rows(0, n).buffer)];
    expected[2] = -1;
    expected[3] = -2;
    assert.equal(readI32(r, '/table'), expected);
  } finally {
    r.close();
  }

  // h5py reads the same.
  const code = [
    'import h5py, json, sys',
    'f = h5py.File(sys.argv[1], "r")',
    'print(json.dumps({"runs": len(f["runs"]), "y": float(f["runs/run_00000003/y"][0]), "x59": [float(v) for v in f["runs/run_00000059/x"][:]],',
    '  "rows": [[int(v) for v in r] for r in f["table"][:3]]}))',
  ].join('\n');
  assert.equal(runH5pyJson(code, file), { runs: 60, y: 33, x59: [59, 29.5], rows: [[0, 1], [-1, -2], [20, 21]] });
});

test('a writer opening a file with many runs reads only its top, and appends to it', () => {
  const file = path.join(dir, 'reopen.h5');
  makeFile(file);
  let f = NativeH5File.openCopy(file, file);
  for (let c = 0; c < 4; c++) {
    addRuns(f, c * PER_COMMIT);
    f.checkpoint();
  }
  f.close();
  f = NativeH5File.open(file, 'a');
  assert.ok(f.memoryObjects <= 5, `objects read at open: ${f.memoryObjects}`);
  addRuns(f, 4 * PER_COMMIT);
  f.close();
  const r = NativeH5File.open(file, 'r');
  try {
    assert.equal(r.childNames('/runs').length, 5 * PER_COMMIT);
    assert.equal(readF64(r, `/runs/${runName(45)}/x`), [45, 22.5]);
    assert.equal(readI32(r, '/table', [49, 50]), [490, 491]);
  } finally {
    r.close();
  }
});

test('a new file that takes more than SPILL_BYTES is written out as it grows and completed by appending', () => {
  // A transaction's copy of a file that does not exist yet, as the first store of a trajectory makes it.
  const target = path.join(dir, 'spilled.h5');
  const f = NativeH5File.openCopy(undefined, target);
  const BLOCK = 1 << 20; // rows of two int32: 8 MiB a block
  const blocks = Math.ceil((2.5 * SPILL_BYTES) / (8 * BLOCK));
  f.createGroup('/runs');
  f.createDataset('/table', { type: I32, shape: [0, 2], data: new Uint8Array(0) }, { maxshape: [null, 2], chunks: [4096, 2] });
  let sizeSeen = 0;
  for (let b = 0; b < blocks; b++) {
    f.resize('/table', [(b + 1) * BLOCK, 2]);
    f.writeRows('/table', b * BLOCK, i32Rows(b * BLOCK, BLOCK));
    for (let i = b * 20; i < (b + 1) * 20; i++) f.createGroup(`/runs/${runName(i)}`);
    if (fs.existsSync(target)) sizeSeen = fs.statSync(target).size;
  }
  // Written out before close: the table's stored chunks stay on disk (StoredRows), not in memory.
  assert.ok(sizeSeen >= SPILL_BYTES, `the file on disk before close: ${sizeSeen} bytes`);
  assert.ok(f.memoryBytes < SPILL_BYTES, `bytes held: ${f.memoryBytes}`);
  f.close();
  const n = blocks * BLOCK;
  const r = NativeH5File.open(target, 'r');
  try {
    assert.equal(r.datasetInfo('/table').shape, [n, 2]);
    for (const at of [0, BLOCK - 1, BLOCK, n - 1]) assert.equal(readI32(r, '/table', [at, at + 1]), [at * 10, at * 10 + 1], `row ${at}`);
    assert.equal(r.childNames('/runs').length, blocks * 20);
  } finally {
    r.close();
  }
  const code = [
    'import h5py, json, sys, numpy as np',
    'f = h5py.File(sys.argv[1], "r")',
    't = f["table"][:]',
    'ok = bool(np.array_equal(t[:, 0], np.arange(len(t), dtype=np.int64) * 10) and np.array_equal(t[:, 1], t[:, 0] + 1))',
    'print(json.dumps({"rows": len(t), "ok": ok, "runs": len(f["runs"])}))',
  ].join('\n');
  assert.equal(runH5pyJson(code, target), { rows: n, ok: true, runs: blocks * 20 });
});

test('a new file written out in parts adds to a big group without listing it, also when a part ends inside a member', () => {
  // A store written out every SPILL_BYTES (as a first f_store of many runs is) can end a part
  // between two leaves of one run: the next part writes that run group anew. Its entry is in the
  // last node of the stored symbol table, which an appending commit writes anew anyway; it used to
  // make the commit list the whole group back from the file and write its table whole (O(N) per part).
  const target = path.join(dir, 'parts.h5');
  const MEMBERS = 300;
  const listed = { count: 0 };
  const proto = StoredGroupLinks.prototype as unknown as { all: (...a: unknown[]) => unknown };
  const all = proto.all;
  proto.all = function (this: unknown, ...a: unknown[]) {
    listed.count++;
    return all.apply(this, a);
  };
  try {
    const f = NativeH5File.openCopy(undefined, target);
    const part = (k: number) => f.createDataset(`/pad${k}`, { type: F64, shape: [SPILL_BYTES / 8], data: new Uint8Array(SPILL_BYTES) });
    const member = (i: number) => {
      f.createGroup(`/runs/${runName(i)}`);
      f.createDataset(`/runs/${runName(i)}/x`, f64(i));
    };
    f.createGroup('/runs');
    for (let i = 0; i < MEMBERS; i++) member(i);
    f.createGroup(`/runs/${runName(MEMBERS)}`);
    part(0); // written out whole, with the last member half made
    f.createDataset(`/runs/${runName(MEMBERS)}/x`, f64(MEMBERS));
    for (let i = MEMBERS + 1; i < 2 * MEMBERS; i++) member(i);
    part(1); // an appending commit: the last stored member changed, the others are new
    f.createDataset(`/runs/${runName(2 * MEMBERS - 1)}/z`, f64(7));
    part(2); // the last member changed, and nothing new
    f.createDataset(`/runs/${runName(0)}/y`, f64(-1)); // a member far from the last node: the table is written whole
    f.close();
  } finally {
    proto.all = all;
  }
  assert.equal(listed.count, 1, 'only the commit that changed a member outside the last node listed the group');
  const r = NativeH5File.open(target, 'r');
  try {
    assert.equal(r.childNames('/runs').length, 2 * MEMBERS);
    for (const i of [0, MEMBERS - 1, MEMBERS, MEMBERS + 1, 2 * MEMBERS - 1]) assert.equal(readF64(r, `/runs/${runName(i)}/x`), [i], runName(i));
    assert.equal(readF64(r, `/runs/${runName(0)}/y`), [-1]);
    assert.equal(readF64(r, `/runs/${runName(2 * MEMBERS - 1)}/z`), [7]);
  } finally {
    r.close();
  }
  const code = [
    'import h5py, json, sys',
    'f = h5py.File(sys.argv[1], "r")',
    'runs = f["runs"]',
    'names = list(runs.keys())',
    'ok = all(float(runs[n]["x"][0]) == i for i, n in enumerate(names))',
    'print(json.dumps({"runs": len(names), "ok": ok, "last": names[-1], "y": float(runs[names[0]]["y"][0]), "z": float(runs[names[-1]]["z"][0])}))',
  ].join('\n');
  assert.equal(runH5pyJson(code, target), { runs: 2 * MEMBERS, ok: true, last: runName(2 * MEMBERS - 1), y: -1, z: 7 });
});

test.run();
