/**
 * `npm start`: the main job. Runs the demo exploration (an SIR epidemic model over a 4 × 3 grid
 * of infection and recovery rates) through the Environment, writes `data/demo.hdf5`, and prints
 * what it stored.
 */
import fs from 'node:fs';
import { Environment, Trajectory, cartesian_product } from '../src/index.js';
import { run, setup } from './demo/sir.js';

const filename = 'data/demo.hdf5';
fs.mkdirSync('data', { recursive: true });
const env = new Environment({
  trajectory: 'sir_demo',
  filename,
  comment: 'SIR epidemics over infection and recovery rates',
  overwrite_file: true,
  progress: 'quiet',
});
setup(env.trajectory, cartesian_product);
const started = performance.now();
const results = await env.run(run);
const seconds = (performance.now() - started) / 1000;

// Read back from the file, as an analysis would.
const traj = new Trajectory('sir_demo', { add_time: false, filename });
traj.f_load({ load_parameters: 2, load_results: 1 });
console.log(`${traj.v_name}: ${results.length} of ${traj.v_length} runs completed in ${seconds.toFixed(2)} s, ${env.failures.length} failed`);
console.log(`stored in ${filename} (${(fs.statSync(filename).size / 1024).toFixed(0)} KiB)\n`);
console.log('run           beta  gamma    R0  peak day  peak infected  attack rate');
for (const name of traj.f_iter_runs()) {
  const epidemic = traj.f_get('epidemic', { auto_load: true });
  const r0 = traj.f_get('r0', { auto_load: true, fast_access: true });
  console.log(
    `${name}  ${traj.beta.toFixed(2).padStart(4)}  ${traj.gamma.toFixed(2).padStart(5)}  ${r0.toFixed(1).padStart(4)}` +
      `  ${String(epidemic.peak_day).padStart(8)}  ${epidemic.peak_infected.toFixed(0).padStart(13)}  ${(100 * epidemic.attack_rate).toFixed(1).padStart(10)}%`,
  );
}
