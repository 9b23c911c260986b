/**
 * `npm start`: runs the demo exploration (an SIR model over a 4 × 3 grid) and prints a summary.
 */
import { Trajectory, cartesian_product } from '../src/index.js';
import { run, setup } from './demo/sir.js';

const traj = new Trajectory('sir_demo', { add_time: false, comment: 'SIR epidemics over infection and recovery rates' });
setup(traj, cartesian_product);
const started = performance.now();
for (const _ of traj.f_iter_runs()) run(traj);
const seconds = (performance.now() - started) / 1000;

const peak = traj.f_get_from_runs('epidemic', { use_indices: true });
console.log(`${traj.v_name}: ${traj.v_length} runs in ${seconds.toFixed(2)} s`);
console.log('run           beta  gamma    R0  peak day  peak infected  attack rate');
for (const [idx, result] of peak) {
  traj.f_as_run(idx as number);
  console.log(
    `${traj.v_crun}  ${traj.beta.toFixed(2).padStart(4)}  ${traj.gamma.toFixed(2).padStart(5)}  ${traj.r0.toFixed(1).padStart(4)}` +
      `  ${String(result.peak_day).padStart(8)}  ${result.peak_infected.toFixed(0).padStart(13)}  ${(100 * result.attack_rate).toFixed(1).padStart(10)}%`,
  );
}
traj.f_restore_default();
