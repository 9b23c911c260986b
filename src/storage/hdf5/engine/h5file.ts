/**
 * What the storage layer asks of an open HDF5 file, whichever engine serves it: h5wasm
 * (`wasm/wasm-file.ts`) or the native engine (`native/native-file.ts`). `open-file.ts` picks the engine.
 * The helpers here (paths, string attributes) work on any engine; importing them must not load
 * h5wasm, which only `open-file.ts` does, on demand.
 */
import { type H5Type, stripPadding } from './h5types.js';
import { internShort } from '../../../intern.js';

export { baseName, joinPath, parentOf } from './paths.js';

/** How to open a file: read, read/write (must exist), create/truncate, create (must not exist). */
export type OpenMode = 'r' | 'a' | 'w' | 'x';

/** What a path names. `link` is a dangling soft link (a resolvable one reports its target). */
export type NodeType = 'missing' | 'group' | 'dataset' | 'datatype' | 'link' | 'external';

/** Raw data read from a dataset or an attribute (also the native engine's in-memory attribute values). */
export interface H5Data {
  type: H5Type;
  /** `[]` for a scalar, `null` for an HDF5 NULL dataspace (no value at all). */
  shape: number[] | null;
  /** Element bytes, row-major, little-endian. Empty for variable-length strings and sequences. */
  bytes: Uint8Array;
  /** Variable-length strings (UTF-8 or ASCII bytes) or byte sequences, one Buffer per element. */
  strings?: Buffer[];
}

/** Data to write: an explicit type, a shape (`[]` = scalar) and the encoded bytes. */
export type WriteData = { type: H5Type; shape: number[]; data: Uint8Array } | { vlenStrings: string[]; shape: number[] };

/** Extra layout for {@link H5File.createDataset}. */
export interface DatasetLayout {
  /** Maximum shape; `null` entries are unlimited (requires `chunks`). */
  maxshape?: (number | null)[];
  chunks?: number[];
}

/** Metadata of a dataset. */
export interface DatasetInfo {
  type: H5Type;
  shape: number[] | null;
  maxshape: number[] | null;
  chunks: number[] | null;
}


/**
 * An open HDF5 file. All paths are absolute HDF5 paths (`/traj/parameters/x`). Methods throw
 * StorageError naming the file and path when asked for something that is not there, and
 * StateError after {@link close}.
 */
export interface H5File {
  readonly path: string;
  readonly mode: OpenMode;
  /** Whether the file was opened for writing. */
  readonly writable: boolean;
  /** Whether {@link close} has been called. */
  readonly closed: boolean;
  /**
   * Whether the engine creates HDF5 array member types and bitfields: PyTables' shaped and
   * boolean columns, as in a plain Parameter holding an array (the native engine does, h5wasm not).
   */
  readonly writesShapedColumns: boolean;
  /** Writes what changed and closes the file. Closing twice is harmless. */
  close(): void;
  /** What `path` is. Soft links to existing objects report the target's type. */
  typeOf(path: string): NodeType;
  /** Whether something (group, dataset, link) is at `path`. */
  exists(path: string): boolean;
  /** Names of the children of a group, in HDF5's name order (what PyTables lists). */
  childNames(path: string): readonly string[];
  /** The target of a soft link at `path`, or null when `path` is not a soft link. */
  linkTarget(path: string): string | null;
  /** Creates a group; its parent must exist and the name must be free. */
  createGroup(path: string): void;
  /** Creates every missing group along `path` (like `mkdir -p`). */
  ensureGroup(path: string): void;
  /** Creates a soft link at `path` pointing to the absolute path `target`. */
  createSoftLink(path: string, target: string): void;
  /** Names of the attributes of a node. */
  attrNames(path: string): readonly string[];
  hasAttr(path: string, name: string): boolean;
  /** An attribute's raw value, or undefined when the node has no such attribute. */
  readAttr(path: string, name: string): H5Data | undefined;
  /** Writes (or replaces) an attribute with an explicit type. */
  writeAttr(path: string, name: string, value: WriteData): void;
  /** Deletes an attribute if it exists. */
  deleteAttr(path: string, name: string): void;
  /** Type, shape and layout of a dataset. */
  datasetInfo(path: string): DatasetInfo;
  /**
   * Reads a dataset, or rows `[start, end)` of its first dimension. With `rows` and `scratch`, an
   * engine may return the rows' bytes as a view of `scratch` (when it is large enough; a whole
   * read ignores it): the caller decodes them before its next read into the same scratch. A loop
   * over the blocks of a big table then makes no buffer per block (docs/native-engine.md §6 says
   * why that matters).
   */
  readDataset(path: string, rows?: [number, number], scratch?: Uint8Array): H5Data;
  /** Creates a dataset holding `value` (contiguous, or chunked when `layout.chunks` is given). */
  createDataset(path: string, value: WriteData, layout?: DatasetLayout): void;
  /**
   * Creates a one-dimensional dataset of variable-length byte sequences (PyTables' VLArray of
   * ObjectAtom, where pandas keeps pickles), chunked with an unlimited maximum shape as PyTables
   * makes it. The native engine writes it; h5wasm cannot (it throws a StorageError saying so).
   */
  createByteSequences(path: string, items: readonly Buffer[]): void;
  /**
   * Overwrites rows `[start, start + count)` of a dataset's first dimension with encoded bytes;
   * `data` is read during the call only (callers reuse the buffer).
   */
  writeRows(path: string, start: number, data: Uint8Array): void;
  /** Changes the shape of a chunked dataset (within its maximum shape). */
  resize(path: string, shape: number[]): void;
  /**
   * Optional (the native engine's read-only files): where the header of the object at `path`
   * is, for {@link knownAt} on this same open file; undefined when not known without reading.
   */
  addressOf?(path: string): number | undefined;
  /** Optional: the object at `path` has its header at `addr` ({@link addressOf} of this file); looking it up starts there. */
  knownAt?(path: string, addr: number): void;
  /** Optional: runs `fn`, which reads many objects once each (a scan over runs), without caching them beyond its own use. */
  scan?<T>(fn: () => T): T;
}

/** Decodes a string-typed value (fixed or variable length) as UTF-8 text, e.g. an attribute. */
export function dataToStrings(d: H5Data): string[] | undefined {
  if (d.type.class !== 'string') return undefined;
  if (d.strings) return d.strings.map((b) => b.toString('utf8'));
  const n = d.bytes.length / d.type.size;
  const out: string[] = [];
  // Attribute texts (class names, recall types) repeat on every run's objects: one copy each.
  for (let i = 0; i < n; i++) out.push(internShort(stripPadding(d.bytes.subarray(i * d.type.size, (i + 1) * d.type.size), d.type.pad).toString('utf8')));
  return out;
}

/**
 * A string attribute as PyTables reads it back as `str`: fixed-length UTF-8 (h5wasm's `'S<n>'`),
 * or variable-length UTF-8 for the empty string (fixed strings need at least one byte) and for
 * strings ending in a space (the fixed form is space-padded, so readers strip trailing spaces).
 */
export function stringAttr(s: string): WriteData {
  let value = sharedStringAttrs.get(s);
  if (value !== undefined) return value;
  if (s === '' || s.endsWith(' ')) value = { vlenStrings: [s], shape: [] };
  else {
    const data = Buffer.from(s, 'utf8');
    value = { type: { class: 'string', size: data.length, vlen: false, cset: 'utf8', pad: 'spacepad' }, shape: [], data };
  }
  // Short texts repeat on every object of pypet's layout (class names, store kinds, types): share
  // one value for each (engines only read it), which lets the native engine share its graph value.
  if (s.length <= 64 && sharedStringAttrs.size < 4096) sharedStringAttrs.set(s, value);
  return value;
}

const sharedStringAttrs = new Map<string, WriteData>();

/** A scalar string attribute as text, or undefined when absent or not a string. */
export function attrText(f: H5File, path: string, name: string): string | undefined {
  const d = f.readAttr(path, name);
  if (!d) return undefined;
  // The native engine hands out one value for the same attribute bytes (a class name or recall
  // type on every run's objects): decoded once, not once per run.
  const known = attrTexts.get(d);
  if (known !== undefined) return known;
  if (d.shape === null && d.type.class === 'string') return ''; // PyTables writes '' as a NULL dataspace
  const text = dataToStrings(d)?.[0];
  if (text !== undefined) attrTexts.set(d, text);
  return text;
}

// Values are never changed in place (a new value replaces an attribute), so a text stays right.
const attrTexts = new WeakMap<H5Data, string>();
