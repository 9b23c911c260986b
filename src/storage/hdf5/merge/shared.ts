/** What the parts of a merge share: constants, the reopenable file handle, run-name tests. */
import { RUN_ALL, RUN_SET_ALL, runIndexOf } from '../../../tree/names.js';
import type { H5File } from '../engine/h5file.js';
import { openH5Copy, openH5Sync } from '../engine/open-file.js';
import { type H5Type } from '../engine/h5types.js';

export type Compound = H5Type & { class: 'compound' };

export const RR = '__rr__';
export const UNLIMITED = 2 ** 63;
export const SET_NAME = /^run_set_(\d{5,})$/;

/** Environment hook for the crash tests: pause this many ms after half the first trajectory's runs. */
export const PAUSE_ENV = 'H5TRAJ_TEST_MERGE_PAUSE_MS';

/** Runs copied between two re-openings of the files, which drops the wrapper's caches. */
export const RECYCLE_RUNS = 500;

/**
 * An open file that can be closed and opened again: the wrapper caches what it reads and
 * writes, so a merge of many runs re-opens its files now and then to keep memory bounded.
 */
export class Reopenable {
  f: H5File;

  constructor(readonly file: string, mode: 'r' | 'a' | 'w', private readonly reopenMode: 'r' | 'a' = mode === 'r' ? 'r' : 'a', opened?: H5File) {
    this.f = opened ?? openH5Sync(file, mode);
  }

  /**
   * A writable copy of `source` at `file`: the native engine reads `source` and writes `file`
   * once when closed; h5wasm copies the bytes first and changes the copy in place.
   */
  static copyOf(source: string, file: string): Reopenable {
    return new Reopenable(file, 'a', 'a', openH5Copy(source, file));
  }

  recycle(): void {
    // A handle whose memory does not grow with reads (the native engine's) would only pay a
    // rewrite and a new parse for re-opening.
    if (!this.f.cachesReads) return;
    this.f.close();
    this.f = openH5Sync(this.file, this.reopenMode);
  }

  close(): void {
    this.f.close();
  }
}

/** Whether a name marks run-specific data (`run_00000003`, `run_set_00000`, `run_ALL`, `run_set_ALL`). */
export function isRunish(name: string): boolean {
  return name === RUN_ALL || name === RUN_SET_ALL || runIndexOf(name) !== undefined || SET_NAME.test(name);
}
