/**
 * copy.ts: HDF5 subtrees copied object by object (h5wasm has no H5Ocopy) read back the same —
 * pypet's tables, CArrays, bitfield booleans, nested groups, pickles and soft links included.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { loadWasmEngine, openH5 } from '../../src/storage/hdf5/engine/open-file.js';
import { WasmH5File } from '../../src/storage/hdf5/wasm/wasm-file.js';
import { NativeH5File } from '../../src/storage/hdf5/native/native-file.js';
import type { H5Type } from '../../src/storage/hdf5/engine/h5types.js';
import { copyTree, newCopyStats, writableType } from '../../src/storage/hdf5/transactions/copy.js';
import { trajectoryManifest } from '../../src/cli/manifest.js';
import { StorageError } from '../../src/index.js';
import { throwsKind } from '../helpers.js';
import { fixtureCopies, loadAll, tempDir } from './merge-helpers.js';

for (const [file, name] of [['results_types.hdf5', 'results_types'], ['env_run.hdf5', 'env_run'], ['two_trajectories.hdf5', 'second']] as const) {
  test(`copying the whole trajectory of ${file} into a new file keeps every value`, async () => {
    const dir = tempDir();
    const [src] = fixtureCopies(dir, file);
    const dst = path.join(dir, 'copy.hdf5');
    const from = await openH5(src!, 'r');
    const to = await openH5(dst, 'w');
    const stats = newCopyStats();
    try {
      copyTree(from, `/${name}`, to, `/${name}`, {}, stats);
    } finally {
      from.close();
      to.close();
    }
    assert.ok(stats.datasets > 0 && stats.groups > 0 && stats.attributes > 0);
    assert.equal(trajectoryManifest(loadAll(dst, name)), trajectoryManifest(loadAll(src!, name)));
  });
}

test('soft links are copied as links, with their targets mapped', async () => {
  const dir = tempDir();
  const [src] = fixtureCopies(dir, 'results_types.hdf5');
  const dst = path.join(dir, 'copy.hdf5');
  const from = await openH5(src!, 'r');
  const to = await openH5(dst, 'w');
  to.createGroup('/renamed');
  const stats = copyTree(from, '/results_types/results', to, '/renamed/results', {
    mapLink: (target) => target.replace('/results_types/', '/renamed/'),
  });
  from.close();
  assert.is(stats.links, 1);
  assert.is(to.linkTarget('/renamed/results/link_to_many'), '/renamed/results/many');
  to.close();
});

test("pypet's array columns and booleans are copied unchanged by the native engine; h5wasm refuses them, naming the dataset and the column", async () => {
  const dir = tempDir();
  const [src] = fixtureCopies(dir, 'params_basic.hdf5');
  const dst = path.join(dir, 'copy.hdf5');
  const from = await openH5(src!, 'r');
  // The native engine by name: under H5TRAJ_ENGINE=wasm (test:wasm) openH5 would give h5wasm.
  const to = NativeH5File.open(dst, 'w');
  try {
    assert.ok(to.writesShapedColumns, 'the native engine writes shaped columns');
    copyTree(from, '/params_basic', to, '/params_basic');
  } finally {
    to.close();
  }
  assert.equal(trajectoryManifest(loadAll(dst, 'params_basic')), trajectoryManifest(loadAll(src!, 'params_basic')));
  await loadWasmEngine();
  const wasm = WasmH5File.openSync(path.join(dir, 'wasm.hdf5'), 'w');
  try {
    throwsKind(() => copyTree(from, '/params_basic', wasm, '/params_basic'), StorageError, /'\/params_basic\/parameters\/[^']+' .*h5wasm cannot create .*column 'data' is array\[/);
  } finally {
    from.close();
    wasm.close();
  }
});

test('types h5wasm cannot create are converted or named; the native engine keeps them', () => {
  const bits: H5Type = { class: 'bitfield', size: 1 };
  const ints: H5Type = { class: 'array', size: 24, base: { class: 'int', size: 8, signed: true }, dims: [3] };
  assert.equal(writableType(bits), { class: 'int', size: 1, signed: false });
  assert.is(writableType(ints), undefined);
  assert.equal(writableType(bits, true), bits);
  assert.equal(writableType(ints, true), ints);
});

test.run();
