/**
 * Port of pypet's examples/example_13_post_processing: main.py (303 runs of a leaky
 * integrate-and-fire neuron on 2 worker threads, then a postprocessing step that sorts the firing
 * rates into a table), pipeline.py (the same experiment through `env.pipeline`) and analysis.py
 * (loading the parameters only and reading the rest by auto loading; the plots are left out).
 *
 * Gap: pypet's table is a pandas DataFrame; h5traj has no DataFrame, so the port stores the same
 * numbers as a 2-d array with its row and column labels (see runs/example-13.ts).
 *
 * The expected numbers were read from the file the Python original main.py writes (pypet 0.7.0 at
 * a95aabf, Debian's python3.11 + numpy 1.24 + pandas 1.5 + tables 3.7) with f_load(load_all=2):
 * the DataFrame's columns (one per tau_ref), and run 13's I, tau_ref, nspikes and V.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, NDArray, Trajectory } from '../../src/index.js';
import { addExploration, addParameters, neuronPostproc } from './runs/example-13.js';
import { assertSameAsPypet } from './pypet-view.js';
import { inTempDir } from '../helpers.js';

const RUN_NEURON = { module: fileURLToPath(new URL('./runs/example-13.ts', import.meta.url)), export: 'runNeuron' };

/** pypet's rates_frame, column by column (tau_ref 5.0, 7.5, 10.0), rows I = 0.0, 0.01, …, 1.0. */
const PYTHON_RATES: Record<string, number[]> = {
  '5': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 34, 43, 51, 57, 62, 67, 72, 76, 80, 84, 87, 90, 93, 96, 99, 101, 103, 106, 108, 110, 112, 114, 116, 118, 119, 121, 122, 124, 125, 127, 128, 128, 130, 132, 132, 133, 135, 135, 137, 137, 139, 139, 141, 141, 143, 143, 143, 145, 145, 145, 147, 147, 147, 150, 150, 150, 150, 152, 152, 152, 152, 154, 154, 154, 154, 154, 157, 157, 157, 157, 157, 159, 159, 159, 159, 159, 159, 159, 162, 162, 162, 162, 162, 162, 162, 164, 164, 164, 164, 164],
  '7.5': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 39, 45, 50, 54, 58, 61, 64, 67, 69, 71, 74, 76, 78, 79, 81, 82, 84, 85, 86, 88, 89, 90, 91, 92, 93, 94, 95, 95, 96, 97, 97, 98, 99, 99, 100, 101, 101, 102, 102, 103, 103, 104, 104, 106, 106, 106, 107, 107, 107, 108, 108, 108, 109, 109, 109, 109, 110, 110, 110, 110, 111, 111, 111, 111, 111, 113, 113, 113, 113, 113, 114, 114, 114, 114, 114, 114, 114, 115, 115, 115, 115, 115, 115, 115, 117, 117, 117, 117, 117],
  '10': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 29, 36, 41, 44, 48, 51, 53, 55, 57, 59, 61, 62, 64, 65, 66, 67, 68, 70, 70, 71, 72, 73, 74, 74, 75, 75, 76, 77, 77, 78, 78, 78, 79, 80, 80, 80, 81, 81, 82, 82, 82, 82, 83, 83, 84, 84, 84, 84, 84, 84, 85, 85, 85, 86, 86, 86, 86, 87, 87, 87, 87, 87, 87, 87, 87, 87, 88, 88, 88, 88, 88, 89, 89, 89, 89, 89, 89, 89, 90, 90, 90, 90, 90, 90, 90, 91, 91, 91, 91, 91],
};

const comment =
  'Experiment to measure the firing rate of a leaky integrate and fire neuron. Exploring different input currents, as well as refractory periods';

/** analysis.py: the checks of the table and of run 13 against pypet's numbers. */
function analysis(filename: string, name: string): void {
  const traj = new Trajectory(name, { add_time: false });
  traj.f_load({ load_parameters: 2, load_derived_parameters: 0, load_results: 0, load_other_data: 0, filename });
  traj.v_auto_load = true;
  const firingRates = traj.res.summary.firing_rates;
  const ratesFrame = firingRates.rates_frame as NDArray;
  const columns = [...(firingRates.ref_index as NDArray)] as number[];
  const index = [...(firingRates.I_index as NDArray)] as number[];
  assert.equal(columns, [5.0, 7.5, 10.0]);
  assert.is(index.length, 101);
  assert.equal([index[0], index[1], index[2], index[100]], [0.0, 0.01, 0.02, 1.0]);
  columns.forEach((tauRef, col) => {
    const column = index.map((_, row) => ratesFrame.get(row, col));
    assert.equal(column, PYTHON_RATES[String(tauRef)], `tau_ref=${tauRef}`);
  });

  const exampleRun = 13;
  traj.v_idx = exampleRun;
  const exampleI = traj.I;
  const exampleTauRef = traj.tau_ref;
  const exampleV = traj.results.neuron.crun.V as NDArray;
  assert.equal([exampleI, exampleTauRef, traj.results.neuron.crun.nspikes], [0.13, 5.0, 51]);
  assert.equal(traj.results.neuron.crun._typedItem('nspikes').type, { kind: 'scalar', scalar: 'int' }); // an int, as in pypet's file
  assert.is(exampleV.length, 10000);
  assert.equal((exampleV.get(-1) as number), 0.0386113);
  assert.equal([0, 1, 2, 3, 4].map((i) => exampleV.get(i)), [0.0, 0.013000000000000001, 0.025870000000000004, 0.0386113, 0.051225187000000005]);
  // numpy's sum is pairwise, so the last digits of a plain sum may differ.
  const sum = [...exampleV].reduce((a: number, b) => a + (b as number), 0);
  assert.ok(Math.abs(sum - 4629.345431997312) < 1e-9, String(sum));
  traj.f_restore_default();
}

test('example_13 main.py + analysis.py: the firing rates pypet computes', async () => {
  await inTempDir('ex13', async (dir) => {
    const filename = join(dir, 'hdf5', 'FiringRate.hdf5');
    const env = new Environment({
      trajectory: 'FiringRate',
      comment,
      add_time: false,
      log_stdout: true,
      log_config: 'DEFAULT',
      multiproc: true,
      ncores: 2,
      wrap_mode: 'QUEUE',
      filename,
      overwrite_file: true,
      progress: 'quiet',
    } as any);
    const traj = env.trajectory;
    addParameters(traj);
    addExploration(traj);
    env.add_postprocessing(neuronPostproc);
    await env.run(RUN_NEURON);
    analysis(filename, 'FiringRate');
    await assertSameAsPypet(filename); // issue 11: pypet 0.7 loads the file (no force) and sees what h5traj dumps
  });
});

test('example_13 pipeline.py: env.pipeline gives the same table', async () => {
  await inTempDir('ex13p', async (dir) => {
    const filename = join(dir, 'hdf5', 'FiringRate.hdf5');
    const mypipeline = (traj: Trajectory) => {
      addParameters(traj);
      addExploration(traj);
      return [[RUN_NEURON, [], {}], [neuronPostproc, [], {}]];
    };
    const env = new Environment({
      trajectory: 'FiringRatePipeline',
      comment,
      add_time: false,
      log_stdout: true,
      multiproc: true,
      ncores: 2,
      filename,
      overwrite_file: true,
      progress: 'quiet',
    } as any);
    const results = await env.pipeline(mypipeline);
    assert.is(results.length, 303);
    analysis(filename, 'FiringRatePipeline');
  });
});

test.run();
