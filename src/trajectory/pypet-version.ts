/**
 * The pypet version whose file layout h5traj follows, in a module of its own so that storage code
 * (overview tables, merges) can name it without loading the Trajectory class.
 */

/** The version of pypet's file format h5traj follows (written to `overview/info.version`; part of a merge's SHA-1). */
export const PYPET_FORMAT_VERSION = '0.7.0';
