/**
 * The checks the writer makes before it creates the file: the graph can be written children
 * first (no hard-link cycles), every name is a valid link or attribute name, attribute values
 * have as many bytes (or strings) as their type and shape say, every attribute fits in an object
 * header message (at most 65,535 bytes; HDF5 would put a bigger one in dense storage, which we do
 * not write), and chunked datasets have chunks HDF5 accepts. Failing here leaves any existing file
 * at the path untouched. (Dataset contents are only read while writing, and checked then.)
 *
 * It also counts the hard links to each object (an object linked from two places needs a
 * reference count message) and lists the attribute values holding variable-length strings, which
 * the writer stores in global heap collections before any object.
 */
import { StorageError } from '../../../../errors.js';
import { describeH5Type } from '../../engine/h5types.js';
import { isVariableLength } from '../../engine/h5types.js';
import { diskSize, encodeDatatype } from './datatype.js';
import type { NDataset, NGroup, NLink, NNode } from '../model.js';
import { StoredGroupLinks } from '../stored-group-links.js';
import { StoredLink } from '../stored-objects.js';
import { attributeSize } from './object-header.js';
import type { H5Data } from '../../engine/h5file.js';

const MAX_MESSAGE = 0xffff;

/** What the writer needs to know about each object. */
export interface NodeInfo {
  /** Hard links pointing at the object (the root counts one, for the superblock). */
  links: number;
  /** Where its header was written; -1 until then. */
  address: number;
}

/**
 * Where a write put each object it wrote. A writer whose graph leaves memory after the write
 * (`evict.ts`) records in `storedAt` (`model.ts`) only the addresses of the objects that stay: recording
 * all of them (600k for a 100k-run store) grew a WeakMap whose dropped keys only a full GC
 * clears, each growth leaving its old table (up to 17 MB) as old-generation garbage.
 */
export type WrittenAddresses = ReadonlyMap<NNode, { readonly address: number }>;

export interface WritePlan {
  nodes: Map<NNode, NodeInfo>;
  /**
   * Attribute values with variable-length strings, once per attribute: HDF5 frees an attribute's
   * strings when it deletes the attribute, so two attributes must not share them.
   */
  vlenAttrs: H5Data[];
}

/** Number of elements of a shape (`null`: none, `[]`: one). */
export const elementCount = (shape: readonly number[] | null): number => (shape === null ? 0 : shape.reduce((a, b) => a * b, 1));

/**
 * Walks the graph from `root` and checks it as described above; with `reused`, objects for which
 * it is true (stored already, unchanged) are left out, with everything below them.
 * @throws StorageError naming the object, link or attribute at fault.
 */
export function planWrite(root: NGroup, reused?: (node: NNode) => boolean): WritePlan {
  const nodes = new Map<NNode, NodeInfo>([[root, { links: 1, address: -1 }]]);
  const vlenAttrs: H5Data[] = [];
  const onPath = new Set<NNode>();
  const names: string[] = []; // the path to the node being visited, built into a string only for messages
  const path = (): string => `/${names.join('/')}`;

  const checkAttr = (value: H5Data, name: string): void => {
    checkAttribute(path, name, value);
    if (isVariableLength(value.type)) vlenAttrs.push(value);
  };
  const visitLink = (link: NLink, name: string): void => {
    if (name === '' || name === '.' || name.includes('/')) {
      throw new StorageError(`The link name '${name}' in '${path()}' cannot be stored in HDF5; rename it.`, { path: path() });
    }
    if (link.kind !== 'hard') return;
    // A link to an object kept on disk and not about to change (`stored-objects.ts`) is reused as it is.
    if (reused && link instanceof StoredLink && link.pinned === undefined) return;
    if (reused?.(link.node)) return;
    const info = nodes.get(link.node);
    if (info) {
      info.links++;
      if (onPath.has(link.node)) {
        names.push(name);
        throw new StorageError(`The hard link '${path()}' points back to one of its own parent groups; the native writer cannot store such cycles.`, { path: path() });
      }
      return;
    }
    nodes.set(link.node, { links: 1, address: -1 });
    names.push(name);
    visit(link.node);
    names.pop();
  };
  const visit = (node: NNode): void => {
    if (node.attrs.size > 0) node.attrs.forEach(checkAttr);
    if (node.kind === 'dataset') {
      checkDataset(path, node);
      return;
    }
    onPath.add(node);
    // Appending, the links of a group kept on disk that matter are those held in memory.
    (reused && node.links instanceof StoredGroupLinks ? node.links.held : node.links).forEach(visitLink);
    onPath.delete(node);
  };
  visit(root);
  return { nodes, vlenAttrs };
}

function checkAttribute(path: () => string, name: string, value: H5Data): void {
  if (name === '') throw new StorageError(`An attribute of '${path()}' has an empty name, which HDF5 does not allow.`, { path: path() });
  const n = elementCount(value.shape);
  const vlen = isVariableLength(value.type);
  if (vlen ? (value.strings?.length ?? 0) !== n : value.bytes.length < n * value.type.size) {
    const got = vlen ? `${value.strings?.length ?? 0} strings` : `${value.bytes.length} bytes`;
    throw new StorageError(
      `The attribute '${name}' of '${path()}' has ${got}, but its ${describeH5Type(value.type)} shape [${value.shape?.join(', ') ?? 'null'}] needs ${n} elements.`,
      { path: path() },
    );
  }
  const dataBytes = n * diskSize(value.type);
  // Atomic datatypes take at most 20 bytes and a dataspace at most 4 + 16 × 32: no need to encode
  // the type to know that a small attribute fits.
  const atomic = value.type.class !== 'compound' && value.type.class !== 'array' && value.type.class !== 'enum' && value.type.class !== 'other';
  if (atomic && dataBytes + 3 * name.length + 600 <= MAX_MESSAGE) return;
  const size = attributeSize(name, encodeDatatype(value.type), value.shape, dataBytes);
  if (size > MAX_MESSAGE) {
    throw new StorageError(
      `The attribute '${name}' of '${path()}' takes ${size.toLocaleString('en-US')} bytes, more than the 65,535 bytes an HDF5 attribute message can hold; store the value as a dataset instead.`,
      { path: path(), got: `${size} bytes`, expected: 'at most 65535 bytes' },
    );
  }
}

function checkDataset(getPath: () => string, ds: NDataset): void {
  if (!ds.chunks && !ds.maxshape) return;
  const path = getPath();
  const rank = ds.shape?.length ?? 0;
  if (ds.maxshape && (ds.maxshape.length !== rank || ds.maxshape.some((m, i) => m !== null && m < (ds.shape?.[i] ?? 0)))) {
    throw new StorageError(`The dataset '${path}' has the shape [${ds.shape?.join(', ')}] but the maximum shape [${ds.maxshape.map((m) => m ?? 'unlimited').join(', ')}].`, { path });
  }
  const resizable = ds.maxshape?.some((m, i) => m === null || m !== ds.shape?.[i]) ?? false;
  if (ds.chunks) {
    // HDF5 refuses chunks larger than a fixed-size dimension.
    const max = ds.maxshape ?? ds.shape;
    if (ds.shape === null || ds.chunks.length !== rank || rank === 0 || ds.chunks.some((c, i) => !(c >= 1) || (max?.[i] != null && c > max[i]!))) {
      throw new StorageError(`The dataset '${path}' has chunks [${ds.chunks.join(', ')}] that do not fit its maximum shape [${max?.map((m) => m ?? 'unlimited').join(', ') ?? 'null'}].`, { path });
    }
  } else if (resizable) {
    throw new StorageError(`The dataset '${path}' has a maximum shape other than its shape, which HDF5 allows only for chunked datasets.`, { path });
  }
}
