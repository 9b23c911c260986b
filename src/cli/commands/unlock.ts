/**
 * `h5traj unlock FILE [--force]`: removes the lock files of FILE — its own (`FILE.lock`) and those
 * of explorations on it (`FILE.<trajectory>.<time>.journal.lock`) — that a writer left behind.
 *
 * Writers take over locks of dead processes on their own host; this command is for the rest: a
 * lock written on another host (NFS, a cluster node), which h5traj can never judge stale, or one
 * naming a pid that now belongs to an unrelated process. Those need `--force`, because removing
 * the lock of a writer that is in fact alive lets two writers replace the file under each other.
 * Run journals (`*.journal`) are never removed: they hold finished runs for `--resume`.
 */
import { FileLockedError } from '../../errors.js';
import { describeHolder, removeLock } from '../../storage/lock.js';
import { locksBeside, type FileLock } from '../../storage/locks-beside.js';
import type { CliCommand } from '../command.js';
import { note, out } from '../io.js';

interface UnlockArgs {
  file: string;
  force?: boolean;
}

function whose(l: FileLock): string {
  const what = l.kind === 'file' ? 'file lock' : `lock of an exploration of '${l.trajectory}'`;
  if (!l.holder) return `${what}, unreadable: its writer died while writing it`;
  const state = l.state === 'stale' ? 'which is gone' : l.state === 'other-host' ? 'on another host' : 'which is running';
  return `${what}, held by ${describeHolder(l.holder)}, ${state}`;
}

/** Why a lock needs --force, as a sentence that says what to do. */
function needsForce(l: FileLock, file: string): string {
  const h = l.holder!;
  if (l.state === 'other-host') {
    return `'${l.path}' was written by process ${h.pid} on host ${h.host}, and h5traj cannot tell from here whether that process still writes '${file}'. If you are sure it is gone, run h5traj unlock ${file} --force; removing the lock of a live writer lets two writers damage the file.`;
  }
  return `'${l.path}' is held by process ${h.pid} on this host, which is running. Wait for it to finish; if it is not an h5traj writer (its pid was reused), run h5traj unlock ${file} --force.`;
}

export const unlock: CliCommand<UnlockArgs> = {
  command: 'unlock <file>',
  describe: 'remove the lock files a writer of FILE left behind (--force for another host\'s or a live process\'s)',
  examples: [
    ['h5traj unlock data/sim.hdf5', 'remove locks whose process is gone'],
    ['h5traj unlock /nfs/sim.hdf5 --force', 'also remove a lock written on another host, once you know its process is gone'],
  ],
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'HDF5 file whose locks to remove' })
      .option('force', { type: 'boolean', describe: 'also remove locks of another host or of a running process' }),
  handler: async (args) => {
    const locks = locksBeside(args.file);
    if (locks.length === 0) {
      out(`'${args.file}' is not locked.`);
      return;
    }
    const held = locks.filter((l) => l.state !== 'stale');
    if (held.length > 0 && !args.force) {
      throw new FileLockedError(`Nothing was removed: ${held.map((l) => needsForce(l, args.file)).join(' ')}`, { file: args.file });
    }
    for (const l of locks) {
      if (!removeLock(l)) {
        note(`h5traj: '${l.path}' changed while it was being removed (a writer took it anew); it was left in place.`);
        continue;
      }
      out(`removed '${l.path}' (${whose(l)})`);
      if (l.state !== 'stale') {
        note(`warning: if process ${l.holder!.pid} on ${l.holder!.host} is still writing '${args.file}', stop it and check the file with h5traj verify ${args.file}.`);
      }
    }
  },
};
