/**
 * Damaged metadata is refused: one byte changed inside each kind of checksummed structure
 * (superblock v2+, object header OHDR and its continuation OCHK, v2 B-tree header / internal /
 * leaf node, fractal heap header / indirect / direct block) gives a FormatError that names the
 * structure, its address and (where known) the object's path, never a fallback to h5wasm. h5py
 * (HDF5 1.10) refuses the same files, so the two readers agree. Version-1 structures have no
 * checksums; a cycle in their B-trees is refused too. The h5wasm engine reports a damaged file
 * in one sentence instead of HDF5's diagnostic stack.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../../../src/errors.js';
import { Trajectory } from '../../../../src/index.js';
import { WasmH5File, initH5 } from '../../../../src/storage/hdf5/wasm/wasm-file.js';
import { openH5Sync } from '../../../../src/storage/hdf5/engine/open-file.js';
import { openNativeFile } from '../../../../src/storage/hdf5/native/reader.js';
import { runH5py, throwsKind, tempDir } from '../../../helpers.js';
import { h5pyReads } from '../../../../scripts/fuzz/harness.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/pypet/', import.meta.url));
const dir = tempDir('h5traj-checksums-');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// A file with every checksummed structure: dense links in a group of 400 (fractal heap with an
// indirect root block and checksummed direct blocks, a two-level v2 B-tree), dense attributes,
// and a group whose header grew into a continuation chunk after it was written.
const H5PY_SCRIPT = `
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + '/latest.h5', 'w', libver='latest') as f:
    g = f.create_group('many')
    for i in range(400):
        g.create_group('child_%04d_%s' % (i, 'x' * 20))
    ds = f.create_dataset('values', data=np.arange(5.0))
    for i in range(12):
        ds.attrs['attribute_%02d' % i] = np.arange(20.0) + i
    f.create_group('grows').attrs['a0'] = 1.0
with h5py.File(d + '/fletcher.h5', 'w') as f:
    f.create_dataset('a', data=np.arange(1001, dtype='<f8'), chunks=(100,), fletcher32=True)
    f.create_dataset('odd', data=np.frombuffer(b'abcdefghi', dtype='u1'), chunks=(9,), fletcher32=True, compression='gzip', shuffle=True)
with h5py.File(d + '/latest.h5', 'a', libver='latest') as f:
    for i in range(5):
        f['grows'].attrs['b%d' % i] = np.arange(40.0) + i
`;
runH5py(H5PY_SCRIPT, dir); // h5py writes the test file (python3-h5py is required)
const latest = join(dir, 'latest.h5');

// A trajectory file the native writer made.
const written = join(dir, 'written.hdf5');
{
  const traj = new Trajectory('t', { add_time: false, filename: written });
  traj.f_add_parameter('x', 1.5);
  traj.f_explore({ x: [1.5, 2.5] });
  for (const _ of traj.f_iter_runs()) traj.f_add_result('z', traj.x * 2);
  traj.f_store();
}

/** A copy of `file` with byte `at` inverted. */
function flipped(file: string, at: number, name: string): string {
  const bytes = readFileSync(file);
  bytes[at] = bytes[at]! ^ 0xff;
  const out = join(dir, name);
  writeFileSync(out, bytes);
  return out;
}

/** Offsets of the signature `sig` in `file`. */
function find(file: string, sig: string): number[] {
  const bytes = readFileSync(file);
  const out: number[] = [];
  const b = Buffer.from(sig, 'latin1');
  for (let at = bytes.indexOf(b); at >= 0; at = bytes.indexOf(b, at + 1)) out.push(at);
  return out;
}

/** Size of a v2 object header's prefix (signature to the first message), from its flags. */
function ohdrPrefix(file: string, at: number): number {
  const flags = readFileSync(file)[at + 5]!;
  return 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0) + (1 << (flags & 3));
}

function refused(file: string, pattern: RegExp): void {
  throwsKind(() => openNativeFile(file).close(), FormatError, pattern);
  assert.not.ok(h5pyReads(file), 'h5py reads the damaged file, so the byte changed is not checksummed');
}

const cases: [kind: string, file: string, sig: string, offset: (at: number) => number, names: RegExp][] = [
  ['superblock v2/v3', latest, '\x89HDF', () => 12 + 3 * 8, /^The superblock at address 0 in '.*' fails its checksum: the file is corrupt\.$/],
  ['object header (OHDR) of a written file', written, 'OHDR', (at) => at + ohdrPrefix(written, at), /^The object header at address \d+ \(\/t[^)]*\) in '.*OHDR\.h5' fails its checksum: the file is corrupt\.$/],
  ['object header continuation (OCHK)', latest, 'OCHK', (at) => at + 4, /^The object header continuation at address \d+ \(\/grows\) in .* fails its checksum/],
  ['v2 B-tree header (BTHD)', latest, 'BTHD', (at) => at + 6, /^The v2 B-tree header at address \d+ \(\/(many|values)\) .* fails its checksum/],
  ['v2 B-tree internal node (BTIN)', latest, 'BTIN', (at) => at + 6, /^The v2 B-tree internal node at address \d+ \(\/many\) .* fails its checksum/],
  ['v2 B-tree leaf node (BTLF)', latest, 'BTLF', (at) => at + 6, /^The v2 B-tree leaf node at address \d+ \(\/(many|values)\) .* fails its checksum/],
  ['fractal heap header (FRHP)', latest, 'FRHP', (at) => at + 9, /^The fractal heap header at address \d+ \(\/(many|values)\) .* fails its checksum/],
  ['fractal heap indirect block (FHIB)', latest, 'FHIB', (at) => at + 6, /^The fractal heap indirect block at address \d+ \(\/(many|values)\) .* fails its checksum/],
  ['fractal heap direct block (FHDB)', latest, 'FHDB', (at) => at + 40, /^The fractal heap direct block at address \d+ \(\/(many|values)\) .* fails its checksum/],
];

for (const [kind, file, sig, offset, names] of cases) {
  test(`a changed byte in a ${kind} is a FormatError naming it, and h5py refuses the file too`, () => {
    const at = find(file, sig)[0];
    assert.ok(at !== undefined, `the test file has a ${sig}`);
    const bad = flipped(file, offset(at), `${sig.replace(/\W/g, 'sb')}.h5`);
    refused(bad, names);
    const message = (() => {
      try {
        openNativeFile(bad);
      } catch (e) {
        return (e as FormatError).message;
      }
      return '';
    })();
    if (sig !== '\x89HDF') assert.match(message, `address ${at}`, 'the address is the structure\'s own');
  });
}

test('the FormatError carries the object path and file as fields', () => {
  const at = find(written, 'OHDR')[1]!;
  const bad = flipped(written, at + ohdrPrefix(written, at), 'fields.hdf5');
  try {
    openNativeFile(bad);
    assert.unreachable('opened');
  } catch (e) {
    assert.instance(e, FormatError);
    assert.is((e as FormatError).file, bad);
    assert.match((e as FormatError).path ?? '', /^\//);
  }
});

test('a damaged file is not handed to h5wasm: openH5Sync and the trajectory API give the FormatError', () => {
  const at = find(written, 'OHDR')[0]!;
  const bad = flipped(written, at + ohdrPrefix(written, at), 'no-fallback.hdf5');
  throwsKind(() => openH5Sync(bad, 'r'), FormatError, /fails its checksum/);
  throwsKind(() => openH5Sync(bad, 'a'), FormatError, /fails its checksum/);
  throwsKind(() => new Trajectory('t', { filename: bad, add_time: false }).f_load({ index: -1, load_all: 2 }), FormatError, /fails its checksum/);
});

test('fletcher32: chunks with a good checksum read (also an odd length, after gzip), a changed data byte is a FormatError', () => {
  const file = join(dir, 'fletcher.h5');
  const src = openNativeFile(file);
  const dataset = (name: string) => {
    const link = src.root.links.get(name);
    assert.ok(link?.kind === 'hard' && link.node.kind === 'dataset');
    return link.node;
  };
  assert.equal([...new Float64Array(dataset('a').data.read().bytes.slice().buffer)].slice(998), [998, 999, 1000]);
  assert.equal(Buffer.from(dataset('odd').data.read().bytes).toString(), 'abcdefghi');
  src.close();
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(new Float64Array([500]).buffer));
  const bad = flipped(file, at + 3, 'fletcher-bad.h5');
  const damaged = openNativeFile(bad);
  const link = damaged.root.links.get('a');
  assert.ok(link?.kind === 'hard' && link.node.kind === 'dataset');
  const node = link.node;
  throwsKind(() => node.data.read(), FormatError, /^Cannot read dataset '\/a' of '.*fletcher-bad\.h5': a chunk of \/a fails its fletcher32 checksum: the file is corrupt\.$/);
  damaged.close();
  assert.not.ok(h5pyReads(bad));
});

test('the undamaged files read, so the checks pass every structure written correctly', () => {
  for (const file of [latest, written, join(FIXTURES, 'results_types.hdf5')]) openNativeFile(file).close();
});

test('a v1 B-tree whose node points at itself is refused, not walked forever', () => {
  // PyTables files keep groups in v1 B-trees ("TREE"); point the first child of a node at the node.
  const file = join(FIXTURES, 'params_basic.hdf5');
  const bytes = readFileSync(file);
  const at = find(file, 'TREE').find((t) => bytes[t + 5]! > 0 || bytes[t + 4] === 0);
  assert.ok(at !== undefined);
  // level 1 (internal) node whose first child is itself: key (8 bytes) after the 24-byte header
  bytes[at + 5] = 1;
  bytes.writeBigUInt64LE(BigInt(at), at + 24 + 8);
  const bad = join(dir, 'tree-cycle.hdf5');
  writeFileSync(bad, bytes);
  throwsKind(() => openNativeFile(bad).close(), FormatError, /B-tree/);
});

test('h5wasm reports a damaged file in one sentence naming it, not HDF5-DIAG', async () => {
  await initH5();
  const at = find(latest, 'OCHK')[0]!;
  const bad = flipped(latest, at + 4, 'wasm-damaged.h5');
  const capture = spawnSync(
    process.execPath,
    ['--import', fileURLToPath(new URL('../../../../scripts/loader/register.mjs', import.meta.url)), '-e', `
      import('${fileURLToPath(new URL('../../../../src/storage/hdf5/wasm/wasm-file.ts', import.meta.url))}').then(async ({ WasmH5File, initH5 }) => {
        await initH5();
        try { const f = WasmH5File.openSync(${JSON.stringify(bad)}, 'r'); f.childNames('/grows'); f.attrNames('/grows'); f.close(); console.log('opened'); }
        catch (e) { console.log(e.constructor.name + ': ' + e.message); }
      });`],
    { encoding: 'utf8' },
  );
  assert.is(capture.stderr, '', 'nothing printed to stderr');
  assert.match(capture.stdout.trim(), /^FormatError: HDF5 cannot read '.*wasm-damaged\.h5': .*checksum.*\. The file is damaged or not a complete HDF5 file\.$/);
  assert.is(capture.stdout.trim().split('\n').length, 1);
  void WasmH5File;
});

test.run();
