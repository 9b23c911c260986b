/**
 * Copying the arrays the plan lists for ArrayParameters and PickleParameters that became (or
 * stay) explored (`explored__rr__/set_NNNNN/xa_NNNNNNNN`). Apart from `copy-runs.ts` because
 * these come from either file (the target's own `data` array too), by the plan, not by a walk.
 */
import { StorageError } from '../../../errors.js';
import { copyDataset } from '../transactions/copy.js';
import { H5File, parentOf, stringAttr } from '../engine/h5file.js';
import { STORE } from '../layout/typemap.js';
import { ArrayCopy, Context } from './plan.js';

/** Copies an array of an ArrayParameter/PickleParameter, creating its `NESTED_GROUP` groups. */
export function writeArrayCopy(ctx: Context, dst: H5File, from: H5File, c: ArrayCopy): void {
  const target = c.dst;
  if (c.nested) {
    for (const g of [parentOf(parentOf(target)), parentOf(target)]) {
      if (dst.exists(g)) continue;
      dst.createGroup(g);
      dst.writeAttr(g, STORE, stringAttr('NESTED_GROUP'));
    }
  }
  if (dst.exists(target)) throw new StorageError(`Cannot store the merged array '${target}': the name is taken in '${dst.path}'.`, { file: dst.path, path: target });
  copyDataset(from, c.src, dst, target, ctx.stats);
}
