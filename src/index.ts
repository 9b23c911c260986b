/**
 * h5traj: parameter explorations in HDF5, with pypet's API and file layout.
 * This module is the public API: named re-exports only.
 */
export * from './errors.js';
export { HDF5StorageService } from './storage/hdf5/service.js';
export type { Hdf5ServiceOptions } from './storage/hdf5/layout/settings.js';
export { loadWasmEngine } from './storage/hdf5/engine/open-file.js';
export { Complex, type ArrayDType, type DTypeHint, type ScalarType, type TypedValue, type ValueType } from './values/types.js';
export { NDArray } from './values/ndarray.js';
export { Typed, typed, tuple, isTuple } from './values/markers.js';
export { Column, DataFrame, Index, Series, NAT, type ColumnInput, type DataFrameOptions, type FrameDType, type Label } from './values/frame.js';
export { Annotations } from './tree/annotations.js';
export { NNNode, type TreeRoot } from './tree/node.js';
export { NNLeafNode, type LeafConstructor, type LeafOptions } from './tree/leaf-node.js';
export {
  NNGroupNode,
  ConfigGroup,
  ParameterGroup,
  DerivedParameterGroup,
  ResultGroup,
  type GetOptions,
  type GroupStoreOptions,
  type GroupLoadOptions,
  type AddLeafArgs,
} from './tree/group.js';
export { runName, runSetName, RUN_ALL, RUN_SET_ALL } from './tree/names.js';
export { BaseParameter, Parameter, ArrayParameter, PickleParameter, type ParameterOptions } from './leaves/parameter.js';
export { Result, PickleResult, type ResultOptions } from './leaves/result.js';
export {
  Trajectory,
  type TrajectoryOptions,
  type TrajectoryLoadOptions,
  type TrajectoryStoreOptions,
  type CollectOptions,
  type FromRunsOptions,
} from './trajectory/trajectory.js';
export { PYPET_FORMAT_VERSION } from './trajectory/pypet-version.js';
export { cartesian_product } from './trajectory/explore.js';
export { type MergeOptions, type MergeSummary, type MergedTrajectory } from './trajectory/merge.js';
export { type RunInformation, formatRuntime, formatTime } from './trajectory/runs.js';
export { pythonRepr } from './values/python-repr.js';
export {
  LOAD_NOTHING,
  LOAD_SKELETON,
  LOAD_DATA,
  UPDATE_SKELETON,
  UPDATE_DATA,
  STORE_NOTHING,
  STORE_DATA_SKIPPING,
  STORE_DATA,
  OVERWRITE_DATA,
  setDefaultStorageFactory,
  type StoreMode,
  type LoadMode,
  type LoadOptions,
  type StoreOptions,
  type StoreItemsOptions,
  type LoadItemsOptions,
  type DeleteItemsOptions,
  type StorageService,
} from './trajectory/storage-service.js';
export {
  Environment,
  type EnvironmentOptions,
  type RunModule,
  type PostProcessing,
} from './environment/environment.js';
export { shardIndices } from './environment/shard.js';
export { type RunFunction } from './environment/run-executor.js';
export { runHash } from './environment/reuse.js';
export { type ProgressMode } from './environment/progress.js';
export {
  type RunFilter,
  type FilterOps,
  type RunGroup,
  type ParameterSchema,
  type RecordsOptions,
  type RunRecord,
} from './trajectory/query.js';
