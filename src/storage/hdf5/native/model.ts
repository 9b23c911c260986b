/**
 * The in-memory form of an HDF5 file that h5traj's native engine reads and writes.
 *
 * h5wasm pays 40–220 µs per call, and pypet's layout needs ~18 objects per run, so storing or
 * scanning a 10,000-run trajectory through it takes tens of seconds. The native engine instead
 * parses a file's metadata in one pass into this graph (`reader.ts`), lets the storage layer
 * change the graph in memory (`native-file.ts`), and writes the whole graph as a new file in one
 * sequential pass (`writer.ts`), which the transaction then renames over the old one. Raw data
 * stays in the source file until the writer copies it.
 *
 * Anything the reader cannot represent faithfully makes it throw {@link NativeUnsupportedError};
 * callers then fall back to h5wasm for that file.
 */
import type { H5Data } from '../engine/h5file.js';
import type { H5Type } from '../engine/h5types.js';

/** A link from a group to an object, or a soft/external link. */
export type NLink =
  | { kind: 'hard'; node: NNode }
  | { kind: 'soft'; target: string }
  | { kind: 'external'; file: string; path: string };

export type NNode = NGroup | NDataset;

export interface NGroup {
  kind: 'group';
  /** Attributes by name. Readers list them sorted by name (byte order), as HDF5 does. */
  attrs: Map<string, H5Data>;
  /** Links by name. Readers list them sorted by name (byte order), as HDF5 does. */
  links: Map<string, NLink>;
}

/**
 * The link names of a group's links in byte order, when its link map keeps them as one array
 * (a read-only file's big group): a caller listing them need not copy and sort a million names.
 */
export function namesInOrder(links: Map<string, NLink>): readonly string[] | undefined {
  return (links as Partial<{ namesInOrder: readonly string[] }>).namesInOrder;
}

/** The chunks of a dataset as stored (possibly compressed), for copying without decoding. */
export interface NRawChunks {
  /** Body of the source's filter pipeline message, re-emitted verbatim. */
  filterPipeline: Uint8Array;
  chunks: { offset: number[]; filterMask: number; bytes: Uint8Array }[];
}

/**
 * Chunks of a dataset chunked along its first dimension only (each chunk whole rows), stored
 * unfiltered in the file appending commits go to: chunk k, in row order, is `chunks[k]`. Bytes
 * `[changedFrom, changedTo)` of the data may have changed since (none when `changedFrom ≥
 * changedTo`); a chunk outside them is linked instead of written again (`append-commit.ts`).
 */
export interface StoredChunks {
  chunks: readonly { address: number; nbytes: number }[];
  changedFrom: number;
  changedTo: number;
}

/** Where a dataset's elements come from: memory, or the file it was read from. */
export interface NData {
  /** All elements, decoded (filters undone). */
  read(): { bytes: Uint8Array; strings?: Buffer[] };
  /**
   * Elements of rows `[start, end)` along the first dimension, decoded; into `scratch` when it
   * is given and large enough (see {@link H5File.readDataset}; a whole read takes none).
   */
  readRows?(start: number, end: number, scratch?: Uint8Array): { bytes: Uint8Array; strings?: Buffer[] };
  /**
   * Present when the source stores the dataset chunked with filters (e.g. pypet's zlib): the
   * writer then copies the chunks and the pipeline as they are instead of decompressing.
   */
  rawChunks?(): NRawChunks;
  /** The chunks already stored with these bytes, when known (see {@link StoredChunks}). */
  storedChunks?(): StoredChunks | undefined;
  /** Told by the writer where it stored the chunks (undefined: somewhere no commit will append to). */
  chunksStored?(stored: StoredChunks | undefined): void;
}

export interface NDataset {
  kind: 'dataset';
  attrs: Map<string, H5Data>;
  type: H5Type;
  /** `[]` scalar, `null` NULL dataspace. */
  shape: number[] | null;
  /** Maximum shape; `null` entries are unlimited. `null` means equal to `shape`. */
  maxshape: (number | null)[] | null;
  /** Chunk dimensions (without the element-size dimension), or `null` when not chunked. */
  chunks: number[] | null;
  /** Body of the source's fill value message, re-emitted verbatim when present. */
  fillValue?: Uint8Array;
  data: NData;
}

/**
 * Datatype message bodies of types read from a file, so the writer re-emits foreign types
 * (PyTables' enums, bitfields, odd paddings) byte for byte instead of re-encoding them.
 */
export const sourceTypeBytes = new WeakMap<H5Type, Uint8Array>();

/**
 * Where each object's header is in the file the graph was read from (or last appended to, see
 * `append-commit.ts`): an unchanged object is not written again by an appending commit, its new
 * parent links to this address. Objects created in memory have none.
 */
export const storedAt = new WeakMap<NNode, number>();

/** Data that lives in memory. */
export function memoryData(bytes: Uint8Array, strings?: Buffer[]): NData {
  const value = strings === undefined ? { bytes } : { bytes, strings };
  return { read: () => value };
}

export const newGroup = (): NGroup => ({ kind: 'group', attrs: new Map(), links: new Map() });

/** Thrown by the reader for a file feature the native engine does not handle; use h5wasm instead. */
export class NativeUnsupportedError extends Error {
  constructor(feature: string, where: string) {
    super(`The native HDF5 engine does not handle ${feature} (at ${where}).`);
    this.name = 'NativeUnsupportedError';
  }
}
