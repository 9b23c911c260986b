/**
 * The README's first example (pypet's example 01 with an Environment), run as written: results
 * loaded as a skeleton come back as values through v_auto_load, natural naming and
 * f_get_from_runs alike.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, Trajectory, cartesian_product } from '../../src/index.js';
import { inTempDir } from '../helpers.js';

test("the README's first example gives its values", async () => {
  await inTempDir('readme', async (dir) => {
    const filename = join(dir, 'data', 'example.hdf5'); // the folder does not exist yet
    const env = new Environment({ trajectory: 'Multiplication', filename, comment: 'The first example!', progress: 'quiet' });
    const traj = env.traj;
    traj.f_add_parameter('x', 1, { dtype: 'int', comment: 'I am the first dimension!' });
    traj.f_add_parameter('y', 1, { dtype: 'int', comment: 'I am the second dimension!' });
    traj.f_explore(cartesian_product({ x: [1, 2, 3, 4], y: [6, 7, 8] }));
    await env.run((traj) => {
      traj.f_add_result('z', traj.x * traj.y, { comment: 'Result of our simulation!' });
    });

    const t = new Trajectory('Multiplication', { add_time: false, filename });
    t.f_load({ index: -1, load_parameters: 2, load_results: 1 });
    assert.ok(t.f_get('results.runs.run_00000001.z').f_is_empty(), 'results load as a skeleton');
    // Without auto-loading, f_get_from_runs gives the skeletons, as pypet does.
    const skeletons = t.f_get_from_runs('z', { use_indices: true });
    assert.ok(skeletons.get(0).f_is_empty());
    t.v_auto_load = true;
    assert.is(t.run_00000001.z, 7);
    assert.equal([...t.f_find_idx(['x', 'y'], (x, y) => x === 2 || y === 8)], [2, 3, 4, 5, 8, 11]);
    assert.equal(t.f_find_runs({ x: { $gte: 3 }, y: 8 }), [8, 11]);
    const z = t.f_get_from_runs('z', { fast_access: true, use_indices: true });
    assert.equal([...z.entries()].slice(0, 3), [[0, 6], [1, 7], [2, 8]]);
    assert.is(z.size, 12);
    assert.equal([...t.f_to_records({ results: ['z'] })].map((r) => r.z), [6, 7, 8, 12, 14, 16, 18, 21, 24, 24, 28, 32]);
    // An explicit auto_load: false still wins over v_auto_load.
    const fresh = new Trajectory('Multiplication', { add_time: false, filename });
    fresh.f_load({ load_parameters: 2, load_results: 1 });
    fresh.v_auto_load = true;
    assert.ok(fresh.f_get_from_runs('z', { auto_load: false }).get('run_00000000').f_is_empty());
  });
});

test.run();
