/**
 * The demo exploration: an SIR epidemic model over a grid of infection and recovery rates.
 * Small enough to run in a second, real enough to have results worth looking at.
 */
import { cartesian_product, typed, type Trajectory } from '../../src/index.js';

/** The trajectory name and comment `h5traj run` uses. */
export const name = 'sir_demo';
export const comment = 'SIR epidemics over infection and recovery rates';
/** Results `h5traj run` prints for each run. */
export const summary = ['r0', 'epidemic.peak_day', 'epidemic.peak_infected', 'epidemic.attack_rate'];

/** Adds the demo's parameters to a trajectory and explores a 4 × 3 grid. */
export function setup(traj: Trajectory): void {
  traj.f_add_parameter('model.beta', 0.3, { comment: 'infection rate per day' });
  traj.f_add_parameter('model.gamma', 0.1, { comment: 'recovery rate per day' });
  traj.f_add_parameter('model.population', 10_000, { dtype: 'int', comment: 'number of people' });
  traj.f_add_parameter('sim.days', 160, { dtype: 'int', comment: 'simulated days' });
  traj.f_add_parameter('sim.dt', 0.1, { comment: 'Euler step in days' });
  traj.f_explore(cartesian_product({ 'model.beta': [0.2, 0.3, 0.4, 0.5], 'model.gamma': [0.05, 0.1, 0.2] }));
}

/** One run: integrates the SIR equations and stores the epidemic curve and its key numbers. */
export function run(traj: Trajectory): number {
  const beta: number = traj.beta;
  const gamma: number = traj.gamma;
  const n: number = traj.population;
  const days: number = traj.days;
  const dt: number = traj.dt;
  let s = n - 1;
  let i = 1;
  let r = 0;
  const infected = new Float64Array(days + 1);
  infected[0] = i;
  const stepsPerDay = Math.round(1 / dt);
  for (let day = 1; day <= days; day++) {
    for (let k = 0; k < stepsPerDay; k++) {
      const newInfections = (beta * s * i * dt) / n;
      const recoveries = gamma * i * dt;
      s -= newInfections;
      i += newInfections - recoveries;
      r += recoveries;
    }
    infected[day] = i;
  }
  let peakDay = 0;
  for (let d = 1; d <= days; d++) if (infected[d]! > infected[peakDay]!) peakDay = d;
  traj.f_add_result('epidemic', {
    peak_infected: infected[peakDay]!,
    peak_day: typed(peakDay, 'int'),
    attack_rate: r / n,
    infected,
  }, { comment: 'SIR epidemic curve and its summary' });
  traj.f_add_derived_parameter('r0', beta / gamma, { comment: 'basic reproduction number' });
  return r / n;
}
