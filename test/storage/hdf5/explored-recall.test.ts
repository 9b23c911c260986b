/**
 * Explored values read back from a parameter's `explored_data` table: each distinct value is
 * recalled once and its typed value shared by the runs that repeat it (a million-run grid repeats
 * a few thousand values), with the same values and types as one per run, -0.0 kept apart from 0.0.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { Trajectory } from '../../../src/index.js';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { readLeaf } from '../../../src/storage/hdf5/layout/nodes.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir('h5traj-explored-recall-');

test('repeated explored values share one typed value each; values, types and -0.0 are as stored', async () => {
  const file = path.join(dir, 'grid.hdf5');
  const t = new Trajectory('t', { add_time: false, filename: file });
  t.f_add_parameter('x', 0.5);
  t.f_add_parameter('n', 1, { dtype: 'int' });
  t.f_add_parameter('mode', 'alpha');
  t.f_explore({ x: [0.5, 1, 0.5, -0, 0, 1], n: [3, 3, 4, 3, 4, 4], mode: ['alpha', 'béta', 'alpha', 'béta', 'alpha', 'alpha'] });
  t.f_store();
  const f = await openH5(file, 'r');
  try {
    const range = (name: string) => {
      const data = readLeaf(f, 't', `parameters.${name}`, 'Parameter');
      assert.is(data.kind, 'parameter');
      return (data as { range: { value: unknown; type: unknown }[] }).range;
    };
    const x = range('x');
    assert.equal(x.map((tv) => tv.value), [0.5, 1, 0.5, -0, 0, 1]);
    assert.ok(Object.is(x[3]!.value, -0) && Object.is(x[4]!.value, 0), '-0.0 and 0.0 stay apart');
    assert.ok(x[0] === x[2] && x[1] === x[5], 'a repeated value is one typed value');
    assert.equal(x[0]!.type, { kind: 'scalar', scalar: 'float' });
    const n = range('n');
    assert.equal(n.map((tv) => tv.value), [3, 3, 4, 3, 4, 4]);
    assert.ok(n[0] === n[1] && n[2] === n[4]);
    assert.equal(n[0]!.type, { kind: 'scalar', scalar: 'int' });
    const mode = range('mode');
    assert.equal(mode.map((tv) => tv.value), ['alpha', 'béta', 'alpha', 'béta', 'alpha', 'alpha']);
    assert.ok(mode[0] === mode[2] && mode[1] === mode[3]);
    assert.equal(mode[0]!.type, { kind: 'scalar', scalar: 'str' });
  } finally {
    f.close();
  }
  const back = new Trajectory('t', { add_time: false, filename: file });
  back.f_load({ load_parameters: 2 });
  assert.equal(back.f_get('mode').f_get_range(), ['alpha', 'béta', 'alpha', 'béta', 'alpha', 'alpha']);
  assert.equal(back.f_get('n').f_get_range(), [3, 3, 4, 3, 4, 4]);
});

test.run();
