/**
 * Port of pypet's examples/example_17_wrapping_an_existing_project: the cellular automata of
 * original.py wrapped by pypetwrap.py — parameters added by assignment, 5 rules × 2 initial
 * states explored on 4 worker threads, all data loaded with f_load(load_data=2), and each run's
 * pattern read through `crun` while iterating over the runs (where the original plots it, the
 * port checks it). The random initial state is numpy's (runs/mt19937.ts).
 *
 * The expected values were read from the file the Python original writes (pypet 0.7.0 at
 * a95aabf, Debian's python3.11 + numpy 1.24 + tables 3.7) with f_load(load_all=2): per run the
 * file name make_filename gives, the number of live cells, and the SHA-256 of the pattern as
 * text (one line of 0/1 per time step).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, NDArray, Parameter, cartesian_product } from '../../src/index.js';
import { makeFilename } from './runs/example-17.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

const WRAP_AUTOMATON = { module: fileURLToPath(new URL('./runs/example-17.ts', import.meta.url)), export: 'wrapAutomaton' };

const PYTHON: [string, number, string][] = [
  ['rule_number_10__initial_name_single.png', 250, '4bc3c4e91dd4a61800c96f0a1b1f2dafa2cb6fb31bc0544ad551e34150b6de34'],
  ['rule_number_10__initial_name_random.png', 24609, '0a46b3df8f81990583c7f0b4d23283d9e7421ba59fa1d508916ca89a735db6af'],
  ['rule_number_30__initial_name_single.png', 30343, 'f74c92056c75e31f230e42a900a589feace30e3d87f88547a6e1c1af03863093'],
  ['rule_number_30__initial_name_random.png', 50023, 'a4c00df1d7dfc82921bce8560b53046b1999b0d9d71b69b5c937db532174dedc'],
  ['rule_number_90__initial_name_single.png', 5427, '3584a4029c79c0ed1acf8705130988c9f3ef02d934eda6320ca7adaedabbb86a'],
  ['rule_number_90__initial_name_random.png', 50123, '552f3dfbfbf377c600784e035d69ec98df1293d88096e49005bc20abf443259f'],
  ['rule_number_110__initial_name_single.png', 18153, '3fb2a3ac74f03d9174353b498a6641f6c1aea8ba4b5fb36f6586302ab32c837b'],
  ['rule_number_110__initial_name_random.png', 56442, '6f8fd59d0edc5dcd6b0ebfd1d878f8ebaa99c46b8c0b9e6ab8544d44648c8b52'],
  ['rule_number_184__initial_name_single.png', 250, '92ef4752d17d56fd89a5532e0cf9a653395179ca4957f533df88c8203972a405'],
  ['rule_number_184__initial_name_random.png', 51750, 'f830dba532ba0ebc72a653a9d82184c23ef1f81548a64faa95a3a344082c26cf'],
];

/** The pattern as Python's '\n'.join(''.join(str(int(v)) for v in row) for row in pattern). */
function patternText(pattern: NDArray): string {
  return [...pattern].map((row) => [...(row as NDArray)].map((v) => String(v)).join('')).join('\n');
}

test('example_17: the wrapped automata give the patterns pypet stores', async () => {
  await inTempDir('ex17', async (dir) => {
    const folder = join(dir, 'experiments', 'ca_patterns_pypet');
    const filename = join(folder, 'all_patterns.hdf5');
    const env = new Environment({
      trajectory: 'cellular_automata',
      multiproc: true,
      ncores: 4,
      wrap_mode: 'QUEUE',
      filename,
      overwrite_file: true,
      progress: 'quiet',
    } as any);
    const traj = env.traj;
    traj.par.ncells = new Parameter('ncells', 400, { comment: 'Number of cells', dtype: 'int' });
    traj.par.steps = new Parameter('steps', 250, { comment: 'Number of timesteps', dtype: 'int' });
    traj.par.rule_number = new Parameter('rule_number', 30, { comment: 'The ca rule', dtype: 'int' });
    traj.par.initial_name = new Parameter('initial_name', 'random', { comment: 'The type of initial state' });
    traj.par.seed = new Parameter('seed', 100042, { comment: 'RNG Seed', dtype: 'int' });
    const expDict = cartesian_product({ rule_number: [10, 30, 90, 110, 184], initial_name: ['single', 'random'] });
    traj.f_explore(expDict);
    await env.run(WRAP_AUTOMATON);

    traj.f_load({ load_data: 2 });
    const seen: [string, number, string][] = [];
    for (const _runName of traj.f_iter_runs()) {
      const pattern = traj.crun.pattern as NDArray;
      assert.equal(pattern.shape, [250, 400]);
      const text = patternText(pattern);
      seen.push([makeFilename(traj), [...text].filter((c) => c === '1').length, createHash('sha256').update(text).digest('hex')]);
    }
    assert.equal(seen, PYTHON);
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test.run();
