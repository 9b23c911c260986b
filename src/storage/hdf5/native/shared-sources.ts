/** Read-only parsed files, shared between the handles open on the same file version. */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileVersion } from '../../atomic.js';
import { openLazyNativeFile } from './lazy-graph.js';
import type { NativeSource } from './reader.js';

/**
 * Files open for reading, shared: commands often open the same file several times in a row (list
 * its trajectories, then load one), and their metadata, parsed on demand (`lazy-graph.ts`), is
 * worth keeping. A read-only graph is never changed, so every reader of the same file version
 * can share it. The last file whose readers are all closed stays open (with at most its cache of
 * metadata) until another replaces it; a file changed on disk (another inode, size or time) is
 * opened again.
 */
export class SharedReadSources {
  private readonly entries = new Map<string, { source: NativeSource; users: number }>();

  acquire(path: string): NativeSource {
    const key = `${nodePath.resolve(path)}\0${fileVersion(fs.statSync(path))}`;
    let entry = this.entries.get(key);
    if (!entry) {
      this.evictIdle();
      entry = { source: openLazyNativeFile(path), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    const shared = entry;
    let released = false;
    return {
      path: shared.source.path,
      root: shared.source.root,
      multiLinked: shared.source.multiLinked,
      ...(shared.source.linkTo ? { linkTo: shared.source.linkTo } : {}),
      ...(shared.source.scan ? { scan: shared.source.scan } : {}),
      close: () => {
        if (released) return;
        released = true;
        shared.users--;
      },
    };
  }

  private evictIdle(): void {
    for (const [key, entry] of this.entries) {
      if (entry.users > 0) continue;
      entry.source.close();
      this.entries.delete(key);
    }
  }
}

export const sharedReadSources = new SharedReadSources();

