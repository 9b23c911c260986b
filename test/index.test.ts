/** Snapshot of the public API: a change here must be deliberate (and documented in the README). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index.js';

const EXPECTED = [
  'Environment', 'HDF5StorageService', 'loadWasmEngine', 'shardIndices', 'runHash',
  'Annotations', 'ArrayParameter', 'BaseParameter', 'Complex', 'ConfigGroup', 'DerivedParameterGroup',
  'FileLockedError', 'FormatError', 'H5TrajError', 'InvalidArgumentError', 'InvalidNameError', 'LOAD_DATA',
  'LOAD_NOTHING', 'LOAD_SKELETON', 'MergeError', 'NDArray', 'NNGroupNode', 'NNLeafNode', 'NNNode',
  'NodeExistsError', 'NotFoundError', 'NotUniqueNodeError', 'PYPET_FORMAT_VERSION', 'Parameter',
  'ParameterGroup', 'ParameterLockedError', 'PickleParameter', 'PickleResult', 'PresettingError', 'RUN_ALL',
  'RUN_SET_ALL', 'ReadOnlyFileError', 'Result', 'ResultGroup', 'RunError', 'RunsFailedError', 'StateError', 'StorageError', 'Trajectory',
  'TypeMismatchError', 'Typed', 'UnsupportedDataError', 'UPDATE_DATA', 'UPDATE_SKELETON', 'cartesian_product', 'formatRuntime',
  'Column', 'DataFrame', 'Index', 'Series', 'NAT',
  'formatTime', 'isTuple', 'UnknownOptionError', 'STORE_NOTHING', 'STORE_DATA_SKIPPING', 'STORE_DATA', 'OVERWRITE_DATA', 'pythonRepr', 'runName', 'runSetName', 'setDefaultStorageFactory', 'tuple', 'typed',
];

test('the public export list is unchanged', () => {
  assert.equal(Object.keys(api).sort(), [...EXPECTED].sort());
});

test('every error class extends H5TrajError and has its own code', () => {
  const errors = Object.values(api).filter((v) => typeof v === 'function' && v.prototype instanceof api.H5TrajError) as (new (m: string) => api.H5TrajError)[];
  const codes = errors.map((E) => new (E as any)('m', [], {}).code);
  assert.is(new Set(codes).size, codes.length);
  const e = new api.NotFoundError('No node.', { path: 'a.b', file: 'f.h5' });
  assert.is(e.name, 'NotFoundError');
  assert.is(e.path, 'a.b');
  assert.is(e.file, 'f.h5');
});

test.run();
