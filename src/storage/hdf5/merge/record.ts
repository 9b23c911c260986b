/**
 * Recording a merge as pypet does: `config.merge.merge_<hexsha7>_<time>` with the merge's
 * options and the other trajectory's identity, and pypet's SHA-1 of the merge. Its own module
 * because the record's names, comments and hash must match pypet's exactly.
 */
import { createHash } from 'node:crypto';
import type { TypedValue } from '../../../values/types.js';
import { pythonFloatRepr } from '../../../values/python-repr.js';
import { formatTime } from '../../../trajectory/runs.js';
import { PYPET_FORMAT_VERSION } from '../../../trajectory/pypet-version.js';
import { H5File, stringAttr } from '../engine/h5file.js';
import { COMMENT, nodePath, writeLeaf } from '../layout/nodes.js';
import { type TrajectoryInfo } from '../layout/overview.js';
import { Context, OtherMerge } from './plan.js';

/** pypet's SHA-1 of a merge, and Python's `str()` of a float timestamp. */
export function mergeHexsha(a: TrajectoryInfo, b: TrajectoryInfo): string {
  const py = pythonFloatRepr;
  return createHash('sha1').update(`${a.name}${py(a.timestamp)}${b.name}${py(b.timestamp)}${PYPET_FORMAT_VERSION}`, 'utf8').digest('hex');
}

/** Writes `config.merge.merge_<hexsha7>_<time>` for one merged trajectory; returns its full name. */
export function writeMergeRecord(ctx: Context, dst: H5File, o: OtherMerge): string {
  const { options, a } = ctx;
  const hexsha = mergeHexsha(a.info, o.info);
  const base = `merge_${hexsha.slice(0, 7)}_${formatTime(ctx.timestamp)}`;
  let group = `config.merge.${base}`;
  for (let k = 1; dst.exists(nodePath(ctx.name, group)); k++) group = `config.merge.${base}_${k}`;
  const add = (name: string, value: TypedValue, comment: string) =>
    writeLeaf(dst, ctx.name, `${group}.${name}`, { className: 'Parameter', comment, data: { kind: 'parameter', value } });
  const int = (v: number): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'int' } });
  const float = (v: number): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'float' } });
  const str = (v: string): TypedValue => ({ value: v, type: { kind: 'scalar', scalar: 'str' } });
  add('merged_runs', int(o.plan.used.length), 'Number of merged runs');
  add('timestamp', float(ctx.timestamp), 'Timestamp of merge');
  add('hexsha', str(hexsha), 'SHA-1 identifier of the merge');
  add('remove_duplicates', { value: options.remove_duplicates, type: { kind: 'scalar', scalar: 'bool' } }, 'Option to remove duplicate entries');
  if (options.ignore_data.length > 0) {
    add('ignore_data', { value: [...options.ignore_data], type: { kind: 'tuple', scalar: 'str' } }, 'Data to ignore during merge');
  }
  add('length_before_merge', int(o.plan.lengthBefore), 'Length of trajectory before merge');
  if (a.info.version !== PYPET_FORMAT_VERSION) add('version', str(a.info.version), 'Pypet version if it differs from the version of the trajectory');
  if (o.plan.trial) add('trial_parameter', str(o.plan.trial.name), 'Name of trial parameter');
  if (options.keep_other_trajectory_info) {
    if (o.info.version !== a.info.version) add('other_trajectory.version', str(o.info.version), "The version of pypet you used to manage the other trajectory. Only added if other trajectory's version differs from current trajectory version.");
    add('other_trajectory.name', str(o.name), 'Name of other trajectory merged into the current one');
    add('other_trajectory.timestamp', float(o.info.timestamp), 'Timestamp of creation of other trajectory merged into the current one');
    add('other_trajectory.length', int(o.length), 'Length of other trajectory');
    if (o.info.comment) add('other_trajectory.comment', str(o.info.comment), 'Comment of other trajectory');
  }
  const mergeGroup = nodePath(ctx.name, 'config.merge');
  if (!dst.hasAttr(mergeGroup, COMMENT)) dst.writeAttr(mergeGroup, COMMENT, stringAttr('Settings and information of the different merges'));
  return group;
}
