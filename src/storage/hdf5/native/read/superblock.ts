/**
 * The superblock: where the root group is, and the sizes of addresses and lengths.
 *
 * Versions 0 and 1 (PyTables, h5py's default) point at the root group through a symbol table
 * entry; versions 2 and 3 (h5wasm, `libver='latest'`) through an object header address. The
 * superblock extension (v2+) matters only when it holds driver info; shared messages it may
 * announce are caught where a message is flagged as shared.
 */
import { NativeUnsupportedError } from '../model.js';
import { ByteSource, CorruptError } from './byte-source.js';
import { MSG, SIG, SUPERBLOCK_V2, UNDEF } from '../format.js';
import { ObjectHeader } from './object-header.js';
import { verifyChecksum } from '../checksum.js';

export interface Superblock {
  version: number;
  /** Object header address of the root group. */
  rootAddr: number;
}

/**
 * Finds the signature (at 0, 512, 1024, …), reads the superblock, and sets the source's address
 * base and field sizes.
 */
export function readSuperblock(src: ByteSource): Superblock {
  for (let at = 0; at + 8 <= src.size; at = at === 0 ? 512 : at * 2) {
    if (src.bytes(at, 8).toString('latin1') === SIG.SUPERBLOCK) return parseAt(src, at);
  }
  throw new CorruptError('it has no HDF5 signature');
}

function parseAt(src: ByteSource, at: number): Superblock {
  const head = src.bytes(at, Math.min(src.size - at, 128));
  const version = head[8] ?? 0;
  if (version > 3) throw new CorruptError(`its superblock has version ${version}, which this reader does not know`);
  const sizes = version <= 1 ? { o: head[13] ?? 0, l: head[14] ?? 0 } : { o: head[SUPERBLOCK_V2.OFFSET_SIZE] ?? 0, l: head[SUPERBLOCK_V2.LENGTH_SIZE] ?? 0 };
  if (![2, 4, 8].includes(sizes.o) || ![2, 4, 8].includes(sizes.l)) {
    throw new CorruptError(`its superblock gives addresses of ${sizes.o} and lengths of ${sizes.l} bytes`);
  }
  src.offsetSize = sizes.o;
  src.lengthSize = sizes.l;
  // Like HDF5, take addresses as relative to where the superblock is (after a user block),
  // whatever the stored base address says.
  const c = src.cursor(at, head.length);
  src.base = at;
  if (version <= 1) {
    // Versions of the free-space storage, the root group's symbol table entry and the shared
    // header message format: all 0 in every file HDF5 writes; anything else is damage.
    if (head[9] !== 0 || head[10] !== 0 || head[12] !== 0) throw new CorruptError('its superblock has unknown component versions');
    // signature, 4 versions and a reserved byte, sizes (2), reserved, group leaf K, group internal K, flags
    c.skip(8 + 5 + 2 + 1 + 2 + 2 + 4);
    if (version === 1) c.skip(4); // indexed storage K, reserved
    c.skip(3 * src.offsetSize); // base, free-space info, end of file
    if (c.addr() !== UNDEF) unsupportedDriver();
    c.addr(); // root entry: link name offset
    return { version, rootAddr: c.addr() };
  }
  // signature, version, sizes, flags, then base, extension, end-of-file and root addresses
  verifyChecksum(head, 0, SUPERBLOCK_V2.checksum(src.offsetSize), 'superblock', 0);
  c.skip(SUPERBLOCK_V2.extension(src.offsetSize)); // signature, version, sizes, flags, base
  const extension = c.addr();
  c.addr(); // end of file
  const rootAddr = c.addr();
  if (extension !== UNDEF) {
    const h = new ObjectHeader(src);
    h.read(extension, 'the superblock extension');
    if (h.has(MSG.DRIVER_INFO)) unsupportedDriver();
  }
  return { version, rootAddr };
}

/** Driver info means the family, multi or split driver: the data is spread over several files. */
function unsupportedDriver(): never {
  throw new NativeUnsupportedError('files written with the family, multi or split driver (driver info in the superblock)', '/');
}
