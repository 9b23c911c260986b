/**
 * An explored parameter's values are one table column of a million cells at a million runs
 * (issue 13, bounded memory when opening): the column is recalled without a name, a Buffer or a
 * type object per cell, and loads back exactly what was stored.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { Trajectory } from '../../../src/index.js';
import { F64, fixedString } from '../../../src/storage/hdf5/engine/h5types.js';
import { recallColumn, recallTextColumn } from '../../../src/storage/hdf5/layout/typemap.js';
import { tempDir } from '../../helpers.js';

test('recallColumn names a cell only when it cannot be read', () => {
  let named = 0;
  const where = (i: number) => {
    named += 1;
    return `p (run ${i})`;
  };
  const out = recallColumn([1.5, 2, 'text', 4], F64, { coll: 'COLL_SCALAR', scalar: 'float' }, where);
  assert.equal(out.slice(0, 2).map((tv) => tv.value), [1.5, 2]);
  assert.is(out[3]!.value, 4);
  assert.is(out[2]!.type.kind, 'unsupported');
  assert.match((out[2]!.type as { reason: string }).reason, /p \(run 2\)/);
  assert.is(named, 1);
  assert.ok(out[0]!.type === out[3]!.type, 'the cells share one type object');
});

test('recallTextColumn recalls str cells from text with one type object; other columns are not its', () => {
  const t = fixedString(7);
  const out = recallTextColumn(() => ['alpha', 'beta', 'alpha'], t, { coll: 'COLL_SCALAR', scalar: 'str' })!;
  assert.equal(out.map((tv) => tv.value), ['alpha', 'beta', 'alpha']);
  assert.equal(out[0]!.type, { kind: 'scalar', scalar: 'str' });
  assert.ok(out[0]!.type === out[2]!.type);
  let decoded = false;
  const text = () => {
    decoded = true;
    return ['x'];
  };
  assert.is(recallTextColumn(text, t, { coll: 'COLL_SCALAR', scalar: 'bytes_' }), undefined, 'bytes stay Buffers');
  assert.is(recallTextColumn(text, t, { coll: 'COLL_LIST', scalar: 'str' }), undefined);
  assert.is(recallTextColumn(text, F64, { coll: 'COLL_SCALAR', scalar: 'str' }), undefined);
  assert.is(decoded, false, 'a column that is not its is not decoded');
});

test('explored str, float and int64 parameters load back exactly', () => {
  const file = path.join(tempDir('explored-columns'), 'explored.hdf5');
  const n = 3000;
  const modes = ['alpha', 'beta', 'gämma', ''];
  const traj = new Trajectory('cols', { add_time: false, filename: file });
  traj.f_add_parameter('mode', 'alpha');
  traj.f_add_parameter('x', 0.0);
  traj.f_add_parameter('y', 0, { dtype: 'int64' });
  traj.f_explore({
    mode: Array.from({ length: n }, (_, i) => modes[i % 4]!),
    x: Array.from({ length: n }, (_, i) => i / 7),
    y: Array.from({ length: n }, (_, i) => i * 3),
  });
  traj.f_store();
  const back = new Trajectory('cols', { add_time: false, filename: file });
  back.f_load({ load_parameters: 2 });
  assert.equal(back.f_get('mode').f_get_range(), traj.f_get('mode').f_get_range());
  assert.equal(back.f_get('x').f_get_range(), traj.f_get('x').f_get_range());
  assert.equal(back.f_get('y').f_get_range(), traj.f_get('y').f_get_range());
  assert.is(back.f_get('mode').f_get_range()[2], 'gämma');
});

test.run();
