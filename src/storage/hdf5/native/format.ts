/**
 * The HDF5 format constants both halves of the native engine use, written once (HDF5 File Format
 * Specification 3.0): structure signatures, object header message types and flags, and the codes
 * inside messages (dataspace kinds, layout classes, link types, datatype classes and string
 * properties), and the layouts of the structures both halves handle (v1 B-tree nodes, symbol
 * table nodes, local and global heaps, the version-2 superblock) as sizes and offsets computed
 * from the file's address and length sizes: the reader meets any sizes, the writer always uses 8.
 * The decoders in `read/` compare with these tables and the encoders in `write/` emit them, as
 * jsfive declares each structure and message type once.
 */

/** The "undefined address" (all bits set), as a reader decodes it and a writer is given it. */
export const UNDEF = -1;

/** `n` rounded up to a multiple of 8, the alignment of version-1 header messages, global heap objects and padded names. */
export const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The signatures that open HDF5 structures, as the latin1 text of their bytes. */
export const SIG = {
  /** Superblock (any version), at offset 0 or a power of two from 512 on. */
  SUPERBLOCK: '\x89HDF\r\n\x1a\n',
  /** Version-2 object header, and its continuation chunks. */
  OBJECT_HEADER: 'OHDR',
  OBJECT_HEADER_CONTINUATION: 'OCHK',
  /** Version-1 B-tree node. */
  BTREE1: 'TREE',
  /** Symbol table node (the leaves of an old-style group's v1 B-tree). */
  SYMBOL_TABLE_NODE: 'SNOD',
  LOCAL_HEAP: 'HEAP',
  GLOBAL_HEAP: 'GCOL',
  FRACTAL_HEAP: 'FRHP',
  FRACTAL_HEAP_DIRECT_BLOCK: 'FHDB',
  FRACTAL_HEAP_INDIRECT_BLOCK: 'FHIB',
  /** Version-2 B-tree header, internal and leaf nodes. */
  BTREE2: 'BTHD',
  BTREE2_INTERNAL: 'BTIN',
  BTREE2_LEAF: 'BTLF',
} as const;

export type Signature = (typeof SIG)[keyof typeof SIG];

/** A signature's bytes, for the writer (and for comparing with raw bytes). */
export function signatureBytes(sig: Signature): Buffer {
  return Buffer.from(sig, 'latin1');
}

/** Object header message types (§IV.A.2). */
export const MSG = {
  DATASPACE: 0x01,
  LINK_INFO: 0x02,
  DATATYPE: 0x03,
  /** The fill value message before HDF5 1.6 (version 1); h5traj reads and writes the new one. */
  FILL_OLD: 0x04,
  FILL: 0x05,
  LINK: 0x06,
  EXTERNAL_FILES: 0x07,
  LAYOUT: 0x08,
  GROUP_INFO: 0x0a,
  FILTERS: 0x0b,
  ATTRIBUTE: 0x0c,
  CONTINUATION: 0x10,
  SYMBOL_TABLE: 0x11,
  DRIVER_INFO: 0x14,
  ATTRIBUTE_INFO: 0x15,
  REFERENCE_COUNT: 0x16,
} as const;

/** Object header message flags (HDF5's `H5O_MSG_FLAG_*`). */
export const MSG_FLAG = {
  /** The message never changes (HDF5 sets it on datatypes, fill values, pipelines, group info). */
  CONSTANT: 0x01,
  /** The body is a reference to a message shared elsewhere (SOHM, committed datatype). */
  SHARED: 0x02,
  /** The message must not be shared (HDF5 sets it on reference counts). */
  DONT_SHARE: 0x04,
  FAIL_IF_UNKNOWN_FOR_WRITE: 0x08,
  MARK_IF_UNKNOWN: 0x10,
  WAS_UNKNOWN: 0x20,
  SHAREABLE: 0x40,
} as const;

/** Version-2 object header prefix flags: bits 0–1 give the width of the first chunk's size. */
export const OHDR_FLAG = {
  SIZE_WIDTH: 0x03,
  CREATION_ORDER: 0x04,
  PHASE_CHANGE: 0x10,
  TIMES: 0x20,
} as const;

/** Dataspace kinds (version 2 stores the kind; version 1 implies scalar or simple by the rank). */
export const DATASPACE = { SCALAR: 0, SIMPLE: 1, NULL: 2 } as const;
/** Dataspace flag: maximum dimensions follow the dimensions. */
export const DATASPACE_HAS_MAX = 0x01;

/** Data layout classes. */
export const LAYOUT = { COMPACT: 0, CONTIGUOUS: 1, CHUNKED: 2, VIRTUAL: 3 } as const;

/** Link types, as a Link message stores them. */
export const LINK = { HARD: 0, SOFT: 1, EXTERNAL: 64 } as const;

/** Link message flags: bits 0–1 give the width of the name's length. */
export const LINK_FLAG = {
  NAME_WIDTH: 0x03,
  CREATION_ORDER: 0x04,
  /** A link type byte follows (absent: a hard link). */
  HAS_TYPE: 0x08,
  /** A character set byte follows (absent: ASCII). */
  HAS_CHARSET: 0x10,
} as const;

/** Datatype classes (the low four bits of a datatype message's first byte). */
export const TYPE_CLASS = {
  FIXED_POINT: 0,
  FLOATING_POINT: 1,
  TIME: 2,
  STRING: 3,
  BITFIELD: 4,
  OPAQUE: 5,
  COMPOUND: 6,
  REFERENCE: 7,
  ENUM: 8,
  VARIABLE_LENGTH: 9,
  ARRAY: 10,
} as const;

/** What a variable-length datatype holds (the low four bits of its class bits). */
export const VLEN_KIND = { SEQUENCE: 0, STRING: 1 } as const;

/** The datatype classes' names, by class number, for messages. */
export const TYPE_CLASS_NAMES = ['fixed-point', 'floating-point', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'variable-length', 'array'] as const;

/** String padding codes, by code (0–2; the others are reserved). */
export const STRING_PADS = ['nullterm', 'nullpad', 'spacepad'] as const;

/** Character set codes of strings and link and attribute names. */
export const CHARSET = { ascii: 0, utf8: 1 } as const;

/**
 * Version-1 B-trees: the node type of each kind of tree with the K HDF5 gives it (a node holds up
 * to 2K children and 2K + 1 keys, and is always allocated at full size). A node is a header
 * (signature, type, level, entries used, left and right sibling addresses), then keys and child
 * addresses alternating, starting and ending with a key. Sizes for an address size `o`.
 */
export const BTREE1 = {
  GROUP: { type: 0, k: 16 },
  CHUNK: { type: 1, k: 32 },
  headerSize: (o: number): number => 8 + 2 * o,
  nodeSize: (k: number, keySize: number, o: number): number => 8 + 2 * o + (2 * k + 1) * keySize + 2 * k * o,
} as const;

/**
 * Symbol table nodes: signature, version 1, reserved, entry count (8 bytes), then room for
 * 2 × group leaf K (= 4) entries, each a name offset in the local heap, an object header address,
 * a cache type, 4 reserved bytes and a 16-byte scratch pad. Sizes for an address size `o`.
 */
export const SYMBOL_TABLE_NODE = {
  VERSION: 1,
  HEADER_SIZE: 8,
  ENTRIES: 2 * 4,
  entrySize: (o: number): number => 2 * o + 24,
  size: (o: number): number => 8 + 2 * 4 * (2 * o + 24),
} as const;

/** What a symbol table entry's scratch pad holds: nothing, a group's B-tree and heap addresses, a soft link's heap offset. */
export const CACHE_TYPE = { NONE: 0, GROUP: 1, SOFT_LINK: 2 } as const;

/**
 * Local heaps: signature, version 0, 3 reserved bytes, data segment size, offset of the first
 * free block (or {@link LOCAL_HEAP.FREE_LIST_END}), data segment address; a free block starts with
 * the offset of the next and its own size. Sizes for an address size `o` and a length size `l`.
 */
export const LOCAL_HEAP = {
  VERSION: 0,
  headerSize: (o: number, l: number): number => 8 + 2 * l + o,
  FREE_LIST_END: 1,
} as const;

/**
 * Global heap collections: signature, version 1, 3 reserved bytes, collection size; then
 * objects, each a 16-bit index, a reference count, 4 reserved bytes and a size, then its data
 * padded to 8 bytes. Object 0 is the free space at the end. Sizes for a length size `l`.
 */
export const GLOBAL_HEAP = {
  VERSION: 1,
  headerSize: (l: number): number => 8 + l,
  objectHeaderSize: (l: number): number => 8 + l,
  FREE_SPACE: 0,
} as const;

/** A variable-length element in a dataset or attribute: its length (4 bytes), its global heap collection's address, its object index (4 bytes). */
export const vlenElementSize = (o: number): number => 4 + o + 4;

/**
 * Superblock versions 2 and 3: the signature, four one-byte fields, then four addresses of the
 * file's address size (base, superblock extension, end of file, root object header) and a checksum
 * over everything before it. Byte offsets of the fields, for an address size `o`.
 */
export const SUPERBLOCK_V2 = {
  VERSION: 8,
  OFFSET_SIZE: 9,
  LENGTH_SIZE: 10,
  FLAGS: 11,
  base: (_o: number): number => 12,
  extension: (o: number): number => 12 + o,
  eof: (o: number): number => 12 + 2 * o,
  root: (o: number): number => 12 + 3 * o,
  checksum: (o: number): number => 12 + 4 * o,
  size: (o: number): number => 12 + 4 * o + 4,
} as const;
