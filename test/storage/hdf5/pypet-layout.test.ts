/**
 * The parts of pypet's layout that pypet writes for every trajectory, compared with the pypet
 * reference files: the 16 `config.hdf5.*` leaves an HDF5 service adds, the overview and summary
 * tables (read with h5py, compared with those pypet wrote for the same trajectory), comment
 * purging by the summary tables, and the Python type pypet gets for string annotations
 * (read with PyTables, which is what pypet reads attributes with).
 * CI installs python3-h5py and python3-tables; without them this test fails, it is never skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment, HDF5StorageService, InvalidArgumentError, Trajectory, UnknownOptionError, cartesian_product } from '../../../src/index.js';
import { trajectoryManifest } from '../../../src/cli/manifest.js';
import { parseManifest } from '../../../src/cli/manifest-values.js';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { OverviewRows, createOverviewTables, type OverviewMemory } from '../../../src/storage/hdf5/layout/overview-tables.js';
import { resolveSettings, writeHdf5Settings } from '../../../src/storage/hdf5/layout/settings.js';
import type { LeafRecord } from '../../../src/trajectory/records.js';
import { pythonProblem, runH5pyJson, throwsKind, tempDir } from '../../helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/pypet/', import.meta.url));
const dir = tempDir('h5traj-pypet-layout-');

type Entry = { full_name: string } & Record<string, unknown>;
type Manifest = { leaves: Entry[]; groups: Entry[] };
const fixture = (name: string) => parseManifest(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Manifest;
const configHdf5 = (m: Manifest) => ({
  leaves: m.leaves.filter((l) => l.full_name.startsWith('config.hdf5')),
  groups: m.groups.filter((g) => g.full_name.startsWith('config.hdf5')),
});

// Every overview table of a trajectory: column names, dtypes, and rows as text.
const TABLES = String.raw`
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
o = f[sys.argv[2] + '/overview']
out = {}
for k in o:
    d = o[k]
    out[k] = {'columns': list(d.dtype.names), 'dtypes': [str(d.dtype[n]) for n in d.dtype.names],
              'rows': [[x.decode('utf8') if isinstance(x, bytes) else x.item() for x in r] for r in d[()]]}
print(json.dumps(out))
`;

// Annotation attributes as PyTables (and so pypet) gives them: the Python type and value.
const ANNOTATIONS = String.raw`
import tables, json, sys
out = {}
with tables.open_file(sys.argv[1]) as f:
    for path in sys.argv[2:]:
        attrs = f.get_node(path)._v_attrs
        out[path] = {k: [type(attrs[k]).__module__ + '.' + type(attrs[k]).__name__, str(attrs[k])] for k in attrs._v_attrnames if k.startswith('SRVC_AN_')}
print(json.dumps(out))
`;

/** The trajectory of pypet's `explored_grid.hdf5`, built with h5traj. */
function exploredGrid(file: string, service?: HDF5StorageService): Trajectory {
  const traj = service ? new Trajectory('explored_grid', { add_time: false, storage_service: service }) : new Trajectory('explored_grid', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0.0, { comment: 'first axis' });
  traj.f_add_parameter('y', 0, { dtype: 'int', comment: 'second axis' });
  traj.f_add_parameter('label', 'none');
  traj.f_add_parameter('fixed', 99, { dtype: 'int', comment: 'not explored' });
  traj.f_explore(cartesian_product({ x: [0.5, 1.0, 1.5], y: [10, 20, 30, 40] }));
  return traj;
}

const sortRows = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

test('python3-h5py and python3-tables are installed (needed to read files as pypet does)', () => {
  const problem = pythonProblem('import h5py, tables');
  assert.ok(problem === '', `${problem}\ninstall them with: apt-get install -y python3-h5py python3-tables`);
});

test('a trajectory with an HDF5 file gets the 16 config.hdf5 leaves pypet adds: names, values, types, comments', () => {
  const traj = new Trajectory('t', { add_time: false, filename: join(dir, 'config.h5') });
  assert.equal(configHdf5(trajectoryManifest(traj) as unknown as Manifest), configHdf5(fixture('params_basic')));
  assert.is(configHdf5(trajectoryManifest(traj) as unknown as Manifest).leaves.length, 16);
  // without a service there are none, as pypet's Trajectory(storage_service=None)
  assert.is(new Trajectory('bare', { add_time: false }).f_contains('config.hdf5.complevel', { shortcuts: false }), false);
});

test('the leaves are stored, load back once (not twice) into a new trajectory, and a pypet file keeps its own', () => {
  const file = join(dir, 'config-roundtrip.h5');
  const traj = new Trajectory('t', { add_time: false, filename: file });
  traj.f_add_parameter('x', 1.5);
  traj.f_store();
  const back = new Trajectory('t', { add_time: false, filename: file });
  back.f_load({ load_all: 2 });
  assert.equal(configHdf5(trajectoryManifest(back) as unknown as Manifest), configHdf5(fixture('params_basic')));
  back.f_add_result('r', 1);
  back.f_store(); // the loaded leaves count as stored: nothing is written twice
  const names = runH5pyJson(String.raw`
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r'); out = []
f['t/config/hdf5'].visit(lambda n: out.append(n) if 'SRVC_LEAF' in f['t/config/hdf5/' + n].attrs else None)
print(json.dumps(sorted(out)))`, file);
  assert.equal(names, configHdf5(fixture('params_basic')).leaves.map((l) => l.full_name.slice('config.hdf5.'.length).replace(/\./g, '/')).sort());

  const pypetFile = join(dir, 'params_basic.hdf5');
  copyFileSync(join(FIXTURES, 'params_basic.hdf5'), pypetFile);
  const loaded = new Trajectory('params_basic', { add_time: false, filename: pypetFile });
  loaded.f_load({ load_all: 2, force: true });
  assert.equal(configHdf5(trajectoryManifest(loaded) as unknown as Manifest), configHdf5(fixture('params_basic')));
  loaded.f_add_result('added', 2);
  loaded.f_store();

  // loaded without its config, a trajectory's default settings do not replace the file's
  const partial = new Trajectory('t', { add_time: false, filename: file });
  partial.f_load({ load_parameters: 0, load_results: 2 });
  partial.f_add_result('later', 3);
  partial.f_store();
});

test('HDF5StorageService takes pypet options; they become the config leaves and hdf5_settings', () => {
  const file = join(dir, 'options.h5');
  const service = new HDF5StorageService(file, { large_overview_tables: true, complevel: 4, results_per_run: 3 });
  const traj = new Trajectory('t', { add_time: false, storage_service: service });
  assert.is(traj.f_get('config.hdf5.overview.results_overview').f_get(), true);
  assert.is(traj.f_get('config.hdf5.complevel').f_get(), 4);
  traj.f_store();
  const tables = runH5pyJson(TABLES, file, 't');
  const settings = tables.hdf5_settings as { columns: string[]; rows: unknown[][] };
  const row = Object.fromEntries(settings.columns.map((c, i) => [c, settings.rows[0]![i]]));
  assert.equal(row, {
    complib: 'zlib', complevel: 4, shuffle: 1, fletcher32: 0, pandas_format: 'fixed', encoding: 'utf8', config_overview: 1, parameters_overview: 1,
    derived_parameters_overview: 1, results_overview: 1, explored_parameters_overview: 1, derived_parameters_summary: 1, results_summary: 1,
    purge_duplicate_comments: 1, results_per_run: 3, derived_parameters_per_run: 0,
  });
  assert.ok('results_overview' in tables && 'derived_parameters_overview' in tables);
  throwsKind(() => new HDF5StorageService(file, { summary_tables: false }), InvalidArgumentError, /purge_duplicate_comments needs the summary tables/);
  throwsKind(() => new HDF5StorageService(file, { complevl: 3 } as never), UnknownOptionError, /complevl/);
});

test("storage options replace the defaults an earlier service gave a trajectory; a leaf the user set differently is a conflict", () => {
  const file = join(dir, 'env-options.h5');
  const t = new Trajectory('t', { add_time: false, filename: file }); // its service adds pypet's defaults
  assert.is(Number(t.f_get('config.hdf5.purge_duplicate_comments', { fast_access: true })), 1);
  new Environment({ trajectory: t, filename: file, progress: 'quiet', purge_duplicate_comments: false });
  assert.is(Number(t.f_get('config.hdf5.purge_duplicate_comments', { fast_access: true })), 0, 'the option is in force, not silently dropped');
  const u = new Trajectory('u', { add_time: false, filename: file });
  (u.f_get('config.hdf5.complevel') as unknown as { f_set(v: number): void }).f_set(5);
  throwsKind(() => new Environment({ trajectory: u, filename: file, progress: 'quiet', complevel: 2 }), InvalidArgumentError, /'config\.hdf5\.complevel' is 5, but the storage options ask for 2/);
});

test("the Environment passes pypet's service options on: large_overview_tables fills results_overview per run", async () => {
  const file = join(dir, 'env-large.h5');
  const env = new Environment({ trajectory: 't', filename: file, progress: 'quiet', large_overview_tables: true, purge_duplicate_comments: false });
  env.trajectory.f_add_parameter('x', 1.0);
  env.trajectory.f_explore({ x: [1.0, 2.0, 3.0] });
  await env.run((traj: Trajectory) => {
    traj.f_add_result('z', (traj.f_get('x').f_get() as number) * 2, { comment: 'double' });
    traj.f_add_derived_parameter('d', 1.5);
  });
  const tables = runH5pyJson(TABLES, file, 't');
  assert.equal(sortRows(tables.results_overview.rows), sortRows([0, 1, 2].map((i) => [`results.runs.run_0000000${i}`, 'z', `z=${(i + 1) * 2}.0`, 'double'])));
  assert.equal(tables.derived_parameters_overview.rows.length, 3);
  // purge off: every run keeps the comment; the summary still lists it once
  assert.equal(tables.results_summary.rows.length, 1);
  const back = new Trajectory('t', { add_time: false, filename: file });
  back.f_load({ load_all: 2 });
  assert.is(back.f_get('results.runs.run_00000002.z').v_comment, 'double');
  throwsKind(() => new Environment({ trajectory: 't2', filename: join(dir, 'x.h5'), summary_tables: false }), InvalidArgumentError);
});

test('overview tables (read with h5py) have the columns, dtypes and rows pypet writes for the same trajectory', () => {
  const file = join(dir, 'explored_grid.h5');
  exploredGrid(file).f_store();
  const ours = runH5pyJson(TABLES, file, 'explored_grid');
  const theirs = runH5pyJson(TABLES, join(FIXTURES, 'explored_grid.hdf5'), 'explored_grid');
  assert.equal(Object.keys(ours).sort(), Object.keys(theirs).sort());
  for (const name of Object.keys(theirs)) {
    assert.equal(ours[name].columns, theirs[name].columns, `${name}: columns`);
    assert.equal(ours[name].dtypes, theirs[name].dtypes, `${name}: dtypes`);
    if (name === 'info' || name === 'runs') continue; // times differ
    assert.equal(sortRows(ours[name].rows), sortRows(theirs[name].rows), `${name}: rows`);
  }
  assert.is(theirs.explored_parameters_overview.rows.length, 2);
  // pypet writes a branch only when something is in it (an empty one would load as a group)
  const groups = (f: string) => runH5pyJson("import h5py, json, sys; print(json.dumps(sorted(h5py.File(sys.argv[1], 'r')['explored_grid'])))", f);
  assert.equal(groups(file), groups(join(FIXTURES, 'explored_grid.hdf5')));
});

test('summary tables: a repeated comment is written once per branch and listed once with its SHA-1', () => {
  const file = join(dir, 'summary.h5');
  const traj = new Trajectory('t', { add_time: false, filename: file });
  traj.f_add_result('a', 1.5, { comment: 'same' });
  traj.f_add_result('g.b', 2.5, { comment: 'same' });
  traj.f_add_result('c', 'text', { comment: 'other' });
  traj.f_add_derived_parameter('d', 1.5, { comment: 'same' }); // another branch: written again
  traj.f_store();
  // a later store in a new process (a new service) still knows what was written
  const later = new Trajectory('t', { add_time: false, filename: file });
  later.f_load({ load_all: 1 });
  later.f_add_result('e', 3.5, { comment: 'same' });
  later.f_store();
  const tables = runH5pyJson(TABLES, file, 't');
  assert.equal(sortRows(tables.results_summary.rows), sortRows([
    ['results', 'a', 'a=1.5', sha1('same'), 'same'],
    ['results', 'c', "c='text'", sha1('other'), 'other'],
  ]));
  assert.equal(tables.derived_parameters_summary.rows.map((r: unknown[]) => r[1]), ['d']);
  const comments = runH5pyJson(String.raw`
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({p: f['t/' + p].attrs.get('SRVC_INIT_COMMENT', b'').decode() for p in ['results/a', 'results/g/b', 'results/c', 'results/e', 'derived_parameters/d']}))`, file);
  assert.equal(comments, { 'results/a': 'same', 'results/g/b': '', 'results/c': 'other', 'results/e': '', 'derived_parameters/d': 'same' });
  // and h5traj loads what pypet loads: only the first keeps the comment
  const back = new Trajectory('t', { add_time: false, filename: file });
  back.f_load({ load_all: 2 });
  assert.is(back.f_get('results.a').v_comment, 'same');
  assert.is(back.f_get('results.e').v_comment, '');
});

test('a write that is rolled back (rows never appended) does not make the next one purge its comment', async () => {
  const f = await openH5(join(dir, 'rollback.h5'), 'w');
  try {
    writeHdf5Settings(f, 't', resolveSettings());
    createOverviewTables(f, 't', resolveSettings());
    const memory: OverviewMemory = new Map();
    const leaf = (fullName: string): LeafRecord => ({ type: 'leaf', fullName, className: 'Result', comment: 'c', annotations: [], data: undefined });
    const failed = new OverviewRows(f, 't', memory);
    assert.is(failed.leafWritten(leaf('results.a'), true), true);
    assert.is(failed.leafWritten(leaf('results.b'), true), false, 'the same comment again in one write is purged');
    // no flush: the transaction failed
    const retry = new OverviewRows(f, 't', memory);
    assert.is(retry.leafWritten(leaf('results.a'), true), true);
    retry.flush();
    assert.is(new OverviewRows(f, 't', memory).leafWritten(leaf('results.c'), true), false);
  } finally {
    f.close();
  }
});

test('with the switches off: no overview tables, the flags say 0, and every comment is kept', () => {
  const file = join(dir, 'off.h5');
  const service = new HDF5StorageService(file, { small_overview_tables: false, summary_tables: false, purge_duplicate_comments: false });
  const traj = exploredGrid(file, service);
  traj.f_add_result('a', 1, { comment: 'same' });
  traj.f_add_result('b', 2, { comment: 'same' });
  traj.f_store();
  const tables = runH5pyJson(TABLES, file, 'explored_grid');
  assert.equal(Object.keys(tables).sort(), ['explorations', 'hdf5_settings', 'info', 'runs']);
  const s = tables.hdf5_settings as { columns: string[]; rows: unknown[][] };
  for (const flag of ['config_overview', 'parameters_overview', 'explored_parameters_overview', 'results_summary', 'derived_parameters_summary', 'purge_duplicate_comments']) {
    assert.is(s.rows[0]![s.columns.indexOf(flag)], 0, flag);
  }
  const back = new Trajectory('explored_grid', { add_time: false, filename: file });
  back.f_load({ load_all: 2 });
  assert.is(back.f_get('results.b').v_comment, 'same');
});

test('string annotations read in PyTables as numpy.str_, as pypet’s own, and h5traj reads them back as numpy.str_ too', () => {
  const file = join(dir, 'annotations.h5');
  const traj = new Trajectory('t', { add_time: false, filename: file });
  traj.v_annotations.author = 'corpus';
  traj.v_annotations.answer = 42n; // a Python int
  traj.f_add_parameter('x', 1, { dtype: 'int' });
  traj.f_get('x').v_annotations.unit = 'äöü λ ';
  traj.f_store();
  const ours = runH5pyJson(ANNOTATIONS, file, '/t', '/t/parameters/x');
  const theirs = runH5pyJson(ANNOTATIONS, join(FIXTURES, 'params_basic.hdf5'), '/params_basic', '/params_basic/parameters/py/str_ascii_note');
  assert.equal(ours['/t'], theirs['/params_basic']);
  assert.equal(ours['/t/parameters/x'].SRVC_AN_unit, ['numpy.str_', 'äöü λ ']);
  assert.equal(theirs['/params_basic/parameters/py/str_ascii_note'].SRVC_AN_unicode_ann[0], 'numpy.str_');
  const back = new Trajectory('t', { add_time: false, filename: file });
  back.f_load({ load_all: 2 });
  const m = trajectoryManifest(back) as { trajectory: { annotations: unknown } } & Manifest;
  const pypetView = parseManifest(readFileSync(join(FIXTURES, 'params_basic.json'), 'utf8')) as { trajectory: { annotations: unknown } };
  assert.equal(m.trajectory.annotations, pypetView.trajectory.annotations);
  assert.equal(m.leaves.find((l) => l.full_name === 'parameters.x')!.annotations, { unit: { type: 'numpy.str_', value: 'äöü λ ' } });
});

/** Python's `hashlib.sha1(text.encode()).hexdigest()`, as pypet computes it. */
function sha1(text: string): string {
  return runH5pyJson('import hashlib, json, sys; print(json.dumps(hashlib.sha1(sys.argv[1].encode()).hexdigest()))', text) as string;
}

test.run();
