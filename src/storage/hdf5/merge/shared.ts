/** What the parts of a merge share: constants, the compound type, run-name tests. */
import { RUN_ALL, RUN_SET_ALL, runIndexOf } from '../../../tree/names.js';
import { type H5Type } from '../engine/h5types.js';

export type Compound = H5Type & { class: 'compound' };

export const RR = '__rr__';
export const UNLIMITED = 2 ** 63;
export const SET_NAME = /^run_set_(\d{5,})$/;

/** Environment hook for the crash tests: pause this many ms after half the first trajectory's runs. */
export const PAUSE_ENV = 'H5TRAJ_TEST_MERGE_PAUSE_MS';

/** Whether a name marks run-specific data (`run_00000003`, `run_set_00000`, `run_ALL`, `run_set_ALL`). */
export function isRunish(name: string): boolean {
  return name === RUN_ALL || name === RUN_SET_ALL || runIndexOf(name) !== undefined || SET_NAME.test(name);
}
