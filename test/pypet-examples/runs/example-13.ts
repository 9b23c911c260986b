/**
 * pypet's examples/example_13_post_processing/main.py as a module (worker threads load
 * `runNeuron` from it): the leaky integrate-and-fire neuron, its parameters and exploration, and
 * the postprocessing that sorts the firing rates into a table.
 *
 * pypet's table is a pandas DataFrame indexed by I (rows) and tau_ref (columns); h5traj has no
 * DataFrame, so the port stores the same table as a 2-d float64 array `rates_frame` with its
 * row and column labels as the items `I_index` and `ref_index` (NaN where pandas has NaN).
 */
import { NDArray, cartesian_product, typed, type Trajectory } from '../../../src/index.js';

/** Runs a simulation of a model neuron; returns an estimate of its firing rate. */
export function runNeuron(traj: Trajectory): number {
  const V_init: number = traj.par.neuron.V_init;
  const I: number = traj.par.neuron.I;
  const tau_V: number = traj.par.neuron.tau_V;
  const tau_ref: number = traj.par.neuron.tau_ref;
  const dt: number = traj.par.simulation.dt;
  const duration: number = traj.par.simulation.duration;

  const steps = Math.trunc(duration / dt);
  const V_array = new Float64Array(steps);
  V_array[0] = V_init;
  const spiketimes: number[] = [];
  for (let step = 1; step < steps; step++) {
    if (V_array[step - 1]! >= 1) {
      V_array[step] = 0;
      spiketimes.push((step - 1) * dt);
    } else if (spiketimes.length > 0 && step * dt - spiketimes[spiketimes.length - 1]! <= tau_ref) {
      V_array[step] = 0;
    } else {
      const dV = (-1 / tau_V) * V_array[step - 1]! + I;
      V_array[step] = V_array[step - 1]! + dV * dt;
    }
  }
  traj.f_add_result(
    'neuron.$',
    { V: V_array, nspikes: typed(spiketimes.length, 'int') },
    { comment: 'Contains the development of the membrane potential over time as well as the number of spikes.' },
  );
  return (spiketimes.length / traj.par.simulation.duration) * 1000;
}

/** Postprocessing: sorts the computed firing rates into a table indexed by I and tau_ref. */
export function neuronPostproc(traj: Trajectory, resultList: [number, unknown][]): void {
  const I_range: number[] = traj.par.neuron.f_get('I').f_get_range();
  const ref_range: number[] = traj.par.neuron.f_get('tau_ref').f_get_range();
  const I_index = [...new Set(I_range)].sort((a, b) => a - b);
  const ref_index = [...new Set(ref_range)].sort((a, b) => a - b);
  const rates = new Float64Array(I_index.length * ref_index.length).fill(NaN);
  for (const [runIdx, firingRates] of resultList) {
    const row = I_index.indexOf(I_range[runIdx]!);
    const col = ref_index.indexOf(ref_range[runIdx]!);
    rates[row * ref_index.length + col] = firingRates as number;
  }
  traj.f_add_result(
    'summary.firing_rates',
    {
      rates_frame: new NDArray('float64', [I_index.length, ref_index.length], rates),
      I_index: new Float64Array(I_index),
      ref_index: new Float64Array(ref_index),
    },
    { comment: 'Contains a pandas data frame with all firing rates.' },
  );
}

/** Adds all parameters to `traj`. */
export function addParameters(traj: Trajectory): void {
  traj.f_add_parameter('neuron.V_init', 0.0, { comment: 'The initial condition for the membrane potential' });
  traj.f_add_parameter('neuron.I', 0.0, { comment: 'The externally applied current.' });
  traj.f_add_parameter('neuron.tau_V', 10.0, { comment: 'The membrane time constant in milliseconds' });
  traj.f_add_parameter('neuron.tau_ref', 5.0, { comment: 'The refractory period in milliseconds where the membrane potnetial is clamped.' });
  traj.f_add_parameter('simulation.duration', 1000.0, { comment: 'The duration of the experiment in milliseconds.' });
  traj.f_add_parameter('simulation.dt', 0.1, { comment: 'The step size of an Euler integration step.' });
}

/** Explores I (numpy's arange(0, 1.01, 0.01): start + i * step) and tau_ref, tau_ref outermost. */
export function addExploration(traj: Trajectory): void {
  const exploreDict = {
    'neuron.I': Array.from({ length: 101 }, (_, i) => 0 + i * 0.01),
    'neuron.tau_ref': [5.0, 7.5, 10.0],
  };
  traj.f_explore(cartesian_product(exploreDict, ['neuron.tau_ref', 'neuron.I']));
}
