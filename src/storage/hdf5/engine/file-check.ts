/**
 * Checks a file before HDF5 opens it, so that HDF5 never has to fail on it: a failed open prints
 * HDF5's diagnostics to stderr and tells the user less than a sentence naming the cause.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { FormatError, StorageError } from '../../../errors.js';

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Checks that `file` is a complete HDF5 file, so that HDF5 itself never has to fail (and print
 * its diagnostics). Looks for the signature at 0, 512, 1024, … and compares the superblock's
 * end-of-file address with the real size.
 * @throws StorageError when the file is missing, a directory or unreadable; FormatError when it
 *   is not HDF5, truncated, or marked as still open by a crashed writer.
 */
export function checkHdf5File(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${code ?? String(e)})`;
    throw new StorageError(`Cannot open '${file}': ${why}.`, { file, cause: e });
  }
  if (stat.isDirectory()) throw new StorageError(`Cannot open '${file}': it is a directory, not an HDF5 file.`, { file });
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new StorageError(`Cannot open '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, { file, cause: e });
  }
  try {
    const head = Buffer.alloc(64);
    for (let at = 0; at + 8 <= stat.size; at = at === 0 ? 512 : at * 2) {
      const n = fs.readSync(fd, head, 0, head.length, at);
      if (n < 8 || !head.subarray(0, 8).equals(SIGNATURE)) continue;
      checkSuperblock(file, head.subarray(0, n), at, stat.size);
      return;
    }
    const what = stat.size === 0 ? 'it is empty' : 'it has no HDF5 signature';
    throw new FormatError(`'${file}' is not an HDF5 file (${what}).`, { file });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The checks before opening `path` in `mode` (`'r'`, `'a'`, `'w'`, `'x'`), shared by both
 * engines so that the same bad input gets the same sentence: a file to read must be a complete
 * HDF5 file (and writable for `'a'`); a file to create needs its folder, and must not exist for `'x'`.
 */
export function checkOpenable(path: string, mode: 'r' | 'a' | 'w' | 'x'): void {
  if (mode === 'r' || mode === 'a') {
    checkHdf5File(path);
    if (mode === 'a') {
      try {
        fs.accessSync(path, fs.constants.W_OK);
      } catch (e) {
        throw new StorageError(`Cannot open '${path}' for writing: it is read-only.`, { file: path, cause: e });
      }
    }
    return;
  }
  const dir = nodePath.dirname(nodePath.resolve(path));
  if (!fs.existsSync(dir)) throw new StorageError(`Cannot create '${path}': the folder '${dir}' does not exist.`, { file: path });
  if (fs.existsSync(path)) {
    if (fs.statSync(path).isDirectory()) throw new StorageError(`Cannot create '${path}': it is a directory.`, { file: path });
    if (mode === 'x') throw new StorageError(`Cannot create '${path}': the file already exists.`, { file: path });
  }
}

function checkSuperblock(file: string, sb: Buffer, at: number, size: number): void {
  const version = sb[8] ?? 0;
  let offsetSize: number;
  let eofAt: number;
  let flags = 0;
  if (version <= 1) {
    offsetSize = sb[13] ?? 8;
    eofAt = 24 + (version === 1 ? 4 : 0) + 2 * offsetSize; // after base and free-space addresses
  } else {
    offsetSize = sb[9] ?? 8;
    flags = sb[11] ?? 0;
    eofAt = 12 + 2 * offsetSize; // after base and superblock-extension addresses
  }
  if (eofAt + offsetSize > sb.length || (offsetSize !== 4 && offsetSize !== 8)) return; // unusual; let HDF5 judge
  const read = (o: number) => (offsetSize === 8 ? Number(sb.readBigUInt64LE(o)) : sb.readUInt32LE(o));
  const base = read(eofAt - 2 * offsetSize); // the end-of-file address is relative to it
  const eof = read(eofAt);
  const expected = (base || at) + eof;
  if (eof < 2 ** 52 && expected > size) {
    throw new FormatError(`'${file}' is truncated: it has ${size} bytes, but its superblock says ${expected}.`, { file });
  }
  if (version >= 3 && (flags & 0x05) !== 0) {
    throw new FormatError(
      `'${file}' is marked as open for writing (a writer crashed or is still running); if no one is writing it, run 'h5clear -s ${file}'.`,
      { file },
    );
  }
}
