/**
 * Appending commits (copy-on-write inside the HDF5 file, `docs/commit-design.md`): the objects a
 * change touched — new ones, changed ones, and every group on the way up to the root — are
 * written past the end of the file the graph was read from; unchanged objects are linked by
 * their stored address ({@link storedAt}); then the superblock is switched to the new root
 * (`write/superblock.ts`). The old version stays whole until the switch, so a crash at any
 * moment leaves the old or the new version, and a reader sees one or the other.
 *
 * The policy (`commit-design.md` §7), {@link shouldAppend}: a file of at least
 * {@link APPEND_MIN_BYTES} gets appending commits, a smaller one is rewritten whole (that takes
 * milliseconds, and old versions would outweigh what a small commit adds), and so is a file whose
 * old versions (counted as commits go, `unreachable-count.ts`) pass half of it: the rewrite
 * compacts it. `H5TRAJ_COMMITS=append` or `=rewrite` forces one way.
 */
import fs from 'node:fs';
import { InvalidArgumentError, StorageError } from '../../../errors.js';
import { durableStep } from '../../durable-step.js';
import { type NGroup, type NNode, storedAt } from './model.js';
import { ByteSource } from './read/byte-source.js';
import { GraphWriter } from './writer.js';
import { type WrittenAddresses, planWrite } from './write/plan.js';
import { FileSink } from './write/file-sink.js';
import { type SuperblockState, appendableState, superblock, switchSuperblock } from './write/superblock.js';
import { readUnreachable, writeUnreachable } from './unreachable-count.js';

/** Files smaller than this are rewritten whole by each commit (unless `H5TRAJ_COMMITS=append`). */
export const APPEND_MIN_BYTES = 4 * 1024 * 1024;

/** How commits write: by the policy (`auto`, the default), or always one way (`H5TRAJ_COMMITS`). */
export type CommitMode = 'auto' | 'append' | 'rewrite';

/**
 * The commit mode `H5TRAJ_COMMITS` asks for (unset or empty: `auto`).
 * @throws InvalidArgumentError for another value.
 */
export function commitMode(): CommitMode {
  const v = process.env.H5TRAJ_COMMITS;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'append' || v === 'rewrite') return v;
  throw new InvalidArgumentError(`H5TRAJ_COMMITS must be 'append', 'rewrite' or 'auto' (the default), not '${v}'.`);
}

/** Whether commits may append (not forced to rewrite): writers then record where objects are stored. */
export function appendCommitsEnabled(): boolean {
  return commitMode() !== 'rewrite';
}

/** Whether a commit into a file whose current version ends at `eof`, `unreachable` bytes of it old versions, appends. */
export function shouldAppend(eof: number, unreachable: number): boolean {
  const mode = commitMode();
  if (mode !== 'auto') return mode === 'append';
  return eof >= APPEND_MIN_BYTES && unreachable * 2 <= eof;
}

/**
 * Writes the objects of `root`'s graph that `changed` holds (or that have no stored address)
 * past the end of `path`, the file the graph's stored addresses refer to, and switches its
 * superblock to them. Returns where it wrote each object (recorded in {@link storedAt} too,
 * unless `addressesToCaller`: see {@link WrittenAddresses}), or undefined, having written
 * nothing, when the file cannot take an appending commit (not written by the native writer, or
 * its superblock is torn) or the policy says to rewrite it ({@link shouldAppend}); the caller
 * then rewrites it. `changed` must hold every stored ancestor of a changed object, and
 * `changedNames`, per changed stored group, the names of the links added or changed in it.
 * @throws StorageError when the graph cannot be stored (as the whole-file writer) or writing fails;
 *   the file is then still its old version.
 */
export function appendCommit(
  path: string,
  root: NGroup,
  changed: ReadonlySet<NNode>,
  changedNames: ReadonlyMap<NGroup, ReadonlySet<string>>,
  options: { addressesToCaller?: boolean } = {},
): WrittenAddresses | undefined {
  const reused = (node: NNode): boolean => !changed.has(node) && storedAt.has(node);
  let fd: number;
  try {
    fd = fs.openSync(path, 'r+');
  } catch (e) {
    throw new StorageError(`Cannot open '${path}' to write a commit: ${(e as Error).message}`, { file: path, cause: e });
  }
  let state: SuperblockState | undefined;
  let unreachable = 0;
  try {
    state = appendableState(fd);
    if (state !== undefined) unreachable = readUnreachable(fd, state.eof, state.root);
  } finally {
    fs.closeSync(fd);
  }
  if (state === undefined || !storedAt.has(root) || !shouldAppend(state.eof, unreachable)) return undefined;
  if (reused(root)) return new Map(); // nothing changed
  const plan = planWrite(root, reused);
  // Bytes past the end of file are what a crashed commit appended: nothing reaches them.
  if (fs.statSync(path).size > state.eof) {
    durableStep('truncate', path);
    fs.truncateSync(path, state.eof);
  }
  let sink: FileSink | undefined;
  let source: ByteSource | undefined;
  let switching = false;
  try {
    sink = new FileSink(path, state.eof);
    source = new ByteSource(path);
    const rootAddress = new GraphWriter(sink, plan, {
      reused: (node) => storedAt.get(node)!,
      appending: true,
      record: true,
      stored: { source, header: (group) => storedAt.get(group), changedNames: (group) => changedNames.get(group) },
      // A new version of a stored object leaves its old version unreachable.
      written: (node, bytes) => {
        if (storedAt.has(node)) unreachable += bytes;
      },
    }).write(root);
    sink.flush();
    writeUnreachable(sink.fd, path, sink.pos, rootAddress, unreachable);
    switching = true;
    switchSuperblock(sink.fd, path, state.bytes, superblock(sink.pos, rootAddress));
    fixSiblings(sink);
  } catch (e) {
    // Once the switch began, the new superblock may be in place: what it reaches must stay.
    if (sink && !switching) restore(sink, path, state.eof);
    if (e instanceof StorageError) throw e;
    throw new StorageError(`Writing a commit to '${path}' failed, and the file was left as it was: ${(e as Error).message}`, { file: path, cause: e });
  } finally {
    sink?.close();
    source?.close();
  }
  if (!options.addressesToCaller) for (const [node, info] of plan.nodes) storedAt.set(node, info.address);
  return plan.nodes;
}

/**
 * Once the new version is in place: points the kept B-tree nodes left of the paths the commit
 * wrote at the new nodes as their right siblings (`fixRightSibling` in `write/btree1.ts`).
 * Best effort, not made durable: a sibling address left at the old node (a crash, a failed write)
 * is what every version had before this existed, and readers find everything from the root down.
 */
function fixSiblings(sink: FileSink): void {
  try {
    sink.writeAfterSwitch();
  } catch {
    // The commit is in place; those nodes keep naming the old nodes, as before the switch.
  }
}

/**
 * After a failed commit (e.g. a full disk, a file size limit), makes the file byte for byte what
 * it was: the free heap space written in place is put back and the appended bytes are cut. Best
 * effort: the old version is whole either way (nothing it reaches was written over).
 */
function restore(sink: FileSink, path: string, eof: number): void {
  try {
    sink.undoOverwrites();
    durableStep('truncate', path);
    fs.truncateSync(path, eof);
  } catch {
    // The next commit cuts what is past the end of file.
  }
}
