/**
 * Files h5traj writes, checked with an independent reader (Debian's h5py on HDF5 1.10) for what
 * pypet needs (`pypet-format.md` §12): string attributes stored as UTF-8 (so PyTables gives
 * `str`), SRVC_LEAF truthy, SRVC_STORE and type-recall attributes, table layouts, values.
 * CI installs python3-h5py; without it this test fails and says so, it is never skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Complex, type TypedValue } from '../../../src/values/types.js';
import { NDArray } from '../../../src/values/ndarray.js';
import { markTuple } from '../../../src/values/markers.js';
import { engineName, openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { writeGroupNode, writeLeaf, writeLink } from '../../../src/storage/hdf5/layout/nodes.js';
import { createRuns, writeExplorations, writeInfo } from '../../../src/storage/hdf5/layout/overview.js';
import { placeholderRun } from '../../../src/trajectory/runs.js';
import { resolveSettings, writeHdf5Settings } from '../../../src/storage/hdf5/layout/settings.js';
import { toRunRow } from '../../../src/storage/hdf5/layout/convert.js';
import { pythonProblem, runH5pyJson, tempDir } from '../../helpers.js';

const dir = tempDir('h5traj-h5py-');
const file = join(dir, 'pypet_layout.h5');
const T = 'compat';
const s = (value: unknown, scalar: string): TypedValue => ({ value, type: { kind: 'scalar', scalar } } as TypedValue);

// h5py reads the file and reports what pypet's loader would see.
const SCRIPT = String.raw`
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
t = f[sys.argv[2]]
def attr(node, name):
    if name not in node.attrs: return None
    aid = node.attrs.get_id(name)
    tid = aid.get_type()
    v = node.attrs[name]
    info = {'h5class': tid.get_class()}
    if tid.get_class() == h5py.h5t.STRING:
        info['utf8'] = tid.get_cset() == h5py.h5t.CSET_UTF8
        info['value'] = v.decode('utf8') if isinstance(v, bytes) else str(v)
    else:
        info['dtype'] = str(v.dtype)
        info['value'] = v.tolist()
    return info
def attrs(node):
    return {k: attr(node, k) for k in node.attrs}
out = {'attrs': {}, 'data': {}, 'tables': {}, 'link': None}
tup = 'parameters/tup/data__rr__' if 'data__rr__' in t['parameters/tup'] else 'parameters/tup/data'
out['tup'] = tup
for p in ['', 'parameters/x', 'parameters/x/data', 'parameters/x/explored_data', 'parameters/tup', tup,
          'results/r', 'results/r/f', 'results/r/i', 'results/r/s', 'results/r/b', 'results/r/c', 'results/r/lst', 'results/r/arr',
          'results/r/d', 'results/r/flags', 'results/g']:
    out['attrs'][p] = attrs(t[p] if p else t)
for p in ['results/r/f', 'results/r/i', 'results/r/b', 'results/r/lst', 'results/r/arr', 'results/r/flags', tup]:
    d = t[p]
    out['data'][p] = {'dtype': str(d.dtype), 'shape': list(d.shape), 'value': d[()].tolist()}
out['flags_class'] = t['results/r/flags'].id.get_type().get_class()  # h5py reads b8 as uint8, PyTables as bool
d = t['results/r/s']
out['data']['results/r/s'] = {'dtype': str(d.dtype), 'shape': list(d.shape), 'value': d[()].decode('utf8')}
d = t['results/r/c']
out['data']['results/r/c'] = {'dtype': str(d.dtype), 'value': [float(d[()].real), float(d[()].imag)]}  # h5py maps {r, i} to complex
for p in ['overview/info', 'overview/runs', 'overview/explorations', 'overview/hdf5_settings', 'parameters/x/data', 'parameters/x/explored_data', 'results/r/d']:
    d = t[p]
    rows = d[()]
    out['tables'][p] = {
        'columns': list(d.dtype.names), 'dtypes': [str(d.dtype[n]) for n in d.dtype.names],
        'chunked': d.chunks is not None, 'maxshape': [m for m in d.maxshape],
        'rows': [[x.decode('utf8') if isinstance(x, bytes) else x.item() for x in r] for r in rows],
    }
lnk = t.get('results/link', getlink=True)
out['link'] = getattr(lnk, 'path', None)
print(json.dumps(out, default=lambda x: x.tolist()))  # subarray cells are ndarrays
`;

test('python3-h5py is installed (needed to check files against an independent HDF5 reader)', () => {
  const problem = pythonProblem('import h5py');
  assert.ok(problem === '', `${problem}\ninstall it with: apt-get install -y python3-h5py hdf5-tools`);
});

test('a trajectory written by h5traj has the attributes, types and values pypet expects (checked with h5py)', async () => {
  const f = await openH5(file, 'w');
  const time = '2024_05_06_07h08m09s';
  writeInfo(f, T, { name: T, time, timestamp: 1.5e9, comment: 'written by h5traj', length: 2, version: '0.7.0', python: '3.11.2' });
  createRuns(f, T, [0, 1].map((i) => toRunRow(placeholderRun(i))), time);
  writeExplorations(f, T, ['parameters.x']);
  writeHdf5Settings(f, T, resolveSettings());
  writeGroupNode(f, T, '', { comment: 'written by h5traj' });
  writeLeaf(f, T, 'parameters.x', { className: 'Parameter', comment: 'grüße', data: { kind: 'parameter', value: s(0.5, 'float'), range: [s(1, 'float'), s(2, 'float')] } });
  writeLeaf(f, T, 'parameters.tup', { className: 'Parameter', data: { kind: 'parameter', value: { value: markTuple([1, 2]), type: { kind: 'tuple', scalar: 'int' } } } });
  writeLeaf(f, T, 'results.r', {
    className: 'Result',
    comment: '',
    annotations: { unit: s('m/s', 'str_'), n: s(3, 'int64') },
    data: {
      kind: 'result',
      items: {
        f: s(2.5, 'float'),
        i: s(2n ** 40n + 1n, 'int'),
        s: s('grüß λ', 'str'),
        b: s(true, 'bool'),
        c: s(new Complex(1, -1), 'complex'),
        lst: { value: [1, 2, 3], type: { kind: 'list', scalar: 'int' } },
        arr: { value: NDArray.fromNested([[1, 2], [3, 4]]), type: { kind: 'ndarray', dtype: 'float64' } },
        d: { value: { a: 1, b: 'x' }, type: { kind: 'dict', entries: { a: { kind: 'scalar', scalar: 'int' }, b: { kind: 'scalar', scalar: 'str' } } } },
        flags: { value: new NDArray('bool', [2], [true, false]), type: { kind: 'ndarray', dtype: 'bool' } },
      },
    },
  });
  writeGroupNode(f, T, 'results.g', { comment: 'a group comment' });
  writeLink(f, T, 'results.link', 'results.r');
  f.close();

  const o = runH5pyJson(SCRIPT, file, T);
  const a = (p: string, n: string) => o.attrs[p][n] ?? null;

  // leaf markers: SRVC_LEAF is an integer 1 (truthy for PyTables); class names are UTF-8 strings
  for (const leaf of ['parameters/x', 'parameters/tup', 'results/r']) {
    assert.equal(a(leaf, 'SRVC_LEAF'), { h5class: 0, dtype: 'int8', value: 1 }, `${leaf}: SRVC_LEAF`);
    assert.ok(a(leaf, 'SRVC_INIT_CLASS_NAME').utf8, `${leaf}: class name is UTF-8 (PyTables str)`);
  }
  assert.is(a('parameters/x', 'SRVC_INIT_CLASS_NAME').value, 'Parameter');
  // A tuple in a plain Parameter: pypet's own layout (a table cell of an HDF5 array type) where the
  // engine writes such columns, else the ArrayParameter layout pypet loads the same value from.
  const native = engineName() === 'native';
  assert.is(o.tup, native ? 'parameters/tup/data' : 'parameters/tup/data__rr__');
  assert.is(a('parameters/tup', 'SRVC_INIT_CLASS_NAME').value, native ? 'Parameter' : 'ArrayParameter');
  assert.is(a('parameters/x', 'SRVC_INIT_COMMENT').value, 'grüße');
  assert.is(a('results/r', 'SRVC_INIT_COMMENT'), null, 'no empty comment attribute');
  assert.is(a('results/g', 'SRVC_INIT_COMMENT').value, 'a group comment');
  assert.is(a('results/g', 'SRVC_LEAF'), null, 'groups are no leaves');
  assert.is(a('', 'SRVC_INIT_COMMENT').value, 'written by h5traj');
  assert.equal(a('results/r', 'SRVC_ANNOTATED').value, 1);
  assert.equal(a('results/r', 'SRVC_AN_unit'), { h5class: 3, utf8: true, value: 'm/s' });
  assert.equal(a('results/r', 'SRVC_AN_n'), { h5class: 0, dtype: 'int64', value: 3 });

  // every data child: SRVC_STORE and type-recall attributes as UTF-8 strings
  const recall = (p: string) => ['SRVC_STORE', 'SRVC_DATA_COLL_TYPE', 'SRVC_DATA_SCALAR_TYPE'].map((n) => (a(p, n) ? `${a(p, n).value}${a(p, n).utf8 ? '' : ' (not UTF-8!)'}` : null));
  assert.equal(recall('results/r/f'), ['ARRAY', 'COLL_SCALAR', 'float']);
  assert.equal(recall('results/r/i'), ['ARRAY', 'COLL_SCALAR', 'int']);
  assert.equal(recall('results/r/s'), ['ARRAY', 'COLL_SCALAR', 'str']);
  assert.equal(recall('results/r/b'), ['ARRAY', 'COLL_SCALAR', 'bool']);
  assert.equal(recall('results/r/c'), ['ARRAY', 'COLL_SCALAR', 'complex']);
  assert.equal(recall('results/r/lst'), ['ARRAY', 'COLL_LIST', 'int']);
  assert.equal(recall('results/r/arr'), ['ARRAY', null, null], 'arrays need no collection type (pypet ignores COLL_NDARRAY)');
  assert.equal(recall('results/r/d'), ['DICT', 'COLL_DICT', null]);
  if (native) {
    assert.equal(recall(o.tup), ['TABLE', null, null]);
    assert.is(a(o.tup, 'SRVC_COLUMN_data_COLL_TYPE').value, 'COLL_TUPLE');
    assert.is(a(o.tup, 'SRVC_COLUMN_data_SCALAR_TYPE').value, 'int');
    assert.equal(o.data[o.tup], { dtype: "[('data', '<i8', (2,))]", shape: [1], value: [[[1, 2]]] });
  } else {
    assert.equal(recall(o.tup), ['ARRAY', 'COLL_TUPLE', 'int']);
  }
  assert.equal(recall('parameters/x/data'), ['TABLE', null, null]);
  assert.is(a('parameters/x/data', 'SRVC_COLUMN_data_COLL_TYPE').value, 'COLL_SCALAR');
  assert.is(a('parameters/x/data', 'SRVC_COLUMN_data_SCALAR_TYPE').value, 'float');
  assert.is(a('results/r/d', 'SRVC_COLUMN_b_SCALAR_TYPE').value, 'str');

  // values, with explicit dtypes (Python ints are int64 in Arrays)
  assert.equal(o.data['results/r/f'], { dtype: 'float64', shape: [], value: 2.5 });
  assert.equal(o.data['results/r/i'], { dtype: 'int64', shape: [], value: 2 ** 40 + 1 });
  assert.equal(o.data['results/r/s'], { dtype: '|S9', shape: [], value: 'grüß λ' });
  assert.equal(o.data['results/r/b'], { dtype: 'uint8', shape: [], value: 1 });
  assert.equal(o.data['results/r/c'], { dtype: 'complex128', value: [1, -1] });
  assert.equal(o.data['results/r/lst'], { dtype: 'int64', shape: [3], value: [1, 2, 3] });
  assert.equal(o.data['results/r/arr'], { dtype: 'float64', shape: [2, 2], value: [[1, 2], [3, 4]] });
  // boolean arrays are PyTables' b8 (numpy and pypet read bool) where the engine writes bitfields;
  // h5wasm cannot, so there they are uint8 with SCALAR_TYPE bool, which only h5traj reads as bool
  assert.equal(o.data['results/r/flags'], { dtype: 'uint8', shape: [2], value: [1, 0] });
  assert.is(o.flags_class, native ? 4 : 0, 'H5T_BITFIELD (4) with the native engine, H5T_INTEGER (0) with h5wasm');

  // tables: pypet's column names, types and order; overview tables can grow (PyTables can append)
  const info = o.tables['overview/info'];
  assert.equal(info.columns, ['name', 'time', 'length', 'timestamp', 'comment', 'python', 'version']);
  assert.equal(info.dtypes, ['|S512', '|S20', 'int32', 'float64', '|S512', '|S128', '|S128']);
  assert.equal(info.rows, [[T, '2024_05_06_07h08m09s', 2, 1.5e9, 'written by h5traj', '3.11.2', '0.7.0']]);
  const runs = o.tables['overview/runs'];
  assert.equal(runs.columns, ['idx', 'name', 'time', 'timestamp', 'finish_timestamp', 'runtime', 'parameter_summary', 'short_environment_hexsha', 'completed']);
  assert.equal(runs.dtypes, ['int32', '|S128', '|S20', 'float64', 'float64', '|S18', '|S512', '|S7', 'int32']);
  assert.equal(runs.rows[1], [1, 'run_00000001', '>>Maybe time`s gone ', 42, 1.337, 'forever and ever', 'Not yet my friend!', 'N/A', 0]);
  assert.ok(runs.chunked && runs.maxshape[0] === null, 'overview/runs is chunked and resizable');
  assert.equal(o.tables['overview/explorations'].rows, [['parameters.x']]);
  assert.equal(o.tables['overview/explorations'].dtypes, ['|S18']);
  assert.equal(o.tables['overview/hdf5_settings'].rows[0].slice(0, 2), ['zlib', 9]);
  assert.equal(o.tables['parameters/x/data'].rows, [[0.5]]);
  assert.equal(o.tables['parameters/x/explored_data'].rows, [[1], [2]]);
  assert.equal(o.tables['results/r/d'].columns, ['a', 'b']);
  assert.equal(o.tables['results/r/d'].rows, [[1, 'x']]);
  assert.is(o.link, `/${T}/results/r`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
