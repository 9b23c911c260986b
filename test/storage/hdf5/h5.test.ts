/**
 * The h5wasm wrapper: opening bad files gives typed errors naming the file (and no HDF5
 * diagnostics on stderr), attributes keep their explicit types, tables are read by column name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, StateError, StorageError } from '../../../src/errors.js';
import { attrText, stringAttr } from '../../../src/storage/hdf5/engine/h5file.js';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { F64, I32, I64, decodeElements, encodeElements, fixedString } from '../../../src/storage/hdf5/engine/h5types.js';
import { appendTableRows, createTable, readTable, tableColumns, textColumn, writeTableRows } from '../../../src/storage/hdf5/layout/table.js';
import { throwsKind, tempDir } from '../../helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/pypet/', import.meta.url));
const dir = tempDir('h5traj-h5-');

async function rejects(p: Promise<unknown>, kind: new (...a: never[]) => Error, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${(e as Error).constructor.name}: ${(e as Error).message}`);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${kind.name}`);
}

test('bad files give a typed error with a sentence naming the file and the cause', async () => {
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'just some text, not HDF5\n');
  await rejects(openH5(text), FormatError, new RegExp(`'${text}' is not an HDF5 file \\(it has no HDF5 signature\\)\\.`));
  const empty = join(dir, 'empty.h5');
  writeFileSync(empty, '');
  await rejects(openH5(empty), FormatError, /empty\.h5' is not an HDF5 file \(it is empty\)/);
  const cut = join(dir, 'cut.h5');
  writeFileSync(cut, readFileSync(join(FIXTURES, 'params_basic.hdf5')).subarray(0, 4000));
  await rejects(openH5(cut), FormatError, /cut\.h5' is truncated: it has 4000 bytes, but its superblock says \d+\./);
  await rejects(openH5(join(dir, 'missing.h5')), StorageError, /Cannot open '.*missing\.h5': it does not exist\./);
  await rejects(openH5(join(dir, 'missing.h5'), 'a'), StorageError, /it does not exist/);
  await rejects(openH5(dir), StorageError, /it is a directory, not an HDF5 file/);
  await rejects(openH5(join(dir, 'no', 'such', 'folder.h5'), 'w'), StorageError, /the folder '.*no\/such' does not exist/);
  const existing = join(dir, 'existing.h5');
  copyFileSync(join(FIXTURES, 'params_basic.hdf5'), existing);
  await rejects(openH5(existing, 'x'), StorageError, /existing\.h5': the file already exists/);
  const err = await openH5(text).then(() => undefined, (e: unknown) => e as FormatError);
  assert.is(err?.file, text, 'the error carries the file');
});

test('opening bad files prints no HDF5 diagnostics', () => {
  const script = join(dir, 'bad-opens.mts');
  const h5 = new URL('../../../src/storage/hdf5/engine/open-file.ts', import.meta.url).href;
  writeFileSync(script, `
    import { openH5 } from ${JSON.stringify(h5)};
    import { writeFileSync } from 'node:fs';
    writeFileSync(${JSON.stringify(join(dir, 'junk.h5'))}, 'junk');
    for (const [p, m] of [['junk.h5', 'r'], ['missing.h5', 'r'], ['.', 'r'], ['junk.h5', 'x']]) {
      await openH5(${JSON.stringify(dir)} + '/' + p, m).then(() => console.log('opened?!'), () => {});
    }`);
  const r = spawnSync(process.execPath, ['--import', './scripts/loader/register.mjs', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../', import.meta.url)) });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.not.match(r.stderr, /HDF5-DIAG/);
});

test('attributes keep explicit types: int64 beyond 2^53, UTF-8 strings, replacing and deleting', async () => {
  const p = join(dir, 'attrs.h5');
  const f = await openH5(p, 'w');
  f.ensureGroup('/a/b/c');
  const big = 2n ** 62n + 7n;
  f.writeAttr('/a/b/c', 'big', { type: I64, shape: [], data: encodeElements([big], I64) });
  f.writeAttr('/a/b/c', 'text', stringAttr('grüß λ'));
  f.writeAttr('/a/b/c', 'empty', stringAttr(''));
  f.writeAttr('/a/b/c', 'text', stringAttr('replaced'));
  f.writeAttr('/a/b/c', 'gone', stringAttr('x'));
  f.deleteAttr('/a/b/c', 'gone');
  throwsKind(() => f.createGroup('/a/b'), StorageError, /name is taken \(in '.*attrs\.h5', at '\/a\/b'\)/);
  throwsKind(() => f.createGroup('/x/y'), StorageError, /parent group does not exist/);
  f.close();
  f.close(); // harmless
  throwsKind(() => f.childNames('/'), StateError, /already closed/);
  const r = await openH5(p);
  try {
    assert.equal([...r.attrNames('/a/b/c')].sort(), ['big', 'empty', 'text']);
    const d = r.readAttr('/a/b/c', 'big')!;
    assert.equal(decodeElements(d.bytes, d.type, 1), [big]);
    assert.is(attrText(r, '/a/b/c', 'text'), 'replaced');
    assert.is(attrText(r, '/a/b/c', 'empty'), '');
    assert.is(r.readAttr('/a/b/c', 'nope'), undefined);
    throwsKind(() => r.writeAttr('/a', 'x', stringAttr('y')), StorageError, /read-only/);
  } finally {
    r.close();
  }
});

test('PyTables data reads losslessly: b8 booleans, pickles with NULs, array members', async () => {
  const f = await openH5(join(FIXTURES, 'results_types.hdf5'));
  try {
    const leaf = f.readAttr('/results_types/results/many', 'SRVC_LEAF')!;
    assert.is(leaf.type.class, 'bitfield');
    assert.equal(decodeElements(leaf.bytes, leaf.type, 1), [true]);
    const pickle = f.readDataset('/results_types/parameters/pickled/obj/data');
    assert.is(pickle.bytes.length, 35);
    assert.ok(pickle.bytes.includes(0), 'the NULs inside the pickle are kept');
    assert.is(pickle.bytes[34], 0x2e, 'up to the final STOP opcode');
  } finally {
    f.close();
  }
});

test('tables: created, appended, overwritten in place and read by column name', async () => {
  const p = join(dir, 'table.h5');
  const f = await openH5(p, 'w');
  const cols = [{ name: 'b', type: F64 }, { name: 'name', type: fixedString(8) }, { name: 'a', type: I32 }];
  createTable(f, '/t', cols, { a: [1, 2], b: [0.5, 1.5], name: ['x', 'yy'] }, { title: 't' });
  appendTableRows(f, '/t', { a: [3], b: [2.5], name: ['zzz'] });
  writeTableRows(f, '/t', 1, { a: [20], b: [-1], name: ['über'] });
  f.close();
  const r = await openH5(p);
  try {
    const t = readTable(r, '/t');
    assert.is(t.nrows, 3);
    assert.equal(tableColumns(r, '/t').map((c) => c.name), ['b', 'name', 'a'], 'stored in the given order');
    assert.equal(t.columns.a, [1, 20, 3]);
    assert.equal(t.columns.b, [0.5, -1, 2.5]);
    assert.equal(textColumn(t, 'name'), ['x', 'über', 'zzz']);
    const nrows = r.readAttr('/t', 'NROWS')!;
    assert.equal(decodeElements(nrows.bytes, nrows.type, 1), [3n], 'NROWS follows appends');
    assert.is(attrText(r, '/t', 'CLASS'), 'TABLE');
    assert.is(attrText(r, '/t', 'FIELD_2_NAME'), 'a');
    assert.equal(readTable(r, '/t', [2, 10]).columns.a, [3]);
    assert.is(r.datasetInfo('/t').chunks?.length, 1);
  } finally {
    r.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
